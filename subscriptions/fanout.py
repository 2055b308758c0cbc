"""Queueing a new article's email for every subscriber who wants it: one Delivery row each."""

from django.db.models import QuerySet

from articles.models import Article
from core.mailqueue_sql import rows_insert_for

from .models import Delivery, Digest, Subscriber

# Subscriber ids read per query during a fan-out: memory stays flat whatever the list's size.
FAN_OUT_CHUNK = 2000


def deliveries_create(*, article_id: int) -> int:
    """Queue the article's email for every matching active instant subscriber; safe to re-run."""
    article = Article.objects.published().filter(pk=article_id).first()
    if article is None:
        # Back to draft since it was announced: nobody gets it.
        return 0
    subscribers = Subscriber.objects.wanting(
        Article.objects.filter(pk=article.pk), frequency=Subscriber.Frequency.INSTANT
    )
    return deliveries_insert(subscribers=subscribers, article=article)


def deliveries_insert(
    *, subscribers: QuerySet, article: Article | None = None, digest: Digest | None = None
) -> int:
    """Insert a pending delivery per subscriber, in keyset chunks of ids; existing rows stay (one
    per subscriber and article or digest, so a re-run adds none)."""
    considered, last_id = 0, 0
    subscribers = subscribers.order_by("pk")
    template = Delivery(article=article, digest=digest)
    while ids := list(
        subscribers.filter(pk__gt=last_id).values_list("pk", flat=True)[:FAN_OUT_CHUNK]
    ):
        rows_insert_for(Delivery, field="subscriber", ids=ids, template=template)
        considered += len(ids)
        last_id = ids[-1]
    return considered
