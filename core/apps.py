from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site plumbing"


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose site asks for a one-time code when ADMIN_TWO_FACTOR is on."""

    default = False
    default_site = "core.admin_site.AdminSite"
