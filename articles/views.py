from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.sitemaps import views as sitemap_views
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.views import generic
from django.views.generic import dates
from taggit.models import Tag

from . import previews
from .cache import (
    PublishedPaginator,
    published_depends_on,
    published_object,
    published_timeline,
)
from .models import Article, Author, Page, Section
from .search import SEARCH_CANDIDATES, SearchRequest, search, search_capped
from .sitemaps import SITEMAPS, NewsSitemap, index_entries


class PublicPageMixin:
    """A page anonymous readers share from the page cache until what it shows changes."""

    # True for listings: their cards show each article's count of comments.
    lists_comment_counts = False

    def dispatch(self, request, *args, **kwargs):
        # Before any query: the page must not be stored under versions newer than its data.
        published_depends_on(request, comment_counts=self.lists_comment_counts)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {"link_preview": self.link_preview(context)}

    def link_preview(self, context) -> previews.PreviewBase:
        """What the page's head tells link previews and search engines (articles.previews)."""
        return previews.other_page_preview(self.request.path)


def page_number(context) -> int:
    page = context.get("page_obj")
    return page.number if page is not None else 1


class PublishedArticlesMixin(PublicPageMixin):
    """Every public article view starts from `Article.objects.published()`."""

    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"
    allow_empty = True

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_paginator(self, queryset, per_page, **kwargs):
        return PublishedPaginator(
            queryset, per_page, listing=self.request.path, request=self.request, **kwargs
        )


class HomeView(PublishedArticlesMixin, generic.ListView):
    lists_comment_counts = True
    template_name = "articles/home.html"

    def link_preview(self, context):
        return previews.home_preview(page_number=page_number(context))


class ArticleDetailView(PublishedArticlesMixin, dates.DateDetailView):
    # Authors, tags and related articles are read only when the page's cached fragment of them
    # is out of date (see the article_main tag).
    def get_queryset(self):
        return Article.objects.published().select_related("section")

    def link_preview(self, context):
        return previews.ArticlePreview(self.object)


class ArticlePreviewView(PermissionRequiredMixin, generic.DetailView):
    """Lets staff read a draft or scheduled article as the public will see it."""

    permission_required = "articles.view_article"
    raise_exception = True
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        queryset = Article.objects.select_related("section")
        if not self.request.user.has_perm("articles.publish_article"):
            queryset = queryset.filter(created_by=self.request.user)
        return queryset

    def handle_no_permission(self):
        # The public learns nothing about unpublished articles, not even that they exist.
        raise Http404

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "preview": True,
            "link_preview": previews.ArticlePreview(self.object),
        }


class ArchiveMixin(PublishedArticlesMixin):
    """A year's or a month's articles. Which months have any, and so the links to the periods
    before and after, come from the published timeline the footer's archive reads too."""

    lists_comment_counts = True

    def period_articles(self, start: date, end: date):
        return self.get_queryset().filter(
            published_at__gte=self._make_date_lookup_arg(start),
            published_at__lt=self._make_date_lookup_arg(end),
        )


class YearArchiveView(ArchiveMixin, dates.YearArchiveView):
    template_name = "articles/archive_year.html"

    def get_dated_items(self):
        year = int(self.get_year())
        timeline = published_timeline(self.request)
        months = timeline.months_in(year)
        if not months:
            raise Http404(f"No articles in {year}.")
        start = date(year, 1, 1)
        articles = self.period_articles(start, date(year + 1, 1, 1))
        return (
            months,
            articles,
            {
                "year": start,
                "next_year": timeline.year_after(year),
                "previous_year": timeline.year_before(year),
            },
        )

    def link_preview(self, context):
        return previews.archive_preview(
            path=self.request.path,
            period=context["year"],
            monthly=False,
            page_number=page_number(context),
        )


class MonthArchiveView(ArchiveMixin, dates.MonthArchiveView):
    template_name = "articles/archive_month.html"

    def get_dated_items(self):
        try:
            month = date(int(self.get_year()), int(self.get_month()), 1)
        except ValueError:
            raise Http404("No such month.") from None
        timeline = published_timeline(self.request)
        if not timeline.has_month(month):
            raise Http404(f"No articles in {month:%B %Y}.")
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        articles = self.period_articles(month, following)
        return (
            [],
            articles,
            {
                "month": month,
                "next_month": timeline.month_after(month),
                "previous_month": timeline.month_before(month),
            },
        )

    def link_preview(self, context):
        return previews.archive_preview(
            path=self.request.path,
            period=context["month"],
            monthly=True,
            page_number=page_number(context),
        )


class FilteredListView(PublishedArticlesMixin, generic.ListView):
    """Published articles belonging to one section, tag or author, found by its slug."""

    lists_comment_counts = True

    filter_model: type[models.Model]
    filter_lookup: str
    context_key: str
    # articles.previews' function for the object's page.
    preview_of: Callable[..., previews.Preview]

    def get(self, request, *args, **kwargs):
        self.filter_object = published_object(request, self.filter_model, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(**{self.filter_lookup: self.filter_object})

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {self.context_key: self.filter_object}

    def link_preview(self, context):
        return self.preview_of(self.filter_object, page_number=page_number(context))


class SectionView(FilteredListView):
    template_name = "articles/section_detail.html"
    filter_model = Section
    filter_lookup = context_key = "section"
    preview_of = staticmethod(previews.section_preview)


class TagView(FilteredListView):
    template_name = "articles/tag_detail.html"
    filter_model = Tag
    filter_lookup = "tags"
    context_key = "tag"
    preview_of = staticmethod(previews.tag_preview)


class AuthorView(FilteredListView):
    template_name = "articles/author_detail.html"
    filter_model = Author
    filter_lookup = "authors"
    context_key = "author"
    preview_of = staticmethod(previews.author_preview)


class SearchView(generic.ListView):
    """Search results: not in the page cache, whose keys would be every query ever typed."""

    template_name = "articles/search.html"
    context_object_name = "results"

    def get(self, request, *args, **kwargs):
        self.search = SearchRequest.from_query(request.GET)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return search(self.search)

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {
            "search": self.search,
            "sections": Section.objects.order_by("name"),
            "capped": search_capped(context["paginator"].count),
            "cap": SEARCH_CANDIDATES,
            "link_preview": previews.search_preview(
                text=self.search.text, page_number=page_number(context)
            ),
        }


class PageView(PublicPageMixin, generic.DetailView):
    model = Page
    template_name = "articles/page_detail.html"

    def link_preview(self, context):
        return previews.page_preview(self.object)


# Sitemaps: stored whole like every public page, until published content changes or a scheduled
# article comes due.


@sitemap_views.x_robots_tag
def sitemap_index(request):
    """/sitemap.xml: every sitemap below, page by page."""
    published_depends_on(request)
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": index_entries()},
        content_type="application/xml",
    )


def sitemap(request, section):
    """/sitemap-<section>.xml: one sitemap's addresses (?p=2... for the pages after the first)."""
    published_depends_on(request)
    return sitemap_views.sitemap(
        request, SITEMAPS, section=section, template_name="articles/sitemaps/urlset.xml"
    )


def news_sitemap(request):
    """/sitemap-news.xml: the last two days' articles, as Google News reads them."""
    published_depends_on(request)
    return sitemap_views.sitemap(
        request,
        {"news": NewsSitemap},
        section="news",
        template_name="articles/sitemaps/news.xml",
    )
