"""Old links keep working: every old WordPress address of what was imported answers 301 with its
new address; others stay 404, and the site's own pages pay nothing for it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Author, LibraryImage, Section
from wordpress.models import ImportedItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client()


def redirect(client, address) -> str:
    response = client.get(address)
    assert response.status_code == 301, f"{address} answered {response.status_code}"
    return response.headers["Location"]


FERRY = "/2019/03/14/ferry-timetable/"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # Query-string forms every WordPress site answers
        ("/?p=10", FERRY),
        ("/?p=30", "/2019/04/02/council-budget/"),
        ("/?page_id=50", "/about-us/"),
        ("/?p=50", "/about-us/"),
        ("/?cat=4", "/section/council/"),
        ("/?cat=3", "/section/town/"),
        ("/?author=2", "/author/jose-nunez/"),
        ("/?tag=ferries", "/tag/ferries/"),
        ("/?attachment_id=20", FERRY),
        ("/?p=20", FERRY),
        # Archives and pages by their old paths
        ("/category/town/council/", "/section/council/"),
        ("/category/town/", "/section/town/"),
        ("/category/town/council", "/section/council/"),
        # An attachment's page leads to the post it belongs to
        ("/2019/03/14/ferry-timetable/pier/", FERRY),
        # Feeds of old archives and posts
        ("/category/town/council/feed/", "/section/council/feed/"),
        ("/category/town/feed/rss2/", "/section/town/feed/"),
        ("/2019/03/14/ferry-timetable/feed/atom/", f"{FERRY}feed/"),
    ],
)
def test_old_addresses_redirect_permanently_to_the_new_ones(imported, client, old, new):
    assert redirect(client, old) == new
    assert client.get(new).status_code == 200


def test_a_later_page_of_an_old_archive_redirects_to_the_same_page(imported, client, settings):
    settings.ARTICLES_PER_PAGE = 1

    assert redirect(client, "/category/town/council/page/2/") == "/section/council/?page=2"
    assert "Council passes budget" in client.get("/section/council/?page=2").content.decode()


def test_an_old_permalink_of_another_structure_redirects(imported, client):
    # The old site's dates were in another zone, or its permalinks had no date at all.
    Article.objects.filter(slug="council-budget").update(slug="council-passes-budget")

    assert redirect(client, "/2019/04/02/council-budget/") == "/2019/04/02/council-passes-budget/"


def test_old_archives_redirect_after_an_editor_changes_a_slug(imported, client):
    assert client.get("/author/jose-nunez/").status_code == 200  # the same address as before
    jose, council = Author.objects.get(slug="jose-nunez"), Section.objects.get(slug="council")
    jose.slug, council.slug = "jose", "town-council"
    jose.save()
    council.save()

    assert redirect(client, "/author/jose-nunez/") == "/author/jose/"
    assert redirect(client, "/author/jose-nunez/feed/") == "/author/jose/feed/"
    assert redirect(client, "/category/town/council/") == "/section/town-council/"


def test_unknown_old_addresses_and_unpublished_items_still_404(imported, client):
    for address in [
        "/2019/05/01/private-note/",  # a private post: a draft here
        "/2019/05/02/members-only/",  # password-protected: a draft here
        "/category/nowhere/",
        "/2019/03/14/ferry-timetable/nothing/",
        "/about-us/feed/",  # pages have no feed here
    ]:
        assert client.get(address).status_code == 404, address
    # A scheduled post, a draft, a draft page, unknown ids.
    for query in ["/?p=40", "/?p=41", "/?p=999", "/?page_id=51", "/?cat=999", "/?tag=nope"]:
        assert client.get(query).status_code == 404, query


def test_an_attachment_without_its_post_redirects_to_its_file(imported, client):
    image = LibraryImage.objects.get()
    ImportedItem.objects.filter(kind="attachment").update(
        details={"parent": 0}, address=image.address
    )

    assert redirect(client, "/?attachment_id=20") == image.address


def test_the_page_cache_does_not_answer_an_old_query_with_the_front_page(
    imported, client, settings
):
    assert settings.PAGE_CACHE_ENABLED
    client.get("/")
    assert client.get("/").headers.get("X-Page-Cache") == "hit"

    # Parameters the cache leaves out of its keys: "/" stored would answer them.
    assert redirect(client, "/?page_id=50") == "/about-us/"
    assert redirect(client, "/?cat=4&utm_source=old-newsletter") == "/section/council/"
    assert redirect(client, "/?p=10") == FERRY


def test_the_sites_own_pages_never_look_up_old_addresses(imported, client):
    for address in ["/", FERRY, "/section/council/", "/?utm_source=x", "/about-us/", "/feed/"]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        assert not [q for q in queries if "wordpress_importeditem" in q["sql"]], address
