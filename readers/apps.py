from django.apps import AppConfig


class ReadersConfig(AppConfig):
    name = "readers"
    verbose_name = "Reader accounts"

    def ready(self):
        from . import receivers

        receivers.connect()
        _admin_without_social_apps()


def _admin_without_social_apps() -> None:
    """Providers are configured from the environment (settings.SOCIALACCOUNT_PROVIDERS), never
    as rows in admin, and their tokens are not kept: neither belongs in admin."""
    from allauth.socialaccount.models import SocialApp, SocialToken
    from django.contrib import admin

    for model in (SocialApp, SocialToken):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
