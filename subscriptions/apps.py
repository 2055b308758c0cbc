from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Email subscriptions"

    def ready(self):
        from core import health

        from . import health as email_health
        from . import receivers

        receivers.connect()
        health.register("email", email_health.pending_emails)
