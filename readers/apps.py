from django.apps import AppConfig


class ReadersConfig(AppConfig):
    name = "readers"
    verbose_name = "Reader accounts"

    def ready(self):
        from . import receivers

        receivers.connect()
