from django_tasks import task

from .services import already_subscribed_send, confirmation_send


@task()
def send_confirmation(*, subscriber_id: int, source: str = "form") -> bool:
    """Email a pending subscriber the link that confirms their subscription."""
    return confirmation_send(subscriber_id=subscriber_id, source=source)


@task()
def send_already_subscribed(*, subscriber_id: int) -> bool:
    """Email an active subscriber who signed up again the link to their preferences."""
    return already_subscribed_send(subscriber_id=subscriber_id)
