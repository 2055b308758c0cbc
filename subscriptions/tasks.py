"""Background tasks of subscriptions: each a thin wrapper over a service, plus starting senders.

Every task here is safe to run twice or side by side: Delivery rows, claimed one batch at a time,
keep each email to one send (core.mailqueue).
"""

import math

from django.conf import settings
from django_tasks import task

from core.mailqueue import queue_follow_up, queue_wake
from core.taskqueue import task_waiting, task_wake

from .digests import digest_next_run, digests_send
from .fanout import deliveries_create
from .models import Delivery
from .sending import deliveries_next_due, deliveries_send


@task()
def fan_out_article(*, article_id: int) -> int:
    """Queue a newly public article's email for every matching instant subscriber, then send."""
    return senders_start(deliveries=deliveries_create(article_id=article_id))


@task()
def send_deliveries() -> int:
    """Send due deliveries for a bounded while, then leave the rest to a follow-up task."""
    return sender_follow_up(deliveries_send())


@task()
def send_digests() -> int:
    """Queue the digests of the periods just ended, send them, and wait for the next run."""
    queued = senders_start(deliveries=sum(report.queued for report in digests_send()))
    digests_schedule()
    return queued


def senders_start(*, deliveries: int) -> int:
    """Start up to SUBSCRIPTIONS_SEND_TASKS senders, so that several workers share the sending
    of `deliveries` new rows (returned)."""
    wanted = math.ceil(deliveries / settings.SUBSCRIPTIONS_BATCH_SIZE)
    if wanted or deliveries_next_due() is not None:
        for _ in range(min(max(wanted, 1), settings.SUBSCRIPTIONS_SEND_TASKS)):
            send_deliveries.enqueue()
    return deliveries


def sender_follow_up(report) -> int:
    """Carry on now if due work remains, or wake a sender when the next row becomes due; how
    many the run sent."""
    return queue_follow_up(Delivery, sender=send_deliveries, report=report)


def digests_schedule() -> None:
    """Make sure the next digest run is waiting (SUBSCRIPTIONS_DIGEST_HOUR, local time)."""
    at = digest_next_run()
    if at is not None and not task_waiting(send_digests):
        task_wake(send_digests, at=at)


def senders_wake() -> bool:
    """Make sure a sender runs for rows left pending or claimed (after a restart); whether any
    are."""
    return queue_wake(Delivery, sender=send_deliveries)
