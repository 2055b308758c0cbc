"""Security headers, HTTPS behind the proxy, and the cap on request bodies."""

import base64
import hashlib
import re
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_comments_xtd.models import XtdComment
from PIL import Image

from articles.models import Author
from articles.roles import EDITORS, ensure_roles
from tests.factories import ArticleFactory, UserFactory, comment_post_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.fixture
def editor_client():
    ensure_roles()
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    client = Client()
    client.force_login(user)
    return client


# Content-Security-Policy and Permissions-Policy


def test_shared_pages_carry_a_policy_that_allows_no_inline_script_or_style(client):
    ArticleFactory(title="Talks resume")

    first, stored = client.get("/"), client.get("/")

    assert stored.headers["X-Page-Cache"] == "hit"
    for response in (first, stored):
        directives = policy(response)
        assert directives["script-src"][0] == "'self'"
        # 'self', and the one stylesheet admin's editor adds to its page, by its hash.
        assert directives["style-src"][0] == "'self'"
        assert [s.startswith("'sha256-") for s in directives["style-src"][1:]] == [True]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
        assert "camera=()" in response.headers["Permissions-Policy"]
        assert "geolocation=()" in response.headers["Permissions-Policy"]


def test_admin_editor_import_map_is_allowed_by_its_hash_and_nothing_else_inline(editor_client):
    response = editor_client.get(reverse("admin:articles_article_add"))
    html = response.content.decode()

    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.DOTALL)
    # The import map, and JSON data blocks, which browsers never run.
    importmaps = [body for attributes, body in inline if 'type="importmap"' in attributes]
    assert len(importmaps) == 1
    others = [attributes for attributes, _ in inline if 'type="importmap"' not in attributes]
    assert all('type="application/json"' in attributes for attributes in others)
    digest = base64.b64encode(hashlib.sha256(importmaps[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy(response)["script-src"]
    assert " style=" not in html


# Data blocks (JSON, JSON-LD for search engines) are never run: the policy leaves them alone.
INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>|<style\b|\sstyle=|\son[a-z]+=",
    re.IGNORECASE,
)


def test_no_page_template_carries_inline_script_style_or_event_handler():
    # Email bodies are not pages: mail clients need inline styles and never see our policy.
    templates = [
        path
        for folder in (ROOT / "templates", ROOT / "jinja2")
        for path in folder.rglob("*.html")
        if "emails" not in path.relative_to(folder).parts
    ]
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in templates
        for match in INLINE_CODE.finditer(path.read_text())
    ]

    assert templates
    assert offenders == []


# HTTPS behind the proxy


@pytest.fixture
def behind_https_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True


def test_plain_http_is_redirected_to_https_and_https_answers_with_hsts(client, behind_https_proxy):
    plain = client.get("/")
    secure = client.get("/", HTTP_X_FORWARDED_PROTO="https")

    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://testserver/"
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"


def test_health_check_over_plain_http_is_not_redirected(client, behind_https_proxy):
    assert client.get("/healthz").status_code in {200, 503}


# Request bodies


@pytest.fixture
def small_public_limit(settings):
    settings.PUBLIC_REQUEST_MAX_BYTES = 4096
    settings.ADMIN_REQUEST_MAX_BYTES = 200_000


def test_oversized_public_post_is_refused_with_413_before_anything_happens(
    client, small_public_limit
):
    article = ArticleFactory()
    data = comment_post_data(article, comment="word " * 2000)

    response = client.post(reverse("comments-post-comment"), data)

    assert response.status_code == 413
    assert XtdComment.objects.count() == 0


def test_public_post_within_the_limit_goes_through(client, small_public_limit):
    article = ArticleFactory()

    response = client.post(reverse("comments-post-comment"), comment_post_data(article))

    assert response.status_code == 302


def image_upload(size_bytes: int) -> SimpleUploadedFile:
    """A PNG of noise, which does not compress, of about size_bytes."""
    side = int((size_bytes / 3) ** 0.5) + 1
    buffer = BytesIO()
    Image.frombytes("RGB", (side, side), bytes(range(256)) * (side * side * 3 // 256 + 1)).save(
        buffer, "PNG", compress_level=0
    )
    return SimpleUploadedFile("portrait.png", buffer.getvalue(), content_type="image/png")


def test_admin_takes_uploads_larger_than_the_public_limit_up_to_its_own(
    editor_client, small_public_limit, settings
):
    url = reverse("admin:articles_author_add")

    accepted = editor_client.post(
        url, {"name": "Ana", "slug": "ana", "photo": image_upload(50_000)}
    )
    refused = editor_client.post(url, {"name": "Bo", "slug": "bo", "photo": image_upload(300_000)})

    assert accepted.status_code == 302
    assert refused.status_code == 413
    assert list(Author.objects.values_list("slug", flat=True)) == ["ana"]
