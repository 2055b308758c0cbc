from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Publishing"

    def ready(self):
        from . import cache, search
        from .roles import ensure_roles

        cache.connect()
        search.connect()
        # Permissions exist only after migrate has run, so the groups are made then.
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="articles.ensure_roles")
