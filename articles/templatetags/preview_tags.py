from django import template
from django.template import engines
from django.utils.safestring import mark_safe
from markupsafe import Markup

from articles import previews, sharing
from articles.cache import PUBLISHED, next_publication_due
from core import pagecache

register = template.Library()


@register.simple_tag(takes_context=True)
def link_preview_tags(context):
    """The head's canonical link, OpenGraph and Twitter card tags and JSON-LD for the page.

    From the view's `link_preview`; a page without one gets the site's own. Tags whose drawing
    needs queries (an article's authors and tags) are kept as a fragment for every reader.
    """
    request = context.get("request")
    preview = context.get("link_preview") or previews.other_page_preview(
        request.path if request else "/"
    )

    def render():
        structured_data = [previews.json_ld(data) for data in preview.structured_data]
        return (
            engines["jinja2"]
            .get_template("articles/link_preview.html")
            .render(
                {"preview": preview, "structured_data": [Markup(data) for data in structured_data]}
            )
        )

    if not preview.fragment_key or context.get("preview"):
        return mark_safe(render())
    return pagecache.fragment(
        request,
        "link-preview",
        depends_on=(PUBLISHED,),
        vary=preview.fragment_key,
        until=next_publication_due(request),
        render=render,
    )


@register.inclusion_tag("articles/includes/_share_links.html")
def share_links(article):
    """Plain links sharing a published article (none for a draft: they would lead nowhere)."""
    if not article.is_published():
        return {}
    url = previews.canonical_url(article.get_absolute_url())
    return {"url": url, "links": sharing.share_links(url=url, title=article.title)}
