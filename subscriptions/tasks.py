import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from articles.tasks import announce_article

from .delivery import deliveries_create, deliveries_next_due, deliveries_send
from .digests import digests_send
from .mail import already_subscribed_send, confirmation_send


@task()
def send_confirmation(*, subscriber_id: int, source: str = "form") -> bool:
    """Email a pending subscriber the link that confirms their subscription."""
    return confirmation_send(subscriber_id=subscriber_id, source=source)


@task()
def send_already_subscribed(*, subscriber_id: int) -> bool:
    """Email an active subscriber who signed up again the link to their preferences."""
    return already_subscribed_send(subscriber_id=subscriber_id)


# Delivery of articles and digests (see subscriptions.delivery). Every task here is safe to run
# twice or side by side: Delivery rows, claimed one batch at a time, keep each email to one send.


@task()
def fan_out_article(*, article_id: int) -> int:
    """Queue a newly public article's email for every matching instant subscriber, then send."""
    queued = deliveries_create(article_id=article_id)
    senders_start(deliveries=queued)
    return queued


@task()
def send_deliveries() -> int:
    """Send due deliveries for a bounded while, then leave the rest to a follow-up task."""
    report = deliveries_send()
    sender_follow_up(claimed=bool(report.batches))
    return report.sent


@task()
def send_digests() -> int:
    """Queue the digests of the periods just ended, send them, and wait for the next run."""
    queued = sum(report.queued for report in digests_send())
    senders_start(deliveries=queued)
    digests_schedule()
    return queued


def senders_start(*, deliveries: int) -> None:
    """Start up to SUBSCRIPTIONS_SEND_TASKS senders, so that several workers share the sending."""
    wanted = math.ceil(deliveries / settings.SUBSCRIPTIONS_BATCH_SIZE)
    if not wanted and deliveries_next_due() is None:
        return
    for _ in range(min(max(wanted, 1), settings.SUBSCRIPTIONS_SEND_TASKS)):
        send_deliveries.enqueue()


def sender_follow_up(*, claimed: bool) -> None:
    """Carry on now if due work remains, or wake a sender when the next row becomes due."""
    due = deliveries_next_due()
    if due is None:
        return
    now = timezone.now()
    if due <= now and claimed:
        send_deliveries.enqueue()
    else:
        # A back-off, a live claim of another worker (which may die), or a row locked a moment.
        sender_wake(at=max(due, now + timedelta(seconds=1)))


def sender_wake(*, at: datetime) -> None:
    """Make sure a sender runs by `at`, without piling up waiting tasks."""
    backend = send_deliveries.get_backend()
    if not backend.supports_defer:
        return
    if isinstance(backend, DatabaseBackend) and _waiting(send_deliveries, by=at).exists():
        return
    send_deliveries.using(run_after=at).enqueue()


def digests_schedule() -> None:
    """Make sure the next digest run is waiting: SUBSCRIPTIONS_DIGEST_HOUR, local time."""
    hour = settings.SUBSCRIPTIONS_DIGEST_HOUR
    if hour is None or not isinstance(send_digests.get_backend(), DatabaseBackend):
        return
    now = timezone.localtime()
    at = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if at <= now:
        at = timezone.make_aware(datetime.combine(at.date() + timedelta(days=1), at.time()))
    if not _waiting(send_digests, by=get_date_max()).exists():
        send_digests.using(run_after=at).enqueue()


def deliveries_recover() -> dict[str, int]:
    """Queue again what a killed worker left: announcements, fan-outs, digest runs, and a sender
    for rows.

    django-tasks-db never retries a task whose worker died: it stays RUNNING. An article's
    announcement, its fan-out and a digest run are all safe to run twice (the article is
    announced once; a period has one digest; rows are unique), so each one left RUNNING is queued
    again and marked failed; the deliveries themselves say what is left to send.
    """
    recoverable = {t.module_path: t for t in (announce_article, fan_out_article, send_digests)}
    with transaction.atomic():
        lost = list(
            DBTaskResult.objects.running()
            .filter(task_path__in=recoverable)
            .select_for_update(skip_locked=True)
        )
        for result in lost:
            recoverable[result.task_path].enqueue(**result.args_kwargs["kwargs"])
            result.set_failed(WorkerLost("Presumed lost with its worker; queued again."))
    due = deliveries_next_due()
    if due is not None:
        sender_wake(at=max(due, timezone.now()))
    return {"requeued": len(lost), "sending": int(due is not None)}


class WorkerLost(Exception):
    """A task found RUNNING when a worker starts: its worker was killed."""


def _waiting(task_object, *, by: datetime):
    """READY results of a task that will run by `by` (no run_after counts as at once)."""
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=task_object.module_path
    ).filter(Q(run_after__lte=by) | Q(run_after=get_date_max()))
