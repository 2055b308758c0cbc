"""Workers take up only the tasks of workers that are gone, and outlive a lost database."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from core.models import WorkerHeartbeat
from core.worker import Heartbeat

pytestmark = pytest.mark.django_db(transaction=True)
RUNS: list[str] = []


@task()
def remember(*, name: str) -> str:
    RUNS.append(name)
    return name


@task()
def loses_its_connection_once() -> int:
    RUNS.append("run")
    if len(RUNS) == 1:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    return len(RUNS)


@pytest.fixture(autouse=True)
def _fresh_runs():
    RUNS.clear()


def run_worker():
    call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)


def running(name: str, *, worker: str, started_ago: timedelta) -> DBTaskResult:
    """`remember(name)` as a worker started it `started_ago`."""
    result = DBTaskResult.objects.get(pk=remember.enqueue(name=name).id)
    DBTaskResult.objects.filter(pk=result.pk).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=[worker],
        started_at=timezone.now() - started_ago,
    )
    return result


def seen(worker: str, *, ago: timedelta) -> None:
    WorkerHeartbeat.objects.create(worker_id=worker, seen_at=timezone.now() - ago)


def test_a_starting_worker_leaves_a_live_workers_long_task_alone(settings):
    settings.WORKER_LOST_SECONDS = 60
    seen("live", ago=timedelta(seconds=5))
    result = running("long", worker="live", started_ago=timedelta(minutes=30))

    run_worker()

    assert RUNS == []
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.get().pk == result.pk


def test_a_starting_worker_runs_again_the_task_of_a_worker_not_seen_for_too_long(settings):
    settings.WORKER_LOST_SECONDS = 60
    seen("gone", ago=timedelta(seconds=90))
    lost = running("lost", worker="gone", started_ago=timedelta(minutes=2))

    run_worker()

    assert RUNS == ["lost"]
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED
    assert "WorkerLost" in lost.exception_class_path
    again = DBTaskResult.objects.exclude(pk=lost.pk).get()
    assert (again.status, again.return_value) == (TaskResultStatus.SUCCESSFUL, "lost")


def test_a_task_just_started_by_a_worker_without_a_heartbeat_yet_is_left_alone(settings):
    settings.WORKER_LOST_SECONDS = 60
    running("new", worker="starting", started_ago=timedelta(seconds=3))

    run_worker()

    assert RUNS == []


def test_a_task_that_loses_the_database_runs_again_and_the_worker_carries_on():
    if connection.vendor != "postgresql":
        pytest.skip("kills its own PostgreSQL connection")
    loses_its_connection_once.enqueue()

    run_worker()  # before: the worker died recording the failure on the dead connection

    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 2
    assert len(result.worker_ids) == 2


def test_a_task_losing_the_database_every_time_is_failed_after_its_tries(settings):
    if connection.vendor != "postgresql":
        pytest.skip("kills its own PostgreSQL connection")
    settings.WORKER_TASK_TRIES = 1
    loses_its_connection_once.enqueue()

    run_worker()

    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    assert RUNS == ["run"]


def test_a_running_worker_beats_and_takes_up_a_dead_workers_task(settings):
    settings.WORKER_HEARTBEAT_SECONDS, settings.WORKER_LOST_SECONDS = 0.05, 0.2
    seen("gone", ago=timedelta(seconds=5))
    lost = running("lost", worker="gone", started_ago=timedelta(seconds=5))

    heartbeat = Heartbeat("alive")
    try:
        deadline = time.monotonic() + 5
        while DBTaskResult.objects.filter(pk=lost.pk, status="RUNNING").exists():
            assert time.monotonic() < deadline, "the heartbeat never recovered the task"
            time.sleep(0.05)
        beat = WorkerHeartbeat.objects.get(pk="alive").seen_at
    finally:
        heartbeat.stop()

    assert timezone.now() - beat < timedelta(seconds=2)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_a_worker_that_stops_leaves_no_heartbeat_behind():
    run_worker()

    assert not WorkerHeartbeat.objects.exists()
