from django_tasks import task

from .mailqueue import outbox_send, queue_follow_up
from .models import OutgoingEmail


@task()
def send_emails() -> int:
    """Send the emails readers wait for; carry on, or wake again when a retry is due."""
    return queue_follow_up(OutgoingEmail, sender=send_emails, report=outbox_send())
