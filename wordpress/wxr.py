"""Reading a WordPress eXtended RSS export (WXR 1.0–1.2, as Tools → Export writes it).

The file is read as a stream: each author, category, tag and post is handed on as a plain
dataclass as soon as its element ends, and then dropped from the tree, so memory stays flat
however large the export. The file is untrusted: defusedxml refuses any DTD, and with it entity
expansion (billion laughs) and external entities (XXE). A file that is not well-formed, or stops
part-way, raises `WXRError` naming the line.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

WP_NAMESPACE = re.compile(r"^http://wordpress\.org/export/1\.[0-2]/$")
EXCERPT_NAMESPACE = re.compile(r"^http://wordpress\.org/export/1\.[0-2]/excerpt/$")
PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
_NO_DATE = "0000-00-00 00:00:00"


class WXRError(Exception):
    """The file is not a WordPress export that can be read."""

    def __init__(self, message: str, *, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class Site:
    title: str
    link: str
    base_site_url: str
    base_blog_url: str
    version: str


@dataclass
class Author:
    id: int | None
    login: str
    email: str
    display_name: str
    first_name: str = ""
    last_name: str = ""


@dataclass
class Category:
    term_id: int | None
    slug: str
    parent_slug: str
    name: str
    description: str = ""


@dataclass
class Tag:
    term_id: int | None
    slug: str
    name: str
    description: str = ""


@dataclass
class Comment:
    id: int
    author: str
    email: str
    url: str
    ip: str
    date: datetime | None
    date_gmt: datetime | None
    content: str
    # "1", "0", "spam", "trash" or "post-trashed", as WordPress stores it.
    approved: str
    # "" or "comment" for a comment; "pingback", "trackback", or a plugin's own.
    type: str
    parent: int
    user_id: int = 0


@dataclass
class Item:
    """A post, page, attachment or any other post type, with its comments."""

    id: int
    type: str
    title: str
    link: str
    creator: str
    content: str
    excerpt: str
    status: str
    date: datetime | None
    date_gmt: datetime | None
    name: str
    parent: int
    comment_status: str = "open"
    password: str = ""
    attachment_url: str = ""
    categories: list[tuple[str, str]] = field(default_factory=list)
    tags: list[tuple[str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)


Entry = Site | Author | Category | Tag | Item


def read(source: str | IO[bytes]) -> Iterator[Entry]:
    """The export's site, then its authors, categories, tags and items, in file order."""
    channel: Element | None = None
    site: dict[str, str] = {}
    site_sent = False
    depth = 0
    try:
        for event, element in SafeET.iterparse(source, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                if depth == 1 and element.tag != "rss":
                    raise WXRError("this is not a WordPress export (no <rss> element)", line=1)
                if depth == 2 and element.tag == "channel":
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            name = _name(element.tag)
            if name in _SITE_FIELDS:
                site[_SITE_FIELDS[name]] = (element.text or "").strip()
            elif (entry := _entry(name, element)) is not None:
                if not site_sent:
                    site_sent = True
                    yield _site(site)
                yield entry
            # Read and handed on: dropped, so the tree never holds more than one item.
            channel.remove(element)
    except ParseError as error:
        line, _ = error.position
        raise WXRError(_parse_message(error), line=line) from error
    except DefusedXmlException as error:
        message = f"the file declares a DTD or entities, which no export does ({error})"
        raise WXRError(message) from error
    if channel is None:
        raise WXRError("this is not a WordPress export (no <channel> element)")
    if not site_sent:
        yield _site(site)


def _site(fields: dict[str, str]) -> Site:
    version = fields.get("version", "")
    if not version:
        raise WXRError("this is not a WordPress export (no <wp:wxr_version>)")
    return Site(
        title=fields.get("title", ""),
        link=fields.get("link", ""),
        base_site_url=fields.get("base_site_url", ""),
        base_blog_url=fields.get("base_blog_url", ""),
        version=version,
    )


_SITE_FIELDS = {
    "title": "title",
    "link": "link",
    "wp:wxr_version": "version",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
}


def _parse_message(error: ParseError) -> str:
    message = str(error).split(": line ")[0]
    if message == "no element found":
        return "the file ends before the export does (is it truncated?)"
    return f"the file is not well-formed XML ({message})"


def _name(tag: str) -> str:
    """`{http://wordpress.org/export/1.2/}post_id` → `wp:post_id`, whichever WXR version."""
    if not tag.startswith("{"):
        return tag
    namespace, _, local = tag[1:].partition("}")
    if WP_NAMESPACE.match(namespace):
        return f"wp:{local}"
    if EXCERPT_NAMESPACE.match(namespace):
        return f"excerpt:{local}"
    prefix = PREFIXES.get(namespace)
    return f"{prefix}:{local}" if prefix else tag


def _entry(name: str, element: Element) -> Entry | None:
    if name == "wp:author":
        return _author(element)
    if name == "wp:category":
        values = _values(element)
        return Category(
            term_id=_int(values.get("wp:term_id")),
            slug=values.get("wp:category_nicename", ""),
            parent_slug=values.get("wp:category_parent", ""),
            name=values.get("wp:cat_name", ""),
            description=values.get("wp:category_description", ""),
        )
    if name == "wp:tag":
        values = _values(element)
        return Tag(
            term_id=_int(values.get("wp:term_id")),
            slug=values.get("wp:tag_slug", ""),
            name=values.get("wp:tag_name", ""),
            description=values.get("wp:tag_description", ""),
        )
    if name == "wp:term":
        return _term(_values(element))
    if name == "item":
        return _item(element)
    return None


def _author(element: Element) -> Author:
    values = _values(element)
    return Author(
        id=_int(values.get("wp:author_id")),
        login=values.get("wp:author_login", ""),
        email=values.get("wp:author_email", ""),
        display_name=values.get("wp:author_display_name", ""),
        first_name=values.get("wp:author_first_name", ""),
        last_name=values.get("wp:author_last_name", ""),
    )


def _term(values: dict[str, str]) -> Category | Tag | None:
    # Other taxonomies (menus, formats, a plugin's own) have no counterpart here.
    taxonomy = values.get("wp:term_taxonomy")
    common = {"term_id": _int(values.get("wp:term_id")), "slug": values.get("wp:term_slug", "")}
    if taxonomy == "category":
        return Category(
            **common,
            parent_slug=values.get("wp:term_parent", ""),
            name=values.get("wp:term_name", ""),
            description=values.get("wp:term_description", ""),
        )
    if taxonomy == "post_tag":
        return Tag(
            **common,
            name=values.get("wp:term_name", ""),
            description=values.get("wp:term_description", ""),
        )
    return None


def _item(element: Element) -> Item:
    values: dict[str, str] = {}
    item = Item(
        id=0, type="", title="", link="", creator="", content="", excerpt="", status="",
        date=None, date_gmt=None, name="", parent=0,
    )  # fmt: skip
    for child in element:
        name = _name(child.tag)
        if name == "category":
            pair = (child.get("nicename", ""), child.text or "")
            domain = child.get("domain")
            if domain == "category":
                item.categories.append(pair)
            elif domain == "post_tag":
                item.tags.append(pair)
        elif name == "wp:postmeta":
            meta = _values(child)
            item.meta[meta.get("wp:meta_key", "")] = meta.get("wp:meta_value", "")
        elif name == "wp:comment":
            item.comments.append(_comment(_values(child)))
        else:
            values[name] = child.text or ""
    item.id = _int(values.get("wp:post_id")) or 0
    item.type = values.get("wp:post_type", "post").strip()
    item.title = values.get("title", "")
    item.link = values.get("link", "").strip()
    item.creator = values.get("dc:creator", "").strip()
    item.content = values.get("content:encoded", "")
    item.excerpt = values.get("excerpt:encoded", "")
    item.status = values.get("wp:status", "").strip()
    item.date = _date(values.get("wp:post_date"))
    item.date_gmt = _date(values.get("wp:post_date_gmt"))
    item.name = values.get("wp:post_name", "").strip()
    item.parent = _int(values.get("wp:post_parent")) or 0
    item.comment_status = values.get("wp:comment_status", "open").strip()
    item.password = values.get("wp:post_password", "")
    item.attachment_url = values.get("wp:attachment_url", "").strip()
    return item


def _comment(values: dict[str, str]) -> Comment:
    return Comment(
        id=_int(values.get("wp:comment_id")) or 0,
        author=values.get("wp:comment_author", ""),
        email=values.get("wp:comment_author_email", "").strip(),
        url=values.get("wp:comment_author_url", "").strip(),
        ip=values.get("wp:comment_author_IP", "").strip(),
        date=_date(values.get("wp:comment_date")),
        date_gmt=_date(values.get("wp:comment_date_gmt")),
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", "1").strip(),
        type=values.get("wp:comment_type", "").strip(),
        parent=_int(values.get("wp:comment_parent")) or 0,
        user_id=_int(values.get("wp:comment_user_id")) or 0,
    )


def _values(element: Element) -> dict[str, str]:
    return {_name(child.tag): child.text or "" for child in element}


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _date(value: str | None) -> datetime | None:
    """A WordPress date ("2019-03-01 10:00:00", no zone); None for its "never" (all zeros)."""
    value = (value or "").strip()
    if not value or value == _NO_DATE:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
