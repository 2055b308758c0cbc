"""/healthz tells an operator's monitor whether the site and its background work are well."""

import json
import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from core import health as health_checks
from core.models import OutgoingEmail, WorkerHeartbeat
from core.requestlog import JsonFormatter
from subscriptions.models import Delivery, Subscriber
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def queued_task(*, waiting: timedelta, run_after=None) -> DBTaskResult:
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="articles.tasks.announce_due_article",
        backend_name="default",
        run_after=run_after or get_date_max(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - waiting)
    return task


def pending_email(*, waiting: timedelta, not_before=None) -> Delivery:
    subscriber = Subscriber.objects.create(
        email=f"reader{Subscriber.objects.count()}@example.org", state=Subscriber.State.ACTIVE
    )
    delivery = Delivery.objects.create(
        subscriber=subscriber, article=ArticleFactory(), not_before=not_before
    )
    Delivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - waiting)
    return delivery


def health(client):
    response = client.get("/healthz")
    return response, json.loads(response.content)


def test_healthy_site_answers_200_with_every_check(client):
    queued_task(waiting=timedelta(seconds=5))
    pending_email(waiting=timedelta(seconds=5))

    response, body = health(client)

    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "tasks", "outbox", "deliveries"}
    assert body["checks"]["tasks"]["details"]["ready"] == 1
    assert body["checks"]["deliveries"]["details"]["pending"] == 1
    assert 5 <= body["checks"]["tasks"]["details"]["oldest_age_seconds"] < 60


def test_health_is_never_stored_by_the_page_cache_or_a_proxy(client):
    first, _ = health(client)
    queued_task(waiting=timedelta(hours=1))
    second, body = health(client)

    assert "X-Page-Cache" not in second.headers
    assert "no-store" in first.headers["Cache-Control"]
    assert body["checks"]["tasks"]["details"]["ready"] == 1


def test_task_waiting_longer_than_allowed_answers_503(client, settings):
    settings.HEALTHZ_MAX_TASK_AGE = 600
    queued_task(waiting=timedelta(minutes=20))

    response, body = health(client)

    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["tasks"]["ok"] is False
    assert body["checks"]["tasks"]["details"]["oldest_age_seconds"] >= 1200
    assert body["checks"]["database"]["ok"] is True


def test_tasks_and_emails_scheduled_for_later_are_not_a_backlog(client):
    queued_task(waiting=timedelta(hours=2), run_after=timezone.now() + timedelta(hours=1))
    # Waiting out a retry's back-off, not stuck.
    pending_email(waiting=timedelta(hours=2), not_before=timezone.now() + timedelta(minutes=5))

    response, body = health(client)

    assert response.status_code == 200
    assert body["checks"]["tasks"]["details"]["ready"] == 0
    assert body["checks"]["deliveries"]["details"]["pending"] == 0


def test_subscriber_email_waiting_longer_than_allowed_answers_503(client, settings):
    settings.HEALTHZ_MAX_EMAIL_AGE = 1800
    pending_email(waiting=timedelta(hours=1))

    response, body = health(client)

    assert response.status_code == 503
    assert body["checks"]["deliveries"]["ok"] is False
    assert body["checks"]["deliveries"]["details"]["pending"] == 1
    assert body["checks"]["deliveries"]["details"]["oldest_age_seconds"] >= 3600
    assert body["checks"]["outbox"]["ok"] is True


def test_confirmation_email_waiting_longer_than_allowed_answers_503(client, settings):
    settings.HEALTHZ_MAX_EMAIL_AGE = 1800
    email = OutgoingEmail.objects.create(
        kind="comment-confirm", to="reader@example.org", subject="Confirm", text="..."
    )
    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(hours=1))

    response, body = health(client)

    assert response.status_code == 503
    assert body["checks"]["outbox"]["ok"] is False
    assert body["checks"]["outbox"]["details"]["pending"] == 1
    assert "reader@example.org" not in response.content.decode()


def test_workers_seen_alive_lately_are_counted(client, settings):
    settings.WORKER_LOST_SECONDS = 60
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="alive", seen_at=now - timedelta(seconds=5))
    WorkerHeartbeat.objects.create(worker_id="gone", seen_at=now - timedelta(minutes=10))

    _, body = health(client)

    assert body["checks"]["tasks"]["details"]["workers"] == 1


def test_unreachable_cache_answers_503_without_naming_the_server(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    response, body = health(client)

    assert response.status_code == 503
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert "127.0.0.1" not in response.content.decode()
    assert "redis" not in response.content.decode().lower()


def test_web_scope_keeps_a_machine_in_the_load_balancer_while_shared_queues_are_late(
    client, settings
):
    """A stuck worker or a Redis outage is the same on every web machine: a load balancer that
    took them all out would turn late emails into a site that is down."""
    settings.HEALTHZ_MAX_TASK_AGE = 600
    queued_task(waiting=timedelta(minutes=20))
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    everything = client.get("/healthz")
    web = client.get("/healthz?scope=web")

    assert everything.status_code == 503
    assert web.status_code == 200
    assert json.loads(web.content) == {
        "status": "ok",
        "checks": {"database": {"ok": True, "details": {}}},
    }


def test_web_scope_fails_when_the_database_does_not_answer(client, monkeypatch):
    def unreachable():
        raise ConnectionRefusedError("connection to server at 10.0.0.5 refused")

    monkeypatch.setitem(health_checks._checks, "database", unreachable)

    response = client.get("/healthz?scope=web")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["checks"] == {
        "database": {"ok": False, "details": {"error": "ConnectionRefusedError"}}
    }
    assert "10.0.0.5" not in response.content.decode()


# One log line per request


def test_each_request_is_logged_once_with_method_path_status_and_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger="ewview.requests"):
        client.get("/healthz")
        client.post("/no-such-page/", {"a": "b"})

    lines = [r for r in caplog.records if r.name == "ewview.requests"]
    assert [(r.method, r.path, r.status) for r in lines] == [
        ("GET", "/healthz", 200),
        ("POST", "/no-such-page/", 405),
    ]
    assert all(isinstance(r.duration_ms, float) for r in lines)


def test_json_log_lines_carry_the_request_fields(client, caplog):
    with caplog.at_level(logging.INFO, logger="ewview.requests"):
        client.get("/healthz?probe=1")

    (record,) = [r for r in caplog.records if r.name == "ewview.requests"]
    line = json.loads(JsonFormatter().format(record))

    assert line["logger"] == "ewview.requests"
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["duration_ms"] >= 0
    assert line["message"].startswith("GET /healthz 200 ")
