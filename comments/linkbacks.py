"""Linkbacks: an article of ours that links to another is listed under it, like a pingback."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import Resolver404, resolve

from articles.models import Article

from .models import Linkback


class _LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def linked_article_slugs(html: str) -> set[str]:
    """Slugs of the site's articles that `html` links to (relative or on our own host)."""
    collector = _LinkCollector()
    collector.feed(html or "")
    own_host = urlsplit(settings.SITE_URL).netloc
    slugs = set()
    for href in collector.hrefs:
        parts = urlsplit(href)
        if parts.netloc and parts.netloc != own_host:
            continue
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        if match.view_name == "articles:detail":
            slugs.add(match.kwargs["slug"])
    return slugs


def linkbacks_refresh(*, article: Article) -> None:
    """Make the article's outgoing linkbacks match the links in its body now."""
    targets = set(
        Article.objects.filter(slug__in=linked_article_slugs(article.body))
        .exclude(pk=article.pk)
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        Linkback.objects.filter(source=article).exclude(target__in=targets).delete()
        Linkback.objects.bulk_create(
            [Linkback(source=article, target_id=target) for target in targets],
            ignore_conflicts=True,
        )
