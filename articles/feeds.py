"""RSS 2.0 and Atom feeds of published articles: the whole site's, and each section's, author's
and tag's. Like every public page, a feed is stored whole until published content changes."""

import mimetypes
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from taggit.models import Tag

from core.feeds import XmlSafeAtomFeed, XmlSafeRssFeed
from core.identity import absolute_url
from core.urls import reverse_cached

from .cache import published_depends_on
from .html import absolute_html
from .images import stored_size
from .models import Article, Author, Section
from .selectors import with_tag_names

# Words of the body that stand in for a missing standfirst (as long as WordPress's excerpts).
SUMMARY_WORDS = 55
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
DUBLIN_CORE_NAMESPACE = "http://purl.org/dc/elements/1.1/"


class ArticlesRss(XmlSafeRssFeed):
    """RSS 2.0 naming every author (Django's writer takes one) and carrying the whole article
    in content:encoded when there is one, as WordPress feeds do."""

    def rss_attributes(self):
        return super().rss_attributes() | {
            "xmlns:content": CONTENT_NAMESPACE,
            "xmlns:dc": DUBLIN_CORE_NAMESPACE,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _page in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        if item["content"]:
            handler.addQuickElement("content:encoded", item["content"])


class ArticlesAtom(XmlSafeAtomFeed):
    """Atom naming every author, with the whole article as the entry's content when there is one."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, page in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", page)
            handler.endElement("author")
        if item["content"]:
            handler.addQuickElement("content", item["content"], {"type": "html"})


@dataclass(frozen=True)
class Channel:
    """What one feed is about: its title, its page on the site, and the articles it lists."""

    title: str
    page: str
    description: str
    articles: QuerySet
    feed_url: str = ""


class ArticlesFeed(Feed):
    """The site's latest published articles, newest first: RSS 2.0, or Atom with `atom=True`."""

    def __init__(self, *, atom: bool = False):
        self.feed_type = ArticlesAtom if atom else ArticlesRss

    def __call__(self, request, *args, **kwargs):
        # Before any query, as for every public page: stored until published content changes or
        # a scheduled article comes due.
        published_depends_on(request)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs) -> Channel:
        return replace(self.channel(**kwargs), feed_url=absolute_url(request.path))

    def channel(self) -> Channel:
        return Channel(
            title=settings.SITE_NAME,
            page=reverse_cached("articles:home"),
            description=settings.SITE_TAGLINE,
            articles=Article.objects.published(),
        )

    # The feed

    def title(self, obj):
        return obj.title

    def link(self, obj):
        return absolute_url(obj.page)

    def description(self, obj):
        return obj.description

    def subtitle(self, obj):
        return obj.description

    def feed_url(self, obj):
        return obj.feed_url

    def author_name(self):
        # Atom wants an author for the feed; each entry names its own.
        return settings.SITE_NAME

    def items(self, obj):
        latest = (
            obj.articles.select_related("section")
            .prefetch_related(Prefetch("authors", queryset=Author.objects.order_by("name")))
            .order_by("-published_at", "-pk")[: settings.FEED_LENGTH]
        )
        return with_tag_names(list(latest))

    # Each article

    def item_title(self, item):
        # Plain text, as WordPress writes it: Django's default escapes it once more, which Atom
        # (whose titles are text) and most readers then show as "&amp;".
        return item.title

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    item_guid_is_permalink = True

    def item_description(self, item):
        """The standfirst, or the body's first words when there is none, as HTML."""
        if item.standfirst:
            return escape(item.standfirst)
        return Truncator(strip_tags(item.body)).words(SUMMARY_WORDS)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # A scheduled article saved before its time was last changed when it came out.
        return max(item.updated_at, item.published_at)

    def item_categories(self, item):
        return [item.section.name, *item.tag_names]

    def item_comments(self, item):
        return f"{absolute_url(item.get_absolute_url())}#comments"

    def item_enclosures(self, item):
        if not item.image:
            return []
        mime_type = mimetypes.guess_type(item.image.name)[0] or "application/octet-stream"
        return [Enclosure(absolute_url(item.image.url), str(stored_size(item.image)), mime_type)]

    def item_extra_kwargs(self, item):
        return {
            "authors": [
                (author.name, absolute_url(author.get_absolute_url()))
                for author in item.authors.all()
            ],
            "content": self.item_content(item),
        }

    def item_content(self, item) -> str | None:
        """The whole article when FEED_FULL_CONTENT asks for it, readable away from the site."""
        if not settings.FEED_FULL_CONTENT:
            return None
        return absolute_html(item.body, base_url=absolute_url(item.get_absolute_url()))


class SectionFeed(ArticlesFeed):
    def channel(self, *, slug) -> Channel:
        section = get_object_or_404(Section, slug=slug)
        return Channel(
            title=f"{section.name} — {settings.SITE_NAME}",
            page=section.get_absolute_url(),
            description=section.description or f"The latest in {section.name}.",
            articles=Article.objects.published().filter(section=section),
        )


class AuthorFeed(ArticlesFeed):
    def channel(self, *, slug) -> Channel:
        author = get_object_or_404(Author, slug=slug)
        return Channel(
            title=f"{author.name} — {settings.SITE_NAME}",
            page=author.get_absolute_url(),
            description=f"The latest articles by {author.name}.",
            articles=Article.objects.published().filter(authors=author),
        )


class TagFeed(ArticlesFeed):
    def channel(self, *, slug) -> Channel:
        tag = get_object_or_404(Tag, slug=slug)
        return Channel(
            title=f"{tag.name} — {settings.SITE_NAME}",
            page=reverse_cached("articles:tag", slug=tag.slug),
            description=f"The latest articles tagged {tag.name}.",
            articles=Article.objects.published().filter(tags=tag),
        )
