from django import template

from articles.models import Article, Section

register = template.Library()


@register.inclusion_tag("articles/includes/_recent.html")
def recent_articles(count: int = 5):
    """The latest published articles, for the sidebar."""
    return {
        "articles": Article.objects.published().only("title", "slug", "published_at", "status")[
            :count
        ]
    }


@register.inclusion_tag("articles/includes/_section_nav.html")
def section_nav():
    """Every section, for the site navigation."""
    return {"sections": Section.objects.only("name", "slug")}
