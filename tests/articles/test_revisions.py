"""Earlier versions of articles and pages: kept at each save, compared, restored."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Page
from articles.roles import AUTHORS, EDITORS, ensure_roles
from tests.factories import ArticleFactory, PageFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def staff(username: str, group: str) -> Client:
    ensure_roles()
    user = UserFactory(username=username, first_name="Leila", last_name="Marouf", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor():
    return staff("leila", EDITORS)


def article_form(article: Article, **changes) -> dict:
    data = {
        "title": article.title,
        "slug": article.slug,
        "section": article.section_id,
        "authors": [a.pk for a in article.authors.all()],
        "tags": "",
        "standfirst": article.standfirst,
        "body": article.body,
        "image_alt": "",
        "image_caption": "",
        "image_credit": "",
        "published_at_0": "",
        "published_at_1": "",
        "comments_open": "on",
        "_save": "Update",
    }
    return data | changes


def edit(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, article_form(article, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()


def test_each_save_keeps_a_version_the_change_page_lists_with_who_and_when(editor):
    article = ArticleFactory(title="First title")
    edit(editor, article, title="Second title")
    edit(editor, article, title="Third title")

    page = editor.get(reverse("admin:articles_article_change", args=[article.pk])).content
    page = page.decode()

    assert Version.objects.get_for_object(article).count() == 2
    assert page.count("by leila") == 2
    assert "compare with now, or restore" in page


def test_comparing_shows_what_changed_paragraph_by_paragraph(editor):
    article = ArticleFactory(
        body="<p>Talks resume in Vienna.</p><p>Both sides signal flexibility.</p>"
    )
    edit(editor, article)
    edit(
        editor, article, body="<p>Talks resume in Geneva.</p><p>Both sides signal flexibility.</p>"
    )
    first = Version.objects.get_for_object(article).order_by("revision__date_created").first()

    url = reverse("admin:articles_article_compare", args=[article.pk, first.pk])
    page = editor.get(url).content.decode()

    assert "<del>Talks resume in Vienna.</del>" in page
    assert "<ins>Talks resume in Geneva.</ins>" in page
    assert "<p>Both sides signal flexibility.</p>" in page
    assert "Title — the same" in page


def test_restoring_a_version_brings_its_text_back_and_keeps_the_article_published(editor):
    article = ArticleFactory(title="Talks resume", standfirst="Both sides signal flexibility.")
    edit(editor, article)
    edit(editor, article, title="Talks collapse", standfirst="A bad edit.")
    good = Version.objects.get_for_object(article).order_by("revision__date_created").first()
    compare = reverse("admin:articles_article_compare", args=[article.pk, good.pk])
    restore = reverse("admin:articles_article_restore", args=[article.pk, good.pk])

    assert f'action="{restore}"' in editor.get(compare).content.decode()
    assert editor.get(restore).status_code == 405  # looking never changes anything

    response = editor.post(restore, follow=True)

    article.refresh_from_db()
    assert (article.title, article.standfirst) == ("Talks resume", "Both sides signal flexibility.")
    assert article.state == Article.State.PUBLISHED
    assert Version.objects.get_for_object(article).count() == 3
    assert "is restored." in response.content.decode()
    assert "Talks resume" in Client().get(article.get_absolute_url()).content.decode()


def test_django_reversions_own_revert_page_leads_to_the_comparison(editor):
    article = ArticleFactory()
    edit(editor, article, title="Edited")
    version = Version.objects.get_for_object(article).first()

    response = editor.get(reverse("admin:articles_article_revision", args=[article.pk, version.pk]))

    assert response.status_code == 302
    assert response["Location"].endswith(f"/history/{version.pk}/compare/")


def test_static_pages_keep_versions_too(editor):
    page = PageFactory(title="About us", body="<p>Who we are.</p>")
    url = reverse("admin:articles_page_change", args=[page.pk])
    editor.post(url, {"title": "About", "slug": page.slug, "body": "<p>Who we are now.</p>"})
    editor.post(url, {"title": "About", "slug": page.slug, "body": "<p>Changed again.</p>"})
    first = Version.objects.get_for_object(Page.objects.get()).order_by("pk").first()

    compare = editor.get(reverse("admin:articles_page_compare", args=[page.pk, first.pk]))

    assert "<del>Who we are now.</del>" in compare.content.decode()


def test_a_writer_cannot_compare_a_colleagues_article():
    editor = staff("leila", EDITORS)
    article = ArticleFactory()
    edit(editor, article, title="Edited")
    version = Version.objects.get_for_object(article).first()
    writer = staff("sam", AUTHORS)

    url = reverse("admin:articles_article_compare", args=[article.pk, version.pk])

    assert writer.get(url).status_code in (403, 404)
