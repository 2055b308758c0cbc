"""What public pages show of the articles app, for the page cache (core.pagecache), and the
changes that make those pages out of date.

Two kinds of dependency:
- PUBLISHED: everything readers see of articles, sections, authors, tags and static pages. Any
  change to one of them outdates every page, because every page shows some of it (the section
  menu, the latest articles in the sidebar, cards, related and next/previous links). Editors
  change these rarely enough that this costs little.
- one article's own page, `article_page(pk)`: its discussion (which changes far more often, so it
  outdates that article's page only) and whether it is open to comments.
- COMMENT_COUNTS: the number of comments listings show on their cards (Article.comment_count,
  kept by the comments app). Only listings depend on it, so a new comment leaves every article
  page but its own as it was.
"""

from datetime import datetime

from django.core.paginator import Paginator
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.models import Tag, TaggedItem

from core import pagecache

from . import selectors
from .models import Article, Author, Page, Section
from .selectors import Timeline
from .signals import article_became_public, article_stopped_being_public

PUBLISHED = "articles:published"
# Kept until published content changes (the key names its version), or a day at most.
TIMELINE_SECONDS = 24 * 3600
COMMENT_COUNTS = "articles:comment-counts"


def article_page(article_id: int) -> str:
    """The dependency of one article's page on its own discussion and comment settings."""
    return f"articles:article:{article_id}"


def published_depends_on(request, *, comment_counts: bool = False) -> None:
    """The response shows published content: shared until it changes or a scheduled one is due.

    `comment_counts`: it lists articles with their counts of comments too; both versions are
    then read in one round trip rather than one now and one when the listing is drawn.
    """
    names = (PUBLISHED, COMMENT_COUNTS) if comment_counts else (PUBLISHED,)
    pagecache.dependencies(request).read(names)
    pagecache.depends_on(request, *names, until=next_publication_due(request))


def next_publication_due(request=None) -> datetime | None:
    """When the next scheduled article becomes public, and with it every page's sidebar."""
    return published_timeline(request).next_due


def published_timeline(request=None) -> Timeline:
    """The archive's months and the next publication: read once per change of published
    content, and again when that publication comes; once per request at most."""
    if request is not None and hasattr(request, "published_timeline"):
        return request.published_timeline
    version = pagecache.dependencies(request).read([PUBLISHED])[PUBLISHED]
    if version is None:  # the cache cannot tell what is current: read it afresh
        timeline = selectors.published_timeline()
    else:
        timeline = pagecache.remembered(
            f"articles:timeline:{version}",
            selectors.published_timeline,
            timeout=TIMELINE_SECONDS,
            current=lambda timeline: not timeline.next_due or timeline.next_due > timezone.now(),
            size=8192,  # a month a line: years of archive are a few kilobytes
        )
    if request is not None:
        request.published_timeline = timeline
    return timeline


def published_object(request, model, **lookup):
    """`model.objects.get(**lookup)`, or a 404: the section, tag or author a listing shows.

    Kept in this process's memory until published content changes (every change to sections,
    tags and authors is one): a listing asks for it on every request.
    """
    version = pagecache.dependencies(request).read([PUBLISHED])[PUBLISHED]
    if version is None:  # the cache cannot tell what is current: read it afresh
        return get_object_or_404(model, **lookup)
    return pagecache.remembered(
        f"articles:object:{version}:{model._meta.label}:{pagecache.digest(repr(lookup))}",
        lambda: get_object_or_404(model, **lookup),
        timeout=pagecache.Dependencies(until=next_publication_due(request)).timeout(),
        shared=False,
    )


class PublishedPaginator(Paginator):
    """Pages of a listing of published articles, counted once until published content changes.

    Every listing page asks how many articles it lists: a query each time otherwise.
    `listing`: what is listed (its address), `request`: the request showing it.
    """

    def __init__(self, *args, listing: str, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.listing = listing
        self.request = request

    @cached_property
    def count(self) -> int:
        version = pagecache.dependencies(self.request).read([PUBLISHED])[PUBLISHED]
        if version is None:  # the cache cannot tell what is current: count afresh
            return super().count
        return pagecache.remembered(
            f"articles:count:{version}:{pagecache.digest(self.listing)}",
            lambda: super(PublishedPaginator, self).count,
            timeout=pagecache.Dependencies(until=next_publication_due(self.request)).timeout(),
            size=64,
        )


def published_changed(**kwargs) -> None:
    pagecache.changed(PUBLISHED)


def comment_counts_changed() -> None:
    """Outdate the listings: an article's count of comments changed."""
    pagecache.changed(COMMENT_COUNTS)


def article_pages_changed(*, article_ids) -> None:
    """Outdate the pages of these articles only (their discussion or comment settings changed)."""
    pagecache.changed(*(article_page(pk) for pk in article_ids))


def connect() -> None:
    for model in (Article, Section, Author, Page, Tag, TaggedItem):
        for signal in (post_save, post_delete):
            signal.connect(published_changed, sender=model, dispatch_uid=f"published-{model}")
    for through in (Article.authors.through, Article.tags.through):
        m2m_changed.connect(published_changed, sender=through, dispatch_uid=f"m2m-{through}")
    # A scheduled article coming due changes pages without a save; its announcement says so.
    article_became_public.connect(published_changed, dispatch_uid="published-announced")
    article_stopped_being_public.connect(published_changed, dispatch_uid="published-withdrawn")
