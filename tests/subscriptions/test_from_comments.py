import pytest
from django.core import mail

from comments.models import PendingComment
from subscriptions.models import Subscriber
from tests.factories import ArticleFactory, UserFactory, comment_post_data

pytestmark = pytest.mark.django_db

LABEL = "Notify me of new posts by email"


@pytest.fixture
def article(db):
    return ArticleFactory(title="Talks resume", slug="talks-resume")


def test_the_comment_form_offers_the_box_unticked(client, article):
    page = client.get(article.get_absolute_url()).content.decode()

    assert LABEL in page
    assert '<input type="checkbox" name="subscribe" id="id_subscribe">' in page


def test_a_guest_comment_with_the_box_ticked_starts_the_double_opt_in(client, article, run_tasks):
    run_tasks(lambda: client.post("/comments/post/", comment_post_data(article, subscribe="on")))

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "rana@example.org"
    assert subscriber.state == Subscriber.State.PENDING
    assert PendingComment.objects.count() == 1
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["Confirm your comment on ewview", "Confirm your subscription to ewview"]
    confirmation = next(m for m in mail.outbox if "subscription" in m.subject)
    assert LABEL in confirmation.body


def test_a_comment_without_the_box_ticked_subscribes_nobody(client, article, run_tasks):
    run_tasks(lambda: client.post("/comments/post/", comment_post_data(article)))

    assert not Subscriber.objects.exists()
    assert [m.subject for m in mail.outbox] == ["Confirm your comment on ewview"]


def test_a_signed_in_reader_ticking_the_box_gets_a_confirmation_at_their_account_address(
    client, article, run_tasks
):
    user = UserFactory(email="member@example.org")
    client.force_login(user)
    data = comment_post_data(article, subscribe="on")
    del data["name"], data["email"]

    run_tasks(lambda: client.post("/comments/post/", data))

    assert Subscriber.objects.get().email == "member@example.org"
    assert [m.to for m in mail.outbox if "subscription" in m.subject] == [["member@example.org"]]


def test_ticking_the_box_again_does_not_mail_a_pending_address_twice(client, article, run_tasks):
    run_tasks(lambda: client.post("/comments/post/", comment_post_data(article, subscribe="on")))
    second = comment_post_data(article, subscribe="on", comment="Another point.")
    run_tasks(lambda: client.post("/comments/post/", second))

    assert len([m for m in mail.outbox if "subscription" in m.subject]) == 1
