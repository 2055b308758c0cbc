import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from subscriptions.models import Subscriber
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

State = Subscriber.State


def signup(client, email="reader@example.org", **extra):
    return client.post("/subscribe/", {"email": email}, **extra)


def test_the_page_after_signing_up_is_the_same_whatever_the_address(client, run_tasks):
    for state in (State.PENDING, State.ACTIVE, State.UNSUBSCRIBED, State.BOUNCING):
        Subscriber.objects.create(email=f"{state}@example.org", state=state)
    emails = ["new@example.org"] + [f"{state}@example.org" for state in State.values]

    responses = [run_tasks(lambda e=e: signup(client, e)) for e in emails]

    assert {(r.status_code, r["Location"]) for r in responses} == {(302, "/subscribe/check-email/")}
    pages = {client.get(r["Location"]).content for r in responses}
    assert len(pages) == 1
    assert "Check your email" in pages.pop().decode()


def test_a_new_address_is_pending_until_confirmed_and_gets_one_confirmation(client, run_tasks):
    run_tasks(lambda: signup(client, " Reader@Example.ORG "))

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Reader@example.org"
    assert subscriber.state == State.PENDING
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Reader@example.org"]
    assert message.subject == "Confirm your subscription to ewview"
    assert "/subscribe/confirm/" in message.body
    assert "/subscribe/confirm/" in message.alternatives[0][0]


def test_every_signup_email_carries_one_click_unsubscribe_headers(client, run_tasks, settings):
    settings.SUBSCRIPTIONS_CONFIRM_RESEND_SECONDS = 1
    Subscriber.objects.create(email="active@example.org", state=State.ACTIVE)

    run_tasks(lambda: signup(client, "new@example.org"))
    run_tasks(lambda: signup(client, "active@example.org"))

    assert [m.to for m in mail.outbox] == [["new@example.org"], ["active@example.org"]]
    for message in mail.outbox:
        headers = message.message()
        assert headers["List-Unsubscribe"].startswith("<http://")
        assert "/subscribe/unsubscribe/" in headers["List-Unsubscribe"]
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_pending_address_gets_its_confirmation_again_only_after_the_resend_interval(
    client, run_tasks
):
    run_tasks(lambda: signup(client))
    run_tasks(lambda: signup(client))
    assert len(mail.outbox) == 1

    Subscriber.objects.update(confirmation_sent_at=timezone.now() - timedelta(hours=1))
    run_tasks(lambda: signup(client))

    assert len(mail.outbox) == 2
    assert all("/subscribe/confirm/" in m.body for m in mail.outbox)


def test_one_address_gets_only_so_many_signup_emails_a_day(client, run_tasks, settings):
    settings.SUBSCRIPTIONS_CONFIRM_RESEND_SECONDS = 0
    settings.SUBSCRIPTIONS_CONFIRMATIONS_PER_RECIPIENT = (2, 86400)

    for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        run_tasks(lambda ip=ip: signup(client, REMOTE_ADDR=ip))

    assert len(mail.outbox) == 2


def test_every_spelling_of_an_address_counts_against_its_daily_emails(client, run_tasks, settings):
    settings.SUBSCRIPTIONS_CONFIRM_RESEND_SECONDS = 0
    settings.SUBSCRIPTIONS_CONFIRMATIONS_PER_RECIPIENT = (2, 86400)
    spellings = ['"reader"@example.org', "Reader+news@example.org", "reader@example.org"]

    for email, ip in zip(spellings, ("192.0.2.1", "192.0.2.2", "192.0.2.3"), strict=True):
        run_tasks(lambda email=email, ip=ip: signup(client, email, REMOTE_ADDR=ip))

    assert len(mail.outbox) == 2


def test_a_stranger_signing_up_an_address_cannot_use_up_its_owners_emails(
    client, run_tasks, settings
):
    settings.SUBSCRIPTIONS_CONFIRM_RESEND_SECONDS = 0
    for _ in range(3):
        run_tasks(lambda: signup(client, REMOTE_ADDR="192.0.2.66"))
    strangers = len(mail.outbox)

    run_tasks(lambda: signup(client, REMOTE_ADDR="198.51.100.7"))

    assert strangers < 3
    assert len(mail.outbox) == strangers + 1
    assert "/subscribe/confirm/" in mail.outbox[-1].body


def test_an_active_address_gets_no_confirmation_and_at_most_one_reminder(client, run_tasks):
    subscriber = Subscriber.objects.create(email="reader@example.org", state=State.ACTIVE)

    run_tasks(lambda: signup(client))
    run_tasks(lambda: signup(client))

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "You are already subscribed to ewview"
    assert "/subscribe/confirm/" not in mail.outbox[0].body
    assert "/subscribe/manage/" in mail.outbox[0].body
    subscriber.refresh_from_db()
    assert subscriber.state == State.ACTIVE


def test_signups_are_limited_per_ip_and_the_form_keeps_the_address(client, settings):
    settings.SUBSCRIPTIONS_SIGNUPS_PER_IP = (2, 3600)
    signup(client, "one@example.org")
    signup(client, "two@example.org")

    response = signup(client, "three@example.org")

    assert response.status_code == 429
    page = response.content.decode()
    assert "try again" in page
    assert 'value="three@example.org"' in page
    assert not Subscriber.objects.filter(email="three@example.org").exists()
    assert signup(client, "four@example.org", REMOTE_ADDR="198.51.100.7").status_code == 302


def test_an_invalid_address_gets_a_clear_error_and_keeps_what_was_typed(client):
    response = signup(client, "reader.example.org")

    assert response.status_code == 200
    page = response.content.decode()
    assert "doesn&#x27;t look like an email address" in page
    assert 'value="reader.example.org"' in page
    assert not Subscriber.objects.exists()


def test_the_signup_forms_error_is_the_element_its_field_is_described_by(client):
    """The form draws its field with the comment form's partial (includes/_field.html)."""
    page = signup(client, "reader.example.org").content.decode()

    field = re.search(r'<input type="email" name="email"[^>]*>', page).group(0)
    assert 'aria-describedby="id_email_error"' in field
    assert 'aria-invalid="true"' in field
    assert re.search(r'<span class="errors" id="id_email_error">\s*<strong class="error"', page)
    assert '<label for="id_email">Email address <span class="required"' in page


def test_the_confirmation_link_opens_a_page_and_only_its_button_confirms(
    client, run_tasks, link_in
):
    run_tasks(lambda: signup(client))
    path = link_in(mail.outbox[0], "confirm")

    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my subscription" in page.content.decode()
    assert Subscriber.objects.get().state == State.PENDING  # a mail scanner's GET does nothing

    response = client.post(path)
    subscriber = Subscriber.objects.get()
    assert subscriber.state == State.ACTIVE
    assert subscriber.confirmed_at is not None
    assert "You are subscribed" in response.content.decode()

    again = client.post(path)
    assert "already subscribed" in again.content.decode()


def test_an_expired_confirmation_link_offers_to_sign_up_again(client, path_for, settings):
    path = path_for(Subscriber.objects.create(email="r@example.org"), "confirm")
    settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE = -1

    response = client.post(path)

    assert response.status_code == 410
    assert 'action="/subscribe/"' in response.content.decode()
    assert Subscriber.objects.get().state == State.PENDING


def test_a_damaged_confirmation_link_is_refused(client, path_for):
    path = path_for(Subscriber.objects.create(email="r@example.org"), "confirm")

    response = client.post(path.replace("/confirm/", "/confirm/x"))

    assert response.status_code == 400
    assert "not recognised" in response.content.decode()
    assert Subscriber.objects.get().state == State.PENDING


def test_an_old_confirmation_link_cannot_resubscribe_someone_who_left(client, path_for):
    subscriber = Subscriber.objects.create(email="r@example.org", state=State.UNSUBSCRIBED)

    response = client.post(path_for(subscriber, "confirm"))

    assert response.status_code == 410
    subscriber.refresh_from_db()
    assert subscriber.state == State.UNSUBSCRIBED


def test_the_sidebar_offers_the_signup_box_on_the_home_and_article_pages(client):
    article = ArticleFactory()

    for url in ("/", article.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Subscribe via email" in page
        assert "Enter your email address to get each new article by email." in page
        assert 'action="/subscribe/"' in page
        assert 'type="email" name="email"' in page


def test_the_sidebar_box_posts_a_working_signup_without_javascript(run_tasks):
    # The box is on pages every guest shares, so it carries no CSRF token; the browser says
    # the post comes from the site itself (core.csrf).
    browser = Client(enforce_csrf_checks=True, headers={"Sec-Fetch-Site": "same-origin"})
    page = browser.get("/").content.decode()
    assert "csrfmiddlewaretoken" not in page

    response = run_tasks(lambda: browser.post("/subscribe/", {"email": "reader@example.org"}))

    assert response["Location"] == "/subscribe/check-email/"
    assert Subscriber.objects.get().state == State.PENDING
    assert len(mail.outbox) == 1


def test_a_signup_form_on_another_site_is_refused():
    response = Client(enforce_csrf_checks=True).post(
        "/subscribe/", {"email": "victim@example.org"}, headers={"Origin": "https://evil.example"}
    )

    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_a_reader_with_a_session_must_send_the_csrf_token_to_sign_up():
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory())

    assert browser.post("/subscribe/", {"email": "me@example.org"}).status_code == 403
    page = browser.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(
        "/subscribe/", {"email": "me@example.org", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
