from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from subscriptions.models import Subscriber

pytestmark = pytest.mark.django_db

State = Subscriber.State


def test_the_unsubscribe_link_opens_a_page_with_one_button_and_changes_nothing(
    client, subscriber, path_for
):
    response = client.get(path_for(subscriber, "unsubscribe"))

    assert response.status_code == 200
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert main.count("<button") == 1  # the header's search box aside
    assert "Unsubscribe" in main
    subscriber.refresh_from_db()
    assert subscriber.state == State.ACTIVE


def test_a_one_click_post_with_no_cookie_and_no_csrf_token_unsubscribes(subscriber, path_for):
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        path_for(subscriber, "unsubscribe"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert not mail_client.cookies
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


def test_unsubscribing_twice_is_harmless(client, subscriber, path_for):
    path = path_for(subscriber, "unsubscribe")
    client.post(path)
    subscriber.refresh_from_db()
    first = subscriber.unsubscribed_at

    response = client.post(path)

    assert "You are unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at == first


def test_a_damaged_unsubscribe_link_is_refused(subscriber, path_for):
    response = Client(enforce_csrf_checks=True).post(path_for(subscriber, "unsubscribe")[:-5] + "/")

    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.state == State.ACTIVE


def test_rejoining_needs_a_new_confirmation_and_voids_the_old_manage_link(
    client, subscriber, path_for, run_tasks, link_in
):
    old_manage, old_unsubscribe = (
        path_for(subscriber, "manage"),
        path_for(subscriber, "unsubscribe"),
    )
    client.post(old_unsubscribe)

    run_tasks(lambda: client.post("/subscribe/", {"email": "reader@example.org"}))

    subscriber.refresh_from_db()
    assert subscriber.state == State.PENDING
    assert [m.subject for m in mail.outbox] == ["Confirm your subscription to ewview"]
    assert client.get(old_manage).status_code == 400

    client.post(link_in(mail.outbox[0], "confirm"))
    subscriber.refresh_from_db()
    assert subscriber.state == State.ACTIVE
    # The new email's own one-click link works.
    new_unsubscribe = urlsplit(mail.outbox[0].message()["List-Unsubscribe"].strip("<>")).path
    assert Client(enforce_csrf_checks=True).post(new_unsubscribe).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED


def test_an_unsubscribe_link_from_before_rejoining_still_lets_the_reader_out(
    client, subscriber, path_for, run_tasks, link_in
):
    old_unsubscribe = path_for(subscriber, "unsubscribe")
    client.post(old_unsubscribe)
    run_tasks(lambda: client.post("/subscribe/", {"email": "reader@example.org"}))
    client.post(link_in(mail.outbox[0], "confirm"))
    subscriber.refresh_from_db()
    assert subscriber.state == State.ACTIVE

    response = Client(enforce_csrf_checks=True).post(old_unsubscribe)

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED


def test_the_manage_link_of_someone_who_left_offers_to_subscribe_again(
    client, subscriber, path_for
):
    client.post(path_for(subscriber, "unsubscribe"))

    page = client.get(path_for(subscriber, "manage")).content.decode()

    assert "You are unsubscribed" in page
    assert 'href="/subscribe/"' in page


# HEAD: link checkers and mail scanners ask it first; it must answer as GET does, changing nothing.


@pytest.mark.parametrize(
    ("kind", "state"),
    [("confirm", State.PENDING), ("manage", State.ACTIVE), ("unsubscribe", State.ACTIVE)],
)
def test_head_on_an_emailed_link_answers_like_get_and_changes_nothing(
    client, path_for, kind, state
):
    subscriber = Subscriber.objects.create(email="reader@example.org", state=state)
    path = path_for(subscriber, kind)

    head = client.head(path)

    assert head.status_code == client.get(path).status_code == 200
    assert head.content == b""
    subscriber.refresh_from_db()
    assert subscriber.state == state


@pytest.mark.parametrize("path", ["/subscribe/", "/subscribe/check-email/"])
def test_head_on_the_signup_pages_answers_like_get(client, path):
    assert client.head(path).status_code == client.get(path).status_code == 200
