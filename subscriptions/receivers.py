"""What this app does when other parts of the site, or the email service, tell it something."""

import logging

from anymail.signals import tracking

from articles.signals import article_became_public
from core.worker import worker_started

from .models import Subscriber
from .sending import subscriber_record_bounce
from .services import subscriber_unsubscribe
from .tasks import digests_schedule, fan_out_article, senders_wake

logger = logging.getLogger(__name__)


def article_public(sender, article, **kwargs) -> None:
    """Fan the new article out to its subscribers, in a background task."""
    # Enqueued inside the announcing transaction: with the database backend the task row commits
    # with the announcement or not at all, so no crash between the two can lose the emails.
    fan_out_article.enqueue(article_id=article.pk)


def email_event(sender, event, esp_name, **kwargs) -> None:
    """Bounces and complaints reported by the email service suppress the address, like ours."""
    if event.event_type not in {"bounced", "complained", "delivered"} or not event.recipient:
        return
    for subscriber in Subscriber.objects.with_email(event.recipient):
        if event.event_type == "delivered":
            # Bounces count only in a row: the receiving server took this one.
            Subscriber.objects.filter(pk=subscriber.pk).update(bounce_count=0)
            continue
        if event.event_type == "complained":
            # Marked as spam: they don't want us, whatever their settings say.
            subscriber_unsubscribe(subscriber=subscriber)
        else:
            subscriber_record_bounce(subscriber_id=subscriber.pk)
        logger.info("%s reported %s for subscriber %s", esp_name, event.event_type, subscriber.pk)


def worker_start(sender, batch, **kwargs) -> None:
    """Deliveries a killed worker left get a sender; the daily digests get their next run."""
    senders_wake()
    if not batch:
        digests_schedule()


def connect() -> None:
    article_became_public.connect(article_public, dispatch_uid="subscriptions.article_public")
    tracking.connect(email_event, dispatch_uid="subscriptions.email_event")
    worker_started.connect(worker_start, dispatch_uid="subscriptions.worker_start")
