from django_tasks import task

from .announcement import article_announce


@task()
def announce_article(*, article_id: int) -> bool:
    """Announce an article once its publication time has come (see articles.announcement)."""
    return article_announce(article_id=article_id)
