from django import template
from django.template.loader import render_to_string

from articles.cache import PUBLISHED, next_publication_due
from articles.models import Article, Section
from core import pagecache

register = template.Library()


@register.simple_tag(takes_context=True)
def recent_articles(context, count: int = 5):
    """The latest published articles, for the sidebar (one cached fragment for every page)."""
    return pagecache.fragment(
        context.get("request"),
        "recent-articles",
        depends_on=(PUBLISHED,),
        vary=(count,),
        until=next_publication_due(),
        site_wide=True,
        render=lambda: _recent_render(count),
    )


def _recent_render(count: int) -> str:
    articles = Article.objects.published().only("title", "slug", "published_at", "status")
    return render_to_string("articles/includes/_recent.html", {"articles": articles[:count]})


@register.simple_tag(takes_context=True)
def section_nav(context):
    """Every section, for the site navigation (one cached fragment for every page)."""
    return pagecache.fragment(
        context.get("request"),
        "section-nav",
        depends_on=(PUBLISHED,),
        vary=(),
        site_wide=True,
        render=lambda: render_to_string(
            "articles/includes/_section_nav.html",
            {"sections": Section.objects.only("name", "slug")},
        ),
    )
