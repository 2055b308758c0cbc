from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from subscriptions.models import Delivery, Subscriber
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(db):
    """An active subscriber who has been sent one article."""
    subscriber = Subscriber.objects.create(email="Rana@example.org", state=Subscriber.State.ACTIVE)
    Delivery.objects.create(
        subscriber=subscriber, article=ArticleFactory(), status=Delivery.Status.SENT
    )
    return subscriber


def erase(*args) -> str:
    out = StringIO()
    call_command("erase_subscriber", *args, stdout=out)
    return out.getvalue()


def test_erase_subscriber_deletes_the_address_and_its_deliveries(delivered):
    output = erase("rana@EXAMPLE.org")

    assert "Erased Rana@example.org and 1 delivery record(s)." in output
    assert not Subscriber.objects.exists()
    assert not Delivery.objects.exists()


def test_a_dry_run_says_what_would_go_and_changes_nothing(delivered):
    output = erase("rana@example.org", "--dry-run")

    assert "Would erase Rana@example.org (Active) and 1 delivery record(s)" in output
    assert Subscriber.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_an_unknown_address_is_an_error(db):
    with pytest.raises(CommandError, match="No subscriber"):
        erase("nobody@example.org")
