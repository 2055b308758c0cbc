"""Sitemaps of everything public (django.contrib.sitemaps): articles with their featured images,
the sections, authors and tags that have published articles, static pages, and a Google News
sitemap of the last two days' articles."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.core.paginator import Paginator
from django.db.models import Count, F, Max
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.models import Tag

from core.identity import absolute_url
from core.text import xml_safe
from core.urls import reverse_cached

from .models import Article, Author, Page, Section

# Google News reads the articles of the last two days, at most a thousand per sitemap.
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000


class SiteSitemap(Sitemap):
    """Addresses on the site's public address (SITE_URL), whichever host a crawler asked."""

    # Pages as long as WordPress's own sitemaps': each renders quickly, however large the site.
    limit = 2000
    # When an item last changed, as a database expression, for sitemaps that tell it.
    lastmod_expression = None

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    @cached_property
    def summary(self) -> dict:
        """How many items there are and when the latest changed, in one query.

        Django would count them each time it pages them and read every item for the latter.
        """
        aggregates = {"count": Count("pk")}
        if self.lastmod_expression is not None:
            aggregates["latest"] = Max(self.lastmod_expression)
        return self.items().aggregate(**aggregates)

    @property
    def paginator(self):
        return CountedPaginator(self.items(), self.limit, count=self.summary["count"])

    def get_latest_lastmod(self):
        latest = self.summary.get("latest")
        return latest and latest.replace(microsecond=0)


class CountedPaginator(Paginator):
    """A paginator told how many items there are, so that it does not ask the database."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.count = count


def _published_lastmod(article) -> datetime:
    # A scheduled article saved before its time last changed, for readers, when it came out.
    return max(article.updated_at, article.published_at).replace(microsecond=0)


class ArticleSitemap(SiteSitemap):
    """Every published article, oldest first (pages already read stay as they were), each with
    its featured image (Google's image extension)."""

    lastmod_expression = Greatest("updated_at", "published_at")
    # The image's dimensions too: Django reads them as an image loads, else one query each.
    fields = (
        "slug",
        "status",
        "published_at",
        "updated_at",
        "image",
        "image_width",
        "image_height",
    )

    def items(self):
        return Article.objects.published().only(*self.fields).order_by("published_at", "pk")

    def lastmod(self, article):
        return _published_lastmod(article)

    def get_urls(self, *args, **kwargs):
        urls = super().get_urls(*args, **kwargs)
        for url in urls:
            image = url["item"].image
            url["image"] = absolute_url(image.url) if image else ""
        return urls


class NewsSitemap(SiteSitemap):
    """Google News: the articles published in the last two days, newest first."""

    limit = NEWS_LIMIT

    def items(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
            .only("title", "slug", "status", "published_at")
            .order_by("-published_at", "-pk")
        )

    def get_urls(self, *args, **kwargs):
        urls = super().get_urls(*args, **kwargs)
        publication = {"name": xml_safe(settings.SITE_NAME), "language": news_language()}
        for url in urls:
            url["publication"] = publication
            url["title"] = xml_safe(url["item"].title)
            url["publication_date"] = url["item"].published_at.replace(microsecond=0)
        return urls


def news_language(language_code: str | None = None) -> str:
    """The site's language as Google News names it: ISO 639, but zh-cn and zh-tw for Chinese."""
    code = (language_code or settings.LANGUAGE_CODE).lower()
    chinese = {"zh-cn": "zh-cn", "zh-hans": "zh-cn", "zh-tw": "zh-tw", "zh-hant": "zh-tw"}
    return chinese.get(code, code.split("-")[0])


class SectionSitemap(SiteSitemap):
    """Sections with published articles: an empty one is no page to send a reader to."""

    def items(self):
        return Section.objects.filter(pk__in=Article.objects.published().values("section"))


class AuthorSitemap(SiteSitemap):
    """Authors of published articles."""

    def items(self):
        return Author.objects.filter(pk__in=Article.objects.published().values("authors"))


class TagSitemap(SiteSitemap):
    """Tags of published articles (never one used only by a draft)."""

    def items(self):
        published_tags = Article.objects.published().values("tags")
        return Tag.objects.filter(pk__in=published_tags).order_by("name")

    def location(self, tag):
        return reverse_cached("articles:tag", slug=tag.slug)


class PageSitemap(SiteSitemap):
    """Static pages ("About", "Donate")."""

    def items(self):
        return Page.objects.only("slug", "updated_at")

    lastmod_expression = F("updated_at")

    def lastmod(self, page):
        return page.updated_at.replace(microsecond=0)


# The sections of /sitemap.xml, each at /sitemap-<name>.xml.
SITEMAPS = {
    "articles": ArticleSitemap,
    "news": NewsSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
    "pages": PageSitemap,
}


def index_entries() -> list[SitemapIndexItem]:
    """The address of every sitemap page, with when its content last changed where known.

    Django's own index view writes addresses on the Sites framework's domain; ours are on
    SITE_URL, as the sitemaps' own, the feeds' and robots.txt's.
    """
    entries = []
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = absolute_url(reverse_cached("articles:sitemap", section=name))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, lastmod))
        entries += [
            SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    return entries
