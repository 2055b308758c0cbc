"""The one place that decides which HTML an editor may put on a page."""

import re
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.urls import reverse_lazy
from django_prose_editor.config import allowlist_from_extensions, expand_extensions
from django_prose_editor.fields import create_sanitizer

# What the admin editor offers; the sanitiser allows exactly the HTML these produce.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Figure": True,
    "Image": True,
    "Caption": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "History": True,
    "HTML": True,
    "SpecialCharacters": True,
    # Upload, drop, paste or pick images from the library (static/js/editor-images.js, registered
    # in settings.DJANGO_PROSE_EDITOR_EXTENSIONS); it inserts figures as "Figure" makes them.
    "LibraryImages": {
        "uploadUrl": reverse_lazy("admin:articles_libraryimage_upload"),
        "libraryUrl": reverse_lazy("admin:articles_libraryimage_choose"),
        # Larger requests are refused before they are read (core.security): said before sending.
        "maxBytes": settings.ADMIN_REQUEST_MAX_BYTES,
    },
}
EDITOR_CONFIG = {"extensions": EDITOR_EXTENSIONS}
# For staff who may not both upload and browse the image library: no buttons that answer 403.
EDITOR_CONFIG_WITHOUT_LIBRARY = {
    "extensions": {name: on for name, on in EDITOR_EXTENSIONS.items() if name != "LibraryImages"}
}

_sanitize = create_sanitizer(EDITOR_EXTENSIONS)


def sanitize_html(html: str | None) -> str:
    """Return editor HTML with every tag, attribute and URL scheme the editor can't make removed."""
    return _sanitize(html or "")


def media_addresses_relative(html: str) -> str:
    """Our own media, pasted with the address it had in someone's browser, as a site-relative
    address: `http://127.0.0.1:8000/media/a.jpg` works on no other machine, `/media/a.jpg` on
    every one."""
    if not settings.MEDIA_URL.startswith("/"):
        return html  # media in a bucket: its addresses are the only ones there are
    hosts = {urlsplit(settings.SITE_URL).netloc, "localhost", "127.0.0.1"}
    hosts |= {host for host in settings.ALLOWED_HOSTS if host and "*" not in host}

    def relative(match: re.Match) -> str:
        host = urlsplit(match["address"]).netloc
        bare = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if host in hosts or bare in hosts:
            return f'{match["attribute"]}="{match["path"]}"'
        return match[0]

    pattern = (
        r'(?P<attribute>src|href)="(?P<address>https?://[^/"]+)'
        rf'(?P<path>{re.escape(settings.MEDIA_URL)}[^"]*)"'
    )
    return re.sub(pattern, relative, html)


def absolute_html(html: str, *, base_url: str) -> str:
    """Editor HTML to be read away from the site (feeds): relative addresses resolved against
    `base_url`, the page the HTML belongs to, as a browser on that page would."""
    cleaner = nh3.Cleaner(
        **allowlist_from_extensions(expand_extensions(EDITOR_EXTENSIONS)),
        url_relative=("rewrite_with_base", base_url),
    )
    return cleaner.clean(html or "")
