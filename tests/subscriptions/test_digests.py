"""Daily and weekly digests: the right period, the right articles, once per subscriber."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from subscriptions.digests import digest_period, digests_send
from subscriptions.models import Delivery, Digest, Subscriber
from subscriptions.sending import deliveries_send
from subscriptions.tasks import send_digests
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DAILY, WEEKLY = Subscriber.Frequency.DAILY, Subscriber.Frequency.WEEKLY
# Wednesday 8 July 2026, 07:00 in London (06:00 UTC).
NOW = datetime(2026, 7, 8, 7, 0, tzinfo=LONDON)


def subscriber(email, frequency, **fields):
    return Subscriber.objects.create(
        email=email, state=Subscriber.State.ACTIVE, frequency=frequency, **fields
    )


def published(at, **fields):
    return ArticleFactory(published_at=at, **fields)


def test_a_daily_period_is_yesterday_and_a_weekly_one_last_monday_to_sunday_local_time():
    assert digest_period(frequency=DAILY, now=NOW) == (
        datetime(2026, 7, 7, tzinfo=LONDON),
        datetime(2026, 7, 8, tzinfo=LONDON),
    )
    assert digest_period(frequency=WEEKLY, now=NOW) == (
        datetime(2026, 6, 29, tzinfo=LONDON),
        datetime(2026, 7, 6, tzinfo=LONDON),
    )
    # Just after local midnight, though still the day before in UTC.
    just_after = datetime(2026, 7, 8, 0, 30, tzinfo=LONDON)
    assert digest_period(frequency=DAILY, now=just_after)[0] == datetime(2026, 7, 7, tzinfo=LONDON)


def test_daily_subscribers_get_one_email_listing_yesterdays_articles():
    yesterday = published(datetime(2026, 7, 7, 9, tzinfo=LONDON), title="Morning piece")
    evening = published(datetime(2026, 7, 7, 23, 30, tzinfo=LONDON), title="Late piece")
    published(datetime(2026, 7, 6, 23, 59, tzinfo=LONDON), title="The day before")
    published(datetime(2026, 7, 8, 0, 1, tzinfo=LONDON), title="Today's piece")
    subscriber("daily@example.org", DAILY)
    subscriber("instant@example.org", Subscriber.Frequency.INSTANT)
    Subscriber.objects.create(email="pending@example.org", frequency=DAILY)

    digests_send(now=NOW)
    deliveries_send()

    [message] = mail.outbox
    assert message.to == ["daily@example.org"]
    assert message.subject == "Your daily digest from ewview: 2 articles"
    for body in (message.body, message.alternatives[0].content):
        assert yesterday.title in body
        assert evening.title in body
        assert "The day before" not in body
        assert "Today's piece" not in body
        assert "/subscribe/unsubscribe/" in body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_digest_lists_only_what_the_subscriber_chose():
    chosen = SectionFactory(name="Syria Daily")
    published(datetime(2026, 7, 1, 9, tzinfo=LONDON), title="Chosen piece", section=chosen)
    published(datetime(2026, 7, 2, 9, tzinfo=LONDON), title="Other piece")
    picky = subscriber("picky@example.org", WEEKLY, all_articles=False)
    picky.sections.add(chosen)
    uninterested = subscriber("none@example.org", WEEKLY, all_articles=False)
    uninterested.sections.add(SectionFactory())

    digests_send(now=NOW)
    deliveries_send()

    [message] = mail.outbox
    assert message.to == ["picky@example.org"]
    assert "Chosen piece" in message.body
    assert "Other piece" not in message.body
    assert message.subject == "Your weekly digest from ewview: 1 article"


def test_sending_digests_twice_sends_nothing_new():
    published(datetime(2026, 7, 7, 9, tzinfo=LONDON))
    subscriber("daily@example.org", DAILY)

    digests_send(now=NOW)
    deliveries_send()
    subscriber("late@example.org", DAILY, confirmed_at=timezone.now() + timedelta(minutes=1))
    digests_send(now=NOW + timedelta(hours=1))
    deliveries_send()

    assert [m.to for m in mail.outbox] == [["daily@example.org"]]
    assert Digest.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_a_period_without_articles_gets_no_digest():
    subscriber("daily@example.org", DAILY)

    digests_send(now=NOW)

    assert not Digest.objects.exists()
    assert not Delivery.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_send_digests_dry_run_says_what_would_go_and_changes_nothing(capsys):
    published(datetime(2026, 7, 7, 9, tzinfo=LONDON))
    subscriber("daily@example.org", DAILY)

    call_command("send_digests", "--dry-run")

    output = capsys.readouterr().out
    assert "daily: 1 article(s) from Tue 07 Jul 2026 to Wed 08 Jul 2026" in output
    assert "would be queued for 1 subscriber(s)" in output
    assert "weekly: no articles" in output
    assert not Digest.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_send_digests_queues_the_digest_for_the_workers(capsys):
    published(datetime(2026, 7, 7, 9, tzinfo=LONDON))
    subscriber("daily@example.org", DAILY)

    call_command("send_digests")

    assert "queued for 1 subscriber(s)" in capsys.readouterr().out
    assert Delivery.objects.get().status == Delivery.Status.PENDING
    deliveries_send()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_finishes_a_digest_run_its_killed_predecessor_left_running():
    yesterday = timezone.localdate() - timedelta(days=1)
    published(
        timezone.make_aware(datetime.combine(yesterday, datetime.min.time())) + timedelta(hours=12)
    )
    subscriber("daily@example.org", DAILY)
    send_digests.enqueue()
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)  # its worker was killed

    call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert [m.to for m in mail.outbox] == [["daily@example.org"]]
