"""Uploads and their renditions go through the storage API, so any storage can hold them.

Django's InMemoryStorage stands in for a bucket several machines share (S3 and the like), with
`path()` refused as S3's storage refuses it, so anything that reached for a file on disk fails.
"""

import json
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils._os import safe_join
from PIL import Image

from articles.images import rendition_name
from articles.models import AUTHOR_PHOTO_RENDITIONS, FEATURED_IMAGE_RENDITIONS, Author
from articles.roles import EDITORS, ensure_roles
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class BucketLikeStorage(InMemoryStorage):
    """Files in memory and, as in a bucket, no path on this machine's disk."""

    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def _relative_path(self, name):
        # InMemoryStorage's own bookkeeping goes through path(); it keeps working.
        return os.path.relpath(safe_join(self.location, name), self.location)


@pytest.fixture
def storage_without_paths(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.BucketLikeStorage"},
    }
    settings.IMAGE_MAX_PX = 800
    with pytest.raises(NotImplementedError):
        default_storage.path("anything")
    return default_storage


def upload(name: str, size: tuple[int, int]) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def stored_size(storage, name: str) -> tuple[int, int]:
    with storage.open(name) as file, Image.open(file) as image:
        return image.size


def test_author_photo_and_its_renditions_are_made_in_a_storage_without_paths(
    storage_without_paths,
):
    author = AuthorFactory(photo=upload("portrait.jpg", (1600, 1200)))

    assert stored_size(storage_without_paths, author.photo.name) == (800, 600)
    for rendition in AUTHOR_PHOTO_RENDITIONS:
        name = rendition_name(author.photo.name, rendition)
        assert stored_size(storage_without_paths, name) == (rendition.width, rendition.height)
    assert author.photo_thumbnail_url.endswith(
        rendition_name(author.photo.name, AUTHOR_PHOTO_RENDITIONS[0])
    )


def test_featured_image_renditions_and_srcset_come_from_the_storage(storage_without_paths):
    article = ArticleFactory(image=upload("wide.jpg", (1000, 500)))
    article.refresh_from_db()

    assert (article.image_width, article.image_height) == (800, 400)
    widths = [r.width for r in FEATURED_IMAGE_RENDITIONS if r.width < 800]
    assert widths
    for rendition in FEATURED_IMAGE_RENDITIONS:
        if rendition.width < 800:
            name = rendition_name(article.image.name, rendition)
            assert stored_size(storage_without_paths, name)[0] == rendition.width
    assert article.image_srcset.endswith(f"{article.image.url} 800w")


def test_editor_uploads_a_photo_through_admin_into_a_storage_without_paths(
    storage_without_paths,
):
    ensure_roles()
    editor = UserFactory(username="editor", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    client = Client()
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_author_add"),
        {"name": "Ana", "slug": "ana", "photo": upload("ana.jpg", (300, 300))},
    )

    assert response.status_code == 302
    author = Author.objects.get(slug="ana")
    assert storage_without_paths.exists(author.photo.name)
    assert all(
        storage_without_paths.exists(rendition_name(author.photo.name, r))
        for r in AUTHOR_PHOTO_RENDITIONS
    )
    page = client.get(author.get_absolute_url())
    assert author.photo_thumbnail_url in page.content.decode()


# Shared storage from the environment


SHOW_STORAGE_SETTINGS = (
    "import django; django.setup(); from django.conf import settings;"
    "import json; print(json.dumps({'storage': settings.STORAGES['default'],"
    "'serve_media': settings.SERVE_MEDIA,"
    "'img_src': settings.CONTENT_SECURITY_POLICY['img-src']}))"
)


def _settings_with(*, code: str = SHOW_STORAGE_SETTINGS, **env) -> subprocess.CompletedProcess:
    """Run `code` in a process with these variables (nothing leaves the machine: no request)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "MEDIA_", "AWS_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "ewview.settings", "SECRET_KEY": "x" * 50} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_s3_compatible_bucket_is_configured_from_the_environment():
    result = _settings_with(
        MEDIA_STORAGE="s3",
        S3_BUCKET="newsroom-media",
        S3_ENDPOINT_URL="https://s3.example.net",
        S3_REGION="eu-west-1",
        S3_ACCESS_KEY_ID="key-id",
        S3_SECRET_ACCESS_KEY="secret",
    )

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["storage"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "newsroom-media",
            "location": "media",
            "querystring_auth": False,
            "file_overwrite": False,
            "endpoint_url": "https://s3.example.net",
            "region_name": "eu-west-1",
            "access_key": "key-id",
            "secret_key": "secret",
        },
    }
    # Django does not serve what is not on its disk; browsers may load images from the bucket.
    assert found["serve_media"] is False
    assert "https://s3.example.net" in found["img_src"]


def allows(sources: list[str], url: str) -> bool:
    """Whether a CSP source list lets a page load an image from `url`."""
    parts = urlsplit(url)
    for source in sources:
        scheme, _, host = source.partition("://")
        if scheme == parts.scheme and (
            host == parts.netloc
            or (host.startswith("*.") and parts.netloc.endswith(host.removeprefix("*")))
        ):
            return True
    return False


@pytest.mark.parametrize(
    "place",
    [
        {"S3_ENDPOINT_URL": "https://s3.example.net"},
        {"S3_CUSTOM_DOMAIN": "media.example.org"},
        {},
    ],
    ids=["s3-compatible service", "cdn in front", "aws"],
)
def test_readers_browsers_may_load_images_from_where_the_bucket_serves_them(place):
    pytest.importorskip("boto3", reason="django-storages' S3 backend needs boto3 (the s3 extra)")
    code = (
        "import django; django.setup(); from django.core.files.storage import storages;"
        "from django.conf import settings; import json;"
        "print(json.dumps({'url': storages['default'].url('authors/ana.jpg'),"
        "'img_src': settings.CONTENT_SECURITY_POLICY['img-src']}))"
    )
    env = {"MEDIA_STORAGE": "s3", "S3_BUCKET": "newsroom-media", "S3_REGION": "eu-west-1"}
    env |= {"S3_ACCESS_KEY_ID": "key-id", "S3_SECRET_ACCESS_KEY": "secret"} | place

    result = _settings_with(code=code, **env)

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["url"].endswith("/media/authors/ana.jpg")
    assert allows(found["img_src"], found["url"]), found
    # A wildcard stands for the first label only; any other form is a source browsers reject.
    assert all("*" not in source or "://*." in source for source in found["img_src"])


def test_local_disk_stays_the_default():
    result = _settings_with()

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert found["serve_media"] is True
    assert found["img_src"] == ["'self'"]


def test_s3_without_a_bucket_refuses_to_start():
    result = _settings_with(MEDIA_STORAGE="s3")

    assert result.returncode != 0
    assert "MEDIA_STORAGE=s3 needs S3_BUCKET" in result.stderr
