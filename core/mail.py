"""Emails made from templates: `<name>_subject.txt`, `<name>.txt` and `<name>.html`."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def email_render(template: str, context: dict) -> RenderedEmail:
    """The email's three parts, with the site's name and address in the context."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    return RenderedEmail(
        # A subject is one line, whatever the template's line breaks.
        subject=" ".join(render_to_string(f"{template}_subject.txt", context).split()),
        text=render_to_string(f"{template}.txt", context),
        html=render_to_string(f"{template}.html", context),
    )


def email_message(
    email: RenderedEmail, *, to: str, connection=None, headers: dict | None = None
) -> EmailMultiAlternatives:
    """A message of the text with the HTML as its alternative, to one address."""
    message = EmailMultiAlternatives(
        email.subject, email.text, to=[to], connection=connection, headers=headers
    )
    message.attach_alternative(email.html, "text/html")
    return message
