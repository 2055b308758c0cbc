"""How comments look to readers: their text as HTML, avatars, and the thread prepared for its
template in one pass, so the template only prints values (see jinja2/comments/thread.html)."""

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html, linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe

from core.dates import LocalTimes

from .signals import avatar_pictures

# The initials avatars' colours are classes defined in static/css/site.css (a strict CSP forbids
# inline styles); each gives white initials a contrast of at least 4.5:1.
AVATAR_CLASSES = [f"avatar avatar-{n}" for n in range(7)]


def comment_html(text: str) -> SafeString:
    """A reader's plain text: escaped, paragraphs and line breaks kept, addresses made links."""
    linked = urlize(text, trim_url_limit=60, nofollow=True, autoescape=True)
    # Links written by readers are user-generated content, not endorsed by the site.
    return mark_safe(linebreaks(linked.replace('rel="nofollow"', 'rel="nofollow ugc"')))


def is_web_address(url: str) -> bool:
    """True for an http(s) address: only those become links, whatever a row holds."""
    return bool(url) and urlsplit(url).scheme.lower() in {"http", "https"}


def thoughts_heading(count: int, title: str, *, linkbacks: int = 0) -> SafeString:
    """“No comments yet”, “One thought on “title”” or “N thoughts on “title””; with no comments
    but pingbacks, “One pingback to “title”” or “N pingbacks to “title””."""
    if count == 0 and linkbacks:
        if linkbacks == 1:
            return format_html("One pingback to “{}”", title)
        return format_html("{} pingbacks to “{}”", linkbacks, title)
    if count == 0:
        return mark_safe("No comments yet")
    if count == 1:
        return format_html("One thought on “{}”", title)
    return format_html("{} thoughts on “{}”", count, title)


@dataclass(slots=True)
class Avatar:
    """Initials on a colour (a CSS class) drawn from the address, or a picture: the account's
    own (a reader's photo), or Gravatar's when the site says so."""

    initials: str
    class_name: str
    image_url: str = ""

    @classmethod
    def of(cls, name: str, email: str, size: int = 48, picture: str = "") -> "Avatar":
        if picture:
            return cls(initials="", class_name="avatar", image_url=picture)
        digest = hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()
        if settings.COMMENTS_AVATARS == "gravatar":
            url = f"https://www.gravatar.com/avatar/{digest}?s={size * 2}&d=identicon"
            return cls(initials="", class_name="avatar", image_url=url)
        initials = "".join(word[0] for word in name.split()[:2]).upper() or "?"
        return cls(initials, AVATAR_CLASSES[int(digest[:4], 16) % len(AVATAR_CLASSES)])


@dataclass(slots=True)
class ShownComment:
    """One comment of the thread as its template prints it."""

    pk: int
    level: int
    number: int | None
    author: str
    author_url: str
    avatar: Avatar
    time_iso: str
    time_shown: str
    text_html: SafeString
    reply_url: str
    report_url: str
    children: list["ShownComment"] = field(default_factory=list)


class ThreadPresenter:
    """Turns a page of the thread (comments.selectors.ThreadPage) into ShownComments.

    Work that would otherwise be repeated per comment is done once: URLs are reversed once and
    filled in, and the text's HTML was made when the comment was saved.
    """

    def __init__(self, *, replies_open: bool):
        self.replies_open = replies_open
        self.max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
        self.reply_url = _url_filler("comments-xtd-reply")
        self.report_url = _url_filler("comments-report")
        self.times = LocalTimes()
        self.pictures: dict[int, str] | None = None

    def comments(self, nodes) -> list[ShownComment]:
        if self.pictures is None:  # the page's top level: one look-up for every comment on it
            self.pictures = _account_pictures(nodes)
        return [self.comment(node) for node in nodes]

    def comment(self, node) -> ShownComment:
        comment = node.comment
        can_reply = self.replies_open and comment.level < self.max_level
        return ShownComment(
            pk=comment.pk,
            level=comment.level,
            number=node.number,
            author=comment.user_name,
            author_url=comment.user_url if is_web_address(comment.user_url) else "",
            avatar=Avatar.of(
                comment.user_name,
                comment.user_email,
                picture=self.pictures.get(comment.user_id, "") if comment.user_id else "",
            ),
            time_iso=self.times.iso(comment.submit_date),
            time_shown=self.times.shown(comment.submit_date),
            text_html=mark_safe(comment.text_html),
            reply_url=self.reply_url(comment.pk) if can_reply else "",
            report_url=self.report_url(comment.pk),
            children=self.comments(node.children),
        )


def _account_pictures(nodes) -> dict[int, str]:
    """Pictures of the accounts that wrote comments among `nodes` (and their replies), asked
    only when there are any: a thread of guests costs nothing more."""
    user_ids, stack = set(), list(nodes)
    while stack:
        node = stack.pop()
        if node.comment.user_id:
            user_ids.add(node.comment.user_id)
        stack.extend(node.children)
    pictures: dict[int, str] = {}
    if user_ids:
        for _, answer in avatar_pictures.send(sender=ThreadPresenter, user_ids=user_ids):
            pictures.update(answer or {})
    return pictures


def _url_filler(viewname: str):
    """A function giving `viewname`'s URL for an id: one reverse(), then string filling."""
    marker = 918273645
    head, tail = reverse(viewname, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"
