"""A real SMTP server on loopback for tests, and the environment of a worker process mailing to it.

Tests catch mail where it really arrives: Django's SMTP backend, or a `manage.py run_worker`
process, talks to an aiosmtpd server on 127.0.0.1.
"""

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from django.db import connection


class Inbox:
    """aiosmtpd handler keeping every message the server accepts."""

    port: int

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(handler: Inbox) -> Iterator[Inbox]:
    """Serve SMTP on a free loopback port with `handler`, whose `port` says which."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


def worker_environment(*, smtp_port: int, **settings: str) -> dict[str, str]:
    """Environment for a worker process on the test database, mailing to `smtp_port`."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        **settings,
    }
