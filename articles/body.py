"""An article's body as readers get it: images from the library made responsive.

The stored body keeps what the editor wrote (`<img src="/media/library/…" alt="…">`); on the way
out, each library image becomes a `<picture>` with WebP and JPEG `srcset`s, `sizes`, its width
and height (no layout shift) and lazy loading. One query per body, only when it has any.
"""

import re

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import LibraryImage

_IMG = re.compile(r"<img\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
# The body column is at most 42rem wide; on a phone it is the screen less the margins.
SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"


def body_for_readers(html: str) -> SafeString:
    """`html` (already sanitised) with its library images made responsive."""
    library_prefix = settings.MEDIA_URL + "library/"
    if library_prefix not in html:
        return mark_safe(html)
    names = {
        src.removeprefix(settings.MEDIA_URL)
        for src in re.findall(r'src="([^"]+)"', html)
        if src.startswith(library_prefix)
    }
    images = {image.file.name: image for image in LibraryImage.objects.filter(file__in=names)}

    def responsive(match: re.Match) -> str:
        attributes = dict(_ATTRIBUTE.findall(match[1]))
        image = images.get(attributes.get("src", "").removeprefix(settings.MEDIA_URL))
        return _picture(image, alt=attributes.get("alt")) if image else match[0]

    return mark_safe(_IMG.sub(responsive, html))


def _picture(image: LibraryImage, *, alt: str | None) -> str:
    webp = image.srcset("WEBP")
    source = f'<source type="image/webp" srcset="{escape(webp)}" sizes="{SIZES}">' if webp else ""
    return (
        f"<picture>{source}"
        f'<img src="{escape(image.address)}" srcset="{escape(image.srcset())}" sizes="{SIZES}" '
        f'width="{image.width}" height="{image.height}" alt="{escape(alt or image.alt)}" '
        'loading="lazy" decoding="async"></picture>'
    )
