"""Forget cached page fragments when what they show changes."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from .models import Article, Section
from .publication import article_became_public
from .templatetags.article_tags import RECENT_KEY, SECTION_NAV_KEY


def forget_sections(**kwargs) -> None:
    cache.delete(SECTION_NAV_KEY)


def forget_recent_articles(**kwargs) -> None:
    cache.delete_many([RECENT_KEY.format(count=count) for count in range(1, 11)])


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(forget_sections, sender=Section, dispatch_uid=f"forget-sections-{signal}")
        signal.connect(
            forget_recent_articles, sender=Article, dispatch_uid=f"forget-recent-{signal}"
        )
    article_became_public.connect(forget_recent_articles, dispatch_uid="forget-recent-announced")
