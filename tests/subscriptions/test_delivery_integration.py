"""New-article emails through a real SMTP server and real `manage.py run_worker` processes.

The workers are separate processes reading the test database, so this runs on PostgreSQL only
(SQLite's test database lives in this process's memory). Claims last two seconds here, so a
killed worker's batch is taken up quickly.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from articles.publication import publication_schedule
from subscriptions.models import Delivery, Subscriber
from tests.factories import ArticleFactory
from tests.mailserver import Inbox, smtp_server, worker_environment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("worker_database")]

ROOT = Path(__file__).resolve().parents[2]
CLAIM_SECONDS = 2


class Sink(Inbox):
    """An SMTP server that keeps what it accepts, and can kill a worker mid-conversation."""

    def __init__(self):
        super().__init__()
        self.arrived = []
        self.kill_at: int | None = None
        self.victim: subprocess.Popen | None = None
        self.seen = 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == self.kill_at:
            # Before answering: this message was never accepted, so it must come again.
            os.kill(self.victim.pid, signal.SIGKILL)
            return "451 Interrupted"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.arrived.append(timezone.now())
        return "250 Message accepted for delivery"

    def recipients(self) -> Counter:
        return Counter(message["To"] for message in self.messages)


@pytest.fixture
def sink():
    with smtp_server(Sink()) as handler:
        yield handler


@pytest.fixture
def workers(transactional_db, sink):
    """Start `manage.py run_worker` processes mailing to the sink; all are stopped at the end."""
    started = []
    env = worker_environment(
        smtp_port=sink.port,
        MAIL_CLAIM_SECONDS=str(CLAIM_SECONDS),
        SUBSCRIPTIONS_BATCH_SIZE="25",
        SUBSCRIPTIONS_DIGEST_HOUR="off",
    )
    command = [sys.executable, "manage.py", "run_worker", "--no-reload", "--interval", "0.1"]

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [*command, "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def active_subscribers(count: int) -> None:
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@example.org", state=Subscriber.State.ACTIVE)
        for n in range(count)
    )


def wait_until(condition, *, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def all_sent(count: int):
    return lambda: Delivery.objects.filter(status=Delivery.Status.SENT).count() == count


def test_a_worker_killed_mid_send_and_started_again_delivers_each_email_exactly_once(sink, workers):
    active_subscribers(300)
    sink.kill_at = 120
    publication_schedule(article=ArticleFactory())

    sink.victim = workers()
    assert sink.victim.wait(timeout=30) == -signal.SIGKILL
    assert len(sink.messages) == 119
    workers()

    wait_until(all_sent(300), timeout=30)
    received = sink.recipients()
    assert len(received) == 300
    assert set(received.values()) == {1}
    time.sleep(CLAIM_SECONDS + 0.5)  # anything still claimed would have come again by now
    assert len(sink.messages) == 300


def test_a_one_click_unsubscribe_from_an_email_stops_further_mail(sink, workers):
    active_subscribers(2)
    workers()
    publication_schedule(article=ArticleFactory())
    wait_until(lambda: len(sink.messages) == 2)

    leaving = next(m for m in sink.messages if m["To"] == "reader0@example.org")
    one_click = urlsplit(leaving["List-Unsubscribe"].strip().strip("<>")).path
    response = Client(enforce_csrf_checks=True).post(
        one_click, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    second = ArticleFactory()
    publication_schedule(article=second)
    wait_until(all_sent(3))

    assert [m["To"] for m in sink.messages[2:]] == ["reader1@example.org"]
    assert sink.messages[2]["Subject"] == second.title


def test_a_scheduled_articles_emails_go_out_only_after_its_time(sink, workers):
    active_subscribers(3)
    workers()
    article = ArticleFactory(published_at=timezone.now() + timedelta(seconds=4))
    publication_schedule(article=article)

    time.sleep(2.5)
    assert sink.messages == []
    wait_until(lambda: len(sink.messages) == 3)
    assert min(sink.arrived) >= article.published_at
