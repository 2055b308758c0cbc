from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from articles.images import rendition_name
from articles.models import AUTHOR_PHOTO_RENDITIONS, Article, Author
from articles.roles import AUTHORS, EDITORS, ensure_roles
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PageFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ADD_URL = "admin:articles_article_add"
CHANGELIST_URL = "admin:articles_article_changelist"


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def staff_client(username: str, group: str) -> tuple[Client, object]:
    ensure_roles()
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def editor():
    return staff_client("editor", EDITORS)


@pytest.fixture
def author_user():
    return staff_client("author", AUTHORS)


@pytest.fixture
def editor_client(editor):
    return editor[0]


@pytest.fixture
def author_client(author_user):
    return author_user[0]


def local_parts(moment: datetime) -> dict:
    """The admin's split date and time inputs for a moment, in the site's time zone."""
    local = timezone.localtime(moment)
    return {"published_at_0": local.strftime("%Y-%m-%d"), "published_at_1": local.strftime("%H:%M")}


def article_data(**overrides) -> dict:
    """What the article add/change form posts, with an empty publication time."""
    data = {
        "title": "Oil and the strait",
        "slug": "oil-and-the-strait",
        "section": overrides.pop("section", None) or SectionFactory().pk,
        "authors": overrides.pop("authors", None) or [AuthorFactory().pk],
        "tags": "oil, shipping",
        "standfirst": "Tankers wait.",
        "body": "<p>Tankers wait at the mouth of the Gulf.</p>",
        "image_alt": "",
        "image_caption": "",
        "image_credit": "",
        "published_at_0": "",
        "published_at_1": "",
        "comments_open": "on",
    }
    return data | overrides


def image_bytes(size, fmt="JPEG") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, fmt)
    return buffer.getvalue()


# Editors: drafts, publishing, scheduling


def test_editor_publishes_article_with_sanitised_body(
    editor, client, django_capture_on_commit_callbacks
):
    editor_client, editor_user = editor
    body = (
        '<h2 onclick="steal()">Heading</h2><script>alert(1)</script>'
        '<p><a href="javascript:alert(2)">bad link</a> '
        '<a href="https://example.org/">good link</a></p>'
        "<blockquote><p>Quoted</p></blockquote><ul><li>One</li></ul>"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse(ADD_URL), article_data(body=body, _publish="Publish / schedule")
        )

    assert response.status_code == 302
    article = Article.objects.get(slug="oil-and-the-strait")
    assert article.state == Article.State.PUBLISHED
    assert article.published_at is not None
    assert article.created_by == editor_user
    assert "<script" not in article.body
    assert "onclick" not in article.body
    assert "javascript:" not in article.body
    assert "<h2>Heading</h2>" in article.body
    assert 'href="https://example.org/"' in article.body
    assert "<blockquote>" in article.body and "<li>" in article.body
    assert sorted(tag.name for tag in article.tags.all()) == ["oil", "shipping"]
    # The announcement to subscribers is queued through the publication service.
    assert DBTaskResult.objects.count() == 1

    public = client.get(article.get_absolute_url())
    assert public.status_code == 200
    assert "Oil and the strait" in public.content.decode()


def test_save_draft_keeps_article_private_and_stays_on_the_form(editor_client, client):
    response = editor_client.post(reverse(ADD_URL), article_data(_save_draft="Save draft"))

    article = Article.objects.get(slug="oil-and-the-strait")
    assert response.status_code == 302
    assert response.url == change_url(article)
    assert article.state == Article.State.DRAFT
    assert article.published_at is None
    assert article.get_absolute_url() == reverse("articles:preview", args=[article.pk])
    assert not Article.objects.published().exists()


def test_publish_with_future_time_schedules_the_article(editor_client):
    later = timezone.now() + timedelta(days=2)

    editor_client.post(reverse(ADD_URL), article_data(**local_parts(later), _publish="Publish"))

    article = Article.objects.get(slug="oil-and-the-strait")
    assert article.state == Article.State.SCHEDULED
    assert article.status == Article.Status.PUBLISHED
    assert abs(article.published_at - later) < timedelta(minutes=1)
    assert not Article.objects.published().exists()
    assert list(Article.objects.scheduled()) == [article]
    listing = editor_client.get(reverse(CHANGELIST_URL)).content.decode()
    assert "Scheduled for" in listing


def test_published_time_is_read_in_the_site_time_zone(editor_client, settings):
    settings.TIME_ZONE = "Europe/London"
    data = article_data(published_at_0="2024-07-01", published_at_1="09:30", _publish="Publish")

    editor_client.post(reverse(ADD_URL), data)

    article = Article.objects.get(slug="oil-and-the-strait")
    assert article.published_at == datetime(2024, 7, 1, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    assert article.get_absolute_url() == "/2024/07/01/oil-and-the-strait/"


def test_update_keeps_a_published_article_published(editor_client):
    article = ArticleFactory()
    data = article_data(
        title="Corrected title",
        slug=article.slug,
        section=article.section_id,
        authors=[a.pk for a in article.authors.all()],
        **local_parts(article.published_at),
        _save="Update",
    )

    editor_client.post(change_url(article), data)

    article.refresh_from_db()
    assert article.title == "Corrected title"
    assert article.state == Article.State.PUBLISHED


def test_revert_to_draft_button_unpublishes(editor_client):
    article = ArticleFactory()
    data = article_data(
        slug=article.slug,
        section=article.section_id,
        **local_parts(article.published_at),
        _save_draft="Revert to draft",
    )

    editor_client.post(change_url(article), data)

    article.refresh_from_db()
    assert article.state == Article.State.DRAFT
    assert not Article.objects.published().exists()


def test_change_form_offers_draft_and_publish_buttons_and_a_preview(editor_client):
    draft = ArticleFactory(draft=True)

    content = editor_client.get(change_url(draft)).content.decode()

    assert 'name="_save_draft"' in content
    assert 'name="_publish"' in content
    preview_url = reverse("articles:preview", args=[draft.pk])
    assert f'href="{preview_url}"' in content
    assert ">Preview<" in content


def test_change_form_of_published_article_links_to_it_on_the_site(editor_client):
    article = ArticleFactory()

    content = editor_client.get(change_url(article)).content.decode()

    assert f'href="{article.get_absolute_url()}" class="viewsitelink"' in content
    assert 'name="_publish"' not in content
    assert 'value="Revert to draft"' in content


def test_publish_action_publishes_drafts_and_scheduled_articles_now(editor_client):
    draft = ArticleFactory(draft=True)
    scheduled = ArticleFactory(scheduled=True)

    editor_client.post(
        reverse(CHANGELIST_URL),
        {"action": "publish_now", "_selected_action": [draft.pk, scheduled.pk]},
    )

    published = Article.objects.published()
    assert set(published) == {draft, scheduled}
    assert all(a.published_at <= timezone.now() for a in published)


def test_revert_action_makes_articles_drafts(editor_client):
    article = ArticleFactory()

    editor_client.post(
        reverse(CHANGELIST_URL), {"action": "revert_to_draft", "_selected_action": [article.pk]}
    )

    article.refresh_from_db()
    assert article.state == Article.State.DRAFT


# Authors: their own drafts only


def test_author_can_add_a_draft(author_user):
    author_client, user = author_user

    response = author_client.post(reverse(ADD_URL), article_data(_save_draft="Save draft"))

    assert response.status_code == 302
    article = Article.objects.get(slug="oil-and-the-strait")
    assert article.state == Article.State.DRAFT
    assert article.created_by == user


def test_author_is_not_offered_publishing(author_client):
    content = author_client.get(reverse(ADD_URL)).content.decode()

    assert 'name="_save_draft"' in content
    assert 'name="_publish"' not in content
    assert 'name="published_at_0"' not in content


def test_author_posting_publish_still_saves_a_draft(author_client):
    later = timezone.now() + timedelta(days=1)

    author_client.post(reverse(ADD_URL), article_data(**local_parts(later), _publish="Publish"))

    article = Article.objects.get(slug="oil-and-the-strait")
    assert article.state == Article.State.DRAFT
    assert article.published_at is None


def test_author_cannot_see_or_change_another_users_article(author_client, editor):
    _, editor_user = editor
    other = ArticleFactory(draft=True, title="Someone else's", created_by=editor_user)

    listing = author_client.get(reverse(CHANGELIST_URL)).content.decode()
    viewed = author_client.get(change_url(other))
    posted = author_client.post(
        change_url(other), article_data(slug=other.slug, _save_draft="Save draft")
    )

    assert "Someone else" not in listing
    assert viewed.status_code == 302 and viewed.url == reverse("admin:index")
    assert posted.status_code == 302
    other.refresh_from_db()
    assert other.title == "Someone else's"


def test_author_cannot_change_own_article_once_published(author_user, editor_client):
    author_client, user = author_user
    article = ArticleFactory(draft=True, created_by=user)
    data = article_data(
        slug=article.slug,
        section=article.section_id,
        authors=[a.pk for a in article.authors.all()],
        _publish="Publish",
    )
    editor_client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.state == Article.State.PUBLISHED

    viewed = author_client.get(change_url(article))
    posted = author_client.post(change_url(article), data | {"title": "Changed by author"})

    assert viewed.status_code == 200
    assert 'name="_save_draft"' not in viewed.content.decode()
    assert posted.status_code == 403
    article.refresh_from_db()
    assert article.title == "Oil and the strait"
    assert article.state == Article.State.PUBLISHED


def test_author_can_edit_own_draft_but_not_publish_it_by_action(author_user):
    author_client, user = author_user
    article = ArticleFactory(draft=True, created_by=user)

    listing = author_client.get(reverse(CHANGELIST_URL)).content.decode()
    author_client.post(
        reverse(CHANGELIST_URL), {"action": "publish_now", "_selected_action": [article.pk]}
    )

    assert 'value="publish_now"' not in listing
    article.refresh_from_db()
    assert article.state == Article.State.DRAFT


# The article list


@pytest.mark.parametrize(
    ("state", "shown", "hidden"),
    [
        ("draft", "Unfinished draft", "Live piece"),
        ("scheduled", "Tomorrow piece", "Live piece"),
        ("published", "Live piece", "Tomorrow piece"),
    ],
)
def test_changelist_filters_by_state(editor_client, state, shown, hidden):
    ArticleFactory(title="Unfinished draft", draft=True)
    ArticleFactory(title="Tomorrow piece", scheduled=True)
    ArticleFactory(title="Live piece")

    response = editor_client.get(reverse(CHANGELIST_URL), {"state": state})

    content = response.content.decode()
    assert response.status_code == 200
    assert shown in content
    assert hidden not in content


def test_changelist_searches_and_drills_down_by_date(editor_client):
    march = datetime(2024, 3, 5, 12, tzinfo=ZoneInfo("Europe/London"))
    ArticleFactory(title="Needle in March", published_at=march)
    ArticleFactory(title="Haystack in May", published_at=march.replace(month=5))

    searched = editor_client.get(reverse(CHANGELIST_URL), {"q": "needle"}).content.decode()
    drilled = editor_client.get(
        reverse(CHANGELIST_URL), {"published_at__year": 2024, "published_at__month": 3}
    ).content.decode()

    assert "Needle in March" in searched and "Haystack in May" not in searched
    assert "Needle in March" in drilled and "Haystack in May" not in drilled


def test_changelist_query_count_does_not_grow_with_articles(
    editor_client, django_assert_max_num_queries
):
    section = SectionFactory()
    authors = AuthorFactory.create_batch(2)
    ArticleFactory.create_batch(3, section=section, authors=authors)
    url = reverse(CHANGELIST_URL)
    with CaptureQueriesContext(connection) as baseline:
        assert editor_client.get(url).status_code == 200

    for n in range(27):
        ArticleFactory(section=SectionFactory(), authors=[AuthorFactory()], draft=n % 2 == 0)

    with django_assert_max_num_queries(len(baseline)):
        response = editor_client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 30


# Authors' photos


def test_author_photo_that_is_not_an_image_is_a_form_error(editor_client):
    upload = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")

    response = editor_client.post(
        reverse("admin:articles_author_add"), {"name": "Ana", "slug": "ana", "photo": upload}
    )

    assert response.status_code == 200
    assert "Upload a valid image" in str(response.context["adminform"].form.errors["photo"])
    assert not Author.objects.exists()


def test_truncated_author_photo_is_a_form_error(editor_client):
    # Its header is fine, so only a full decode finds that the rest is missing.
    data = image_bytes((400, 300))
    upload = SimpleUploadedFile("cut.jpg", data[: len(data) // 2], content_type="image/jpeg")

    response = editor_client.post(
        reverse("admin:articles_author_add"), {"name": "Ana", "slug": "ana", "photo": upload}
    )

    assert response.status_code == 200
    assert "Upload a valid image" in str(response.context["adminform"].form.errors["photo"])
    assert not Author.objects.exists()


def test_oversized_author_photo_is_scaled_down_with_renditions(editor_client, settings):
    settings.IMAGE_MAX_PX = 500
    upload = SimpleUploadedFile("big.jpg", image_bytes((3000, 2000)), content_type="image/jpeg")

    response = editor_client.post(
        reverse("admin:articles_author_add"), {"name": "Ana", "slug": "ana", "photo": upload}
    )

    assert response.status_code == 302
    author = Author.objects.get(slug="ana")
    with Image.open(author.photo.path) as stored:
        assert max(stored.size) <= 500
    for rendition in AUTHOR_PHOTO_RENDITIONS:
        assert (Path(settings.MEDIA_ROOT) / rendition_name(author.photo.name, rendition)).exists()
    listing = editor_client.get(reverse("admin:articles_author_changelist")).content.decode()
    assert author.photo_thumbnail_url in listing


# Preview


def test_draft_preview_is_for_staff_only(editor_client, client):
    draft = ArticleFactory(draft=True, title="Secret draft")
    url = draft.get_absolute_url()

    assert client.get(url).status_code == 404
    response = editor_client.get(url)
    assert response.status_code == 200
    assert "Secret draft" in response.content.decode()


# Sections and pages


def test_section_order_is_editable_from_the_list(editor_client):
    first, second = SectionFactory(order=1), SectionFactory(order=2)
    data = {
        "form-TOTAL_FORMS": 2,
        "form-INITIAL_FORMS": 2,
        "form-0-id": first.pk,
        "form-0-order": 5,
        "form-1-id": second.pk,
        "form-1-order": 2,
        "_save": "Save",
    }

    response = editor_client.post(reverse("admin:articles_section_changelist"), data)

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.order == 5


def test_static_page_is_editable_and_viewable_from_admin(editor_client):
    page = PageFactory(title="About", slug="about")

    response = editor_client.post(
        reverse("admin:articles_page_change", args=[page.pk]),
        {"title": "About us", "slug": "about", "body": "<p>We <script>x</script>report.</p>"},
    )

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.title == "About us"
    assert "<script" not in page.body
    content = editor_client.get(reverse("admin:articles_page_change", args=[page.pk])).content
    assert b"viewsitelink" in content


def test_scheduled_article_is_previewed_not_linked_to_its_future_url(editor_client, client):
    scheduled = ArticleFactory(scheduled=True, title="Tomorrow piece")
    preview_url = reverse("articles:preview", args=[scheduled.pk])

    content = editor_client.get(change_url(scheduled)).content.decode()

    assert f'href="{preview_url}" class="viewsitelink">Preview<' in content
    assert "Scheduled for" in content
    assert editor_client.get(preview_url).status_code == 200
    assert client.get(preview_url).status_code == 404


def test_new_article_is_bylined_to_the_writer_by_default(author_user):
    author_client, user = author_user
    profile = AuthorFactory(user=user)

    response = author_client.get(reverse(ADD_URL))

    assert response.context["adminform"].form.initial["authors"] == [profile.pk]


# Bylines, messages and dates as the newsroom expects


def test_an_editor_chooses_the_byline_a_writer_gets_their_own(editor, author_user):
    editor_client, editor_user = editor
    writer_client, writer_user = author_user
    editor_profile = AuthorFactory(name="Eda Editor", user=editor_user)
    writer_profile = AuthorFactory(name="Will Writer", user=writer_user)

    editor_form = editor_client.get(reverse(ADD_URL)).context["adminform"].form
    writer_form = writer_client.get(reverse(ADD_URL)).context["adminform"].form

    assert editor_form.initial.get("authors") in (None, [])
    assert editor_profile in editor_form.fields["authors"].queryset  # "me" is one click away
    assert writer_form.initial["authors"] == [writer_profile.pk]


def test_scheduling_says_so_once_in_the_sites_date_format(editor_client):
    later = timezone.localtime(timezone.now() + timedelta(days=2)).replace(hour=7, minute=24)

    response = editor_client.post(
        reverse(ADD_URL), article_data(**local_parts(later), _publish="Publish"), follow=True
    )

    shown = [str(message) for message in response.context["messages"]]
    expected = f"“Oil and the strait” is scheduled for {later.day} {later:%B %Y}, 07:24."
    assert shown == [expected]


def test_saving_a_draft_says_one_thing(editor_client):
    response = editor_client.post(
        reverse(ADD_URL), article_data(_save_draft="Save draft"), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "“Oil and the strait” is saved as a draft."
    ]


def test_the_article_list_writes_dates_as_the_site_does(editor_client):
    moment = timezone.localtime(timezone.now()).replace(year=2026, month=3, day=4, hour=9, minute=5)
    ArticleFactory(title="Dated", published_at=moment)

    listing = editor_client.get(reverse(CHANGELIST_URL)).content.decode()

    assert "4 March 2026, 09:05" in listing


def test_an_image_pasted_with_the_sites_own_address_is_stored_site_relative(editor_client):
    body = (
        '<figure><img src="http://127.0.0.1:8000/media/library/a.jpg" alt="A"></figure>'
        '<p><a href="https://elsewhere.example/media/b.jpg">theirs</a></p>'
    )

    editor_client.post(reverse(ADD_URL), article_data(body=body, _save_draft="Save draft"))

    stored = Article.objects.get().body
    assert 'src="/media/library/a.jpg"' in stored
    assert 'href="https://elsewhere.example/media/b.jpg"' in stored


def test_existing_bodies_with_the_sites_own_addresses_are_normalised_once():
    from importlib import import_module

    from django.apps import apps

    article = ArticleFactory()
    pasted = '<p><img src="http://localhost:8000/media/x.png" alt="x"></p>'
    Article.objects.filter(pk=article.pk).update(body=pasted)

    import_module("articles.migrations.0006_media_addresses_relative").normalise(apps, None)

    article.refresh_from_db()
    assert 'src="/media/x.png"' in article.body
