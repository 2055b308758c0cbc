"""Readers find published articles by their words, names and tags, as a search engine would."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from articles.search import SearchRequest, _search_fallback, search
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("full-text search runs on PostgreSQL (SQLite has the fallback tested below)")


def found(text: str, **filters) -> list[str]:
    return [a.title for a in search(SearchRequest(text=text, **filters))]


def page(client, query: str) -> str:
    response = client.get("/search/", {"q": query} if isinstance(query, str) else query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_body():
    ArticleFactory(title="Markets steady", body="<p>Talk of sanctions unsettled nobody.</p>")
    ArticleFactory(title="New sanctions announced", body="<p>Details follow.</p>")

    assert found("sanctions") == ["New sanctions announced", "Markets steady"]


def test_words_are_found_in_any_form_of_the_language():
    ArticleFactory(title="Negotiators meet", body="<p>They are negotiating again.</p>")

    assert found("negotiations") == ["Negotiators meet"]


def test_a_quoted_phrase_finds_the_words_together_only():
    ArticleFactory(title="Together", body="<p>The nuclear deal was signed.</p>")
    ArticleFactory(title="Apart", body="<p>A deal on trade, and a nuclear plant.</p>")

    assert found('"nuclear deal"') == ["Together"]


def test_minus_leaves_a_word_out_and_or_takes_either():
    ArticleFactory(title="Oil prices", body="<p>Oil and gas.</p>")
    ArticleFactory(title="Gas prices", body="<p>Gas only.</p>")
    ArticleFactory(title="Wheat prices", body="<p>Grain.</p>")

    assert set(found("prices -oil")) == {"Gas prices", "Wheat prices"}
    assert set(found("wheat or oil")) == {"Oil prices", "Wheat prices"}


def test_a_star_finds_the_start_of_a_word():
    ArticleFactory(title="Reconstruction plans", body="<p>Rebuilding.</p>")

    assert found("reconstr*") == ["Reconstruction plans"]
    assert found("reconstr") == []


def test_authors_names_and_tags_find_their_articles_and_follow_renames():
    author = AuthorFactory(name="Leila Haddad")
    ArticleFactory(title="By Leila", authors=[author])
    ArticleFactory(title="Tagged", tags=["Kurdistan"])

    assert found("Haddad") == ["By Leila"]
    assert found("Kurdistan") == ["Tagged"]

    author.name = "Leila Mansour"
    author.save()
    assert found("Mansour") == ["By Leila"]
    assert found("Haddad") == []


def test_an_edit_is_found_at_once():
    article = ArticleFactory(title="First title")
    article.body = "<p>Now about desalination.</p>"
    article.save()

    assert found("desalination") == ["First title"]


def test_drafts_and_scheduled_articles_are_never_found():
    ArticleFactory(title="Draft on drought", draft=True)
    ArticleFactory(title="Tomorrow on drought", scheduled=True)
    ArticleFactory(title="Out on drought")

    assert found("drought") == ["Out on drought"]


def test_results_narrow_by_section_author_and_year_and_sort_by_date():
    section, author = SectionFactory(slug="iran"), AuthorFactory(slug="sara")
    now = timezone.now()
    ArticleFactory(title="Old elections", published_at=now.replace(year=now.year - 2))
    ArticleFactory(title="Iran elections", section=section)
    ArticleFactory(title="Sara on elections elections", authors=[author])

    assert found("elections", section="iran") == ["Iran elections"]
    assert found("elections", author="sara") == ["Sara on elections elections"]
    assert found("elections", year=now.year - 2) == ["Old elections"]
    assert found("elections", order="date")[-1] == "Old elections"


def test_the_page_highlights_matches_and_escapes_everything_else(client):
    ArticleFactory(
        title="Ceasefire holds",
        body="<p>The ceasefire &lt;script&gt;alert(1)&lt;/script&gt; held overnight.</p>",
    )

    html = page(client, "ceasefire")

    assert "1 article found" in html
    assert "<mark>ceasefire</mark>" in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html


def test_pages_of_results_keep_the_query(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    for n in range(5):
        ArticleFactory(title=f"Drought {n}")

    html = page(client, {"q": "drought", "sort": "date"})

    assert "?q=drought&amp;sort=date&amp;page=2" in html


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("", "Type a few words"),
        ("?!… — ''", "has no words to look for"),
        ("drought\x00", "article"),
        ("a" * 10_000, "only its first 200 characters"),
        ("zzzz", "No articles match"),
    ],
    ids=["empty", "punctuation", "null byte", "huge", "nothing"],
)
def test_odd_queries_get_a_friendly_page(client, query, says):
    ArticleFactory(title="Drought")

    assert says in page(client, query)


def test_the_search_page_costs_the_same_queries_whatever_it_finds(
    client, django_assert_max_num_queries
):
    for n in range(12):
        ArticleFactory(title=f"Flood {n}", authors=[AuthorFactory()], tags=["water"])

    with django_assert_max_num_queries(8):
        page(client, "flood")


def test_every_page_has_the_search_box(client):
    article = ArticleFactory()

    for path in ("/", article.get_absolute_url(), f"/section/{article.section.slug}/"):
        html = client.get(path).content.decode()
        assert '<form class="site-search" method="get" action="/search/" role="search">' in html


def test_the_fallback_without_postgresql_finds_articles_with_every_word():
    ArticleFactory(title="Water and power", published_at=timezone.now() - timedelta(days=2))
    ArticleFactory(title="Water only")

    articles = _search_fallback(Article.objects.published(), SearchRequest(text="water power"))

    assert [a.title for a in articles] == ["Water and power"]


def test_reindexing_finds_articles_loaded_without_signals_and_in_a_new_language(settings):
    from django.core.management import call_command

    article = ArticleFactory(title="Elections")
    Article.objects.filter(pk=article.pk).update(title="Élections", search_vector=None)
    settings.SEARCH_CONFIG = "french"
    assert found("élection") == []

    call_command("search_reindex", verbosity=0)

    assert found("élection") == ["Élections"]


def test_a_word_in_more_articles_than_are_ranked_says_so(client, monkeypatch):
    monkeypatch.setattr("articles.search.SEARCH_CANDIDATES", 3)
    monkeypatch.setattr("articles.views.SEARCH_CANDIDATES", 3)
    for n in range(5):
        ArticleFactory(title=f"Refugees {n}", published_at=timezone.now() - timedelta(hours=n))

    html = page(client, "refugees")

    assert "More than 3 articles match" in html
    assert found("refugees") == ["Refugees 0", "Refugees 1", "Refugees 2"]
