"""Delivery of new articles and digests to subscribers: one email per Delivery row, exactly once.

A sender claims a batch of due rows in one statement (status SENDING, its lease end in
`not_before`), sends them over one mail connection and marks each row SENT the moment the mail
server accepts its message. A worker killed mid-batch leaves its claim to run out; the rows are
then claimed again and only the unmarked ones go out. The one message that can go twice is one
the server accepted in the instant before the worker died, ahead of its UPDATE.

Temporary failures go back to PENDING with an exponential back-off; permanent ones are FAILED,
and SUBSCRIPTIONS_BOUNCE_LIMIT of them in a row suppress the address (BOUNCING).
"""

import logging
import smtplib
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from anymail.backends.base import AnymailBaseBackend
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db
from django.db.models import F, Min, Q, QuerySet
from django.utils import timezone

from articles.models import Article

from .mail import BulkMessage
from .models import Delivery, Digest, Subscriber

logger = logging.getLogger(__name__)

Status = Delivery.Status
# Subscriber ids read per query during a fan-out: memory stays flat whatever the list's size.
FAN_OUT_CHUNK = 2000
ARTICLE_TEMPLATE = "emails/subscriptions/article"
DIGEST_TEMPLATE = "emails/subscriptions/digest"


# Fan-out


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
    """Insert a pending delivery per subscriber, in keyset chunks of ids; existing rows stay."""
    considered, last_id = 0, 0
    subscribers = subscribers.order_by("pk")
    while ids := list(
        subscribers.filter(pk__gt=last_id).values_list("pk", flat=True)[:FAN_OUT_CHUNK]
    ):
        _deliveries_insert_chunk(ids, article=article, digest=digest)
        considered += len(ids)
        last_id = ids[-1]
    return considered


def _deliveries_insert_chunk(ids: list[int], *, article, digest) -> None:
    # One row per (subscriber, article or digest): a re-run adds none (ignored conflicts).
    if db.vendor != "postgresql":
        Delivery.objects.bulk_create(
            [Delivery(subscriber_id=pk, article=article, digest=digest) for pk in ids],
            ignore_conflicts=True,
        )
        return
    # On PostgreSQL one statement with the ids as an array: building 2,000 model instances per
    # chunk was most of a fan-out's time, while senders waited for it. The other columns come
    # from one unsaved row, so their defaults stay the model's.
    template = Delivery(article=article, digest=digest)
    fields = [f for f in Delivery._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    values = [
        f.get_db_prep_save(f.pre_save(template, add=True), connection=db)
        for f in fields
        if f.name != "subscriber"
    ]
    placeholders = ", ".join("s.id" if f.name == "subscriber" else "%s" for f in fields)
    with db.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Delivery._meta.db_table} ({columns}) SELECT {placeholders} "
            "FROM unnest(%s::bigint[]) AS s(id) ON CONFLICT DO NOTHING",
            [*values, ids],
        )


# Claiming


def deliveries_claim(*, limit: int) -> list[int]:
    """Take up to `limit` due deliveries for this worker, leased for SUBSCRIPTIONS_CLAIM_SECONDS."""
    now = timezone.now()
    lease_end = now + timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_SECONDS)
    due = "status = %s AND (not_before IS NULL OR not_before <= %s)"
    ids = _claim(due, Status.PENDING, now, lease_end, limit)
    if len(ids) < limit:
        # Claims that ran out: their worker died, so their messages were never marked sent.
        expired = "status = %s AND not_before <= %s"
        ids += _claim(expired, Status.SENDING, now, lease_end, limit - len(ids))
    return ids


def _claim(condition: str, status: str, now, lease_end, limit: int) -> list[int]:
    # One UPDATE ... RETURNING: atomic on its own, so two workers never claim the same row. On
    # PostgreSQL, SKIP LOCKED lets concurrent workers take different rows instead of waiting.
    table = Delivery._meta.db_table
    skip_locked = " FOR UPDATE SKIP LOCKED" if db.features.has_select_for_update_skip_locked else ""
    adapt = db.ops.adapt_datetimefield_value
    with db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, not_before = %s WHERE id IN "
            f"(SELECT id FROM {table} WHERE {condition} LIMIT %s{skip_locked}) RETURNING id",
            [Status.SENDING, adapt(lease_end), status, adapt(now), limit],
        )
        return [row[0] for row in cursor.fetchall()]


def deliveries_next_due() -> datetime | None:
    """When a sender next has something to claim: now, later (back-off, live claims) or never."""
    outstanding = Delivery.objects.filter(Q(status=Status.PENDING) | Q(status=Status.SENDING))
    if outstanding.filter(status=Status.PENDING, not_before__isnull=True).exists():
        return timezone.now()
    return outstanding.aggregate(soonest=Min("not_before"))["soonest"]


# Sending


@dataclass
class SendReport:
    batches: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0


def deliveries_send(*, batches: int | None = None) -> SendReport:
    """Claim and send up to `batches` batches of due deliveries, one mail connection each."""
    report = SendReport()
    for _ in range(batches or settings.SUBSCRIPTIONS_BATCHES_PER_TASK):
        ids = deliveries_claim(limit=settings.SUBSCRIPTIONS_BATCH_SIZE)
        if not ids:
            break
        report.batches += 1
        _batch_send(ids, report)
    return report


class Failure(Enum):
    PERMANENT = "permanent"  # this address refused for good: failed, counts towards bouncing
    REFUSED = "refused"  # this message refused for good (e.g. its content): failed, no count
    TEMPORARY = "temporary"  # this message, later: back-off
    CONNECTION = "connection"  # the server or our account: this and the rest of the batch, later


def failure_kind(error: Exception) -> Failure:
    """How a send error is handled: the address, the message, or the connection."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return Failure.PERMANENT if codes and min(codes) >= 500 else Failure.TEMPORARY
    if isinstance(error, AnymailRecipientsRefused):
        return Failure.PERMANENT
    if isinstance(error, smtplib.SMTPSenderRefused):
        # Our From address was refused: no subscriber's fault.
        return Failure.CONNECTION
    if isinstance(error, smtplib.SMTPResponseException):
        return Failure.REFUSED if error.smtp_code >= 500 else Failure.TEMPORARY
    if isinstance(error, OSError | AnymailAPIError):
        # Disconnected, refused, timed out, or the email service's API failing.
        return Failure.CONNECTION
    return Failure.TEMPORARY


def send_window() -> float:
    """Seconds a batch may start new messages: its claim less the longest a message can take.

    One message is a few SMTP round trips, each allowed EMAIL_TIMEOUT; starting none in the last
    five timeouts of the claim means no other worker takes up a row while we still send it.
    """
    claim = settings.SUBSCRIPTIONS_CLAIM_SECONDS
    return claim - min(5 * settings.EMAIL_TIMEOUT, claim / 2)


def _batch_send(ids: list[int], report: SendReport) -> None:
    deadline = time.monotonic() + send_window()
    deliveries = list(Delivery.objects.filter(pk__in=ids).select_related("subscriber"))
    mails = _BatchMails(deliveries)
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:
        logger.warning("Mail connection failed: %s", error)
        _deliveries_retry(deliveries, error, report)
        return
    try:
        with _quick_commits():
            for index, delivery in enumerate(deliveries):
                if time.monotonic() > deadline:
                    _deliveries_release(deliveries[index:])
                    return
                mail = mails.mail_for(delivery) if delivery.subscriber.is_active() else None
                if mail is None:
                    # Left, bouncing, no longer wants it, or the article is no longer public.
                    _delivery_mark(delivery, Status.SKIPPED)
                    report.skipped += 1
                    continue
                if not _delivery_send(delivery, mail, connection, deliveries[index:], report):
                    return
    finally:
        connection.close()


@contextmanager
def _quick_commits():
    """On PostgreSQL, don't wait for each "sent" mark to reach the disk (synchronous_commit off).

    That wait is most of a message's time. A killed worker loses nothing by it: the database has
    the mark. Only a crash of PostgreSQL itself can lose the last fraction of a second of marks,
    and with them send those few messages again.
    """
    if db.vendor != "postgresql" or db.in_atomic_block:
        yield
        return
    with db.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with db.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _delivery_send(delivery, mail: BulkMessage, connection, rest, report) -> bool:
    """Send one delivery's email and record the outcome; False when the connection is gone."""
    try:
        accepted = mail.send(delivery.subscriber, connection=connection)
        if not accepted:
            raise smtplib.SMTPServerDisconnected("The mail backend sent nothing.")
    except Exception as error:
        kind = failure_kind(error)
        if kind is Failure.CONNECTION:
            logger.warning("Mail connection lost: %s", error)
            _deliveries_retry(rest, error, report)
            return False
        if kind is Failure.TEMPORARY:
            _deliveries_retry([delivery], error, report)
        else:
            _delivery_mark(delivery, Status.FAILED, error=error)
            report.failed += 1
            if kind is Failure.PERMANENT:
                subscriber_record_bounce(subscriber_id=delivery.subscriber_id)
        return True
    _delivery_mark_sent(delivery, connection)
    report.sent += 1
    return True


def _delivery_mark_sent(delivery: Delivery, connection) -> None:
    # The hot path: one small statement per message, committed at once (autocommit).
    with db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Delivery._meta.db_table} SET status = %s, sent_at = %s, "
            "attempts = attempts + 1, not_before = NULL, last_error = '' WHERE id = %s",
            [Status.SENT, db.ops.adapt_datetimefield_value(timezone.now()), delivery.pk],
        )
    # Failures count only in a row: a mail server that took the message says the address works.
    # An email service's API takes every message and reports bounces later by webhook; there
    # its "delivered" event resets the count (subscriptions.receivers).
    if delivery.subscriber.bounce_count and not isinstance(connection, AnymailBaseBackend):
        Subscriber.objects.filter(pk=delivery.subscriber_id).update(bounce_count=0)


def _delivery_mark(delivery: Delivery, status: str, *, error: Exception | None = None) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status,
        not_before=None,
        attempts=F("attempts") + (1 if error else 0),
        last_error=_describe(error) if error else "",
    )


def _deliveries_release(deliveries: list[Delivery]) -> None:
    """Hand back unattempted rows for any worker to take at once."""
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        status=Status.PENDING, not_before=None
    )


def _deliveries_retry(deliveries: list[Delivery], error: Exception, report: SendReport) -> None:
    """Back to pending with an exponential back-off, or failed after SUBSCRIPTIONS_MAX_ATTEMPTS."""
    now, reason = timezone.now(), _describe(error)
    by_attempts: dict[int, list[int]] = {}
    for delivery in deliveries:
        by_attempts.setdefault(delivery.attempts + 1, []).append(delivery.pk)
    for attempts, pks in by_attempts.items():
        rows = Delivery.objects.filter(pk__in=pks)
        if attempts >= settings.SUBSCRIPTIONS_MAX_ATTEMPTS:
            rows.update(
                status=Status.FAILED,
                attempts=attempts,
                not_before=None,
                last_error=f"Gave up after {attempts} attempts: {reason}"[:500],
            )
            report.failed += len(pks)
        else:
            rows.update(
                status=Status.PENDING,
                attempts=attempts,
                not_before=now + retry_delay(attempts),
                last_error=reason,
            )
            report.retried += len(pks)


def retry_delay(attempts: int) -> timedelta:
    """SUBSCRIPTIONS_RETRY_SECONDS after the first failure, doubling each time, at most a day."""
    return timedelta(seconds=min(settings.SUBSCRIPTIONS_RETRY_SECONDS * 2 ** (attempts - 1), 86400))


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]


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
