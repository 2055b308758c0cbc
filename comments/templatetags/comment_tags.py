from django import template
from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from articles.cache import PUBLISHED, article_page, next_publication_due
from comments import display
from comments.feeds import article_feed_url
from comments.forms import CommentForm
from comments.selectors import article_linkbacks, comment_thread, moderation_counts
from core import pagecache
from core.csrf import has_session

register = template.Library()


@register.inclusion_tag("discussion/includes/_section.html", takes_context=True)
def article_comments(context, article):
    """The responses under an article: pingbacks, the numbered thread and the comment form."""
    request = context["request"]
    pagecache.depends_on(request, article_page(article.pk))
    return {
        "thread_html": _thread_html(request, article, page=_comment_page(request)),
        "form_html": _form_html(request, article) if article.comments_open else "",
        "feed_url": article_feed_url(article),
    }


@register.simple_tag
def comments_feed_url(article):
    """The address of the article's comment feed."""
    return article_feed_url(article)


def _form_html(request, article) -> str:
    """The comment form: the same for every guest for a few minutes, made afresh for a session.

    Its signed timestamp is not a guest's own (the whole page is shared anyway), and it stays
    well inside django-comments' two hours.
    """

    def render():
        return render_to_string("comments/form.html", {"form": CommentForm(article)}, request)

    if has_session(request):
        return mark_safe(render())
    return pagecache.fragment(
        request, "comment-form", depends_on=(), vary=(article.pk,), render=render
    )


def _thread_html(request, article, *, page: int) -> str:
    """The thread and pingbacks, the same for every reader: one fragment until they change."""
    return pagecache.fragment(
        request,
        "comment-thread",
        depends_on=(PUBLISHED, article_page(article.pk)),
        vary=(article.pk, page, article.title, article.comments_open),
        until=next_publication_due(request),
        render=lambda: thread_render(article, page=page),
        cold_with_page=True,
    )


def thread_render(article, *, page: int) -> str:
    """One page of the thread and the pingbacks, drawn afresh (the bench times this too)."""
    thread = comment_thread(article, page=page)
    presenter = display.ThreadPresenter(replies_open=article.comments_open)
    linkbacks = list(article_linkbacks(article))
    return (
        engines["jinja2"]
        .get_template("comments/thread.html")
        .render(
            {
                "heading": display.thoughts_heading(
                    thread.total, article.title, linkbacks=len(linkbacks)
                ),
                "linkbacks": linkbacks,
                "site_name": settings.SITE_NAME,
                "thread": thread,
                "comments": presenter.comments(thread.nodes),
                "article_title": article.title,
                "page_query": f"?cpage={thread.number}" if thread.number > 1 else "",
            }
        )
    )


def _comment_page(request) -> int:
    try:
        return max(1, int(request.GET.get("cpage", 1)))
    except ValueError:
        return 1


@register.filter(is_safe=True)
def comment_text(text: str) -> str:
    """A reader's plain text: escaped, paragraphs and line breaks kept, addresses made links."""
    return display.comment_html(text)


@register.inclusion_tag("admin/comments/includes/_moderation_summary.html", takes_context=True)
def moderation_summary(context):
    """The admin index's line on comments waiting for a moderator, for staff who may see them."""
    if not context["request"].user.has_perm("comments.view_comment"):
        return {"counts": None}
    return {
        "counts": moderation_counts(),
        "queue_url": reverse("admin:comments_comment_changelist"),
    }
