"""The site as other programs see it: absolute addresses, its icons and its web-app manifest."""

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import get_script_prefix

# --accent and --paper in static/css/site.css: the colours browsers paint around the site.
THEME_COLOUR = "#a3201b"
BACKGROUND_COLOUR = "#ffffff"
# One day: the manifest changes only with a release, and browsers fetch it again on their own.
MANIFEST_MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class Icon:
    path: str  # under static/
    size: int
    # "maskable": the design fills the square, so launchers may crop it to their own shape.
    purpose: str = "any"


# Drawn by `manage.py draw_site_icons`; static/favicon.svg is the same design for browser tabs.
ICONS = (
    Icon("icons/icon-192.png", 192),
    Icon("icons/icon-512.png", 512),
    Icon("icons/icon-maskable-512.png", 512, purpose="maskable"),
)
APPLE_TOUCH_ICON = Icon("icons/apple-touch-icon.png", 180)
# The publisher's logo in structured data and the picture of pages that have none of their own.
LOGO = ICONS[1]


def absolute_url(url: str) -> str:
    """`url` as an address that works anywhere: a path on this site gets SITE_URL in front.

    Uploads kept in a bucket or behind a CDN already have absolute addresses of their own.
    """
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return f"{urlsplit(settings.SITE_URL).scheme}:{url}"
    return settings.SITE_URL + url


def web_manifest_data() -> dict:
    """What a browser needs to install the site like an app (the Web App Manifest)."""
    return {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME,
        "description": settings.SITE_TAGLINE,
        "lang": settings.LANGUAGE_CODE,
        "start_url": get_script_prefix(),
        "scope": get_script_prefix(),
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {
                "src": static(icon.path),
                "sizes": f"{icon.size}x{icon.size}",
                "type": "image/png",
                "purpose": icon.purpose,
            }
            for icon in ICONS
        ],
    }


def web_manifest(request):
    """/manifest.webmanifest: the same for every visitor, so shared caches may keep it."""
    response = HttpResponse(
        json.dumps(web_manifest_data(), indent=2), content_type="application/manifest+json"
    )
    response.headers["Cache-Control"] = f"public, max-age={MANIFEST_MAX_AGE}"
    return response
