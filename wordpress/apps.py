from django.apps import AppConfig


class WordPressConfig(AppConfig):
    name = "wordpress"
    verbose_name = "WordPress import and export"
