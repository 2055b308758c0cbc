from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

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
        return render_to_string("includes/_link_preview.html", {"preview": preview})

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


@register.filter
def json_ld(data: dict) -> SafeString:
    """Structured data for a <script type="application/ld+json"> element."""
    return mark_safe(previews.json_ld(data))


@register.inclusion_tag("articles/includes/_share_links.html")
def share_links(article):
    """Plain links sharing a published article (none for a draft: they would lead nowhere)."""
    if not article.is_published():
        return {}
    url = previews.canonical_url(article.get_absolute_url())
    return {"url": url, "links": sharing.share_links(url=url, title=article.title)}
