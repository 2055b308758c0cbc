"""Email that goes out exactly once, whatever fails: one row per message, claimed, then marked.

Every email of the site is a row of a model built on `QueuedEmail`: subscribers' articles and
digests (subscriptions.Delivery) and the emails a reader waits for (core.models.OutgoingEmail,
queued by core.outbox.email_queue and sent by `outbox_send` below).
A sender claims a batch of due rows in one statement (SENDING, its lease end in `not_before`),
sends them over one mail connection and marks each row SENT the moment the mail server accepts
its message. A worker killed mid-batch leaves its claim to run out; the rows are then claimed
again and only the unmarked ones go out. The one message that can go twice is one the server
accepted in the instant before the worker died, ahead of its mark.

Temporary failures go back to PENDING with an exponential back-off (MAIL_RETRY_SECONDS, doubling,
at most a day) until MAIL_MAX_ATTEMPTS; a message refused for good is FAILED.
"""

import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import get_connection
from django.db import models
from django.db.models import Min, Q
from django.utils import timezone
from django_tasks.base import Task

from . import mailqueue_sql as sql
from .mail import RenderedEmail, email_message
from .models import OutgoingEmail, QueuedEmail
from .taskqueue import task_wake

logger = logging.getLogger(__name__)


Status = QueuedEmail.Status


# Claiming


def queue_claim(model: type[QueuedEmail], *, limit: int) -> list[int]:
    """Take up to `limit` due rows for this worker, leased for MAIL_CLAIM_SECONDS."""
    now = timezone.now()
    lease_end = now + timedelta(seconds=settings.MAIL_CLAIM_SECONDS)
    due = Q(status=Status.PENDING) & (Q(not_before__isnull=True) | Q(not_before__lte=now))
    ids = sql.rows_claim(model, due, lease_end=lease_end, limit=limit)
    if len(ids) < limit:
        # Claims that ran out: their worker died, so their messages were never marked sent.
        expired = Q(status=Status.SENDING, not_before__lte=now)
        ids += sql.rows_claim(model, expired, lease_end=lease_end, limit=limit - len(ids))
    return ids


def queue_follow_up(model: type[QueuedEmail], *, sender: Task, report: "SendReport") -> int:
    """After a sender's run: carry on now if due rows remain, or wake `sender` when the next one
    becomes due; how many the run sent."""
    due = queue_next_due(model)
    if due is not None:
        now = timezone.now()
        if due <= now and report.batches:
            sender.enqueue()
        else:
            # A back-off, a live claim of another worker (which may die), or a row locked.
            task_wake(sender, at=max(due, now + timedelta(seconds=1)))
    return report.sent


def queue_wake(model: type[QueuedEmail], *, sender: Task) -> bool:
    """Make sure `sender` runs for rows left pending or claimed (after a restart); whether any
    are."""
    due = queue_next_due(model)
    if due is not None:
        task_wake(sender, at=max(due, timezone.now()))
    return due is not None


def queue_next_due(model: type[QueuedEmail]) -> datetime | None:
    """When a sender next has something to claim: now, later (back-off, live claims) or never."""
    outstanding = model._default_manager.filter(status__in=[Status.PENDING, Status.SENDING])
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


class Batch(Protocol):
    """What a kind of email does with its claimed rows (see `queue_send`)."""

    rows: list[QueuedEmail]

    def send(self, row, connection) -> int | None:
        """Send the row's message; how many the server accepted, or None to skip the row (no
        longer wanted)."""

    def sent(self, row, connection) -> None:
        """The server took the row's message."""

    def refused(self, row) -> None:
        """The server refused the row's address for good."""


def queue_send(
    model: type[QueuedEmail], *, batch: "type[Batch]", batch_size: int, batches: int
) -> SendReport:
    """Claim and send up to `batches` batches of due rows, one mail connection each; `batch` is
    made from each batch's claimed ids."""
    report = SendReport()
    for _ in range(batches):
        ids = queue_claim(model, limit=batch_size)
        if not ids:
            break
        report.batches += 1
        _batch_send(batch(ids), report)
    return report


# Our From address refused, or a server that is up but not taking mail at all.
_NOT_TAKING_MAIL = (smtplib.SMTPSenderRefused, smtplib.SMTPConnectError, smtplib.SMTPHeloError)


class Failure(Enum):
    PERMANENT = "permanent"  # this address refused for good: failed, and the batch is told
    REFUSED = "refused"  # this message refused for good (e.g. its content): failed
    TEMPORARY = "temporary"  # this message, later: back-off
    CONNECTION = "connection"  # the server or our account: this and the rest of the batch, later


def failure_kind(error: Exception) -> Failure:
    """How a send error is handled: the address, the message, or the connection."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return Failure.PERMANENT if codes and min(codes) >= 500 else Failure.TEMPORARY
    if isinstance(error, AnymailRecipientsRefused):
        return Failure.PERMANENT
    if isinstance(
        error, smtplib.SMTPSenderRefused | smtplib.SMTPConnectError | smtplib.SMTPHeloError
    ):
        # No recipient's fault.
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
    claim = settings.MAIL_CLAIM_SECONDS
    return claim - min(5 * settings.EMAIL_TIMEOUT, claim / 2)


def _batch_send(batch: Batch, report: SendReport) -> None:
    deadline = time.monotonic() + send_window()
    rows = batch.rows
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:
        logger.warning("Mail connection failed: %s", error)
        rows_retry(rows, error, report)
        return
    try:
        with sql.quick_commits():
            for index, row in enumerate(rows):
                if time.monotonic() > deadline:
                    _rows_release(rows[index:])
                    return
                if not _row_send(batch, row, connection, rows[index:], report):
                    return
    finally:
        connection.close()


def _row_send(batch: Batch, row, connection, rest: list, report: SendReport) -> bool:
    """Send one row's email and record the outcome; False when the connection is gone."""
    try:
        accepted = batch.send(row, connection)
        if accepted is None:
            _row_mark(row, Status.SKIPPED)
            report.skipped += 1
            return True
        if not accepted:
            raise smtplib.SMTPServerDisconnected("The mail backend sent nothing.")
    except Exception as error:
        kind = failure_kind(error)
        if kind is Failure.CONNECTION:
            logger.warning("Mail connection lost: %s", error)
            rows_retry(rest, error, report)
            return False
        if kind is Failure.TEMPORARY:
            rows_retry([row], error, report)
        else:
            _row_mark(row, Status.FAILED, error=error)
            report.failed += 1
            if kind is Failure.PERMANENT:
                batch.refused(row)
        return True
    sql.row_mark_sent(type(row), row.pk)
    batch.sent(row, connection)
    report.sent += 1
    return True


def _row_mark(row, status: str, *, error: Exception | None = None) -> None:
    type(row)._default_manager.filter(pk=row.pk).update(
        status=status,
        not_before=None,
        attempts=models.F("attempts") + (1 if error else 0),
        last_error=_describe(error) if error else "",
    )


def _rows_release(rows: list) -> None:
    """Hand back unattempted rows for any worker to take at once."""
    if rows:
        type(rows[0])._default_manager.filter(pk__in=[row.pk for row in rows]).update(
            status=Status.PENDING, not_before=None
        )


def rows_retry(rows: list, error: Exception, report: SendReport) -> None:
    """Back to pending with an exponential back-off, or failed after MAIL_MAX_ATTEMPTS."""
    now, reason = timezone.now(), _describe(error)
    by_attempts: dict[int, list[int]] = {}
    for row in rows:
        by_attempts.setdefault(row.attempts + 1, []).append(row.pk)
    for attempts, pks in by_attempts.items():
        same = type(rows[0])._default_manager.filter(pk__in=pks)
        if attempts >= settings.MAIL_MAX_ATTEMPTS:
            same.update(
                status=Status.FAILED,
                attempts=attempts,
                not_before=None,
                last_error=f"Gave up after {attempts} attempts: {reason}"[:500],
            )
            report.failed += len(pks)
        else:
            same.update(
                status=Status.PENDING,
                attempts=attempts,
                not_before=now + retry_delay(attempts),
                last_error=reason,
            )
            report.retried += len(pks)


def retry_delay(attempts: int) -> timedelta:
    """MAIL_RETRY_SECONDS after the first failure, doubling each time, at most a day."""
    return timedelta(seconds=min(settings.MAIL_RETRY_SECONDS * 2 ** (attempts - 1), 86400))


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]


# The site's own emails (OutgoingEmail)

# Few at a time: these come one per reader's action, not by the thousand.
OUTBOX_BATCH_SIZE, OUTBOX_BATCHES_PER_TASK = 50, 20


def outbox_send() -> SendReport:
    """Send the due emails readers wait for, a batch at a time."""
    return queue_send(
        OutgoingEmail,
        batch=OutboxBatch,
        batch_size=OUTBOX_BATCH_SIZE,
        batches=OUTBOX_BATCHES_PER_TASK,
    )


class OutboxBatch:
    def __init__(self, ids: list[int]):
        self.rows = list(OutgoingEmail.objects.filter(pk__in=ids))

    def send(self, row: OutgoingEmail, connection) -> int:
        email = RenderedEmail(row.subject, row.text, row.html)
        message = email_message(email, to=row.to, connection=connection, headers=row.headers)
        return connection.send_messages([message])

    def sent(self, row, connection) -> None:
        pass

    def refused(self, row) -> None:
        pass
