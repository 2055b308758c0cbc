from functools import partial

from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Email subscriptions"

    def ready(self):
        from core import health

        from . import receivers
        from .models import Delivery

        receivers.connect()
        # Subscribers' articles and digests waiting for a worker to send them.
        health.register("deliveries", partial(health.email_backlog, Delivery))
