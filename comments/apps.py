from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from . import receivers

        receivers.connect()
        post_migrate.connect(site_sync, sender=self, dispatch_uid="comments.site_sync")


def site_sync(**kwargs) -> None:
    """Keep the Site row that django-contrib-comments reads in step with SITE_URL and SITE_NAME."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sites.models import Site

    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": urlsplit(settings.SITE_URL).netloc, "name": settings.SITE_NAME},
    )
