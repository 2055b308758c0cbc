"""Sitemaps of everything public, the Google News sitemap, and robots.txt naming them."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.sitemaps import ArticleSitemap, news_language
from core import pagecache
from tests.factories import ArticleFactory, AuthorFactory, PageFactory, SectionFactory

pytestmark = pytest.mark.django_db

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
SECTIONS = ["articles", "news", "sections", "authors", "tags", "pages"]


def xml(client, url) -> ET.Element:
    """The document at `url`, after checking it is well-formed XML served as XML."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locations(client, url) -> list[str]:
    root = xml(client, url)
    assert root.tag == f"{{{NS['s']}}}urlset"
    return [loc.text for loc in root.findall("s:url/s:loc", NS)]


def entry(client, url, location) -> ET.Element:
    (found,) = [
        node for node in xml(client, url).findall("s:url", NS)
        if node.findtext("s:loc", namespaces=NS) == location
    ]  # fmt: skip
    return found


def absolute(settings, path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def image_upload(name="map.jpg") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


# The index


def test_the_index_names_every_sitemap_and_each_is_well_formed(client, settings):
    ArticleFactory(tags=["Diplomacy"])
    PageFactory()

    root = xml(client, "/sitemap.xml")

    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    listed = [loc.text for loc in root.findall("s:sitemap/s:loc", NS)]
    assert listed == [absolute(settings, f"/sitemap-{name}.xml") for name in SECTIONS]
    for url in listed:
        assert locations(client, url.removeprefix(settings.SITE_URL)), url


def test_the_index_tells_when_articles_last_changed(client):
    article = ArticleFactory()

    root = xml(client, "/sitemap.xml")

    (articles,) = [
        node for node in root.findall("s:sitemap", NS)
        if node.findtext("s:loc", namespaces=NS).endswith("/sitemap-articles.xml")
    ]  # fmt: skip
    lastmod = articles.findtext("s:lastmod", namespaces=NS)
    assert lastmod == timezone.localtime(article.updated_at.replace(microsecond=0)).isoformat()


def test_a_long_sitemap_is_split_into_pages_each_stored_apart(client, settings, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    for n in range(5):
        ArticleFactory(published_at=timezone.now() - timedelta(hours=10 - n))

    listed = [loc.text for loc in xml(client, "/sitemap.xml").findall("s:sitemap/s:loc", NS)]
    pages = [locations(client, f"/sitemap-articles.xml?p={page}") for page in (1, 2, 3)]

    first = absolute(settings, "/sitemap-articles.xml")
    assert listed[:3] == [first, f"{first}?p=2", f"{first}?p=3"]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert len({loc for page in pages for loc in page}) == 5
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404
    assert client.get("/sitemap-articles.xml?p=x").status_code == 404


def test_an_unknown_sitemap_is_not_found(client):
    assert client.get("/sitemap-secrets.xml").status_code == 404


# Articles


def test_articles_sitemap_lists_published_articles_only(client, settings):
    published = ArticleFactory()
    draft = ArticleFactory(draft=True)
    scheduled = ArticleFactory(scheduled=True)

    listed = locations(client, "/sitemap-articles.xml")

    assert listed == [absolute(settings, published.get_absolute_url())]
    assert client.get(draft.get_absolute_url()).status_code == 404  # its address, if any
    assert scheduled.get_absolute_url() not in " ".join(listed)


def test_each_article_tells_when_it_last_changed(client, settings):
    article = ArticleFactory()

    node = entry(client, "/sitemap-articles.xml", absolute(settings, article.get_absolute_url()))

    assert node.findtext("s:lastmod", namespaces=NS) == (
        timezone.localtime(article.updated_at.replace(microsecond=0)).isoformat()
    )


def test_a_featured_image_is_listed_with_its_article(client, settings):
    with_image = ArticleFactory(image=image_upload())
    without = ArticleFactory()

    pictured = entry(
        client, "/sitemap-articles.xml", absolute(settings, with_image.get_absolute_url())
    )
    plain = entry(client, "/sitemap-articles.xml", absolute(settings, without.get_absolute_url()))

    assert [loc.text for loc in pictured.findall("image:image/image:loc", NS)] == [
        absolute(settings, with_image.image.url)
    ]
    assert plain.findall("image:image", NS) == []


def test_a_scheduled_article_joins_the_stored_sitemaps_when_its_time_comes(client, settings):
    ArticleFactory()
    due = ArticleFactory(published_at=timezone.now() + timedelta(minutes=5), tags=["Budget"])
    url = absolute(settings, due.get_absolute_url())
    assert url not in locations(client, "/sitemap-articles.xml")
    assert url not in locations(client, "/sitemap-news.xml")
    assert absolute(settings, "/tag/budget/") not in locations(client, "/sitemap-tags.xml")

    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        assert url in locations(client, "/sitemap-articles.xml")
        assert url in locations(client, "/sitemap-news.xml")
        assert absolute(settings, "/tag/budget/") in locations(client, "/sitemap-tags.xml")


def test_a_published_article_shows_in_the_stored_sitemap_at_once(client, settings):
    draft = ArticleFactory(draft=True)
    assert locations(client, "/sitemap-articles.xml") == []

    draft.status = draft.Status.PUBLISHED
    draft.save()

    assert locations(client, "/sitemap-articles.xml") == [
        absolute(settings, draft.get_absolute_url())
    ]


# Sections, authors, tags and static pages


def test_sections_authors_and_tags_are_listed_once_they_have_a_published_article(client, settings):
    shown_section, hidden_section = SectionFactory(), SectionFactory()
    shown_author, hidden_author = AuthorFactory(), AuthorFactory()
    ArticleFactory(section=shown_section, authors=[shown_author], tags=["Diplomacy"])
    ArticleFactory(section=shown_section, authors=[shown_author], tags=["Diplomacy"])
    ArticleFactory(section=hidden_section, authors=[hidden_author], tags=["Leak"], draft=True)
    ArticleFactory(section=hidden_section, authors=[hidden_author], tags=["Soon"], scheduled=True)

    assert locations(client, "/sitemap-sections.xml") == [
        absolute(settings, shown_section.get_absolute_url())
    ]
    assert locations(client, "/sitemap-authors.xml") == [
        absolute(settings, shown_author.get_absolute_url())
    ]
    assert locations(client, "/sitemap-tags.xml") == [
        absolute(settings, reverse("articles:tag", args=["diplomacy"]))
    ]


def test_static_pages_are_listed_with_when_they_changed(client, settings):
    page = PageFactory(slug="about")

    node = entry(client, "/sitemap-pages.xml", absolute(settings, "/about/"))

    assert node.findtext("s:lastmod", namespaces=NS) == (
        timezone.localtime(page.updated_at.replace(microsecond=0)).isoformat()
    )


def test_sitemap_addresses_are_on_the_public_address_whatever_host_was_asked(client, settings):
    settings.SITE_URL = "https://news.example.org"
    article = ArticleFactory()

    listed = locations(
        client,
        "/sitemap-articles.xml",
    )
    index = xml(client, "/sitemap.xml")

    assert listed == [f"https://news.example.org{article.get_absolute_url()}"]
    assert all(
        loc.text.startswith("https://news.example.org/sitemap-")
        for loc in index.findall("s:sitemap/s:loc", NS)
    )


# Google News


def test_the_news_sitemap_lists_the_last_two_days_articles_for_google_news(client, settings):
    settings.SITE_NAME = "Enduring & Worldly"
    recent = ArticleFactory(title="Talks resume", published_at=timezone.now() - timedelta(hours=30))
    ArticleFactory(title="Old news", published_at=timezone.now() - timedelta(days=3))
    ArticleFactory(title="Not yet", scheduled=True)
    ArticleFactory(title="Never", draft=True)

    root = xml(client, "/sitemap-news.xml")

    (node,) = root.findall("s:url", NS)
    assert node.findtext("s:loc", namespaces=NS) == absolute(settings, recent.get_absolute_url())
    news = node.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Enduring & Worldly"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Talks resume"
    assert news.findtext("news:publication_date", namespaces=NS) == (
        timezone.localtime(recent.published_at.replace(microsecond=0)).isoformat()
    )


def test_news_titles_are_escaped_and_cleaned_for_xml(client):
    ArticleFactory(title="Tom & Jerry <b>\x0b\x1b</b>")

    root = xml(client, "/sitemap-news.xml")

    assert root.findtext("s:url/news:news/news:title", namespaces=NS) == "Tom & Jerry <b></b>"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("en-gb", "en"), ("en", "en"), ("fr", "fr"), ("pt-br", "pt"), ("zh-hans", "zh-cn"),
     ("zh-hant", "zh-tw")],
)  # fmt: skip
def test_the_news_language_is_named_as_google_news_asks(code, expected):
    assert news_language(code) == expected


# Speed


def _queries(client, url) -> int:
    cache.clear()
    pagecache.forget_process_memory()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def _publish(count: int, *, start: int):
    section = SectionFactory()
    for n in range(start, start + count):
        ArticleFactory(
            section=section,
            authors=[AuthorFactory(), AuthorFactory()],
            tags=[f"tag-{n}", "common"],
            image=image_upload(f"pic{n}.jpg") if n % 3 == 0 else "",
            published_at=timezone.now() - timedelta(hours=n + 1),
        )


def test_sitemaps_run_a_constant_number_of_queries_however_many_articles(client):
    urls = ["/sitemap.xml"] + [f"/sitemap-{name}.xml" for name in SECTIONS]
    PageFactory()
    _publish(2, start=0)
    client.get("/sitemap-articles.xml")  # Django's per-process caches (sites, content types)
    few = {url: _queries(client, url) for url in urls}

    _publish(30, start=2)
    many = {url: _queries(client, url) for url in urls}

    assert many == few
    assert max(many.values()) <= 10


def test_a_sitemap_is_served_stored_with_cache_headers(client, django_assert_num_queries):
    ArticleFactory()
    first = client.get("/sitemap-articles.xml")

    with django_assert_num_queries(0):
        again = client.get("/sitemap-articles.xml", headers={"if-none-match": first["ETag"]})

    assert "public" in first["Cache-Control"]
    assert again.status_code == 304


# robots.txt


def test_robots_txt_names_the_sitemaps_and_keeps_crawlers_out_of_private_pages(client, settings):
    settings.SITE_URL = "https://news.example.org"

    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in [
        "/admin/",
        "/comments/confirm/",
        "/comments/mute/",
        "/subscribe/confirm/",
        "/subscribe/manage/",
        "/subscribe/unsubscribe/",
        "/search/",
        "/preview/",
    ]:
        assert f"Disallow: {path}" in lines
    assert "Sitemap: https://news.example.org/sitemap.xml" in lines
    assert "Sitemap: https://news.example.org/sitemap-news.xml" in lines
    assert not any(line in ("Disallow: /", "Disallow: /feed/") for line in lines)
