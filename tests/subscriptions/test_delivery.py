"""New-article emails: who gets one, what it says, and exactly once through retries and restarts."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from articles.publication import publication_schedule
from articles.tasks import announce_article
from core.worker import tasks_recover_lost
from subscriptions.fanout import deliveries_create
from subscriptions.models import Delivery, Subscriber
from subscriptions.sending import deliveries_claim, deliveries_send
from subscriptions.tasks import fan_out_article, send_deliveries
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

State, Status = Subscriber.State, Delivery.Status


def subscriber(email, **fields):
    return Subscriber.objects.create(email=email, **{"state": State.ACTIVE, **fields})


def run_worker():
    call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)


def killed_mid_task():
    """The queued tasks were started two minutes ago by a worker that has not been seen since."""
    DBTaskResult.objects.update(
        status=TaskResultStatus.RUNNING,
        worker_ids=["killed-worker"],
        started_at=timezone.now() - timedelta(minutes=2),
    )


def later(**delta):
    """Move the clock forward and hold it there: the worker, claims and back-offs all read it."""
    return time_machine.travel(timezone.now() + timedelta(**delta), tick=False)


class ScriptedBackend(LocmemBackend):
    """The test outbox, but a recipient in FAILURES gets its scripted errors first, in turn."""

    FAILURES: dict[str, list[Exception]] = {}

    def send_messages(self, messages):
        for message in messages:
            errors = self.FAILURES.get(message.to[0])
            if errors:
                raise errors.pop(0)
        return super().send_messages(messages)


@pytest.fixture
def scripted(settings):
    settings.EMAIL_BACKEND = f"{__name__}.ScriptedBackend"
    ScriptedBackend.FAILURES = {}
    return ScriptedBackend.FAILURES


def refused(email, code=550):
    return smtplib.SMTPRecipientsRefused({email: (code, b"5.1.1 No such user")})


@pytest.mark.django_db(transaction=True)
def test_publishing_emails_each_matching_active_instant_subscriber_once():
    section, author = SectionFactory(name="Iran Analysis"), AuthorFactory(name="Scott Lucas")
    article = ArticleFactory(
        title="Talks resume in Vienna",
        standfirst="Both sides signal flexibility.",
        section=section,
        authors=[author],
    )
    subscriber("all@example.org")
    picked = subscriber("section@example.org", all_articles=False)
    picked.sections.add(section)
    by_author = subscriber("author@example.org", all_articles=False)
    by_author.authors.add(author)
    elsewhere = subscriber("elsewhere@example.org", all_articles=False)
    elsewhere.sections.add(SectionFactory())
    Subscriber.objects.create(email="pending@example.org")
    subscriber("left@example.org", state=State.UNSUBSCRIBED)
    subscriber("bouncing@example.org", state=State.BOUNCING)
    subscriber("daily@example.org", frequency=Subscriber.Frequency.DAILY)

    publication_schedule(article=article)
    run_worker()

    assert sorted(m.to[0] for m in mail.outbox) == [
        "all@example.org",
        "author@example.org",
        "section@example.org",
    ]
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db(transaction=True)
def test_the_email_has_title_standfirst_author_link_and_personal_links_in_html_and_text():
    article = ArticleFactory(
        title="Talks & tensions",
        standfirst="Both sides signal flexibility.",
        authors=[AuthorFactory(name="Scott Lucas")],
    )
    reader = subscriber("reader@example.org")

    publication_schedule(article=article)
    run_worker()

    [message] = mail.outbox
    html = message.alternatives[0].content
    url = "http://127.0.0.1:8000" + article.get_absolute_url()
    assert message.subject == "Talks & tensions"
    for body in (message.body, html):
        assert "Both sides signal flexibility." in body
        assert "Scott Lucas" in body
        assert url in body
        assert "/subscribe/manage/" in body
        assert "/subscribe/unsubscribe/" in body
    assert "Talks & tensions" in message.body
    assert "Talks &amp; tensions" in html
    assert message.alternatives[0].mimetype == "text/html"
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://127.0.0.1:8000/subscribe/unsubscribe/")
    assert unsubscribe in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Delivery.objects.get().subscriber == reader


@pytest.mark.django_db(transaction=True)
def test_each_subscriber_gets_their_own_links():
    subscriber("one@example.org")
    subscriber("two@example.org")
    publication_schedule(article=ArticleFactory())
    run_worker()

    first, second = (m.extra_headers["List-Unsubscribe"] for m in mail.outbox)
    assert first != second
    for message in mail.outbox:
        assert message.extra_headers["List-Unsubscribe"].strip("<>") in message.body


@pytest.mark.django_db(transaction=True)
def test_editing_a_published_article_sends_nothing_again():
    subscriber("reader@example.org")
    article = ArticleFactory()
    publication_schedule(article=article)
    run_worker()

    article.refresh_from_db()
    article.title = "Corrected headline"
    article.save()
    publication_schedule(article=article)
    run_worker()

    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_article_is_emailed_only_when_its_time_comes():
    subscriber("reader@example.org")
    article = ArticleFactory(scheduled=True)
    publication_schedule(article=article)

    run_worker()
    assert mail.outbox == []
    assert not Delivery.objects.exists()

    with later(days=1, minutes=1):
        run_worker()
    assert [m.subject for m in mail.outbox] == [article.title]


@pytest.mark.django_db
def test_running_the_fan_out_again_adds_no_second_delivery():
    subscriber("one@example.org")
    subscriber("two@example.org")
    article = ArticleFactory()

    deliveries_create(article_id=article.pk)
    deliveries_create(article_id=article.pk)
    deliveries_send()
    deliveries_send()

    assert Delivery.objects.count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_fan_out_reads_subscribers_in_chunks(monkeypatch):
    monkeypatch.setattr("subscriptions.fanout.FAN_OUT_CHUNK", 3)
    for n in range(8):
        subscriber(f"r{n}@example.org")

    assert deliveries_create(article_id=ArticleFactory().pk) == 8
    assert Delivery.objects.count() == 8


@pytest.mark.django_db
def test_someone_who_unsubscribes_after_the_fan_out_gets_nothing():
    reader = subscriber("reader@example.org")
    deliveries_create(article_id=ArticleFactory().pk)
    Subscriber.objects.filter(pk=reader.pk).update(state=State.UNSUBSCRIBED)

    deliveries_send()

    assert mail.outbox == []
    assert Delivery.objects.get().status == Status.SKIPPED


@pytest.mark.django_db
def test_an_article_back_to_draft_after_the_fan_out_is_not_sent():
    subscriber("reader@example.org")
    article = ArticleFactory()
    deliveries_create(article_id=article.pk)
    article.status = article.Status.DRAFT
    article.save()

    deliveries_send()

    assert mail.outbox == []
    assert Delivery.objects.get().status == Status.SKIPPED


@pytest.mark.django_db
def test_someone_who_switches_to_a_digest_after_the_fan_out_gets_no_instant_email():
    reader = subscriber("reader@example.org")
    picker = subscriber("picker@example.org")
    deliveries_create(article_id=ArticleFactory().pk)
    Subscriber.objects.filter(pk=reader.pk).update(frequency=Subscriber.Frequency.WEEKLY)
    Subscriber.objects.filter(pk=picker.pk).update(all_articles=False)
    picker.sections.add(SectionFactory())

    deliveries_send()

    assert mail.outbox == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.SKIPPED}


@pytest.mark.django_db
def test_sending_costs_one_query_per_message_whatever_the_batch(django_assert_max_num_queries):
    for n in range(60):
        subscriber(f"r{n}@example.org")
    deliveries_create(article_id=ArticleFactory().pk)

    # Claims, the batch with its article, section and authors, then one UPDATE per message. (On
    # SQLite a claim is the ORM twin of PostgreSQL's UPDATE … RETURNING: it reads, then writes.)
    with django_assert_max_num_queries(60 + 16):
        deliveries_send()
    assert len(mail.outbox) == 60


@pytest.mark.django_db
def test_a_temporary_failure_is_retried_after_a_back_off(scripted, settings):
    settings.MAIL_RETRY_SECONDS = 60
    subscriber("greylisted@example.org")
    subscriber("fine@example.org")
    scripted["greylisted@example.org"] = [refused("greylisted@example.org", code=451)]
    deliveries_create(article_id=ArticleFactory().pk)

    send_deliveries.call()

    waiting = Delivery.objects.get(subscriber__email="greylisted@example.org")
    assert waiting.status == Status.PENDING
    assert waiting.attempts == 1
    assert "451" in waiting.last_error
    assert timedelta(seconds=55) < waiting.not_before - timezone.now() <= timedelta(seconds=60)
    assert [m.to[0] for m in mail.outbox] == ["fine@example.org"]
    follow_up = DBTaskResult.objects.get(task_path=send_deliveries.module_path)
    assert follow_up.run_after == waiting.not_before

    deliveries_send()
    assert len(mail.outbox) == 1
    with later(seconds=61):
        deliveries_send()
    assert [m.to[0] for m in mail.outbox] == ["fine@example.org", "greylisted@example.org"]
    assert Delivery.objects.get(pk=waiting.pk).status == Status.SENT


@pytest.mark.django_db
def test_each_retry_waits_twice_as_long(scripted, settings):
    settings.MAIL_RETRY_SECONDS = 60
    subscriber("slow@example.org")
    scripted["slow@example.org"] = [smtplib.SMTPServerDisconnected("gone")] * 2
    deliveries_create(article_id=ArticleFactory().pk)

    deliveries_send()
    with later(seconds=61):
        deliveries_send()
        delivery = Delivery.objects.get()
        assert delivery.attempts == 2
        assert delivery.not_before - timezone.now() == timedelta(seconds=120)


@pytest.mark.django_db
def test_a_lost_connection_puts_the_rest_of_the_batch_back(scripted):
    for name in ("a", "b", "c"):
        subscriber(f"{name}@example.org")
    scripted["b@example.org"] = [smtplib.SMTPServerDisconnected("Connection unexpectedly closed")]
    deliveries_create(article_id=ArticleFactory().pk)

    report = deliveries_send()

    assert (report.sent, report.retried) == (1, 2)
    assert [m.to[0] for m in mail.outbox] == ["a@example.org"]
    statuses = dict(Delivery.objects.values_list("subscriber__email", "status"))
    assert statuses == {
        "a@example.org": Status.SENT,
        "b@example.org": Status.PENDING,
        "c@example.org": Status.PENDING,
    }


@pytest.mark.django_db
def test_a_temporary_failure_gives_up_after_the_last_attempt(scripted, settings):
    settings.MAIL_MAX_ATTEMPTS = 2
    subscriber("down@example.org")
    scripted["down@example.org"] = [refused("down@example.org", code=421)] * 2
    deliveries_create(article_id=ArticleFactory().pk)

    deliveries_send()
    with later(hours=1):
        deliveries_send()

    delivery = Delivery.objects.get()
    assert delivery.status == Status.FAILED
    assert delivery.last_error.startswith("Gave up after 2 attempts")


@pytest.mark.django_db
def test_repeated_permanent_failures_make_the_address_bouncing(scripted, settings):
    settings.SUBSCRIPTIONS_BOUNCE_LIMIT = 3
    reader = subscriber("gone@example.org")
    scripted["gone@example.org"] = [refused("gone@example.org")] * 3

    for _ in range(3):
        deliveries_create(article_id=ArticleFactory().pk)
        deliveries_send()
    fourth = ArticleFactory()
    deliveries_create(article_id=fourth.pk)
    deliveries_send()

    reader.refresh_from_db()
    assert reader.state == State.BOUNCING
    assert reader.bounce_count == 3
    assert mail.outbox == []
    assert list(Delivery.objects.values_list("status", flat=True)) == [Status.FAILED] * 3
    assert "550" in Delivery.objects.first().last_error


@pytest.mark.django_db
def test_a_success_resets_the_bounce_count(scripted):
    reader = subscriber("flaky@example.org")
    scripted["flaky@example.org"] = [refused("flaky@example.org")] * 2
    for _ in range(3):
        deliveries_create(article_id=ArticleFactory().pk)
        deliveries_send()

    reader.refresh_from_db()
    assert reader.state == State.ACTIVE
    assert reader.bounce_count == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_dead_workers_claim_is_sent_after_it_runs_out_and_only_once(settings):
    settings.MAIL_CLAIM_SECONDS = 120
    for n in range(3):
        subscriber(f"r{n}@example.org")
    deliveries_create(article_id=ArticleFactory().pk)
    assert len(deliveries_claim(limit=100)) == 3  # a worker that then died

    deliveries_send()
    assert mail.outbox == []

    with later(seconds=121):
        deliveries_send()
        deliveries_send()
    assert sorted(m.to[0] for m in mail.outbox) == [f"r{n}@example.org" for n in range(3)]


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_queues_again_a_fan_out_its_killed_predecessor_left_running():
    subscriber("reader@example.org")
    article = ArticleFactory()
    fan_out_article.enqueue(article_id=article.pk)
    killed_mid_task()

    run_worker()

    assert len(mail.outbox) == 1
    lost = DBTaskResult.objects.filter(task_path=fan_out_article.module_path).order_by(
        "enqueued_at"
    )
    assert [r.status for r in lost] == [TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL]
    assert "WorkerLost" in lost[0].exception_class_path
    assert tasks_recover_lost() == 0


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_announces_an_article_whose_announcement_was_killed():
    subscriber("reader@example.org")
    article = ArticleFactory()
    announce_article.enqueue(article_id=article.pk)
    killed_mid_task()

    run_worker()

    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    article.refresh_from_db()
    assert article.announced_at is not None


@pytest.mark.django_db
def test_over_smtp_the_prepared_bytes_say_what_the_built_message_says():
    from email import message_from_bytes, policy

    from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

    from subscriptions.sending import _article_mail

    reader = subscriber("reader@example.org")
    mail_ = _article_mail(ArticleFactory(title="Talks “resume” in Vienna"))
    smtp = SMTPBackend()
    smtp.connection = mock.Mock()

    assert mail_.send(reader, connection=smtp) == 1
    sender, recipients, raw = smtp.connection.sendmail.call_args.args
    sent = message_from_bytes(raw, policy=policy.default)
    # As Django's SMTP backend sends a built message: with CRLF line ends.
    built = mail_.message(reader).message().as_bytes(linesep="\r\n")
    built = message_from_bytes(built, policy=policy.default)

    assert recipients == ["reader@example.org"]
    for header in ("Subject", "To", "From", "List-Unsubscribe", "List-Unsubscribe-Post"):
        assert sent[header].strip() == built[header].strip()  # long lines fold differently
    assert sent["Message-ID"] != built["Message-ID"]
    for kind in ("plain", "html"):
        assert (
            sent.get_body(preferencelist=(kind,)).get_content()
            == built.get_body(preferencelist=(kind,)).get_content()
        )


def test_a_batch_starts_no_message_a_slow_server_could_stretch_past_its_claim(settings):
    from core.mailqueue import send_window

    settings.MAIL_CLAIM_SECONDS, settings.EMAIL_TIMEOUT = 300, 30
    assert send_window() == 150  # five 30 s timeouts fit in what is left of the claim

    settings.MAIL_CLAIM_SECONDS = 2  # a short claim still sends for half of it
    assert send_window() == 1
