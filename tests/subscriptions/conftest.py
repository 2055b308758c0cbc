import re

import pytest
from django.core import mail

from subscriptions.models import Subscriber
from subscriptions.tokens import CONFIRM, MANAGE, UNSUBSCRIBE, subscriber_token

LINK = re.compile(r"http://[^\s\"<>]+/subscribe/(confirm|manage|unsubscribe)/[^/\s\"<>]+/")


@pytest.fixture
def link_in():
    """The path of the first link of a kind (confirm, manage, unsubscribe) in an email."""

    def find(message: mail.EmailMessage, kind: str) -> str:
        for match in LINK.finditer(message.body):
            if match.group(1) == kind:
                return "/" + match.group(0).split("/", 3)[3]
        raise AssertionError(f"no {kind} link in {message.body!r}")

    return find


@pytest.fixture
def subscriber(db):
    """An active subscriber to every article, as after a confirmed sign-up."""
    return Subscriber.objects.create(email="reader@example.org", state=Subscriber.State.ACTIVE)


@pytest.fixture
def path_for():
    """The site path of a signed link for a subscriber."""

    def make(subscriber: Subscriber, kind: str) -> str:
        purpose = {"confirm": CONFIRM, "manage": MANAGE, "unsubscribe": UNSUBSCRIBE}[kind]
        return f"/subscribe/{kind}/{subscriber_token(subscriber, purpose=purpose)}/"

    return make
