"""What Django 5.2 has no setting for: a Content-Security-Policy, a Permissions-Policy, and a cap
on the size of request bodies.

The policy is one fixed header for the whole site, not a nonce per request: pages are stored
whole and served to every anonymous reader (core.pagecache), so a nonce inside them would be
shared by everyone and protect nothing. Pages therefore carry no inline script or style at all;
the exceptions, in admin only, are the rich-text editor's import map (browsers have no external
import maps) and the stylesheet its editing engine (Tiptap) adds to the page, allowed by hash.
"""

import base64
import hashlib
import re
from functools import cache as memoize
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import reverse
from django_prose_editor.widgets import AdminProseEditorWidget

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)
# Tiptap's base stylesheet, a template literal in the editor's bundle.
_TIPTAP_CSS = re.compile(r"=`(\.ProseMirror \{\n  position: relative;.*?)`", re.DOTALL)


def hash_source(text: str) -> str:
    """A CSP source allowing exactly this inline script or style."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def inline_script_hashes() -> list[str]:
    """The inline scripts admin pages carry: the editor's import map.

    The map holds the editor's static file addresses, hashed names included, so its hash is
    computed from what this release renders rather than written down.
    """
    return [
        hash_source(body) for body in _INLINE_SCRIPT.findall(str(AdminProseEditorWidget().media))
    ]


def inline_style_hashes() -> list[str]:
    """The stylesheet the editor's engine adds as a <style> element, read from its bundle.

    Found by its first rule, so an upgrade that changes it shows as a violation in the browser
    tests (tests/e2e/test_security_policy.py) rather than as a silent failure here.
    """
    bundle = finders.find("django_prose_editor/editor.js")
    match = _TIPTAP_CSS.search(Path(bundle).read_text()) if bundle else None
    return [hash_source(match.group(1))] if match else []


@memoize
def content_security_policy() -> str:
    """The header's value: settings.CONTENT_SECURITY_POLICY with the inline hashes added."""
    directives = {name: list(sources) for name, sources in settings.CONTENT_SECURITY_POLICY.items()}
    directives["script-src"] = [*directives.get("script-src", ["'self'"]), *inline_script_hashes()]
    directives["style-src"] = [*directives.get("style-src", ["'self'"]), *inline_style_hashes()]
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


@receiver(setting_changed)
def _forget_policy(*, setting, **kwargs):
    # Settings change while a process runs only in tests.
    if setting in {"CONTENT_SECURITY_POLICY", "STORAGES", "STATIC_URL", "STATIC_ROOT"}:
        content_security_policy.cache_clear()


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            header = (
                "Content-Security-Policy-Report-Only"
                if settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
                else "Content-Security-Policy"
            )
            response.headers.setdefault(header, content_security_policy())
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


@memoize
def _admin_prefix() -> str:
    return reverse("admin:index")


class RequestBodyLimitMiddleware:
    """Answers 413 before reading a body larger than the limit for its address.

    Public forms (a comment, a sign-up) are a few kilobytes; only admin takes uploads, up to its
    own, larger limit. Checked on the declared length, before Django reads anything: a proxy in
    front (nginx) always declares it, and Django reads no more than declared.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _declared_length(request) > _limit_for(request.path):
            return HttpResponse(
                "Request body too large.\n", status=413, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


def _limit_for(path: str) -> int:
    if path.startswith(_admin_prefix()):
        return settings.ADMIN_REQUEST_MAX_BYTES
    # The few public addresses that take an upload (a reader's photo) have their own.
    return getattr(settings, "REQUEST_MAX_BYTES_BY_PATH", {}).get(
        path, settings.PUBLIC_REQUEST_MAX_BYTES
    )


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
