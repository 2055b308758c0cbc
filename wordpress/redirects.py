"""Old WordPress addresses and where their content lives now (wordpress.middleware redirects).

Every imported post, page, attachment, category, tag and author keeps its old path
(ImportedItem.old_path), whatever permalink structure the old site used; the query-string forms
every WordPress site also answers (`/?p=ID`, `/?page_id=ID`, `/?cat=ID`, `/?author=ID`,
`/?attachment_id=ID`, `/?tag=slug`) are found by WordPress id; `…/feed/` of an old address
leads to the new address's feed, and `…/page/2/` of an old archive to the same page here.
"""

import re

from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Author, Page, Section

from .models import ImportedItem

Kind = ImportedItem.Kind
# Query parameters that name a WordPress item on the front page, and the kinds they may be.
QUERY_KINDS = {
    "p": (Kind.POST, Kind.PAGE, Kind.ATTACHMENT),
    "page_id": (Kind.PAGE, Kind.POST),
    "attachment_id": (Kind.ATTACHMENT,),
    "cat": (Kind.CATEGORY,),
    "author": (Kind.AUTHOR,),
}
_FEED = re.compile(r"^(?P<base>.*/)feed/(?:rss2?/|atom/|rdf/)?$")
_PAGED = re.compile(r"^(?P<base>.*/)page/(?P<number>[1-9][0-9]{0,5})/?$")
_FEED_NAMES = {Kind.CATEGORY: "section-feed", Kind.TAG: "tag-feed", Kind.AUTHOR: "author-feed"}


def query_target(params) -> str | None:
    """The new address for `/?p=ID` and the like; None when nothing imported matches."""
    for name, kinds in QUERY_KINDS.items():
        value = params.get(name, "")
        if value.isdigit():
            for item in ImportedItem.objects.filter(kind__in=kinds, key=value):
                if address := new_address(item):
                    return address
    if slug := params.get("tag"):
        item = ImportedItem.objects.filter(kind=Kind.TAG, old_path=f"/tag/{slug}/").first()
        return new_address(item) if item else None
    return None


def path_target(path: str, *, unchanged: bool = False) -> str | None:
    """The new address for an old site's path; None when nothing imported had it, or when it is
    the same address (unless `unchanged`: a link's old address may well be its new one)."""
    candidates = [path, path.rstrip("/") if path.endswith("/") else f"{path}/"]
    for item in ImportedItem.objects.filter(old_path__in=candidates):
        if (address := new_address(item)) and (unchanged or address != path):
            return address
    if feed := _FEED.match(path):
        for item in ImportedItem.objects.filter(old_path=feed["base"]):
            if address := feed_address(item):
                return address
    elif paged := _PAGED.match(path):
        # Page 2 of an old archive: the same page of its listing here.
        for item in ImportedItem.objects.filter(old_path=paged["base"]):
            if item.kind in _FEED_NAMES and (address := new_address(item)):
                return f"{address}?page={paged['number']}"
    return None


def new_address(item: ImportedItem) -> str | None:
    """Where the imported thing is now, if readers may see it there."""
    if item.kind == Kind.ATTACHMENT:
        # An attachment's page showed the image within its post: the post, else the file.
        parent = item.details.get("parent")
        if parent:
            for post in ImportedItem.objects.filter(kind__in=[Kind.POST, Kind.PAGE], key=parent):
                if address := new_address(post):
                    return address
        return item.address or None
    if item.kind == Kind.FILE:
        # An upload linked to directly (elsewhere, or by a search engine): the copy here.
        return item.address or None
    target = _target(item)
    if target is None:
        return None
    if isinstance(target, Article) and not target.is_published():
        return None
    if isinstance(target, Tag):
        return reverse("articles:tag", kwargs={"slug": target.slug})
    return target.get_absolute_url()


def feed_address(item: ImportedItem) -> str | None:
    """The feed of the imported thing's new page: a post's comments, a section's articles…"""
    target = _target(item)
    if isinstance(target, Article):
        return f"{target.get_absolute_url()}feed/" if target.is_published() else None
    if item.kind in _FEED_NAMES and target is not None:
        return reverse(f"articles:{_FEED_NAMES[item.kind]}", kwargs={"slug": target.slug})
    return None


_MODELS = {
    Kind.POST: Article,
    Kind.PAGE: Page,
    Kind.CATEGORY: Section,
    Kind.TAG: Tag,
    Kind.AUTHOR: Author,
}


def _target(item: ImportedItem):
    model = _MODELS.get(item.kind)
    if model is None or item.object_id is None:
        return None
    # Gone since the import (an editor deleted it): its old address is gone too.
    return model.objects.filter(pk=item.object_id).first()
