"""The one place that knows when an article becomes public or stops being, and tells the site.

An article becomes public when it is published and its publication time has come: at once for
"Publish", later for a scheduled article. Editors' actions go through `article_publish()` and
`article_unpublish()`; whoever else saves an article (import, command) calls
`publication_schedule()`. A background task announces an article exactly once, when it is due
(articles.announcement), by sending `article_became_public`; taking one off the site sends
`article_stopped_being_public` (articles.signals). Apps that react (subscriber emails, page
caches) connect to those signals, so this app does not need to know them.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import Article
from .signals import article_stopped_being_public
from .tasks import announce_article


def article_publish(*, article: Article, at: datetime | None = None) -> None:
    """Publish `article` at `at` (a time to come schedules it), else now; an article published
    before keeps its time, and with it its address."""
    now = timezone.now()
    article.status = Article.Status.PUBLISHED
    if at is not None:
        article.published_at = at
    elif article.published_at is None or article.published_at > now:
        article.published_at = now
    article.save()
    publication_schedule(article=article)


def article_unpublish(*, article: Article) -> None:
    """Take `article` back to draft (with whatever else was changed on it) and off the site."""
    was_public = Article.objects.published().filter(pk=article.pk).exists()
    article.status = Article.Status.DRAFT
    article.save()
    if was_public:
        article_stopped_being_public.send(sender=Article, article=article)


def publication_schedule(*, article: Article) -> None:
    """Arrange for a published or scheduled article to be announced when its time comes."""
    if article.status != Article.Status.PUBLISHED or article.announced_at is not None:
        return
    run_after = article.published_at if article.published_at > timezone.now() else None
    task = announce_article.using(run_after=run_after) if run_after else announce_article
    transaction.on_commit(lambda: task.enqueue(article_id=article.pk))
