"""The sign-up flow through a real SMTP server and a real task-worker process.

The worker is a separate process reading the test database, so this runs on PostgreSQL only
(SQLite's test database lives in this process's memory).
"""

import os
import re
import socket
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.test import Client

from subscriptions.models import Subscriber

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process must see the test database")


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


def run_worker(inbox: Inbox) -> None:
    """One `manage.py db_worker` process, run until the queue is empty, mailing to the inbox."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(inbox.port),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
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
