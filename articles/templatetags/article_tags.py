from django import template
from django.core.cache import cache

from articles.models import Article, Section

register = template.Library()

SECTION_NAV_KEY = "articles:section-nav"
RECENT_KEY = "articles:recent:{count}"
# A scheduled article appears in the sidebar within this many seconds of its time.
RECENT_TIMEOUT = 60


@register.inclusion_tag("articles/includes/_recent.html")
def recent_articles(count: int = 5):
    """The latest published articles, for the sidebar (cached; see articles.cache)."""
    articles = cache.get_or_set(
        RECENT_KEY.format(count=count),
        lambda: list(
            Article.objects.published().only("title", "slug", "published_at", "status")[:count]
        ),
        timeout=RECENT_TIMEOUT,
    )
    return {"articles": articles}


@register.inclusion_tag("articles/includes/_section_nav.html")
def section_nav():
    """Every section, for the site navigation (cached until a section changes)."""
    sections = cache.get_or_set(
        SECTION_NAV_KEY, lambda: list(Section.objects.only("name", "slug")), timeout=None
    )
    return {"sections": sections}
