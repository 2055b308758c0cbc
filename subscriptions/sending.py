"""Sending subscribers' article and digest emails through the mail queue (core.mailqueue).

Each batch renders each article's or digest's email once (subscriptions.mail.BulkMessage) and
checks again, per row, that the subscriber still wants it. Permanent failures in a row past
SUBSCRIPTIONS_BOUNCE_LIMIT suppress the address (BOUNCING).
"""

from anymail.backends.base import AnymailBaseBackend
from django.conf import settings
from django.db.models import F

from articles.models import Article
from core.mailqueue import SendReport, queue_claim, queue_next_due, queue_send

from .mail import BulkMessage
from .models import Delivery, Digest, Subscriber

ARTICLE_TEMPLATE = "emails/subscriptions/article"
DIGEST_TEMPLATE = "emails/subscriptions/digest"


def deliveries_send(*, batches: int | None = None) -> SendReport:
    """Claim and send up to `batches` batches of due deliveries, one mail connection each."""
    return queue_send(
        Delivery,
        batch=DeliveryBatch,
        batch_size=settings.SUBSCRIPTIONS_BATCH_SIZE,
        batches=batches or settings.SUBSCRIPTIONS_BATCHES_PER_TASK,
    )


def deliveries_claim(*, limit: int) -> list[int]:
    return queue_claim(Delivery, limit=limit)


def deliveries_next_due():
    return queue_next_due(Delivery)


def subscriber_record_bounce(*, subscriber_id: int) -> bool:
    """Count a permanent failure; True if it made the address bouncing (no more mail to it)."""
    Subscriber.objects.filter(pk=subscriber_id).update(bounce_count=F("bounce_count") + 1)
    return bool(
        Subscriber.objects.filter(
            pk=subscriber_id,
            state=Subscriber.State.ACTIVE,
            bounce_count__gte=settings.SUBSCRIPTIONS_BOUNCE_LIMIT,
        ).update(state=Subscriber.State.BOUNCING)
    )


class DeliveryBatch:
    """A claimed batch of deliveries, their emails each rendered once."""

    def __init__(self, ids: list[int]):
        self.rows = list(Delivery.objects.filter(pk__in=ids).select_related("subscriber"))
        self._mails = _BatchMails(self.rows)

    def send(self, delivery: Delivery, connection) -> int | None:
        mail = self._mails.mail_for(delivery) if delivery.subscriber.is_active() else None
        if mail is None:
            # Left, bouncing, no longer wants it, or the article is no longer public.
            return None
        return mail.send(delivery.subscriber, connection=connection)

    def sent(self, delivery: Delivery, connection) -> None:
        # Failures count only in a row: a mail server that took the message says the address
        # works. An email service's API takes every message and reports bounces later by
        # webhook; there its "delivered" event resets the count (subscriptions.receivers).
        if delivery.subscriber.bounce_count and not isinstance(connection, AnymailBaseBackend):
            Subscriber.objects.filter(pk=delivery.subscriber_id).update(bounce_count=0)

    def refused(self, delivery: Delivery) -> None:
        subscriber_record_bounce(subscriber_id=delivery.subscriber_id)


# The emails of one batch, each rendered once


class _BatchMails:
    """The batch's article and digest emails, rendered once each; only links differ per message."""

    def __init__(self, deliveries: list[Delivery]):
        self._mails: dict[tuple, BulkMessage] = {}
        digests = Digest.objects.filter(pk__in={d.digest_id for d in deliveries if d.digest_id})
        self._digests = {digest.pk: digest for digest in digests}
        self._digest_article_ids = {
            digest.pk: list(
                digest.articles().order_by("published_at", "pk").values_list("pk", flat=True)
            )
            for digest in digests
        }
        article_ids = {d.article_id for d in deliveries if d.article_id}
        for pks in self._digest_article_ids.values():
            article_ids.update(pks)
        self._articles = _articles_by_pk(article_ids)
        self._choices = _subscriber_choices([d.subscriber for d in deliveries])

    def _wants(self, subscriber: Subscriber, article: Article) -> bool:
        sections, authors = self._choices.get(subscriber.pk, (set(), set()))
        return subscriber.wants(article, sections=sections, authors=authors)

    def mail_for(self, delivery: Delivery) -> BulkMessage | None:
        """The delivery's email, or None if the subscriber no longer wants it (choices, digest
        instead) or its article is no longer public (back to draft since the fan-out)."""
        if delivery.article_id:
            article = self._articles.get(delivery.article_id)
            subscriber = delivery.subscriber
            if article is None or subscriber.frequency != Subscriber.Frequency.INSTANT:
                return None
            if not self._wants(subscriber, article):
                return None
            key = ("article", delivery.article_id)
            if key not in self._mails:
                self._mails[key] = _article_mail(article)
        else:
            articles = [
                self._articles[pk]
                for pk in self._digest_article_ids[delivery.digest_id]
                # (An article unpublished between the two reads is left out.)
                if pk in self._articles and self._wants(delivery.subscriber, self._articles[pk])
            ]
            if not articles:
                return None
            key = ("digest", delivery.digest_id, *(article.pk for article in articles))
            if key not in self._mails:
                self._mails[key] = _digest_mail(self._digests[delivery.digest_id], articles)
        return self._mails[key]


def _articles_by_pk(pks: set[int]) -> dict[int, Article]:
    """The batch's articles that are public now."""
    articles = Article.objects.published().filter(pk__in=pks).select_related("section")
    return {article.pk: article for article in articles.prefetch_related("authors")}


def _subscriber_choices(subscribers: list[Subscriber]) -> dict[int, tuple[set, set]]:
    """Chosen section and author ids of each subscriber who picked rather than took everything."""
    pickers = [s.pk for s in subscribers if not s.all_articles]
    choices: dict[int, tuple[set, set]] = {pk: (set(), set()) for pk in pickers}
    for subscriber_id, section_id in Subscriber.sections.through.objects.filter(
        subscriber_id__in=pickers
    ).values_list("subscriber_id", "section_id"):
        choices[subscriber_id][0].add(section_id)
    for subscriber_id, author_id in Subscriber.authors.through.objects.filter(
        subscriber_id__in=pickers
    ).values_list("subscriber_id", "author_id"):
        choices[subscriber_id][1].add(author_id)
    return choices


def _article_context(article: Article) -> dict:
    return {
        "article": article,
        "article_url": settings.SITE_URL + article.get_absolute_url(),
        "authors": [author.name for author in article.authors.all()],
    }


def _article_mail(article: Article) -> BulkMessage:
    return BulkMessage(template=ARTICLE_TEMPLATE, context=_article_context(article))


def _digest_mail(digest: Digest, articles: list[Article]) -> BulkMessage:
    return BulkMessage(
        template=DIGEST_TEMPLATE,
        context={"digest": digest, "items": [_article_context(a) for a in articles]},
    )
