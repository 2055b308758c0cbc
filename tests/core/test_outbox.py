"""The emails a reader waits for outlast a mail server that is down or refusing, and go once."""

import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from core.mail import RenderedEmail
from core.models import OutgoingEmail
from core.outbox import email_queue
from core.tasks import send_emails
from subscriptions.services import subscriber_signup
from tests.factories import ArticleFactory, CommentFactory, comment_post_data
from tests.mailserver import Inbox, free_port

pytestmark = pytest.mark.django_db(transaction=True)
Status = OutgoingEmail.Status


def run_worker():
    call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)


def later(**delta):
    return time_machine.travel(timezone.now() + timedelta(**delta), tick=False)


@pytest.fixture
def smtp(settings):
    """SMTP settings pointing at a loopback port where nothing listens yet (the server is down);
    `smtp.up()` starts a real server there."""

    class Smtp:
        port = free_port()
        inbox = Inbox()

        def up(self):
            return smtp_server_on(self.inbox, self.port)

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", Smtp.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.MAIL_RETRY_SECONDS = 60
    return Smtp()


def smtp_server_on(inbox: Inbox, port: int):
    from aiosmtpd.controller import Controller

    class Server:
        def __enter__(self):
            self.controller = Controller(inbox, hostname="127.0.0.1", port=port)
            self.controller.start()
            return inbox

        def __exit__(self, *exc):
            self.controller.stop()

    return Server()


def ask_for_confirmations(client):
    """A guest's comment and a sign-up: two readers now waiting for an email."""
    article = ArticleFactory()
    response = client.post("/comments/post/", comment_post_data(article, email="ann@example.org"))
    assert response.status_code in (200, 302)
    subscriber_signup(email="bob@example.org", ip="192.0.2.1")


def test_confirmations_asked_for_while_the_mail_server_is_down_arrive_once_it_is_back(client, smtp):
    ask_for_confirmations(client)
    run_worker()

    waiting = list(OutgoingEmail.objects.order_by("to"))
    assert [(e.to, e.status, e.attempts) for e in waiting] == [
        ("ann@example.org", Status.PENDING, 1),
        ("bob@example.org", Status.PENDING, 1),
    ]
    assert all("ConnectionRefusedError" in e.last_error for e in waiting)
    wake = DBTaskResult.objects.get(
        task_path=send_emails.module_path, status=TaskResultStatus.READY
    )
    assert wake.run_after == min(e.not_before for e in waiting)

    with smtp.up() as inbox:
        with later(seconds=30):
            run_worker()  # the back-off is not over: nothing is tried
        assert inbox.messages == []
        with later(seconds=61):
            run_worker()
            run_worker()

    assert sorted(m["To"] for m in inbox.messages) == ["ann@example.org", "bob@example.org"]
    assert "/comments/confirm/" in inbox.messages[0].get_body(("plain",)).get_content() + (
        inbox.messages[1].get_body(("plain",)).get_content()
    )
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {Status.SENT}


class AnswersWith421(Inbox):
    async def handle_DATA(self, server, session, envelope):
        return "421 4.3.2 Service not available, try later"


def test_a_mail_server_answering_4xx_gets_the_confirmation_again_later(client, smtp):
    with smtp_server_on(AnswersWith421(), smtp.port):
        ask_for_confirmations(client)
        run_worker()

    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {Status.PENDING}
    with smtp.up() as inbox, later(seconds=61):
        run_worker()
    assert len(inbox.messages) == 2


def test_a_server_refusing_service_at_its_greeting_is_tried_again_not_given_up():
    from core.mailqueue import Failure, failure_kind

    error = smtplib.SMTPConnectError(554, b"5.3.2 Service currently unavailable")
    assert failure_kind(error) is Failure.CONNECTION


def test_a_queued_email_with_a_key_is_queued_once(settings):
    email = RenderedEmail("Subject", "Text", "<p>Text</p>")
    first = email_queue(email, to="ann@example.org", kind="test", key="once")
    again = email_queue(email, to="ann@example.org", kind="test", key="once")
    run_worker()

    assert first is not None and again is None
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]


def test_a_follow_up_notice_survives_a_failed_send_and_carries_a_one_click_mute(client, smtp):
    article = ArticleFactory()
    CommentFactory(content_object=article, user_email="ann@example.org", followup=True)
    reply = CommentFactory(content_object=article, user_email="bob@example.org")
    from comments.services import comment_published

    comment_published(comment=reply)
    run_worker()  # the server is down
    assert OutgoingEmail.objects.get().status == Status.PENDING

    with smtp.up() as inbox, later(seconds=61):
        run_worker()
    (notice,) = inbox.messages
    assert notice["To"] == "ann@example.org"
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = notice["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")
    one_click = one_click[one_click.index("/comments/") :]

    response = client.post(one_click, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert Comment.objects.get(user_email="ann@example.org").followup is False


def test_an_operator_sees_what_became_of_each_email_but_not_its_links(admin_client, client, smtp):
    ask_for_confirmations(client)
    run_worker()

    page = admin_client.get("/admin/core/outgoingemail/?status__exact=pending").content.decode()
    row = OutgoingEmail.objects.get(to="ann@example.org")
    detail = admin_client.get(f"/admin/core/outgoingemail/{row.pk}/change/").content.decode()

    assert "ann@example.org" in page and "bob@example.org" in page
    assert "ConnectionRefusedError" in detail
    assert "/comments/confirm/" not in detail
