"""What a page tells link previews and search engines about itself: its canonical address, a
description, OpenGraph and Twitter card tags, and structured data (schema.org, as JSON-LD).

Everything here is the same for every reader, because pages carrying it are shared whole
(core.pagecache), and every address is absolute, made from SITE_URL.
"""

import html
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.templatetags.static import static
from django.utils.dateformat import format as date_format
from django.utils.html import strip_tags
from django.utils.translation import to_locale
from taggit.models import Tag

from core.dates import datetime_iso
from core.identity import LOGO, absolute_url
from core.urls import reverse_cached

from .images import largest, rendition_url
from .models import (
    AUTHOR_PHOTO_RENDITIONS,
    FEATURED_IMAGE_RENDITIONS,
    Article,
    Author,
    Page,
    Section,
)
from .selectors import article_authors_and_tags

# Search engines show about this many characters of a description.
DESCRIPTION_CHARS = 160
SCHEMA = "https://schema.org"


@dataclass(frozen=True)
class PreviewImage:
    url: str
    width: int
    height: int
    alt: str


class PreviewBase:
    """What the tags of every page's head show (jinja2/articles/link_preview.html)."""

    url: str
    type = "website"
    image: PreviewImage | None = None
    # A picture worth showing large (an article's), rather than as a thumbnail beside the text.
    large_image = False
    # Only articles have these.
    published_time = modified_time = section = ""
    author_urls: list[str] = []
    tags: list[str] = []
    # Set when drawing the tags needs queries: they are then kept as a fragment under this key
    # until published content changes.
    fragment_key: tuple = ()

    @property
    def site_name(self) -> str:
        return settings.SITE_NAME

    @property
    def locale(self) -> str:
        return to_locale(settings.LANGUAGE_CODE)  # OpenGraph's form: en_GB

    @property
    def twitter_card(self) -> str:
        return "summary_large_image" if self.large_image else "summary"


@dataclass
class Preview(PreviewBase):
    url: str
    title: str
    description: str
    image: PreviewImage | None = None
    structured_data: list[dict] = field(default_factory=list)


class ArticlePreview(PreviewBase):
    """An article's tags. Its authors and tags are read only when the tags are drawn, which
    happens only when their fragment is out of date."""

    type = "article"

    def __init__(self, article: Article):
        self.article = article
        self.url = canonical_url(article.get_absolute_url())
        self.title = article.title
        self.description = summary(article.standfirst or strip_html(article.body))
        self.image = featured_image(article) or logo_image()
        self.large_image = bool(article.image)
        self.fragment_key = (article.pk,)

    @property
    def published_time(self) -> str:
        return datetime_iso(self.article.published_at) if self.article.published_at else ""

    @property
    def modified_time(self) -> str:
        # An article saved before its publication time (scheduled) is new when it appears.
        moments = [m for m in (self.article.published_at, self.article.updated_at) if m]
        return datetime_iso(max(moments)) if moments else ""

    @property
    def section(self) -> str:
        return self.article.section.name

    @cached_property
    def authors(self) -> list[Author]:
        article_authors_and_tags(self.article)
        return list(self.article.authors.all())

    @cached_property
    def tags(self) -> list[str]:
        article_authors_and_tags(self.article)
        return [tag.name for tag in self.article.tags.all()]

    @property
    def author_urls(self) -> list[str]:
        return [absolute_url(author.get_absolute_url()) for author in self.authors]

    @cached_property
    def structured_data(self) -> list[dict]:
        section_url = absolute_url(self.article.section.get_absolute_url())
        return [
            self._news_article(),
            breadcrumbs((self.section, section_url), (self.title, self.url)),
        ]

    def _news_article(self) -> dict:
        data = {
            "@context": SCHEMA,
            "@type": "NewsArticle",
            "headline": self.title,
            "description": self.description,
            "url": self.url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": self.url},
            "datePublished": self.published_time,
            "dateModified": self.modified_time,
            "author": [person_reference(author) for author in self.authors],
            "publisher": publisher(),
            "articleSection": self.section,
            "keywords": self.tags,
            "inLanguage": language_tag(),
            "isAccessibleForFree": True,
        }
        if self.large_image:
            data["image"] = [image_object(self.image)]
        return data


# Pages


def home_preview(*, page_number: int) -> Preview:
    home = reverse_cached("articles:home")
    structured_data = [website()] if page_number == 1 else []
    return Preview(
        url=canonical_url(home, page_number=page_number),
        title=settings.SITE_NAME,
        description=summary(settings.SITE_TAGLINE),
        image=logo_image(),
        structured_data=structured_data,
    )


def section_preview(section: Section, *, page_number: int) -> Preview:
    path = section.get_absolute_url()
    return Preview(
        url=canonical_url(path, page_number=page_number),
        title=section.name,
        description=summary(section.description) or f"Articles in {section.name}.",
        image=logo_image(),
        structured_data=[breadcrumbs((section.name, canonical_url(path)))],
    )


def tag_preview(tag: Tag, *, page_number: int) -> Preview:
    path = reverse_cached("articles:tag", slug=tag.slug)
    return Preview(
        url=canonical_url(path, page_number=page_number),
        title=tag.name,
        description=f"Articles tagged “{tag.name}”.",
        image=logo_image(),
        structured_data=[breadcrumbs((tag.name, canonical_url(path)))],
    )


def author_preview(author: Author, *, page_number: int) -> Preview:
    url = canonical_url(author.get_absolute_url())
    photo = author_photo(author)
    person = {
        "@context": SCHEMA,
        **person_reference(author),
        "jobTitle": author.position,
        "description": summary(strip_html(author.bio), limit=None),
        "image": photo.url if photo else "",
        "sameAs": [author.website] if author.website else [],
    }
    return Preview(
        url=canonical_url(author.get_absolute_url(), page_number=page_number),
        title=author.name,
        description=summary(strip_html(author.bio))
        or summary(f"{author.name}, {author.position}." if author.position else author.name),
        image=photo or logo_image(),
        structured_data=[
            {name: value for name, value in person.items() if value},
            breadcrumbs((author.name, url)),
        ],
    )


def archive_preview(*, path: str, period, monthly: bool, page_number: int) -> Preview:
    title = f"Archive {date_format(period, 'F Y' if monthly else 'Y')}"
    return Preview(
        url=canonical_url(path, page_number=page_number),
        title=title,
        description=summary(f"{title}: articles from {settings.SITE_NAME}."),
        image=logo_image(),
    )


def page_preview(page: Page) -> Preview:
    return Preview(
        url=canonical_url(page.get_absolute_url()),
        title=page.title,
        description=summary(strip_html(page.body)) or summary(settings.SITE_TAGLINE),
        image=logo_image(),
    )


def search_preview(*, text: str, page_number: int) -> Preview:
    path = reverse_cached("articles:search")
    query = {"q": text} if text else {}
    return Preview(
        url=canonical_url(path, page_number=page_number, query=query),
        title=f"Search: {text}" if text else "Search",
        description=summary(settings.SITE_TAGLINE),
        image=logo_image(),
    )


def other_page_preview(path: str) -> Preview:
    """A page with nothing of its own to say (sign-up, comment receipts and the like)."""
    return Preview(
        url=canonical_url(path),
        title=settings.SITE_NAME,
        description=summary(settings.SITE_TAGLINE),
        image=logo_image(),
    )


# Addresses, text and pictures


def canonical_url(path: str, *, page_number: int = 1, query: dict | None = None) -> str:
    """The one address of a page: its path, the search words if any and the page number past
    the first; nothing else a reader's address may carry (utm_source, cpage…)."""
    params = dict(query or {})
    if page_number > 1:
        params["page"] = page_number
    return absolute_url(path) + (f"?{urlencode(params)}" if params else "")


def strip_html(text: str) -> str:
    """Editor HTML as plain text: tags dropped, entities read, blocks apart."""
    # A space where blocks meet, so "<p>One.</p><p>Two.</p>" does not read "One.Two.".
    spaced = re.sub(r"(</(?:p|h[1-6]|li|blockquote|figcaption|td|th)>|<br\s*/?>)", r"\1 ", text)
    return html.unescape(strip_tags(spaced))


def summary(text: str, *, limit: int | None = DESCRIPTION_CHARS) -> str:
    """`text` on one line, cut at a word within `limit` characters, with “…” when cut."""
    flat = " ".join(text.split())
    if limit is None or len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–—") + "…"


def featured_image(article: Article) -> PreviewImage | None:
    """The article's picture, as large as it was made, for previews that show it large."""
    if not article.image:
        return None
    url, width, height = largest(
        article.image,
        FEATURED_IMAGE_RENDITIONS,
        width=article.image_width,
        height=article.image_height,
    )
    return PreviewImage(absolute_url(url), width, height, article.image_alt)


def author_photo(author: Author) -> PreviewImage | None:
    if not author.photo:
        return None
    rendition = AUTHOR_PHOTO_RENDITIONS[-1]
    return PreviewImage(
        absolute_url(rendition_url(author.photo, rendition)),
        rendition.width,
        rendition.height,
        author.name,
    )


def logo_image() -> PreviewImage:
    """The site's icon, for pages without a picture of their own."""
    return PreviewImage(absolute_url(static(LOGO.path)), LOGO.size, LOGO.size, settings.SITE_NAME)


# Structured data (schema.org)


def language_tag() -> str:
    """The site's language as schema.org and HTML write it: en-GB."""
    return to_locale(settings.LANGUAGE_CODE).replace("_", "-")


def image_object(image: PreviewImage) -> dict:
    return {
        "@type": "ImageObject",
        "url": image.url,
        "width": image.width,
        "height": image.height,
    }


def person_reference(author: Author) -> dict:
    return {"@type": "Person", "name": author.name, "url": absolute_url(author.get_absolute_url())}


def publisher() -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": canonical_url(reverse_cached("articles:home")),
        "logo": image_object(logo_image()),
    }


def website() -> dict:
    """The site itself, and how to search it from a search engine's results."""
    home = canonical_url(reverse_cached("articles:home"))
    search = canonical_url(reverse_cached("articles:search"))
    return {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "description": settings.SITE_TAGLINE,
        "url": home,
        "inLanguage": language_tag(),
        "publisher": publisher(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }


def breadcrumbs(*trail: tuple[str, str]) -> dict:
    """Home, then each (name, url) of `trail`: where the page sits in the site."""
    home = ("Home", canonical_url(reverse_cached("articles:home")))
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate((home, *trail), start=1)
        ],
    }


# Escaped like Django's json_script: "</script>" or "<!--" in a title cannot end the element.
_JSON_IN_HTML = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict) -> str:
    """`data` as JSON that is safe inside <script type="application/ld+json">."""
    return json.dumps(data, ensure_ascii=False).translate(_JSON_IN_HTML)
