"""The site's icons and web-app manifest, as browsers installing it and link previews read them."""

import json
from io import StringIO

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from PIL import Image

from core.identity import APPLE_TOUCH_ICON, ICONS, absolute_url
from tests.articles.head import read_head

pytestmark = pytest.mark.django_db


def static_file(url: str) -> str:
    """The file in static/ behind a static address, hashed name or not."""
    name = url.removeprefix("/static/")
    found = finders.find(name) or finders.find(_unhashed(name))
    assert found, url
    return found


def _unhashed(name: str) -> str:
    stem, _, extension = name.rpartition(".")
    return f"{stem.rpartition('.')[0]}.{extension}"


def test_manifest_parses_and_every_icon_it_names_exists_at_its_size(client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == manifest["short_name"] == "ewview"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#a3201b" and manifest["background_color"] == "#ffffff"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png"
        with Image.open(static_file(icon["src"])) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"], icon["src"]
            assert image.format == "PNG"


def test_manifest_follows_the_site_name(client, settings):
    settings.SITE_NAME = "Gulf Daily"

    manifest = client.get("/manifest.webmanifest").json()

    assert manifest["name"] == "Gulf Daily"


def test_every_page_links_its_icons_and_manifest(client):
    head = read_head(client.get("/"))

    assert head.link("manifest") == "/manifest.webmanifest"
    icons = {link["type"]: link["href"] for link in head.links["icon"]}
    assert set(icons) == {"image/svg+xml", "image/png"}
    for href in [*icons.values(), head.link("apple-touch-icon")]:
        static_file(href)
    with Image.open(static_file(head.link("apple-touch-icon"))) as touch:
        assert touch.size == (180, 180)
    assert head.one("theme-color") == "#a3201b"


def test_drawn_icons_fill_their_square_only_where_launchers_expect_it(tmp_path):
    call_command("draw_site_icons", "--into", str(tmp_path), stdout=StringIO())

    for icon in (*ICONS, APPLE_TOUCH_ICON):
        with Image.open(tmp_path / icon.path) as image:
            assert image.size == (icon.size, icon.size)
            corner = image.convert("RGBA").getpixel((0, 0))
            centre_row = [
                image.convert("RGB").getpixel((x, icon.size // 2)) for x in range(icon.size)
            ]
        # Rounded corners are see-through; maskable and Apple icons are cropped by the device.
        rounded = icon.purpose == "any" and icon is not APPLE_TOUCH_ICON
        assert (corner[3] == 0) is rounded, icon.path
        assert (255, 255, 255) in centre_row, f"{icon.path}: no letter"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/media/a.jpg", "https://news.example.org/media/a.jpg"),
        ("https://cdn.example.net/a.jpg", "https://cdn.example.net/a.jpg"),
        ("//cdn.example.net/a.jpg", "https://cdn.example.net/a.jpg"),
    ],
)
def test_absolute_url_leaves_addresses_of_other_hosts_alone(settings, url, expected):
    settings.SITE_URL = "https://news.example.org"

    assert absolute_url(url) == expected
