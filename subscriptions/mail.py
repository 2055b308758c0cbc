"""Every email to a subscriber is built here, so each carries its manage and one-click links."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Subscriber
from .tokens import MANAGE, UNSUBSCRIBE, subscriber_token


def subscriber_links(subscriber: Subscriber) -> dict[str, str]:
    """Absolute manage and unsubscribe URLs for the subscriber's emails."""
    return {
        "manage_url": settings.SITE_URL
        + reverse("subscriptions:manage", args=[subscriber_token(subscriber, purpose=MANAGE)]),
        "unsubscribe_url": settings.SITE_URL
        + reverse(
            "subscriptions:unsubscribe", args=[subscriber_token(subscriber, purpose=UNSUBSCRIBE)]
        ),
    }


def subscriber_message(
    *, subscriber: Subscriber, template: str, context: dict, connection=None
) -> EmailMultiAlternatives:
    """The email `template` (_subject.txt, .txt, .html) to one subscriber, ready to send.

    It carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058), so mail clients offer a
    one-click unsubscribe that POSTs to our URL.
    """
    links = subscriber_links(subscriber)
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "subscriber": subscriber,
        **links,
        **context,
    }
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject,
        render_to_string(f"{template}.txt", context),
        to=[subscriber.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
