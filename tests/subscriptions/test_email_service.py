"""Reports from the email service (django-anymail webhooks) feed the same suppression."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from anymail.signals import AnymailTrackingEvent, tracking

from subscriptions.fanout import deliveries_create
from subscriptions.models import Delivery, Subscriber
from subscriptions.sending import deliveries_send
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

State = Subscriber.State
ROOT = Path(__file__).resolve().parents[2]


def report(event_type, recipient):
    event = AnymailTrackingEvent(event_type=event_type, recipient=recipient)
    tracking.send(sender=object, event=event, esp_name="Postmark")


def test_hard_bounces_reported_by_the_service_make_the_address_bouncing(settings):
    settings.SUBSCRIPTIONS_BOUNCE_LIMIT = 2
    reader = Subscriber.objects.create(email="Gone@example.org", state=State.ACTIVE)

    report("bounced", "gone@example.org")
    reader.refresh_from_db()
    assert (reader.state, reader.bounce_count) == (State.ACTIVE, 1)
    report("bounced", "gone@example.org")
    reader.refresh_from_db()
    assert reader.state == State.BOUNCING


def test_a_spam_complaint_unsubscribes(settings):
    reader = Subscriber.objects.create(email="annoyed@example.org", state=State.ACTIVE)

    report("complained", "annoyed@example.org")

    reader.refresh_from_db()
    assert reader.state == State.UNSUBSCRIBED


def test_other_events_change_nothing():
    reader = Subscriber.objects.create(email="reader@example.org", state=State.ACTIVE)

    report("delivered", "reader@example.org")
    report("opened", "reader@example.org")

    reader.refresh_from_db()
    assert (reader.state, reader.bounce_count) == (State.ACTIVE, 0)


def test_through_an_email_service_bounces_reported_after_each_send_still_add_up(settings):
    # The service's API accepts every message; whether the mailbox exists comes later, by
    # webhook. An accepted send must not wipe the bounces counted so far.
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.SUBSCRIPTIONS_BOUNCE_LIMIT = 2
    reader = Subscriber.objects.create(email="gone@example.org", state=State.ACTIVE)

    for _ in range(2):
        deliveries_create(article_id=ArticleFactory().pk)
        deliveries_send()
        report("bounced", "gone@example.org")

    reader.refresh_from_db()
    assert reader.state == State.BOUNCING
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 2


def test_a_delivery_reported_by_the_service_resets_the_bounce_count():
    reader = Subscriber.objects.create(email="back@example.org", state=State.ACTIVE)
    report("bounced", "back@example.org")

    report("delivered", "back@example.org")

    reader.refresh_from_db()
    assert (reader.state, reader.bounce_count) == (State.ACTIVE, 0)


def _email_settings(**env) -> subprocess.CompletedProcess:
    """Load the settings in a fresh process with these variables; print the mail backend."""
    code = (
        "import django; django.setup(); from django.conf import settings; from django.urls import"
        " reverse; print(settings.EMAIL_BACKEND, sorted(settings.ANYMAIL));"
        " print(reverse('anymail:postmark_tracking_webhook'))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "POSTMARK_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "ewview.settings", "SECRET_KEY": "x" * 50} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_email_service_is_chosen_from_the_environment_with_its_webhooks():
    result = _email_settings(
        EMAIL_PROVIDER="postmark", POSTMARK_SERVER_TOKEN="token", ANYMAIL_WEBHOOK_SECRET="a:b"
    )

    assert result.returncode == 0, result.stderr
    backend, webhook = result.stdout.splitlines()
    assert backend.split(" ", 1) == [
        "anymail.backends.postmark.EmailBackend",
        "['POSTMARK_SERVER_TOKEN', 'WEBHOOK_SECRET']",
    ]
    assert webhook == "/anymail/postmark/tracking/"


def test_without_an_email_service_there_are_no_webhook_urls():
    result = _email_settings(EMAIL_HOST="smtp.example.org")

    assert "django.core.mail.backends.smtp.EmailBackend []" in result.stdout
    assert "NoReverseMatch" in result.stderr


def test_an_unknown_email_service_is_refused():
    result = _email_settings(EMAIL_PROVIDER="carrier-pigeon")

    assert result.returncode != 0
    assert "EMAIL_PROVIDER must be one of ses, postmark, mailgun" in result.stderr
