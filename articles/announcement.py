"""Announcing an article once, when its publication time has come (run by a background task)."""

from django.db import transaction
from django.utils import timezone

from .models import Article
from .signals import article_became_public


def article_announce(*, article_id: int) -> bool:
    """Announce the article if it is public and has not been announced; True if it was now."""
    with transaction.atomic():
        claimed = (
            Article.objects.published()
            .filter(pk=article_id, announced_at__isnull=True)
            .update(announced_at=timezone.now())
        )
        if not claimed:
            # A draft again, moved later (a newer task waits for it) or already announced.
            return False
        article = Article.objects.get(pk=article_id)
        article_became_public.send(sender=Article, article=article)
    return True


def article_mark_announced(*, article: Article) -> None:
    """Record that no announcement is wanted, e.g. for imported or demo back-issues."""
    Article.objects.filter(pk=article.pk, announced_at__isnull=True).update(
        announced_at=timezone.now()
    )
