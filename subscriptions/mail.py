"""Every email to a subscriber is built here, so each carries its manage and one-click links;
the account emails (confirm, already subscribed) are queued from here (core.outbox)."""

from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME
from django.urls import reverse
from django.utils.html import escape

from core.mail import RenderedEmail, email_message, email_render
from core.outbox import email_queue

from .models import Subscriber
from .tokens import CONFIRM, MANAGE, UNSUBSCRIBE, subscriber_token


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


def subscriber_email_queue(
    *, subscriber: Subscriber, template: str, context: dict, kind: str
) -> None:
    """Queue the email `template` (_subject.txt, .txt, .html) to one subscriber (core.outbox).

    It carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058), so mail clients offer a
    one-click unsubscribe that POSTs to our URL.
    """
    links = subscriber_links(subscriber)
    email = email_render(template, {"subscriber": subscriber, **links, **context})
    email_queue(email, to=subscriber.email, kind=kind, headers=_list_headers(links))


def _list_headers(links: dict[str, str]) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# The account emails


def confirmation_email_queue(*, subscriber_id: int, source: str = "form") -> bool:
    """Email a pending subscriber the link that confirms them; False if no longer pending."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id, state=Subscriber.State.PENDING).first()
    if subscriber is None:
        return False
    context = {
        "confirm_url": settings.SITE_URL
        + reverse("subscriptions:confirm", args=[subscriber_token(subscriber, purpose=CONFIRM)]),
        "valid_days": settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE // 86400,
        "source": source,
    }
    subscriber_email_queue(
        subscriber=subscriber,
        template="emails/subscriptions/confirm",
        context=context,
        kind="subscription-confirm",
    )
    return True


def already_subscribed_email_queue(*, subscriber_id: int) -> bool:
    """Remind an active subscriber who signed up again where to change their choices."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id, state=Subscriber.State.ACTIVE).first()
    if subscriber is None:
        return False
    subscriber_email_queue(
        subscriber=subscriber,
        template="emails/subscriptions/already_subscribed",
        context={},
        kind="subscription-reminder",
    )
    return True


# Stand-ins for the personal parts while a bulk message is rendered once for everyone.
_PLACEHOLDERS = {
    "manage_url": "https://ewview.invalid/personal-manage-link",
    "unsubscribe_url": "https://ewview.invalid/personal-unsubscribe-link",
}
_PLACEHOLDER_TO = "subscriber@placeholder.invalid"
# Signed tokens are URL-safe base64 and colons, which reverse() leaves as they are.
_SLOT = "token-slot"


class BulkMessage:
    """One email for many subscribers: the templates are rendered once, and each message only
    gets its own address and manage and unsubscribe links (and the same headers as
    subscriber_email_queue).

    The templates may not use `subscriber`: the body is the same for everyone.
    """

    def __init__(self, *, template: str, context: dict):
        email = email_render(template, {**_PLACEHOLDERS, **context})
        self.subject, self.text, self.html = email.subject, email.text, email.html
        self._wire: _WireMessage | None | bool = None
        # The links' URLs reversed once, with a slot for each subscriber's token.
        self._link_patterns = {
            "manage_url": (
                MANAGE,
                settings.SITE_URL + reverse("subscriptions:manage", args=[_SLOT]),
            ),
            "unsubscribe_url": (
                UNSUBSCRIBE,
                settings.SITE_URL + reverse("subscriptions:unsubscribe", args=[_SLOT]),
            ),
        }

    def links(self, subscriber: Subscriber) -> dict[str, str]:
        """The same as subscriber_links(subscriber), faster."""
        return {
            name: pattern.replace(_SLOT, subscriber_token(subscriber, purpose=purpose))
            for name, (purpose, pattern) in self._link_patterns.items()
        }

    def message(self, subscriber: Subscriber, *, connection=None) -> EmailMultiAlternatives:
        return self._build(subscriber.email, self.links(subscriber), connection)

    def send(self, subscriber: Subscriber, *, connection) -> int:
        """Send to one subscriber over an open connection; how many messages were accepted."""
        links = self.links(subscriber)
        wire = self._wire_message() if isinstance(connection, SMTPBackend) else None
        if wire and connection.connection and wire.fits(subscriber.email, links):
            # Over SMTP, the MIME message made once with stand-ins: building each one afresh
            # with the email package costs more than everything else per message together.
            connection.connection.sendmail(
                wire.sender, [subscriber.email], wire.bytes_for(subscriber.email, links)
            )
            return 1
        return connection.send_messages([self._build(subscriber.email, links, connection)])

    def _build(self, email: str, links: dict[str, str], connection=None):
        text, html = self.text, self.html
        for name, placeholder in _PLACEHOLDERS.items():
            text = text.replace(placeholder, links[name])
            html = html.replace(placeholder, escape(links[name]))
        return email_message(
            RenderedEmail(self.subject, text, html),
            to=email,
            connection=connection,
            headers=_list_headers(links),
        )

    def _wire_message(self) -> "_WireMessage | None":
        if self._wire is None:
            sample = self._build(_PLACEHOLDER_TO, _PLACEHOLDERS)
            self._wire = _WireMessage.prepare(sample, text=self.text, html=self.html) or False
        return self._wire or None


class _WireMessage:
    """A message's SMTP bytes with stand-ins for the address, the links and the Message-ID."""

    def __init__(self, raw: bytes, message_id: str, sender: str):
        self.raw, self.message_id, self.sender = raw, message_id.encode(), sender

    @classmethod
    def prepare(cls, sample: EmailMultiAlternatives, *, text: str, html: str):
        """The prepared bytes, or None when an encoding hides a stand-in (then build each)."""
        message = sample.message()
        raw = message.as_bytes(linesep="\r\n")
        expected = {
            _PLACEHOLDER_TO: 1,
            message["Message-ID"]: 1,
            _PLACEHOLDERS["manage_url"]: text.count(_PLACEHOLDERS["manage_url"])
            + html.count(_PLACEHOLDERS["manage_url"]),
            # The body's links and the List-Unsubscribe header.
            _PLACEHOLDERS["unsubscribe_url"]: text.count(_PLACEHOLDERS["unsubscribe_url"])
            + html.count(_PLACEHOLDERS["unsubscribe_url"])
            + 1,
        }
        if any(raw.count(stand_in.encode()) != n for stand_in, n in expected.items()):
            return None
        encoding = sample.encoding or settings.DEFAULT_CHARSET
        return cls(raw, message["Message-ID"], sanitize_address(sample.from_email, encoding))

    @staticmethod
    def fits(email: str, links: dict[str, str]) -> bool:
        # Plain ASCII that needs no escaping in HTML, as the stand-ins are.
        return email.isascii() and all(escape(url) == url for url in links.values())

    def bytes_for(self, email: str, links: dict[str, str]) -> bytes:
        raw = self.raw.replace(_PLACEHOLDER_TO.encode(), email.encode())
        raw = raw.replace(self.message_id, make_msgid(domain=DNS_NAME).encode())
        for name, placeholder in _PLACEHOLDERS.items():
            raw = raw.replace(placeholder.encode(), links[name].encode())
        return raw
