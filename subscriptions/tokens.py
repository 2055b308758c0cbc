"""Signed links for subscribers: no password, each purpose with its own salt.

A token names the subscriber and their current key, so giving a subscriber a new key (when they
join again, or are erased) voids every link mailed to them before.
"""

from django.conf import settings
from django.core import signing

from .models import Subscriber

CONFIRM = "ewview.subscriptions.confirm"
MANAGE = "ewview.subscriptions.manage"
UNSUBSCRIBE = "ewview.subscriptions.unsubscribe"


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def _max_age(purpose: str) -> int | None:
    # Only the confirmation expires: a manage or unsubscribe link must work from an old email.
    return settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE if purpose == CONFIRM else None


def subscriber_token(subscriber: Subscriber, *, purpose: str) -> str:
    return signing.dumps([subscriber.pk, subscriber.key], salt=purpose)


def subscriber_from_token(token: str, *, purpose: str) -> Subscriber:
    """The subscriber a link was made for; TokenExpired or TokenInvalid otherwise."""
    try:
        pk, key = signing.loads(token, salt=purpose, max_age=_max_age(purpose))
    except signing.SignatureExpired as error:
        raise TokenExpired from error
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise TokenInvalid from error
    subscriber = Subscriber.objects.filter(pk=pk, key=key).first()
    if subscriber is None:
        raise TokenInvalid
    return subscriber
