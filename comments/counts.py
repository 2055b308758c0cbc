"""Each article's count of public comments, kept on the article (Article.comment_count) so that
listings show it without a query, and the listings that show it made out of date when it changes."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Count, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce

from articles.cache import comment_counts_changed
from articles.models import Article

from .models import Comment


def comment_count_refresh(*, article_id) -> None:
    """Recount `article_id`'s public comments now, and again once this transaction commits.

    Now, so this transaction (and a test) sees it; after the commit again, because a concurrent
    transaction's comment is invisible to this one until then, and the last recount must see all.
    """

    def refresh():
        if _recount(article_id):
            comment_counts_changed()

    refresh()
    transaction.on_commit(refresh)


def _recount(article_id) -> bool:
    """Store the article's count; True when it changed (one UPDATE either way)."""
    public = (
        Comment.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_pk=Cast(OuterRef("pk"), CharField()),
            is_public=True,
            is_removed=False,
        )
        .order_by()
        .values("object_pk")
        .annotate(count=Count("pk"))
        .values("count")
    )
    count = Coalesce(Subquery(public), 0)
    return bool(
        Article.objects.filter(pk=article_id)
        .exclude(comment_count=count)
        .update(comment_count=count)
    )
