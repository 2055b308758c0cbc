from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site plumbing"

    def ready(self):
        from django.urls import register_converter

        from .converters import IdConverter

        # Before any URLconf is read: every app's ids in addresses use it.
        register_converter(IdConverter, "id")


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose site asks for a one-time code when ADMIN_TWO_FACTOR is on."""

    default = False
    default_site = "core.admin_site.AdminSite"
