"""Images in the body: uploaded once to the library, put in any article, served responsively."""

from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from articles.models import LibraryImage
from articles.roles import AUTHORS, EDITORS, ensure_roles
from tests.factories import ArticleFactory, PageFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_libraryimage_add")


def staff(group: str) -> Client:
    ensure_roles()
    user = UserFactory(username=group.lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def jpeg(size=(2400, 1600)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile("harbour.jpg", buffer.getvalue(), content_type="image/jpeg")


def upload(client, **fields):
    data = {"file": jpeg(), "alt": "Tankers in the harbour", "caption": "", "credit": "Ann Lee"}
    return client.post(ADD_URL, data | fields)


def test_an_editor_uploads_an_image_with_its_alt_text_and_credit(settings):
    editor = staff(EDITORS)

    response = upload(editor)

    assert response.status_code == 302
    image = LibraryImage.objects.get()
    assert (image.alt, image.credit) == ("Tankers in the harbour", "Ann Lee")
    assert image.width == settings.IMAGE_MAX_PX  # scaled down on upload
    assert image.uploaded_by.username == "editor"
    page = editor.get(reverse("admin:articles_libraryimage_change", args=[image.pk]))
    assert f"<code>{image.address}</code>" in page.content.decode()


def test_a_writer_can_upload_too_and_the_library_is_searchable():
    writer = staff(AUTHORS)
    upload(writer, alt="Border crossing at dawn")
    upload(writer, alt="Parliament in session")

    found = writer.get(reverse("admin:articles_libraryimage_changelist"), {"q": "border"})

    assert [image.alt for image in found.context["cl"].result_list] == ["Border crossing at dawn"]


def test_a_file_that_is_not_an_image_is_a_form_error_and_nothing_is_kept():
    editor = staff(EDITORS)
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")

    response = upload(editor, file=fake)

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not LibraryImage.objects.exists()


def test_a_library_image_in_a_body_is_served_responsive_with_webp(client):
    staff_client = staff(EDITORS)
    upload(staff_client)
    image = LibraryImage.objects.get()
    article = ArticleFactory(body=f'<figure><img src="{image.address}" alt="Ships"></figure>')

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<source type="image/webp" srcset="' in html and ".w960.webp 960w" in html
    assert ".w480.jpg 480w" in html and 'sizes="' in html
    assert f'width="{image.width}" height="{image.height}" alt="Ships"' in html
    assert 'loading="lazy"' in html


def test_other_images_in_a_body_are_left_as_written(client):
    article = ArticleFactory(body='<p><img src="https://elsewhere.example/a.jpg" alt="A"></p>')

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<img src="https://elsewhere.example/a.jpg" alt="A">' in html


def test_static_pages_serve_library_images_responsive_too(client):
    upload(staff(EDITORS))
    image = LibraryImage.objects.get()
    page = PageFactory(body=f'<p><img src="{image.address}" alt="Our office"></p>')

    html = client.get(page.get_absolute_url()).content.decode()

    assert "<picture>" in html and 'alt="Our office"' in html
