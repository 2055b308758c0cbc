import hashlib
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html, linebreaks, urlize
from django.utils.safestring import mark_safe

from comments.forms import CommentForm
from comments.selectors import article_linkbacks, comment_thread, moderation_counts

register = template.Library()


@register.inclusion_tag("comments/includes/_section.html", takes_context=True)
def article_comments(context, article):
    """The responses under an article: pingbacks, the numbered thread and the comment form."""
    request = context["request"]
    thread = comment_thread(article, page=_comment_page(request))
    return {
        "article": article,
        "thread": thread,
        "linkbacks": article_linkbacks(article),
        "form": CommentForm(article) if article.comments_open else None,
        "request": request,
        "user": context.get("user"),
        "csrf_token": context.get("csrf_token"),
        "site_name": settings.SITE_NAME,
        "max_level": settings.COMMENTS_XTD_MAX_THREAD_LEVEL,
    }


def _comment_page(request) -> int:
    try:
        return max(1, int(request.GET.get("cpage", 1)))
    except ValueError:
        return 1


@register.filter(is_safe=True)
def comment_text(text: str) -> str:
    """A reader's plain text: escaped, paragraphs and line breaks kept, addresses made links."""
    linked = urlize(text, trim_url_limit=60, nofollow=True, autoescape=True)
    # Links written by readers are user-generated content, not endorsed by the site.
    return mark_safe(linebreaks(linked.replace('rel="nofollow"', 'rel="nofollow ugc"')))


@register.filter
def is_web_address(url: str) -> bool:
    """True for an http(s) address: only those become links, whatever a row holds."""
    return urlsplit(url or "").scheme.lower() in {"http", "https"}


AVATAR_COLOURS = ["#8e3b46", "#3b5f8e", "#3b8e6c", "#8e6b3b", "#5d3b8e", "#2f6f73", "#7a4a2a"]


@register.simple_tag
def avatar(name: str, email: str, size: int = 48):
    """Initials on a colour drawn from the address; Gravatar only when the site chooses it."""
    digest = hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()
    if settings.COMMENTS_AVATARS == "gravatar":
        return format_html(
            '<img class="avatar" src="https://www.gravatar.com/avatar/{}?s={}&amp;d=identicon" '
            'width="{}" height="{}" alt="">',
            digest,
            size * 2,
            size,
            size,
        )
    initials = "".join(word[0] for word in name.split()[:2]).upper() or "?"
    colour = AVATAR_COLOURS[int(digest[:4], 16) % len(AVATAR_COLOURS)]
    return format_html(
        '<span class="avatar" style="background:{}" aria-hidden="true">{}</span>', colour, initials
    )


@register.simple_tag
def thoughts_heading(count: int, title: str) -> str:
    """“No comments yet”, “One thought on “title”” or “N thoughts on “title””."""
    if count == 0:
        return "No comments yet"
    if count == 1:
        return format_html("One thought on “{}”", title)
    return format_html("{} thoughts on “{}”", count, title)


@register.inclusion_tag("admin/comments/includes/_moderation_summary.html", takes_context=True)
def moderation_summary(context):
    """The admin index's line on comments waiting for a moderator, for staff who may see them."""
    if not context["request"].user.has_perm("comments.view_comment"):
        return {"counts": None}
    return {
        "counts": moderation_counts(),
        "queue_url": reverse("admin:comments_comment_changelist"),
    }
