"""The body editor's images: uploaded from the editor and picked from the library through two
admin views, each checked as admin's own pages are, and inserted as the public page expects."""

import json
import re
from io import BytesIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from articles.images import rendition_name
from articles.models import BODY_IMAGE_RENDITIONS, LibraryImage, Page
from articles.roles import AUTHORS, EDITORS, MODERATORS, SUBSCRIBER_MANAGERS, ensure_roles
from tests.articles.test_library_images import staff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("admin:articles_libraryimage_upload")
CHOOSE_URL = reverse("admin:articles_libraryimage_choose")


def jpeg(size=(900, 600), name="harbour.jpg") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def upload(client, **fields):
    data = {"file": jpeg(), "alt": "Tankers in the harbour", "caption": "Bandar Abbas"}
    return client.post(UPLOAD_URL, data | {"credit": "Ann Lee"} | fields)


def stored_files() -> list[str]:
    _, files = default_storage.listdir("library") if default_storage.exists("library") else ([], [])
    return files


def test_an_upload_from_the_editor_keeps_the_image_and_answers_what_to_insert(settings):
    response = upload(staff(EDITORS), file=jpeg((2400, 1600)))

    assert response.status_code == 201
    image = LibraryImage.objects.get()
    assert (image.alt, image.caption, image.credit) == (
        "Tankers in the harbour",
        "Bandar Abbas",
        "Ann Lee",
    )
    assert image.uploaded_by.username == "editor"
    assert image.width == settings.IMAGE_MAX_PX  # scaled down as any upload is
    for rendition in BODY_IMAGE_RENDITIONS:  # JPEG and WebP, made as elsewhere
        assert default_storage.exists(rendition_name(image.file.name, rendition))
    answer = response.json()
    # A site-relative address, the one articles.body makes responsive.
    assert answer["src"] == image.address
    assert re.fullmatch(r"/media/library/\d{4}/\d{2}/harbour[^/]*\.jpg", answer["src"])
    assert answer["alt"] == "Tankers in the harbour"
    assert answer["thumbnail"].endswith(".w480.jpg")
    assert (answer["width"], answer["height"]) == (image.width, image.height)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"file": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")},
            "Image: Upload a valid image.",
        ),
        ({"alt": ""}, "Alternative text: This field is required."),
    ],
)
def test_a_bad_upload_is_refused_with_a_message_the_editor_shows_and_nothing_is_kept(
    fields, message
):
    response = upload(staff(EDITORS), **fields)

    assert response.status_code == 400
    assert response.json()["error"].startswith(message)
    assert not LibraryImage.objects.exists()
    assert stored_files() == []


def test_an_image_too_large_to_process_is_refused_as_featured_images_are(monkeypatch):
    monkeypatch.setattr("articles.forms.MAX_IMAGE_PIXELS", 1_000_000)

    response = upload(staff(EDITORS), file=jpeg((1600, 1200)))

    assert response.status_code == 400
    assert "1600 × 1200 pixels" in response.json()["error"]
    assert not LibraryImage.objects.exists()


@pytest.mark.parametrize(
    ("role", "may_upload", "may_choose"),
    [
        (EDITORS, True, True),
        (AUTHORS, True, True),
        (MODERATORS, False, False),
        (SUBSCRIBER_MANAGERS, False, False),
    ],
)
def test_each_role_uploads_and_chooses_as_its_permissions_say(role, may_upload, may_choose):
    client = staff(role)

    uploaded = upload(client)
    chosen = client.get(CHOOSE_URL)

    assert LibraryImage.objects.exists() == may_upload
    if may_upload:
        assert uploaded.status_code == 201
    else:
        assert uploaded.status_code == 403
        assert uploaded.json()["error"] == "You may not add images to the library."
    if may_choose:
        assert [image["alt"] for image in chosen.json()["images"]] == ["Tankers in the harbour"]
    else:
        assert chosen.status_code == 403
        assert chosen.json()["error"] == "You may not see the image library."


def test_readers_and_visitors_are_sent_to_sign_in_and_nothing_is_kept():
    reader = Client()
    reader.force_login(UserFactory(username="reader"))

    for client in (reader, Client()):
        for response in (upload(client), client.get(CHOOSE_URL)):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
    assert not LibraryImage.objects.exists()


def test_an_upload_without_the_forms_csrf_token_is_refused():
    ensure_roles()
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert upload(client).status_code == 403
    assert not LibraryImage.objects.exists()


def test_the_library_finds_images_by_alt_text_caption_credit_or_file_name(
    django_assert_max_num_queries,
):
    editor = staff(EDITORS)
    for alt, caption, credit, name in [
        ("Tankers in the harbour", "", "", "a.jpg"),
        ("Parliament", "The vote on the budget", "", "b.jpg"),
        ("Border crossing", "", "Reza Karimi", "c.jpg"),
        ("A market", "", "", "souk-tehran.jpg"),
    ]:
        upload(editor, alt=alt, caption=caption, credit=credit, file=jpeg((600, 400), name))

    def found(query: str) -> list[str]:
        with django_assert_max_num_queries(6):  # the session and user, then one for the images
            response = editor.get(CHOOSE_URL, {"q": query})
        return [image["alt"] for image in response.json()["images"]]

    assert found("harbour") == ["Tankers in the harbour"]
    assert found("budget") == ["Parliament"]
    assert found("karimi") == ["Border crossing"]
    assert found("souk") == ["A market"]
    assert found("") == ["A market", "Border crossing", "Parliament", "Tankers in the harbour"]
    assert found("nothing like it") == []
    first = editor.get(CHOOSE_URL, {"q": "market"}).json()["images"][0]
    assert first["thumbnail"].endswith(".w480.jpg") and first["src"].startswith("/media/library/")


def test_the_library_shows_the_newest_images_and_says_there_are_more(monkeypatch):
    monkeypatch.setattr("articles.admin.LIBRARY_CHOICES", 2)
    editor = staff(EDITORS)
    for alt in ("First", "Second", "Third"):
        upload(editor, alt=alt, file=jpeg((300, 200)))

    answer = editor.get(CHOOSE_URL).json()

    assert [image["alt"] for image in answer["images"]] == ["Third", "Second"]
    assert answer["more"] is True


def editor_config(html: str) -> dict:
    attribute = re.search(r'data-django-prose-editor-configurable="([^"]*)"', html)[1]
    return json.loads(attribute.replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.parametrize("form", ["admin:articles_article_add", "admin:articles_page_add"])
def test_the_body_editor_of_articles_and_pages_offers_upload_and_the_library(form):
    html = staff(EDITORS).get(reverse(form)).content.decode()

    config = editor_config(html)
    assert config["extensions"]["LibraryImages"]["uploadUrl"] == UPLOAD_URL
    assert config["extensions"]["LibraryImages"]["libraryUrl"] == CHOOSE_URL
    assert any("/js/editor-images" in module for module in config["js_modules"])
    assert "/js/admin-autosave" in html  # and what is typed is kept as it is typed


@pytest.mark.parametrize(
    ("form", "permission"),
    [
        ("admin:articles_article_add", "articles.add_article"),
        ("admin:articles_page_add", "articles.add_page"),
        ("admin:articles_author_add", "articles.add_author"),
    ],
)
def test_staff_who_may_not_use_the_library_get_no_image_buttons(form, permission):
    """Given a body to edit but not the image library, the buttons would only answer 403."""
    label, codename = permission.split(".")
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label=label, codename=codename),
        Permission.objects.get(codename="view_libraryimage"),
    )
    client = Client()
    client.force_login(user)

    config = editor_config(client.get(reverse(form)).content.decode())

    assert "LibraryImages" not in config["extensions"]
    assert not any("/js/editor-images" in module for module in config["js_modules"])
    assert "Figure" in config["extensions"]  # the rest of the editor stays as it was


def test_a_figure_the_editor_inserts_survives_saving_and_is_served_responsive(client):
    editor = staff(EDITORS)
    image = upload(editor, file=jpeg((1200, 800))).json()
    # What the editor's figure puts in the body, attributes and classes included.
    body = (
        f'<p>Before.</p><figure class="figure"><img src="{image["src"]}" alt="{image["alt"]}" '
        f'data-file="{image["id"]}"><figcaption class="figure-caption">Bandar Abbas — Ann Lee'
        "</figcaption></figure>"
    )

    response = editor.post(
        reverse("admin:articles_page_add"), {"title": "Our work", "slug": "our-work", "body": body}
    )

    assert response.status_code == 302
    stored = Page.objects.get().body
    assert f'<img src="{image["src"]}" alt="Tankers in the harbour"' in stored
    html = client.get("/our-work/").content.decode()
    assert "<picture>" in html and ".w960.webp 960w" in html and ".w480.jpg 480w" in html
    assert f'width="{image["width"]}" height="{image["height"]}"' in html
    assert 'sizes="' in html and 'loading="lazy"' in html
    assert "<figcaption>Bandar Abbas — Ann Lee</figcaption>" in html
