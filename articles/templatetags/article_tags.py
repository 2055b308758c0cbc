from django import template
from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from articles.body import body_for_readers
from articles.cache import COMMENT_COUNTS, PUBLISHED, next_publication_due, published_timeline
from articles.models import Article, Section
from articles.search import snippet
from articles.selectors import article_surroundings, front_page_sections
from core import pagecache
from core.urls import reverse_cached

register = template.Library()

# Articles in each section's block on the front page.
SECTION_BLOCK_SIZE = 3


@register.simple_tag(takes_context=True)
def recent_articles(context, count: int = 5):
    """The latest published articles, for the sidebar (one cached fragment for every page)."""
    return pagecache.fragment(
        context.get("request"),
        "recent-articles",
        depends_on=(PUBLISHED,),
        vary=(count,),
        until=next_publication_due(context.get("request")),
        render=lambda: _recent_render(count),
    )


def _recent_render(count: int) -> str:
    articles = Article.objects.published().only("title", "slug", "published_at", "status")
    return render_to_string("articles/includes/_recent.html", {"articles": articles[:count]})


@register.simple_tag(takes_context=True)
def section_nav(context):
    """Every section with published articles, for the site navigation, the page's own marked
    (aria-current).

    One cached fragment per menu entry that can be current (the front page, each section page)
    and one for every other page, not one per address.
    """
    request = context.get("request")
    current = _nav_address(request.path if request else "")
    return pagecache.fragment(
        request,
        "section-nav",
        depends_on=(PUBLISHED,),
        vary=(current,),
        until=next_publication_due(request),
        render=lambda: render_to_string(
            "articles/includes/_section_nav.html",
            {
                "sections": Section.objects.with_published_articles().only("name", "slug"),
                "current": current,
            },
        ),
    )


def _nav_address(path: str) -> str:
    """`path` if the menu may link to it (the front page or a section's page), else ""."""
    if path == "/" or (path.startswith("/section/") and path.count("/") == 3):
        return path
    return ""


@register.simple_tag(takes_context=True)
def archive_nav(context):
    """Links to every month with published articles (one cached fragment for every page)."""
    request = context.get("request")
    return pagecache.fragment(
        request,
        "archive-nav",
        depends_on=(PUBLISHED,),
        vary=(),
        until=next_publication_due(request),
        render=lambda: render_to_string(
            "articles/includes/_archive_nav.html", {"years": published_timeline(request).years}
        ),
    )


@register.simple_tag(takes_context=True)
def front_page(context, articles):
    """The front page: the lead story, the next stories, then a block per section.

    `articles`: the first page of the latest articles, lazy, so a cached fragment spares its
    queries. Shows comment counts, so it is out of date when they change too.
    """
    request = context.get("request")
    return pagecache.fragment(
        request,
        "front-page",
        depends_on=(PUBLISHED, COMMENT_COUNTS),
        vary=(),
        until=next_publication_due(request),
        render=lambda: _front_page_render(list(articles)),
    )


def _front_page_render(articles: list[Article]) -> str:
    lead, *next_stories = articles or [None]
    blocks = front_page_sections(shown=articles, per_section=SECTION_BLOCK_SIZE)
    return _jinja("articles/front.html", lead=lead, next_stories=next_stories, blocks=blocks)


@register.simple_tag(takes_context=True)
def article_cards(context, articles):
    """A listing's cards (Jinja2, with the byline and time of `article_byline`/`article_time`).

    One fragment per listing page until published content changes: `articles` is a lazy page of
    a queryset, so a cached fragment spares its queries.
    """
    request = context.get("request")
    page = context.get("page_obj")
    return pagecache.fragment(
        request,
        "article-cards",
        depends_on=(PUBLISHED, COMMENT_COUNTS),
        vary=(request.path if request else None, page.number if page is not None else None),
        until=next_publication_due(request),
        render=lambda: _jinja("articles/cards.html", articles=articles),
    )


@register.simple_tag
def article_byline(article):
    """“By A, B and C”, each linking to the author's page."""
    return _jinja("articles/byline.html", article=article)


@register.simple_tag
def article_time(article):
    """The article's publication time, for readers and machines."""
    return _jinja("articles/time.html", article=article)


def _jinja(name: str, **context):
    return mark_safe(engines["jinja2"].get_template(name).render(context))


@register.simple_tag(takes_context=True)
def article_main(context, article):
    """The article itself, its authors and the articles around it.

    One fragment for every reader until published content changes: a new comment re-renders
    the page around it, not this. A staff preview is always rendered afresh.
    """

    def render():
        return render_to_string(
            "articles/includes/_article_main.html", article_surroundings(article)
        )

    if context.get("preview"):
        return mark_safe(render())
    request = context.get("request")
    return pagecache.fragment(
        request,
        "article-main",
        depends_on=(PUBLISHED,),
        vary=(article.pk,),
        until=next_publication_due(request),
        render=render,
    )


@register.simple_tag
def search_snippet(article):
    """A search result's highlighted extract (articles.search.snippet)."""
    return snippet(article)


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current address with `page` set to `number`, keeping the other parameters."""
    params = context["request"].GET.copy()
    params["page"] = number
    return "?" + params.urlencode()


@register.simple_tag
def body_html(body):
    """An article's or page's body as readers get it: library images made responsive."""
    return body_for_readers(body)


@register.inclusion_tag("articles/includes/_feed_alternates.html")
def feed_alternates(subject, name, **kwargs):
    """`<link rel="alternate">`s by which feed readers find the RSS and Atom feeds `name`.

    `subject`: what the feed follows (a section's name...), or "" for the whole site.
    """
    title = f"{subject} — {settings.SITE_NAME}" if subject else settings.SITE_NAME
    return {"title": title, **_feed_urls(name, kwargs)}


@register.inclusion_tag("articles/includes/_feed_links.html")
def feed_links(subject, name, **kwargs):
    """Links readers can see to the RSS and Atom feeds `name` of `subject`."""
    return {"subject": subject, **_feed_urls(name, kwargs)}


def _feed_urls(name: str, kwargs: dict) -> dict:
    return {
        "rss": reverse_cached(f"articles:{name}", **kwargs),
        "atom": reverse_cached(f"articles:{name}-atom", **kwargs),
    }
