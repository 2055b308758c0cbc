"""What happens to a new comment: published at once, or held for a moderator, and why.

Every threshold is a setting (COMMENTS_* in ewview/settings.py).
"""

import re

from django.conf import settings
from django.db.models import Q

from .models import BlockedItem, Comment
from .spamcheck import spam_checker

LINK_PATTERN = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)

REASON_LINKS = "links"
REASON_FIRST_COMMENT = "first comment"
REASON_BLOCKLIST = "blocklist"
REASON_SPAM_CHECK = "spam check"


def count_links(text: str) -> int:
    return len(LINK_PATTERN.findall(text))


def hold_reasons(
    *,
    text: str,
    email: str,
    url: str,
    ip: str,
    moderator: bool = False,
    name: str = "",
    user_agent: str = "",
    referrer: str = "",
    permalink: str = "",
) -> list[str]:
    """Why a comment should wait for a moderator; empty when it can be published at once.

    `moderator`: the comment is a moderator's own (see `publishes_unmoderated`), never held.
    """
    if moderator:
        return []
    reasons = []
    links = count_links(text)
    if links >= settings.COMMENTS_HOLD_LINK_COUNT:
        reasons.append(f"{REASON_LINKS}: {links}")
    if settings.COMMENTS_HOLD_FIRST_COMMENT and not has_approved_comment(email):
        reasons.append(REASON_FIRST_COMMENT)
    if match := blocklist_match(text=text, email=email, url=url, ip=ip):
        reasons.append(f"{REASON_BLOCKLIST}: {match}")
    if spam_checker().is_spam(
        text=text,
        email=email,
        url=url,
        ip=ip,
        name=name,
        user_agent=user_agent,
        referrer=referrer,
        permalink=permalink,
    ):
        reasons.append(REASON_SPAM_CHECK)
    return reasons


def publishes_unmoderated(user) -> bool:
    """True for staff who may moderate comments: theirs need no moderator. Other staff, such as
    authors, are held like any reader."""
    return user.has_perm("comments.change_comment")


def has_approved_comment(email: str) -> bool:
    return Comment.objects.filter(
        user_email__iexact=email, is_public=True, is_removed=False, is_spam=False
    ).exists()


def blocklist_match(*, text: str, email: str, url: str, ip: str) -> str | None:
    """The first blocklist entry the comment matches, described, or None."""
    email = email.strip().lower()
    email_domain = email.rpartition("@")[2]
    url_domain = re.sub(r"^https?://", "", url.strip().lower()).split("/")[0].split(":")[0]
    candidates = BlockedItem.objects.filter(
        Q(kind=BlockedItem.Kind.EMAIL, value=email)
        | Q(kind=BlockedItem.Kind.DOMAIN, value__in=_with_parents(email_domain, url_domain))
        | Q(kind=BlockedItem.Kind.IP, value=ip)
        | Q(kind=BlockedItem.Kind.WORD)
    )
    lowered = f"{text}\n{url}".lower()
    for item in candidates:
        if item.kind != BlockedItem.Kind.WORD or item.value in lowered:
            return str(item)
    return None


def _with_parents(*domains: str) -> set[str]:
    """Each domain and the domains it sits under: a blocked domain covers its subdomains."""
    names = set()
    for domain in filter(None, domains):
        labels = domain.split(".")
        names.update(".".join(labels[i:]) for i in range(len(labels)))
    return names
