"""The reader's page at /account/: name, website and photo, their comments, the discussions
they follow, their subscription, their data, and closing the account."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from comments.models import Comment
from readers.models import ReaderProfile
from readers.services import FORMER_READER
from subscriptions.models import Subscriber
from tests.factories import ArticleFactory, CommentFactory

User = get_user_model()


@pytest.fixture
def article(db):
    return ArticleFactory(title="Talks resume", slug="talks-resume")


def own_comment(reader, article, **fields):
    return CommentFactory(
        content_object=article,
        user=reader,
        user_name="Leila Navabi",
        user_email=reader.email,
        ip_address="203.0.113.9",
        user_url="https://leila.example",
        **fields,
    )


def test_account_page_needs_signing_in(client, db):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.url == "/account/login/?next=/account/"


def test_account_page_lists_comments_with_their_state_and_links(
    signed_in, reader, article, django_assert_max_num_queries
):
    published = own_comment(reader, article, comment="A published one.")
    own_comment(reader, article, comment="A held one.", is_public=False)
    for n in range(5):
        own_comment(reader, ArticleFactory(), comment=f"More {n}.")

    with django_assert_max_num_queries(25):
        page = signed_in.get("/account/").content.decode()

    assert "A published one." in page and "A held one." in page
    assert "awaiting moderation" in page
    assert f'href="{published.get_absolute_url()}"' in page
    assert "Leila Navabi" in page


def test_account_page_queries_stay_flat_as_comments_grow(
    signed_in, reader, article, django_assert_num_queries
):
    own_comment(reader, article)
    signed_in.get("/account/")  # caches warmed (content types, the site)
    with CaptureQueriesContext(connection) as few:
        signed_in.get("/account/")
    for n in range(10):
        own_comment(reader, ArticleFactory(), comment=f"More {n}.")
    signed_in.get("/account/")  # the sidebar's fragments, outdated by the new articles
    with CaptureQueriesContext(connection) as many:
        signed_in.get("/account/")
    assert len(many) == len(few)


def test_changing_name_and_website_renames_old_comments(signed_in, reader, article):
    comment = own_comment(reader, article)

    response = signed_in.post(
        "/account/profile/", {"display_name": "L. Navabi", "website": "https://ln.example"}
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.user_name, comment.user_url) == ("L. Navabi", "https://ln.example")
    reader.refresh_from_db()
    assert reader.get_full_name() == "L. Navabi"


def test_a_website_must_be_http(signed_in):
    response = signed_in.post(
        "/account/profile/", {"display_name": "Leila", "website": "javascript:alert(1)"}
    )
    assert response.status_code == 400
    assert not ReaderProfile.objects.filter(website__startswith="javascript").exists()


def png() -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", (400, 300), "teal").save(data, "PNG")
    return SimpleUploadedFile("me.png", data.getvalue(), content_type="image/png")


def test_initials_by_default_and_an_uploaded_photo_with_renditions(signed_in, reader, settings):
    assert ">LN</span>" in signed_in.get("/account/").content.decode()

    signed_in.post("/account/profile/", {"display_name": "Leila Navabi", "photo": png()})

    profile = ReaderProfile.objects.get(user=reader)
    assert profile.photo
    assert profile.photo.storage.exists(profile.photo_url.removeprefix(settings.MEDIA_URL))
    page = signed_in.get("/account/").content.decode()
    assert f'src="{profile.photo_url}"' in page
    assert ">LN</span>" not in page


def test_a_phone_sized_photo_is_taken_and_scaled_down(signed_in, reader, settings):
    settings.IMAGE_MAX_PX = 800
    data = io.BytesIO()
    Image.effect_noise((1600, 1200), 64).convert("RGB").save(data, "PNG")
    assert data.tell() > settings.PUBLIC_REQUEST_MAX_BYTES
    photo = SimpleUploadedFile("phone.png", data.getvalue(), content_type="image/png")

    response = signed_in.post("/account/profile/", {"display_name": "Leila", "photo": photo})

    assert response.status_code == 302
    profile = ReaderProfile.objects.get(user=reader)
    assert max(Image.open(profile.photo).size) == 800


def test_followed_discussions_are_listed_and_can_be_unfollowed(signed_in, reader, article):
    own_comment(reader, article, followup=True)

    page = signed_in.get("/account/").content.decode()
    assert "Talks resume" in page.split("Discussions you follow")[1]

    signed_in.post(f"/account/following/{article.pk}/unfollow/")

    assert not Comment.objects.filter(followup=True).exists()
    assert (
        "Talks resume"
        not in signed_in.get("/account/")
        .content.decode()
        .split("Discussions you follow")[1]
        .split("Email subscription")[0]
    )


def test_the_sign_up_boxs_subscription_shows_with_a_link_to_its_choices(signed_in, reader):
    Subscriber.objects.create(email="Leila@Example.org", state=Subscriber.State.ACTIVE)

    page = signed_in.get("/account/").content.decode()

    assert "Leila@Example.org: active" in page
    assert "/subscribe/manage/" in page


def test_a_reader_without_subscription_can_start_one(signed_in, reader, run_tasks, smtp_inbox):
    response = run_tasks(lambda: signed_in.post("/account/subscribe/"))

    assert response.url == "/subscribe/check-email/"
    assert Subscriber.objects.get().email == reader.email
    [message] = smtp_inbox.messages
    assert message["To"] == reader.email


def test_data_download_holds_comments_and_subscription(signed_in, reader, article):
    own_comment(reader, article, comment="Mine, to take away.")
    Subscriber.objects.create(email=reader.email, state=Subscriber.State.ACTIVE)

    response = signed_in.get("/account/data/")

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["display_name"] == "Leila Navabi"
    assert data["account"]["emails"] == [
        {"email": "leila@example.org", "verified": True, "primary": True}
    ]
    assert data["comments"][0]["text"] == "Mine, to take away."
    assert data["comments"][0]["state"] == "published"
    assert data["subscription"]["state"] == "active"


def close(client, comments):
    return client.post("/account/delete/", {"comments": comments, "confirm": "on"})


def test_closing_the_account_removing_comments(signed_in, reader, article, settings):
    own_comment(reader, article, comment="Take this away.")
    Subscriber.objects.create(email=reader.email, state=Subscriber.State.ACTIVE)
    signed_in.post("/account/profile/", {"display_name": "Leila Navabi", "photo": png()})
    profile = ReaderProfile.objects.get(user=reader)
    storage = profile.photo.storage
    stored = [
        name.removeprefix(settings.MEDIA_URL)
        for name in (profile.photo.name, profile.photo_url, profile.photo_url_2x)
    ]
    assert all(storage.exists(name) for name in stored)

    response = close(signed_in, "remove")

    assert response.url == "/account/deleted/"
    assert not User.objects.filter(pk=reader.pk).exists()
    assert not Comment.objects.exists()
    assert not Subscriber.objects.exists()
    assert "_auth_user_id" not in signed_in.session
    assert (
        "Take this away." not in type(signed_in)().get(article.get_absolute_url()).content.decode()
    )


def test_closing_the_account_keeping_comments_as_a_former_reader(signed_in, reader, article):
    own_comment(reader, article, comment="Keep this one.")
    Subscriber.objects.create(email=reader.email, state=Subscriber.State.ACTIVE)

    close(signed_in, "keep")

    comment = Comment.objects.get()
    assert comment.comment == "Keep this one."
    assert (comment.user, comment.user_name, comment.user_email, comment.user_url) == (
        None, FORMER_READER, "", "",
    )  # fmt: skip
    assert comment.ip_address is None
    assert not Subscriber.objects.exists()
    assert not User.objects.filter(pk=reader.pk).exists()
    page = type(signed_in)().get(article.get_absolute_url()).content.decode()
    assert "Keep this one." in page and FORMER_READER in page and "Leila" not in page


def test_closing_needs_the_box_ticked(signed_in, reader):
    response = signed_in.post("/account/delete/", {"comments": "remove"})

    assert response.status_code == 200
    assert User.objects.filter(pk=reader.pk).exists()


def test_a_readers_photo_shows_beside_their_comments(signed_in, reader, article):
    own_comment(reader, article, comment="With my face.")
    signed_in.post("/account/profile/", {"display_name": "Leila Navabi", "photo": png()})
    profile = ReaderProfile.objects.get(user=reader)

    page = type(signed_in)().get(article.get_absolute_url()).content.decode()

    thread = page.split('id="comments"')[1]
    assert f'src="{profile.photo_url}"' in thread
    assert ">LN</span>" not in thread
