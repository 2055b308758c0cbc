from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView
from django.views.static import serve

from comments.feeds import ArticleCommentsFeed
from core.health import healthz
from core.identity import web_manifest

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Publishing"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("manifest.webmanifest", web_manifest, name="web-manifest"),
    path(
        "robots.txt",
        cache_control(public=True, max_age=3600)(
            TemplateView.as_view(template_name="robots.txt", content_type="text/plain")
        ),
        name="robots",
    ),
    path("comments/", include("comments.urls")),
    # Before the articles' URLs, whose static pages take any top-level slug.
    path("subscribe/", include("subscriptions.urls")),
    path("account/", include("readers.urls")),
    path("", include("articles.urls")),
    # After the articles' URLs, whose converters it uses.
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/<slug:slug>/feed/",
        ArticleCommentsFeed(),
        name="article-comments-feed",
    ),
]

if settings.EMAIL_PROVIDER:
    # The email service's bounce and complaint reports (django-anymail), behind WEBHOOK_SECRET.
    urlpatterns.insert(0, path("anymail/", include("anymail.urls")))

if settings.SERVE_MEDIA:
    # Small deployments without a separate file server let Django serve uploads.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
