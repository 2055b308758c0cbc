"""What link previews (OpenGraph, Twitter cards) and search engines (canonical addresses,
descriptions, JSON-LD) read in every page's head."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.articles.head import read_head
from tests.factories import ArticleFactory, AuthorFactory, PageFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    # Not the test server's address: every absolute address must come from SITE_URL.
    settings.SITE_URL = SITE
    settings.IMAGE_MAX_PX = 2000


def image_upload(size) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(buffer, "JPEG")
    return SimpleUploadedFile("picture.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def article():
    return ArticleFactory(
        title="Talks resume in the capital",
        standfirst="Negotiators return after a month apart.",
        section=SectionFactory(name="Gulf Analysis", slug="gulf"),
        authors=[
            AuthorFactory(name="Nadia Farouk", slug="nadia-farouk"),
            AuthorFactory(name="Ben Adler", slug="ben-adler"),
        ],
        tags=["Diplomacy", "Energy"],
    )


# Articles


def test_article_head_names_its_one_address_and_describes_it_for_previews(client, article):
    head = read_head(client.get(article.get_absolute_url() + "?cpage=2&utm_source=feed"))

    url = SITE + article.get_absolute_url()
    assert head.link("canonical") == url
    assert head.one("description") == "Negotiators return after a month apart."
    assert head.one("og:type") == "article"
    assert head.one("og:title") == "Talks resume in the capital"
    assert head.one("og:description") == "Negotiators return after a month apart."
    assert head.one("og:url") == url
    assert head.one("og:site_name") == "ewview"
    assert head.one("og:locale") == "en_GB"
    assert (
        head.one("article:published_time") == timezone.localtime(article.published_at).isoformat()
    )
    assert head.one("article:section") == "Gulf Analysis"
    assert head.meta["article:author"] == [
        f"{SITE}/author/ben-adler/",
        f"{SITE}/author/nadia-farouk/",
    ]
    assert sorted(head.meta["article:tag"]) == ["Diplomacy", "Energy"]


def test_article_modified_time_is_never_before_its_publication(client):
    article = ArticleFactory(scheduled=True)
    article.published_at = timezone.now() - timedelta(minutes=5)
    article.save()  # e.g. its announcement; updated_at is later than published_at
    scheduled_earlier = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    type(scheduled_earlier).objects.filter(pk=scheduled_earlier.pk).update(
        published_at=timezone.now() - timedelta(minutes=1),
        updated_at=timezone.now() - timedelta(days=2),
    )
    scheduled_earlier.refresh_from_db()

    head = read_head(client.get(scheduled_earlier.get_absolute_url()))

    published = timezone.localtime(scheduled_earlier.published_at).isoformat()
    assert head.one("article:modified_time") == published
    edited = read_head(client.get(article.get_absolute_url()))
    assert edited.one("article:modified_time") == (
        timezone.localtime(article.updated_at).isoformat()
    )


def test_article_without_a_standfirst_is_described_by_its_first_words(client):
    body = "<h2>Background</h2><p>They met again &amp; talked.</p>" + "<p>word </p>" * 80
    article = ArticleFactory(standfirst="", body=body)

    description = read_head(client.get(article.get_absolute_url())).one("description")

    assert description.startswith("Background They met again & talked. word word")
    assert len(description) <= 160 and description.endswith("…")


def test_article_with_a_large_picture_offers_its_largest_rendition(client):
    article = ArticleFactory(image=image_upload((2000, 1333)), image_alt="Delegates at the table")

    head = read_head(client.get(article.get_absolute_url()))

    image_url = head.one("og:image")
    assert image_url.startswith(f"{SITE}/media/") and image_url.endswith(".w1600.jpg")
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("1600", "1066")
    with Image.open(article.image.storage.path(image_url.removeprefix(f"{SITE}/media/"))) as made:
        assert made.size == (1600, 1066)
    assert head.one("og:image:alt") == "Delegates at the table"
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("twitter:image:alt") == "Delegates at the table"


def test_article_with_a_picture_smaller_than_every_rendition_offers_the_picture(client):
    article = ArticleFactory(image=image_upload((900, 500)))

    head = read_head(client.get(article.get_absolute_url()))

    assert head.one("og:image") == SITE + article.image.url
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("900", "500")
    assert "og:image:alt" not in head.meta  # no description was written: none is made up


def test_article_without_a_picture_is_a_small_card_with_the_site_icon(client, article):
    head = read_head(client.get(article.get_absolute_url()))

    assert head.one("twitter:card") == "summary"
    assert head.one("og:image").startswith(f"{SITE}/static/icons/icon-512.")
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("512", "512")


def test_article_structured_data_is_a_news_article_with_breadcrumbs(client, article):
    head = read_head(client.get(article.get_absolute_url()))

    url = SITE + article.get_absolute_url()
    news = head.typed("NewsArticle")
    assert news["@context"] == "https://schema.org"
    assert news["headline"] == "Talks resume in the capital"
    assert news["description"] == "Negotiators return after a month apart."
    assert news["datePublished"] == timezone.localtime(article.published_at).isoformat()
    assert news["dateModified"] == timezone.localtime(article.updated_at).isoformat()
    assert news["author"] == [
        {"@type": "Person", "name": "Ben Adler", "url": f"{SITE}/author/ben-adler/"},
        {"@type": "Person", "name": "Nadia Farouk", "url": f"{SITE}/author/nadia-farouk/"},
    ]
    assert news["publisher"]["@type"] == "NewsMediaOrganization"
    assert news["publisher"]["name"] == "ewview"
    assert news["publisher"]["url"] == f"{SITE}/"
    assert news["publisher"]["logo"]["url"].startswith(f"{SITE}/static/icons/icon-512.")
    assert news["articleSection"] == "Gulf Analysis"
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert sorted(news["keywords"]) == ["Diplomacy", "Energy"]
    assert news["isAccessibleForFree"] is True
    assert "image" not in news
    crumbs = head.typed("BreadcrumbList")["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Home", f"{SITE}/"),
        (2, "Gulf Analysis", f"{SITE}/section/gulf/"),
        (3, "Talks resume in the capital", url),
    ]


def test_article_structured_data_carries_its_picture(client):
    article = ArticleFactory(image=image_upload((1200, 800)))

    news = read_head(client.get(article.get_absolute_url())).typed("NewsArticle")

    assert news["image"] == [
        {"@type": "ImageObject", "url": SITE + article.image.url, "width": 1200, "height": 800}
    ]


def test_a_title_cannot_end_the_structured_data_script(client):
    title = 'Quote </script><script>alert("x")</script> & <!-- more'
    article = ArticleFactory(title=title, standfirst="</SCRIPT> too")

    response = client.get(article.get_absolute_url())

    content = response.content.decode()
    assert "<script>alert" not in content and "</SCRIPT>" not in content
    news = read_head(response).typed("NewsArticle")
    assert news["headline"] == title and news["description"] == "</SCRIPT> too"


def test_head_and_article_read_its_authors_and_tags_once(client, article):
    with CaptureQueriesContext(connection) as queries:
        client.get(article.get_absolute_url())

    sql = [query["sql"] for query in queries]
    assert len([q for q in sql if '"articles_article_authors"' in q]) == 1
    assert len([q for q in sql if 'FROM "taggit_tag"' in q]) == 1, sql


def test_staff_preview_of_a_draft_has_previews_of_its_own_not_stored(client, settings):
    draft = ArticleFactory(draft=True, title="Not out yet")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    head = read_head(client.get(draft.get_absolute_url()))

    assert head.one("og:title") == "Not out yet"
    assert head.one("robots") == "noindex"


# Listings and pages


def test_home_is_a_website_searchable_from_search_engines(client):
    ArticleFactory()

    head = read_head(client.get("/?utm_source=newsletter"))

    assert head.link("canonical") == f"{SITE}/"
    assert head.one("og:type") == "website"
    assert head.one("og:title") == "ewview"
    assert head.one("description") == head.one("og:description") == "News and analysis"
    website = head.typed("WebSite")
    assert website["url"] == f"{SITE}/"
    assert website["potentialAction"]["target"]["urlTemplate"] == (
        f"{SITE}/search/?q={{search_term_string}}"
    )
    assert website["potentialAction"]["query-input"] == "required name=search_term_string"
    assert website["publisher"]["@type"] == "NewsMediaOrganization"


def test_listing_pages_past_the_first_keep_their_page_number(client, settings):
    settings.ARTICLES_PER_PAGE = 1
    section = SectionFactory(slug="syria")
    for hours in (1, 2):
        ArticleFactory(section=section, published_at=timezone.now() - timedelta(hours=hours))

    assert read_head(client.get("/?page=1")).link("canonical") == f"{SITE}/"
    assert read_head(client.get("/?page=2&x=1")).link("canonical") == f"{SITE}/?page=2"
    assert read_head(client.get("/section/syria/?page=2")).link("canonical") == (
        f"{SITE}/section/syria/?page=2"
    )
    assert "WebSite" not in str(read_head(client.get("/?page=2")).structured_data)


def test_section_page_is_described_by_its_description_cut_short(client):
    long = "Daily reporting on the war, the talks and the people caught between them. " * 6
    SectionFactory(name="Syria Daily", slug="syria-daily", description=long)

    head = read_head(client.get("/section/syria-daily/"))

    assert head.link("canonical") == f"{SITE}/section/syria-daily/"
    assert head.one("og:title") == "Syria Daily"
    description = head.one("description")
    assert description == head.one("og:description")
    assert description.startswith("Daily reporting on the war") and description.endswith("…")
    assert len(description) <= 160
    crumbs = head.typed("BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Syria Daily"]
    assert crumbs[-1]["item"] == f"{SITE}/section/syria-daily/"


def test_author_page_describes_a_person(client):
    author = AuthorFactory(
        name="Nadia Farouk",
        slug="nadia-farouk",
        position="Gulf correspondent",
        bio="<p>Reports from <strong>Doha</strong> &amp; Riyadh.</p><p>Formerly in Cairo.</p>",
        website="https://nadia.example.net/",
        photo=image_upload((600, 800)),
    )
    ArticleFactory(authors=[author])

    head = read_head(client.get("/author/nadia-farouk/"))

    assert head.link("canonical") == f"{SITE}/author/nadia-farouk/"
    assert head.one("description") == "Reports from Doha & Riyadh. Formerly in Cairo."
    assert head.one("og:image").endswith(".sq256.jpg")
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("256", "256")
    assert head.one("twitter:card") == "summary"
    person = head.typed("Person")
    assert person["name"] == "Nadia Farouk"
    assert person["jobTitle"] == "Gulf correspondent"
    assert person["url"] == f"{SITE}/author/nadia-farouk/"
    assert person["description"] == "Reports from Doha & Riyadh. Formerly in Cairo."
    assert person["image"] == head.one("og:image")
    assert person["sameAs"] == ["https://nadia.example.net/"]
    crumbs = head.typed("BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Nadia Farouk"]


def test_tag_page_has_its_address_and_breadcrumbs(client):
    ArticleFactory(tags=["Oil prices"])

    head = read_head(client.get("/tag/oil-prices/"))

    assert head.link("canonical") == f"{SITE}/tag/oil-prices/"
    assert head.one("og:title") == "Oil prices"
    assert "Oil prices" in head.one("description")
    crumbs = head.typed("BreadcrumbList")["itemListElement"]
    assert [(c["name"], c["item"]) for c in crumbs][-1] == ("Oil prices", f"{SITE}/tag/oil-prices/")


def test_static_page_is_described_by_its_text(client):
    PageFactory(slug="about", title="About us", body="<p>An independent newsroom.</p>")

    head = read_head(client.get("/about/"))

    assert head.link("canonical") == f"{SITE}/about/"
    assert head.one("og:title") == "About us"
    assert head.one("description") == "An independent newsroom."


def test_archive_and_search_pages_have_their_address(client):
    article = ArticleFactory(title="Budget talks")
    year = f"{timezone.localtime(article.published_at):%Y}"

    assert read_head(client.get(f"/{year}/")).link("canonical") == f"{SITE}/{year}/"
    search = read_head(client.get("/search/?q=budget+talks&sort=date"))
    assert search.link("canonical") == f"{SITE}/search/?q=budget+talks"


def test_a_missing_page_names_no_canonical_address(client):
    response = client.get("/section/nowhere/")

    assert response.status_code == 404
    assert 'rel="canonical"' not in response.content.decode()


# Shared pages


def test_stored_pages_keep_the_canonical_address_whoever_asked_first(client, article):
    url = article.get_absolute_url()
    first = client.get(url + "?utm_source=spam")
    again = client.get(url)

    assert again.headers["X-Page-Cache"] == "hit"
    assert read_head(again).link("canonical") == f"{SITE}{url}"
    assert first.content == again.content


def test_addresses_come_from_site_url_whatever_host_was_asked(client, settings, article):
    settings.ALLOWED_HOSTS = ["origin.internal"]

    head = read_head(client.get(article.get_absolute_url(), HTTP_HOST="origin.internal"))

    addresses = [head.link("canonical"), head.one("og:url"), head.one("og:image")]
    addresses += head.meta["article:author"]
    assert all(address.startswith(f"{SITE}/") for address in addresses), addresses


def test_previews_cost_no_query_on_any_reading_page(client, django_assert_max_num_queries):
    article = ArticleFactory(tags=["Energy"])
    author = article.authors.get()
    PageFactory(slug="about")
    urls = [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        "/tag/energy/",
        author.get_absolute_url(),
        "/about/",
    ]

    for url in urls:
        client.get(url)
    for url in urls:
        with django_assert_max_num_queries(0):
            assert client.get(url).headers["X-Page-Cache"] == "hit", url
    with django_assert_max_num_queries(10):
        read_head(client.get(reverse("articles:search") + "?q=energy"))
