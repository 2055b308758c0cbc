from django.urls import path, register_converter

from . import views
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
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("search/", views.SearchView.as_view(), name="search"),
    # Last: a static page may take any top-level slug the site does not use itself.
    path("<slug:slug>/", views.PageView.as_view(), name="page"),
]
