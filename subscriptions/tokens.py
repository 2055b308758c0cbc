"""Signed links for subscribers: no password, each purpose with its own salt.

A token names the subscriber and their current key, so giving a subscriber a new key (when they
join again) voids the confirmation and manage links mailed to them before. Unsubscribe links
name the subscriber only: every email we ever sent must still let its reader out, in one click.
Erasing a subscriber voids them all, since the row is gone.
"""

from django.conf import settings

from core.tokens import TokenExpired, TokenInvalid, token_make, token_read

from .models import Subscriber

CONFIRM = "ewview.subscriptions.confirm"
MANAGE = "ewview.subscriptions.manage"
UNSUBSCRIBE = "ewview.subscriptions.unsubscribe"


__all__ = [
    "CONFIRM", "MANAGE", "UNSUBSCRIBE", "TokenExpired", "TokenInvalid",
    "subscriber_from_token", "subscriber_token",
]  # fmt: skip


def _max_age(purpose: str) -> int | None:
    # Only the confirmation expires: a manage or unsubscribe link must work from an old email.
    return settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE if purpose == CONFIRM else None


def _signed_value(subscriber: Subscriber, purpose: str) -> list:
    return [subscriber.pk] if purpose == UNSUBSCRIBE else [subscriber.pk, subscriber.key]


def subscriber_token(subscriber: Subscriber, *, purpose: str) -> str:
    return token_make(_signed_value(subscriber, purpose), salt=purpose)


def subscriber_from_token(token: str, *, purpose: str) -> Subscriber:
    """The subscriber a link was made for; TokenExpired or TokenInvalid otherwise."""
    value = token_read(token, salt=purpose, max_age=_max_age(purpose))
    subscriber = Subscriber.objects.filter(pk=value[0] if value else None).first()
    if subscriber is None or value != _signed_value(subscriber, purpose):
        raise TokenInvalid
    return subscriber
