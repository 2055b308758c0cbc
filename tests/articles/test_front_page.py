"""The front page's hierarchy, comment counts on cards, the archive by month, the section menu's
current entry, and what the article page says of its authors, reading time and pingbacks."""

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from comments.models import Linkback
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, SectionFactory

pytestmark = pytest.mark.django_db


def html(client, url="/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def between(content: str, start: str, end: str) -> str:
    return content[content.index(start) : content.index(end, content.index(start))]


def test_front_page_leads_with_the_newest_story_then_the_next_then_each_section(client):
    energy = SectionFactory(name="Energy Watch", order=1)
    votes = SectionFactory(name="Elections", order=2)
    stories = [
        ArticleFactory(
            title=f"Story {n}",
            section=energy if n % 2 else votes,
            published_at=timezone.now() - timedelta(hours=n + 1),
        )
        for n in range(14)
    ]

    content = html(client)

    lead = between(content, 'class="lead-story"', "</article>")
    assert "Story 0" in lead and 'class="lead-title"' in lead
    latest = between(content, 'class="next-stories"', "</section>")
    assert all(f"Story {n}<" in latest for n in range(1, 10))
    assert "Story 10<" not in latest
    # Sections in their order, each with its latest articles not already shown above.
    assert content.index(">Energy Watch</a></h2>") < content.index(">Elections</a></h2>")
    energy_block = between(content, 'id="block-' + energy.slug, "</section>")
    assert "Story 11<" in energy_block and "Story 13<" in energy_block
    assert "Story 1<" not in energy_block
    assert f'href="{stories[0].section.get_absolute_url()}"' in content


def test_the_lead_story_shows_its_picture_large(client, settings):
    settings.IMAGE_MAX_PX = 1200
    buffer = BytesIO()
    Image.new("RGB", (1200, 700), (30, 90, 160)).save(buffer, "JPEG")
    picture = SimpleUploadedFile("lead.jpg", buffer.getvalue(), content_type="image/jpeg")
    lead = ArticleFactory(title="Lead story", image=picture)

    content = html(client)

    lead_html = between(content, 'class="lead-story"', "</article>")
    assert f'src="{lead.image.url}"' in lead_html and "srcset=" in lead_html
    assert 'width="1200" height="700"' in lead_html


def test_later_pages_of_the_front_page_are_a_plain_list(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    for n in range(3):
        ArticleFactory(title=f"Paged {n}", published_at=timezone.now() - timedelta(hours=n + 1))

    content = html(client, "/?page=2")

    assert "Paged 2" in content and 'class="lead-story"' not in content
    assert "<h1>Latest articles</h1>" in content


def test_cards_say_how_many_comments_and_nothing_when_there_are_none(client):
    quiet = ArticleFactory(title="Quiet piece")
    one = ArticleFactory(title="One comment piece", published_at=quiet.published_at)
    busy = ArticleFactory(title="Busy piece", published_at=quiet.published_at)
    CommentFactory(content_object=one)
    for _ in range(12):
        CommentFactory(content_object=busy)
    CommentFactory(content_object=quiet, held=True)

    for url in ["/", quiet.section.get_absolute_url(), busy.section.get_absolute_url()]:
        content = html(client, url)
        assert "0 comments" not in content and "No comments" not in content
    content = html(client)
    assert f'href="{one.get_absolute_url()}#comments">1 comment</a>' in content
    assert f'href="{busy.get_absolute_url()}#comments">12 comments</a>' in content
    assert "1 comments" not in content


def test_a_new_comment_shows_in_the_counts_of_cached_listings(client, django_assert_num_queries):
    article = ArticleFactory(title="Talks resume")
    section_url = article.section.get_absolute_url()
    html(client)
    html(client, section_url)
    with django_assert_num_queries(0):
        html(client)

    comment = CommentFactory(content_object=article)

    assert ">1 comment</a>" in html(client)
    assert ">1 comment</a>" in html(client, section_url)
    comment.is_removed = True
    comment.save()
    assert "1 comment" not in html(client)


def test_every_page_links_to_the_months_with_articles(client):
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=400))
    ArticleFactory(title="Not yet", scheduled=True)
    month = timezone.localtime(article.published_at)

    for url in ["/", article.get_absolute_url(), "/subscribe/", "/no-such-page/"]:
        response = client.get(url)
        archive = between(response.content.decode(), 'class="archive-nav"', "</nav>")
        assert f'href="/{month:%Y}/{month:%m}/"' in archive, url
        assert f'href="/{month:%Y}/"' in archive
    now = timezone.localtime()
    if (now.year, now.month) != (month.year, month.month):
        assert f'href="/{now:%Y}/{now:%m}/"' not in archive


def test_section_menu_marks_the_page_it_is_on(client):
    energy = SectionFactory(name="Energy Watch")
    other = SectionFactory(name="Elections")
    article = ArticleFactory(section=energy)

    on_section = html(client, energy.get_absolute_url())
    on_home = html(client)
    on_article = html(client, article.get_absolute_url())

    menu = between(on_section, 'class="section-nav"', "</nav>")
    assert f'href="{energy.get_absolute_url()}" aria-current="page"' in menu
    assert menu.count('aria-current="page"') == 1
    assert f'href="{other.get_absolute_url()}" aria-current' not in menu
    assert 'href="/" aria-current="page">Latest' in between(on_home, "section-nav", "</nav>")
    assert 'aria-current="page"' not in between(on_article, "section-nav", "</nav>")


def test_section_menu_lists_a_section_once_it_has_a_published_article(client):
    ArticleFactory(section=SectionFactory(name="Energy Watch"))
    empty = SectionFactory(name="Elections")
    ArticleFactory(section=empty, draft=True)
    due = timezone.now() + timedelta(hours=1)
    ArticleFactory(section=empty, scheduled=True, published_at=due)

    before = between(html(client), 'class="section-nav"', "</nav>")
    with time_machine.travel(due + timedelta(minutes=1)):
        after = between(html(client), 'class="section-nav"', "</nav>")

    # A menu entry leading to an empty page is a dead end.
    assert "Energy Watch" in before and "Elections" not in before
    # The scheduled article's time came: no save happened, the menu shows its section anyway.
    assert "Elections" in after


def test_several_authors_share_one_about_the_authors_box(client):
    article = ArticleFactory(
        authors=[AuthorFactory(name="Nadia Farouk"), AuthorFactory(name="Omar Haddad")]
    )
    alone = ArticleFactory(authors=[AuthorFactory(name="Sami Ode")])

    content = html(client, article.get_absolute_url())
    single = html(client, alone.get_absolute_url())

    assert content.count('class="author-box"') == 1
    assert content.count("About the authors") == 1 and "About the author<" not in content
    box = between(content, 'class="author-box"', "</section>")
    assert "Nadia Farouk" in box and "Omar Haddad" in box
    assert single.count("About the author<") == 1


def test_article_shows_its_reading_time(client):
    article = ArticleFactory(body="<p>" + "word " * 1400 + "</p>")
    short = ArticleFactory(body="<p>Brief.</p>")

    assert article.reading_minutes == 6
    page = html(client, article.get_absolute_url())
    assert '<span class="reading-time">6 min read</span>' in page
    assert "1 min read" in html(client, short.get_absolute_url())


def test_an_article_with_only_pingbacks_does_not_say_no_comments(client):
    article = ArticleFactory(title="Water talks")
    Linkback.objects.create(source=ArticleFactory(title="Follow-up"), target=article)

    content = html(client, article.get_absolute_url())

    assert "No comments yet" not in content
    assert "One pingback to “Water talks”" in content
    assert content.index("One pingback") < content.index("Pingback: ")
