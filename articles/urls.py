from django.urls import path, register_converter

from . import feeds, views
from .converters import FourDigitYearConverter, TwoDigitConverter

register_converter(FourDigitYearConverter, "yyyy")
register_converter(TwoDigitConverter, "mm")
register_converter(TwoDigitConverter, "dd")

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    path("<yyyy:year>/<mm:month>/", views.MonthArchiveView.as_view(), name="archive-month"),
    path("<yyyy:year>/", views.YearArchiveView.as_view(), name="archive-year"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    # Feeds: /feed/ is where readers of the WordPress site this replaces already look.
    path("feed/", feeds.ArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.ArticlesFeed(atom=True), name="feed-atom"),
    path("section/<slug:slug>/feed/", feeds.SectionFeed(), name="section-feed"),
    path("section/<slug:slug>/feed/atom/", feeds.SectionFeed(atom=True), name="section-feed-atom"),
    path("tag/<slug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("tag/<slug:slug>/feed/atom/", feeds.TagFeed(atom=True), name="tag-feed-atom"),
    path("author/<slug:slug>/feed/", feeds.AuthorFeed(), name="author-feed"),
    path("author/<slug:slug>/feed/atom/", feeds.AuthorFeed(atom=True), name="author-feed-atom"),
    path("sitemap.xml", views.sitemap_index, name="sitemap-index"),
    # Before the other sections', whose template has no news elements.
    path("sitemap-news.xml", views.news_sitemap, name="sitemap-news"),
    path("sitemap-<str:section>.xml", views.sitemap, name="sitemap"),
    path("preview/<id:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("search/", views.SearchView.as_view(), name="search"),
    # Last: a static page may take any top-level slug the site does not use itself.
    path("<slug:slug>/", views.PageView.as_view(), name="page"),
]
