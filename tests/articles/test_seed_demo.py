from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest
from taggit.models import Tag, TaggedItem

from articles.demo import DEFAULT_PASSWORD
from articles.images import rendition_name
from articles.models import AUTHOR_PHOTO_RENDITIONS, Article, Author, Page, Section
from articles.roles import AUTHORS, EDITORS

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def snapshot() -> dict:
    """Every row the command writes, with the fields a second run might disturb."""
    return {
        "articles": sorted(Article.objects.values_list("slug", "updated_at", "image")),
        "authors": sorted(Author.objects.values_list("slug", "photo", "user_id")),
        "sections": Section.objects.count(),
        "pages": sorted(Page.objects.values_list("slug", "updated_at")),
        "tags": Tag.objects.count(),
        "tagged": TaggedItem.objects.count(),
        "users": sorted(get_user_model().objects.values_list("username", "password")),
    }


def test_seed_demo_creates_every_state_once_and_changes_nothing_when_run_again():
    seed()
    first = snapshot()

    out = seed()

    assert snapshot() == first
    assert "0 rows created" in out
    assert Article.objects.published().count() >= 25
    assert Article.objects.scheduled().count() == 1
    assert Article.objects.drafts().count() == 1
    assert set(Page.objects.values_list("slug", flat=True)) == {"introduction", "donate", "about"}
    assert Section.objects.count() >= 5
    assert Article.objects.exclude(image="").count() >= 3
    # Tag pages have something to list.
    assert all(tag.taggit_taggeditem_items.count() >= 3 for tag in Tag.objects.all())


def test_seed_demo_accounts_can_log_in_with_their_roles(client):
    out = seed(password="another demo password")

    editor = get_user_model().objects.get(username="editor")
    author = get_user_model().objects.get(username="author")
    assert editor.is_staff and author.is_staff
    assert list(editor.groups.values_list("name", flat=True)) == [EDITORS]
    assert list(author.groups.values_list("name", flat=True)) == [AUTHORS]
    assert Author.objects.filter(user=editor).exists()
    # django-axes counts sign-ins per request, so the test client's login passes one.
    assert client.login(request=HttpRequest(), username="editor", password="another demo password")
    assert "/admin/" in out and "'editor'" in out and "another demo password" in out


def test_seed_demo_never_resets_an_existing_accounts_password_or_roles(client):
    get_user_model().objects.create_user(
        username="editor", password="a real editor's own secret", is_staff=True
    )

    out = seed()

    editor = get_user_model().objects.get(username="editor")
    # django-axes counts sign-ins per request, so the test client's login passes one.
    assert not client.login(request=HttpRequest(), username="editor", password=DEFAULT_PASSWORD)
    assert client.login(
        request=HttpRequest(), username="editor", password="a real editor's own secret"
    )
    assert not editor.groups.exists()
    assert "'editor', an existing account: its password and roles are left unchanged" in out
    assert f"'author', password {DEFAULT_PASSWORD!r}" in out


def test_seed_demo_authors_have_photo_renditions_and_articles_link_to_each_other():
    seed()

    for author in Author.objects.all():
        assert author.photo
        for rendition in AUTHOR_PHOTO_RENDITIONS:
            assert (
                Path(settings.MEDIA_ROOT) / rendition_name(author.photo.name, rendition)
            ).exists()
    published = list(Article.objects.published())
    urls = {article.pk: article.get_absolute_url() for article in published}
    linking = [
        article
        for article in published
        if any(f'href="{url}"' in article.body for pk, url in urls.items() if pk != article.pk)
    ]
    assert len(linking) >= 6
    assert not any("<script" in article.body.lower() for article in Article.objects.all())


def test_a_development_site_gets_a_login_that_opens_everything(client, settings):
    settings.DEBUG = True

    output = seed()

    assert "everything (superuser, development only): username 'admin'" in output
    assert client.login(request=HttpRequest(), username="admin", password=DEFAULT_PASSWORD)
    assert client.get("/admin/subscriptions/subscriber/").status_code == 200


def test_a_production_site_never_gets_the_demo_superuser(settings):
    settings.DEBUG = False

    output = seed()

    assert "admin" not in [u.username for u in get_user_model().objects.all()]
    assert "superuser" not in output
