from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.html import escape

from articles.models import Article
from core.feeds import XmlSafeRssFeed

from .display import comment_html
from .selectors import public_comments, readable_comments, with_page_numbers

FEED_LENGTH = 30


def article_feed_url(article) -> str:
    """The address of an article's comment feed: the article's own, then feed/."""
    return f"{article.get_absolute_url()}feed/"


class LatestCommentsFeed(Feed):
    """The latest public comments on published articles, site-wide."""

    feed_type = XmlSafeRssFeed

    def title(self):
        return f"Comments on {settings.SITE_NAME}"

    def link(self):
        return "/"

    def description(self):
        return f"The latest comments on {settings.SITE_NAME}."

    def items(self):
        return _for_feed(readable_comments())

    def item_title(self, item):
        # Feed readers treat titles as HTML; Django's own feeds escape them too.
        return escape(f"{item.user_name} on “{item.content_object}”")

    def item_description(self, item):
        # The comment as the page shows it: escaped, so a reader's markup arrives as text.
        return comment_html(item.comment)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.submit_date

    def item_author_name(self, item):
        return item.user_name


class ArticleCommentsFeed(LatestCommentsFeed):
    """The latest public comments on one article."""

    def get_object(self, request, slug, year, month, day):
        article = get_object_or_404(Article.objects.published(), slug=slug)
        # Only under the article's own address, as the article page itself.
        if article_feed_url(article) != request.path:
            raise Http404
        return article

    def title(self, obj):
        return f"Comments on “{obj.title}”"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"The latest comments on “{obj.title}” at {settings.SITE_NAME}."

    def items(self, obj):
        return _for_feed(public_comments(obj))


def _for_feed(comments):
    """The latest of `comments` with what each item shows, in a fixed number of queries."""
    latest = comments.order_by("-submit_date").prefetch_related("content_object")
    return with_page_numbers(latest)[:FEED_LENGTH]
