"""Queueing the emails a reader waits for: confirmation links and notices.

`email_queue()` stores the rendered email in the caller's transaction, so it exists exactly when
what it tells of does, and wakes a worker once that transaction commits. The mail queue
(core.mailqueue) then sends it once, retrying with back-off while the mail server is down or
answers 4xx, across worker restarts.
"""

from django.db import IntegrityError, transaction

from .mail import RenderedEmail
from .mailqueue import queue_wake
from .models import OutgoingEmail
from .taskqueue import task_enqueue_once
from .tasks import send_emails


def email_queue(
    email: RenderedEmail, *, to: str, kind: str, headers: dict | None = None, key: str = ""
) -> OutgoingEmail | None:
    """Queue `email` to `to`; with a `key`, only the first email of that key is queued (None
    for a later one)."""
    row = OutgoingEmail(
        kind=kind,
        to=to,
        subject=email.subject,
        text=email.text,
        html=email.html,
        headers=headers or {},
        key=key or None,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        if key and OutgoingEmail.objects.filter(key=key).exists():
            return None
        raise
    transaction.on_commit(lambda: task_enqueue_once(send_emails))
    return row


def outbox_recover() -> bool:
    """Make sure a sender will run for emails still waiting (after a restart); whether any do."""
    return queue_wake(OutgoingEmail, sender=send_emails)
