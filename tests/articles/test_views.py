import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from core import pagecache
from tests.articles.test_front_page import between
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PageFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def main_column(response) -> str:
    """The page's main column, without the sidebar's recent-articles list."""
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]


def test_home_lists_published_articles_newest_first(client):
    older = ArticleFactory(title="Older piece", published_at=timezone.now() - timedelta(days=2))
    newer = ArticleFactory(title="Newer piece")
    ArticleFactory(title="Unfinished draft", draft=True)
    ArticleFactory(title="Tomorrow's piece", scheduled=True)

    response = client.get("/")

    content = main_column(response)
    assert response.status_code == 200
    assert content.index(newer.title) < content.index(older.title)
    assert "Unfinished draft" not in content
    assert "Tomorrow&#x27;s piece" not in content and "Tomorrow's piece" not in content


def test_home_paginates(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    for n in range(5):
        ArticleFactory(title=f"Paged {n}", published_at=timezone.now() - timedelta(hours=n + 1))

    first = main_column(client.get("/"))
    third = main_column(client.get("/?page=3"))

    # The front page's section blocks may show older articles; its latest stories are page 1.
    latest = first[: first.index('class="section-block"')]
    assert "Paged 0" in latest and "Paged 1" in latest and "Paged 2" not in latest
    assert "Page 1 of 3" in first
    assert "Paged 4" in third
    assert client.get("/?page=9").status_code == 404


def test_article_page_shows_everything_a_reader_expects(client):
    author = AuthorFactory(name="Nadia Farouk", position="Gulf correspondent")
    article = ArticleFactory(
        title="Talks resume in the capital",
        standfirst="Negotiators return after a month apart.",
        body="<h2>Background</h2><p>They met again.</p><blockquote>We are ready.</blockquote>",
        authors=[author],
        tags=["Diplomacy", "Energy"],
        section=SectionFactory(name="Gulf Analysis"),
    )

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "Gulf Analysis" in content
    assert '<h1 class="article-title">Talks resume in the capital</h1>' in content
    assert f'href="{author.get_absolute_url()}" rel="author">Nadia Farouk</a>' in content
    local = timezone.localtime(article.published_at)
    assert f'<time datetime="{local.isoformat()}">' in content
    assert "<blockquote>We are ready.</blockquote>" in content
    assert 'href="/tag/diplomacy/" rel="tag">Diplomacy</a>' in content
    assert "About the author" in content and "Gulf correspondent" in content


def test_article_time_is_shown_in_the_site_time_zone(client, settings):
    settings.TIME_ZONE = "Asia/Tehran"
    published = datetime(2024, 3, 10, 22, 0, tzinfo=ZoneInfo("UTC"))  # 01:30 next day in Tehran
    article = ArticleFactory(published_at=published)

    response = client.get("/2024/03/11/" + article.slug + "/")

    assert response.status_code == 200
    assert "11 March 2024, 01:30" in response.content.decode()
    assert client.get("/2024/03/10/" + article.slug + "/").status_code == 404


def test_related_articles_share_tags_or_section_and_prev_next_link_neighbours(client):
    section = SectionFactory()
    first = ArticleFactory(section=section, published_at=timezone.now() - timedelta(days=3))
    middle = ArticleFactory(
        tags=["Oil"], title="Middle", published_at=timezone.now() - timedelta(days=2)
    )
    tagged = ArticleFactory(tags=["Oil"], title="Shares a tag")
    unrelated = ArticleFactory(title="Unrelated")
    ArticleFactory(tags=["Oil"], title="Draft on oil", draft=True)

    content = main_column(client.get(middle.get_absolute_url()))

    related = content[content.index("Related articles") :]
    assert "Shares a tag" in related
    assert "Draft on oil" not in content
    assert unrelated.title not in related
    assert f'rel="prev" href="{first.get_absolute_url()}"' in content
    assert f'rel="next" href="{tagged.get_absolute_url()}"' in content


def test_drafts_and_scheduled_articles_are_not_public(client):
    draft = ArticleFactory(draft=True)
    scheduled = ArticleFactory(scheduled=True)
    local = timezone.localtime(scheduled.published_at)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/{local:%Y/%m/%d}/{scheduled.slug}/").status_code == 404
    assert client.get(f"/preview/{scheduled.pk}/").status_code == 404


def test_staff_with_permission_can_preview_a_draft(client):
    editor = UserFactory(is_superuser=True, is_staff=True)
    draft = ArticleFactory(draft=True, title="Work in progress")
    client.force_login(editor)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert "Work in progress" in response.content.decode()
    assert "Only staff can see this page" in response.content.decode()


def test_staff_without_view_permission_cannot_preview_draft(client):
    client.force_login(UserFactory(is_staff=True))
    draft = ArticleFactory(draft=True)

    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/2014/13/45/anything/",
        "/2014/02/30/anything/",
        "/2014/00/10/anything/",
        "/9999/01/01/no-such-article/",
        "/2014/13/",
        "/1800/",
        "/section/no-such-section/",
        "/tag/no-such-tag/",
        "/author/no-such-author/",
        "/no-such-page/",
        "/preview/999999/",
        "/?page=abc",
        "/?page=-1",
        "/?page=0",
        "/?page=1e400",
        "/?page=99999999999999999999",
        "/section/no-such-section/?page=99999999999999999999",
    ],
)
def test_bad_urls_give_a_styled_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_wrong_date_for_a_real_article_is_404(client):
    article = ArticleFactory(published_at=datetime(2024, 5, 1, 12, tzinfo=ZoneInfo("UTC")))

    assert client.get(f"/2024/05/02/{article.slug}/").status_code == 404
    assert client.get(f"/2024/05/01/{article.slug}/").status_code == 200


def test_section_tag_and_author_pages_list_only_their_published_articles(client):
    section = SectionFactory(
        name="Energy Watch", slug="energy-watch", description="Oil, gas and power."
    )
    author = AuthorFactory(name="Omar Haddad", bio="<p>Covers energy markets.</p>")
    mine = ArticleFactory(section=section, authors=[author], tags=["Gas"], title="Gas prices")
    other = ArticleFactory(title="Elsewhere")
    ArticleFactory(section=section, authors=[author], tags=["Gas"], draft=True, title="Hidden")

    for url in ("/section/energy-watch/", "/tag/gas/", author.get_absolute_url()):
        content = main_column(client.get(url))
        assert mine.title in content, url
        assert other.title not in content, url
        assert "Hidden" not in content, url
    assert "Oil, gas and power." in client.get("/section/energy-watch/").content.decode()
    assert "Covers energy markets." in client.get(author.get_absolute_url()).content.decode()


def test_year_and_month_archives(client):
    in_march = ArticleFactory(published_at=datetime(2023, 3, 5, 12, tzinfo=ZoneInfo("UTC")))
    in_may = ArticleFactory(published_at=datetime(2023, 5, 9, 12, tzinfo=ZoneInfo("UTC")))

    year = main_column(client.get("/2023/"))
    march = main_column(client.get("/2023/03/"))

    assert in_march.title in year and in_may.title in year
    assert 'href="/2023/03/"' in year and 'href="/2023/05/"' in year
    assert in_march.title in march and in_may.title not in march
    assert client.get("/2023/04/").status_code == 404


def test_archives_link_to_the_nearest_periods_with_articles_and_refuse_the_rest(client):
    for year, month in ((2019, 11), (2023, 3), (2023, 7), (2025, 1)):
        ArticleFactory(published_at=datetime(year, month, 10, 12, tzinfo=ZoneInfo("UTC")))

    year_links = between(main_column(client.get("/2023/")), 'aria-label="Years"', "</nav>")
    month_links = between(main_column(client.get("/2023/07/")), 'aria-label="Months"', "</nav>")

    # 2020 to 2022 and 2024 had nothing: their neighbours link past them.
    assert 'href="/2019/"' in year_links and 'href="/2025/"' in year_links
    assert 'href="/2023/03/"' in month_links and 'href="/2025/01/"' in month_links
    assert 'href="/2019/"' not in between(
        main_column(client.get("/2025/")), 'aria-label="Years"', "</nav>"
    )
    for empty in ("/2021/", "/2023/13/", "/2023/00/", "/0000/", "/2024/02/"):
        assert client.get(empty).status_code == 404, empty


def test_archives_sort_articles_by_the_sites_local_month(client):
    # 23:30 UTC on 31 March 2023 is already April in London (summer time).
    late = ArticleFactory(published_at=datetime(2023, 3, 31, 23, 30, tzinfo=ZoneInfo("UTC")))

    april = client.get("/2023/04/")

    assert late.title in main_column(april)
    assert client.get("/2023/03/").status_code == 404
    assert 'href="/2023/04/"' in between(april.content.decode(), 'class="archive-nav"', "</nav>")


def test_static_page_and_sidebar(client):
    PageFactory(slug="introduction", title="An introduction", body="<p>Who we are.</p>")
    ArticleFactory(title="Fresh in the sidebar")

    content = client.get("/introduction/").content.decode()

    assert "Who we are." in content
    assert 'href="/introduction/"' in content and 'href="/donate/"' in content
    assert "Recent articles" in content and "Fresh in the sidebar" in content


def test_home_page_renders_without_any_javascript(client):
    ArticleFactory()

    content = client.get("/").content.decode()

    # Structured data for search engines is the one kind of script element: data, never run.
    scripts = re.findall(r"<script\b[^>]*>", content)
    assert scripts and all(tag == '<script type="application/ld+json">' for tag in scripts)
    assert 'name="viewport"' in content


def _populate(count: int):
    # Several sections, so the front page's section blocks grow with the articles too.
    sections = [SectionFactory() for _ in range(max(1, count // 10))]
    section = sections[0]
    authors = [AuthorFactory() for _ in range(max(1, count // 5))]
    for n in range(count):
        ArticleFactory(
            section=sections[n % len(sections)],
            authors=authors[n % len(authors) : n % len(authors) + 2],
            tags=[f"tag-{n % 7}", f"topic-{n % 3}"],
            published_at=timezone.now() - timedelta(hours=n + 1),
        )
    return section, authors[0]


def _page_urls(section, author):
    article = author.articles.published().first()
    tag = article.tags.first()
    return [
        "/",
        article.get_absolute_url(),
        section.get_absolute_url(),
        reverse("articles:tag", args=[tag.slug]),
        author.get_absolute_url(),
        f"/{timezone.localtime(article.published_at):%Y}/",
        f"/{timezone.localtime(article.published_at):%Y/%m}/",
    ]


@pytest.mark.parametrize("count", [3, 40])
def test_reading_pages_run_a_constant_number_of_queries(
    client, django_assert_max_num_queries, count
):
    urls = _page_urls(*_populate(count))

    for url in urls:
        # Nothing cached: the first reader after a publication, when every fragment is stale.
        cache.clear()
        pagecache.forget_process_memory()
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200, url
