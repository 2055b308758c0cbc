"""Every email to a subscriber is built here, so each carries its manage and one-click links."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

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
        headers=_list_headers(links),
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def _list_headers(links: dict[str, str]) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# Stand-ins for the personal links while a bulk message is rendered once for everyone.
_PLACEHOLDERS = {
    "manage_url": "https://ewview.invalid/personal-manage-link",
    "unsubscribe_url": "https://ewview.invalid/personal-unsubscribe-link",
}


class BulkMessage:
    """One email for many subscribers: the templates are rendered once, and each message only
    gets its own manage and unsubscribe links (and the same headers as subscriber_message).

    The templates may not use `subscriber`: the body is the same for everyone.
    """

    def __init__(self, *, template: str, context: dict):
        context = {
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            **_PLACEHOLDERS,
            **context,
        }
        self.subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        self.text = render_to_string(f"{template}.txt", context)
        self.html = render_to_string(f"{template}.html", context)

    def message(self, subscriber: Subscriber, *, connection=None) -> EmailMultiAlternatives:
        links = subscriber_links(subscriber)
        text, html = self.text, self.html
        for name, placeholder in _PLACEHOLDERS.items():
            text = text.replace(placeholder, links[name])
            html = html.replace(placeholder, escape(links[name]))
        message = EmailMultiAlternatives(
            self.subject,
            text,
            to=[subscriber.email],
            connection=connection,
            headers=_list_headers(links),
        )
        message.attach_alternative(html, "text/html")
        return message
