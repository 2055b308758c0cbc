from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.db.models import CharField
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Rss201rev2Feed

from articles.models import Article

from .models import Comment
from .selectors import public_comments

FEED_LENGTH = 30


class LatestCommentsFeed(Feed):
    """The latest public comments on published articles, site-wide."""

    feed_type = Rss201rev2Feed

    def title(self):
        return f"Comments on {settings.SITE_NAME}"

    def link(self):
        return "/"

    def description(self):
        return f"The latest comments on {settings.SITE_NAME}."

    def items(self):
        # django-comments keeps the object's key as text.
        published = Article.objects.published().values(key=Cast("pk", CharField()))
        return Comment.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            is_public=True,
            is_removed=False,
            object_pk__in=published,
        ).order_by("-submit_date")[:FEED_LENGTH]

    def item_title(self, item):
        return f"{item.user_name} on “{item.content_object}”"

    def item_description(self, item):
        return item.comment

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.submit_date

    def item_author_name(self, item):
        return item.user_name


class ArticleCommentsFeed(LatestCommentsFeed):
    """The latest public comments on one article."""

    def get_object(self, request, slug, **date):
        return get_object_or_404(Article.objects.published(), slug=slug)

    def title(self, obj):
        return f"Comments on “{obj.title}”"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"The latest comments on “{obj.title}” at {settings.SITE_NAME}."

    def items(self, obj):
        return public_comments(obj).order_by("-submit_date")[:FEED_LENGTH]
