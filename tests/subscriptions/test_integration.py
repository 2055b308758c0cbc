"""The sign-up flow through a real SMTP server and a real task-worker process.

The worker is a separate process reading the test database, so this runs on PostgreSQL only
(SQLite's test database lives in this process's memory).
"""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client

from subscriptions.models import Subscriber
from tests.mailserver import Inbox, worker_environment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("worker_database")]

ROOT = Path(__file__).resolve().parents[2]


def run_worker(inbox: Inbox) -> None:
    """One `manage.py run_worker` process, run until the queue is empty, mailing to the inbox."""
    env = worker_environment(smtp_port=inbox.port)
    subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_mailed_confirmation_activates_and_its_one_click_header_unsubscribes(smtp_inbox):
    reader = Client()
    assert reader.post("/subscribe/", {"email": "reader@example.org"}).status_code == 302

    run_worker(smtp_inbox)

    [message] = smtp_inbox.messages
    assert message["To"] == "reader@example.org"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    confirm = re.search(r"http://\S+/subscribe/confirm/\S+/", body_of(message)).group(0)
    reader.post(urlsplit(confirm).path)
    assert Subscriber.objects.get().state == Subscriber.State.ACTIVE

    one_click = urlsplit(message["List-Unsubscribe"].strip().strip("<>")).path
    response = Client(enforce_csrf_checks=True).post(
        one_click, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert Subscriber.objects.get().state == Subscriber.State.UNSUBSCRIBED
