from django_tasks import task

from .notifications import confirmation_send, followers_notify


@task()
def send_confirmation(*, pending_id: int) -> None:
    """Email a guest the link that publishes their comment."""
    confirmation_send(pending_id=pending_id)


@task()
def notify_followers(*, comment_id: int) -> int:
    """Email followers and opted-in authors about a comment that became public."""
    return followers_notify(comment_id=comment_id)
