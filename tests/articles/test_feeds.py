"""RSS and Atom feeds of published articles, site-wide and per section, author and tag, read
the way feed readers read them (feedparser)."""

from datetime import timedelta
from io import BytesIO

import feedparser
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

# PostgreSQL refuses NUL in text, so these are what can reach the database.
XML_ILLEGAL = "\x0b\x1b\x07\ufffe"


def feed_urls(section, author, tag_slug) -> list[str]:
    return [
        "/feed/",
        "/feed/atom/",
        f"/section/{section.slug}/feed/",
        f"/section/{section.slug}/feed/atom/",
        f"/author/{author.slug}/feed/",
        f"/author/{author.slug}/feed/atom/",
        f"/tag/{tag_slug}/feed/",
        f"/tag/{tag_slug}/feed/atom/",
    ]


def read_feed(client, url) -> feedparser.FeedParserDict:
    """The feed as a feed reader sees it, after checking the reader found nothing wrong."""
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(
        response.content, response_headers={"content-type": response["Content-Type"]}
    )
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    assert feed.version == ("atom10" if url.endswith("/atom/") else "rss20")
    return feed


def titles(feed) -> list[str]:
    return [entry.title for entry in feed.entries]


def hours_ago(hours: float):
    return timezone.now() - timedelta(hours=hours)


def image_upload(name="map.jpg", size=(640, 360)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def site():
    """A section, an author and a tag, each with a published article."""
    section = SectionFactory(name="Syria Daily", slug="syria-daily")
    author = AuthorFactory(name="Lena Fischer", slug="lena-fischer")
    ArticleFactory(title="Talks resume", section=section, authors=[author], tags=["Diplomacy"])
    return section, author


# Every feed


def test_every_feed_is_sound_rss_or_atom_and_lists_its_articles(client, site):
    section, author = site

    for url in feed_urls(section, author, "diplomacy"):
        assert titles(read_feed(client, url)) == ["Talks resume"], url


def test_every_feed_is_sound_with_no_articles_yet(client):
    section, author = SectionFactory(), AuthorFactory()
    ArticleFactory(tags=["Empty"], draft=True)

    for url in feed_urls(section, author, "empty"):
        assert read_feed(client, url).entries == [], url


def test_the_site_feed_lists_published_articles_only_newest_first(client):
    ArticleFactory(title="Older", published_at=hours_ago(5))
    ArticleFactory(title="Newer", published_at=hours_ago(1))
    ArticleFactory(title="A draft", draft=True)
    ArticleFactory(title="Coming tomorrow", scheduled=True)

    for url in ["/feed/", "/feed/atom/"]:
        assert titles(read_feed(client, url)) == ["Newer", "Older"]


def test_feeds_hold_the_latest_feed_length_articles(client, settings):
    settings.FEED_LENGTH = 3
    for n in range(5):
        ArticleFactory(title=f"Piece {n}", published_at=hours_ago(10 - n))

    assert titles(read_feed(client, "/feed/")) == ["Piece 4", "Piece 3", "Piece 2"]


def test_section_author_and_tag_feeds_list_only_their_articles(client, site):
    section, author = site
    ArticleFactory(title="Elsewhere", tags=["Economy"])
    ArticleFactory(title="Their draft", section=section, authors=[author], draft=True)
    ArticleFactory(title="Their next", section=section, authors=[author], scheduled=True)

    for url in feed_urls(section, author, "diplomacy")[2:]:
        assert titles(read_feed(client, url)) == ["Talks resume"], url
    assert titles(read_feed(client, "/tag/economy/feed/")) == ["Elsewhere"]


def test_feeds_are_titled_after_what_they_follow(client, site, settings):
    section, author = site

    assert read_feed(client, "/feed/").feed.title == settings.SITE_NAME
    assert read_feed(client, f"/section/{section.slug}/feed/").feed.title == (
        f"Syria Daily — {settings.SITE_NAME}"
    )
    channel = read_feed(client, f"/author/{author.slug}/feed/atom/").feed
    assert channel.title == f"Lena Fischer — {settings.SITE_NAME}"
    assert channel.link == f"{settings.SITE_URL}{author.get_absolute_url()}"


@pytest.mark.parametrize("kind", ["section", "author", "tag"])
def test_the_feed_of_an_unknown_section_author_or_tag_is_not_found(client, kind):
    assert client.get(f"/{kind}/nobody/feed/").status_code == 404
    assert client.get(f"/{kind}/nobody/feed/atom/").status_code == 404


# What each item carries


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_an_item_carries_permalink_dates_authors_and_categories(client, settings, url):
    article = ArticleFactory(
        title="Talks resume",
        section=SectionFactory(name="Iran Analysis"),
        authors=[AuthorFactory(name="Rana Haddad"), AuthorFactory(name="Lena Fischer")],
        tags=["Nuclear", "Diplomacy"],
        published_at=hours_ago(2),
    )
    permalink = f"{settings.SITE_URL}{article.get_absolute_url()}"

    (entry,) = read_feed(client, url).entries

    assert entry.link == permalink
    assert entry.id == permalink
    assert entry.published_parsed[:5] == article.published_at.utctimetuple()[:5]
    if url.endswith("/atom/"):  # RSS has no element for it
        assert entry.updated_parsed[:5] == article.updated_at.utctimetuple()[:5]
    assert [author.name for author in entry.authors] == ["Lena Fischer", "Rana Haddad"]
    assert [tag.term for tag in entry.tags] == ["Iran Analysis", "Diplomacy", "Nuclear"]


def test_rss_guid_is_the_permalink_and_comments_point_at_the_discussion(client, settings):
    article = ArticleFactory()
    permalink = f"{settings.SITE_URL}{article.get_absolute_url()}"

    body = client.get("/feed/").content.decode()

    assert f'<guid isPermaLink="true">{permalink}</guid>' in body
    assert f"<comments>{permalink}#comments</comments>" in body


def test_atom_authors_link_to_their_pages(client, settings):
    author = AuthorFactory(name="Rana Haddad")
    ArticleFactory(authors=[author])

    (entry,) = read_feed(client, "/feed/atom/").entries

    assert entry.authors[0].href == f"{settings.SITE_URL}{author.get_absolute_url()}"


def test_titles_reach_readers_as_typed(client):
    ArticleFactory(title="Tom & Jerry <3 “quoted”")

    for url in ["/feed/", "/feed/atom/"]:
        assert titles(read_feed(client, url)) == ["Tom & Jerry <3 “quoted”"]


# Summaries or the whole article


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_items_carry_the_standfirst_as_summary_by_default(client, url):
    ArticleFactory(standfirst="Iran & the West talk again.", body="<p>The whole story.</p>")

    (entry,) = read_feed(client, url).entries

    assert entry.summary == "Iran &amp; the West talk again."
    assert "content" not in entry
    assert "The whole story" not in client.get(url).content.decode()


def test_without_a_standfirst_the_summary_is_the_start_of_the_body(client):
    ArticleFactory(standfirst="", body="<p>" + " ".join(f"word{n}" for n in range(100)) + "</p>")

    (entry,) = read_feed(client, "/feed/").entries

    assert entry.summary.startswith("word0 word1")
    assert "word54" in entry.summary
    assert "word55" not in entry.summary
    assert "<p>" not in entry.summary


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_full_content_carries_the_body_with_absolute_addresses(client, settings, url):
    settings.FEED_FULL_CONTENT = True
    other = ArticleFactory(title="Earlier piece", published_at=hours_ago(5))
    article = ArticleFactory(
        standfirst="The summary.",
        body=(
            f'<p>See <a href="{other.get_absolute_url()}">the earlier piece</a>, '
            '<a href="#notes">the notes</a> and <a href="https://example.org/x">elsewhere</a>.'
            '</p><figure><img src="/media/articles/map.jpg" alt="A map"></figure>'
            "<script>alert(1)</script>"
        ),
    )
    here = f"{settings.SITE_URL}{article.get_absolute_url()}"

    entry = read_feed(client, url).entries[0]
    content = entry.content[0].value

    assert entry.summary == "The summary."
    assert f'href="{settings.SITE_URL}{other.get_absolute_url()}"' in content
    assert f'href="{here}#notes"' in content
    assert 'href="https://example.org/x"' in content
    assert f'src="{settings.SITE_URL}/media/articles/map.jpg"' in content
    assert "<script" not in content and "alert" not in content


def test_changing_full_content_changes_the_stored_feed(client, settings):
    ArticleFactory(body="<p>The whole story.</p>")
    assert "content" not in read_feed(client, "/feed/").entries[0]

    settings.FEED_FULL_CONTENT = True

    assert read_feed(client, "/feed/").entries[0].content[0].value == "<p>The whole story.</p>"


# Featured images


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_a_featured_image_is_an_enclosure_with_its_real_size_and_type(client, settings, url):
    article = ArticleFactory(image=image_upload("map.jpg"))
    size = article.image.storage.size(article.image.name)

    (entry,) = read_feed(client, url).entries
    (enclosure,) = entry.enclosures

    assert enclosure.href == f"{settings.SITE_URL}{article.image.url}"
    assert int(enclosure.length) == size > 0
    assert enclosure.type == "image/jpeg"


def test_an_article_without_an_image_has_no_enclosure(client):
    ArticleFactory()

    (entry,) = read_feed(client, "/feed/").entries

    assert entry.enclosures == []


def test_an_image_missing_from_storage_leaves_the_feed_readable(client):
    article = ArticleFactory(image=image_upload("gone.jpg"))
    article.image.storage.delete(article.image.name)

    (entry,) = read_feed(client, "/feed/").entries

    assert entry.enclosures[0].length == "0"


# Odd content


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_characters_xml_cannot_carry_are_left_out_instead_of_breaking_the_feed(
    client, settings, url
):
    settings.FEED_FULL_CONTENT = True
    bad = XML_ILLEGAL
    ArticleFactory(
        title=f"Talks{bad} resume",
        standfirst=f"A sum{bad}mary.",
        body=f"<p>Bo{bad}dy</p>",
        section=SectionFactory(name=f"Sec{bad}tion"),
        authors=[AuthorFactory(name=f"Ra{bad}na")],
        tags=[f"Dip{bad}lomacy"],
    )

    (entry,) = read_feed(client, url).entries

    assert entry.title == "Talks resume"
    assert entry.summary == "A summary."
    assert entry.content[0].value == "<p>Body</p>"
    assert [author.name for author in entry.authors] == ["Rana"]
    assert [tag.term for tag in entry.tags] == ["Section", "Diplomacy"]


def test_section_and_author_feeds_with_odd_names_stay_readable(client):
    section = SectionFactory(name="Syria\x0b Daily", description="Every\x1b day.")
    author = AuthorFactory(name="Lena\x07 Fischer")
    ArticleFactory(section=section, authors=[author])

    assert read_feed(client, f"/section/{section.slug}/feed/").feed.subtitle == "Every day."
    assert read_feed(client, f"/author/{author.slug}/feed/atom/").feed.title.startswith(
        "Lena Fischer"
    )


# Speed and caching


def _articles(count: int, *, section, author):
    for n in range(count):
        ArticleFactory(
            section=section,
            authors=[author, AuthorFactory()],
            tags=[f"tag-{n % 4}", "common"],
            image=image_upload(f"pic{n}.jpg", (40, 30)) if n % 2 else "",
            published_at=hours_ago(n + 1),
        )


@pytest.mark.parametrize("count", [2, 25])
def test_feeds_run_a_constant_number_of_queries(
    client, settings, django_assert_max_num_queries, count
):
    settings.FEED_FULL_CONTENT = True
    section, author = SectionFactory(), AuthorFactory()
    _articles(count, section=section, author=author)

    for url in feed_urls(section, author, "common"):
        with django_assert_max_num_queries(7):
            read_feed(client, url)


def test_a_feed_is_served_stored_until_an_article_is_published(client, django_assert_num_queries):
    ArticleFactory(title="First")
    read_feed(client, "/feed/")
    with django_assert_num_queries(0):
        assert client.get("/feed/")["X-Page-Cache"] == "hit"
    draft = ArticleFactory(title="Second", draft=True)

    draft.status = Article.Status.PUBLISHED
    draft.save()

    assert titles(read_feed(client, "/feed/")) == ["Second", "First"]


def test_an_edited_article_shows_in_stored_feeds_at_once(client):
    article = ArticleFactory(title="Talks resume", tags=["Diplomacy"])
    for url in ["/feed/atom/", "/tag/diplomacy/feed/"]:
        read_feed(client, url)

    article.title = "Talks collapse"
    article.save()

    for url in ["/feed/atom/", "/tag/diplomacy/feed/"]:
        assert titles(read_feed(client, url)) == ["Talks collapse"]


def test_a_scheduled_article_joins_the_stored_feed_when_its_time_comes(client):
    ArticleFactory(title="Now")
    ArticleFactory(title="Budget day", published_at=timezone.now() + timedelta(minutes=5))
    assert titles(read_feed(client, "/feed/")) == ["Now"]

    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        assert titles(read_feed(client, "/feed/")) == ["Budget day", "Now"]


def test_feeds_tell_readers_and_proxies_how_to_cache_them(client):
    ArticleFactory()

    response = client.get("/feed/")
    again = client.get("/feed/", headers={"if-none-match": response["ETag"]})

    assert "public" in response["Cache-Control"]
    assert response["Last-Modified"]
    assert again.status_code == 304


# Finding the feeds


def head_alternates(html: str) -> list[str]:
    head = html.split("</head>")[0]
    return [line.strip() for line in head.splitlines() if 'rel="alternate"' in line]


def test_every_page_names_the_site_feeds_in_its_head(client, settings):
    article = ArticleFactory()

    for url in ["/", article.get_absolute_url(), "/search/?q=talks"]:
        alternates = head_alternates(client.get(url).content.decode())
        assert (
            f'<link rel="alternate" type="application/rss+xml" title="{settings.SITE_NAME}" '
            'href="/feed/">'
        ) in alternates, url
        assert any(
            'type="application/atom+xml"' in a and 'href="/feed/atom/"' in a for a in alternates
        )


def test_section_author_and_tag_pages_name_their_own_feeds(client, site):
    section, author = site

    for page, feed in [
        (section.get_absolute_url(), f"/section/{section.slug}/feed/"),
        (author.get_absolute_url(), f"/author/{author.slug}/feed/"),
        (reverse("articles:tag", args=["diplomacy"]), "/tag/diplomacy/feed/"),
    ]:
        html = client.get(page).content.decode()
        alternates = " ".join(head_alternates(html))
        assert f'href="{feed}"' in alternates and f'href="{feed}atom/"' in alternates, page
        assert f'<a href="{feed}" type="application/rss+xml">RSS</a>' in html, page


def test_the_home_page_links_to_the_site_feed(client):
    ArticleFactory()

    html = client.get("/").content.decode()

    assert '<a href="/feed/" type="application/rss+xml">RSS</a>' in html
    assert '<a href="/feed/atom/" type="application/atom+xml">Atom</a>' in html


def test_an_article_page_names_and_links_its_comment_feed(client):
    article = ArticleFactory(title="Talks resume")
    feed = f"{article.get_absolute_url()}feed/"

    html = client.get(article.get_absolute_url()).content.decode()

    assert (
        f'<link rel="alternate" type="application/rss+xml" title="Comments on “Talks resume”" '
        f'href="{feed}">'
    ) in head_alternates(html)
    thread = html.split('id="comments"')[1]
    assert f'<a href="{feed}" type="application/rss+xml">' in thread
    assert client.get(feed).status_code == 200


def test_a_preview_does_not_name_a_comment_feed_that_does_not_exist_yet(admin_client):
    draft = ArticleFactory(draft=True)

    html = admin_client.get(draft.get_absolute_url()).content.decode()

    assert html.count('rel="alternate"') == 2  # the site's RSS and Atom feeds only
