from django_tasks import task

from .notifications import followers_notify


@task()
def notify_followers(*, comment_id: int) -> int:
    """Email followers and opted-in authors about a comment that became public."""
    return followers_notify(comment_id=comment_id)
