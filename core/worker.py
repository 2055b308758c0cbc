"""The task worker behind `manage.py run_worker`: django-tasks-db's, made to survive a lost
database and to take up the tasks of workers that are really gone, and only those.

- **A lost database is a wait, not an exit.** While PostgreSQL restarts, or a connection is
  killed, the worker closes its connections and tries again with back-off. A task interrupted
  that way goes back to the queue (at most WORKER_TASK_TRIES runs in all), rather than taking
  the worker down while it records the failure on the dead connection.
- **Heartbeats.** Each worker records that it is alive every WORKER_HEARTBEAT_SECONDS (a thread
  of its own, so a long task does not stop it). A RUNNING task whose worker has not been seen for
  WORKER_LOST_SECONDS was lost with it: any worker queues it again (and marks the old run
  failed), at its start and then every WORKER_LOST_SECONDS. A live worker's tasks are never
  taken, however many workers run on however many machines against one database.

Every task of the site must therefore be safe to run twice: each claims its work in the
database (an article is announced once, rows are unique, mail rows are claimed before sending).
"""

import logging
import threading
import time
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    transaction,
)
from django.db import connection as db
from django.dispatch import Signal
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import WorkerHeartbeat
from .outbox import outbox_recover

logger = logging.getLogger(__name__)

# Sent when a worker starts, after it has recovered lost tasks; receivers make sure work left in
# their own tables is picked up (e.g. wake a mail sender). Arguments: `batch`.
worker_started = Signal()

# What a dropped or refused database connection raises.
CONNECTION_ERRORS = (OperationalError, InterfaceError)


class SurvivingWorker(Worker):
    """django-tasks-db's worker with heartbeats and a wait, not an exit, for a lost database."""

    def run(self) -> None:
        self._beat_and_recover()
        outbox_recover()
        worker_started.send(sender=type(self), batch=self.batch)
        heartbeat = None if self.batch else Heartbeat(self.worker_id)
        try:
            self._run_until_done()
        finally:
            if heartbeat:
                heartbeat.stop()
            _heartbeat_delete(self.worker_id)

    def _run_until_done(self) -> None:
        delay = 1.0
        while self.running:
            try:
                super().run()
                return
            except CONNECTION_ERRORS as error:
                logger.warning("Database unavailable (%s); trying again in %.0f s", error, delay)
                _connections_reset()
                time.sleep(delay)
                delay = min(delay * 2, 30.0)

    def _beat_and_recover(self) -> None:
        try:
            _heartbeat_record(self.worker_id)
            tasks_recover_lost()
        except CONNECTION_ERRORS as error:
            logger.warning("Database unavailable at start (%s): recovery left for later", error)
            _connections_reset()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        except CONNECTION_ERRORS as error:
            # The connection went during the task, so recording its failure failed too.
            logger.warning("Task %s lost its database connection: %s", db_task_result.pk, error)
            _connections_reset()
            self._retry_after_lost_connection(db_task_result, error)

    def _retry_after_lost_connection(self, result: DBTaskResult, error: Exception) -> None:
        delay = 1.0
        while True:
            try:
                task_retry(result, error)
                return
            except CONNECTION_ERRORS:
                _connections_reset()
                if not self.running:
                    # Stopping: the heartbeat stops too, and another worker takes the task up.
                    return
                time.sleep(delay)
                delay = min(delay * 2, 30.0)


def task_retry(result: DBTaskResult, error: Exception) -> None:
    """Queue an interrupted run of a task again, or mark it failed after WORKER_TASK_TRIES."""
    if len(result.worker_ids) >= settings.WORKER_TASK_TRIES:
        DBTaskResult.objects.get(pk=result.pk).set_failed(error)
        return
    DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, run_after=get_date_max(), started_at=None
    )


def tasks_recover_lost(*, now=None) -> int:
    """Queue again the RUNNING tasks whose worker was not seen for WORKER_LOST_SECONDS; how many.

    Each lost run is marked failed (WorkerLost) and a new run of the same task queued, so the
    history shows what happened.
    """
    now = now or timezone.now()
    since = now - timedelta(seconds=settings.WORKER_LOST_SECONDS)
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=since).values_list("pk", flat=True))
    recovered = 0
    with transaction.atomic():
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        for result in running:
            worker = result.worker_ids[-1] if result.worker_ids else None
            if worker in alive or (result.started_at and result.started_at >= since):
                continue
            result.task.using(priority=result.priority).enqueue(
                *result.args_kwargs["args"], **result.args_kwargs["kwargs"]
            )
            result.set_failed(WorkerLost(f"Worker {worker} not seen since {since:%H:%M:%S}."))
            logger.warning("Task %s queued again: its worker was lost", result.task_path)
            recovered += 1
    return recovered


class WorkerLost(Exception):
    """A RUNNING task whose worker stopped beating: it died with it."""


class Heartbeat:
    """A thread recording that the worker is alive, and recovering lost workers' tasks."""

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        lost_after = settings.WORKER_LOST_SECONDS
        up_since = recovered_at = time.monotonic()
        try:
            while not self._stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
                try:
                    _heartbeat_record(self.worker_id)
                    now = time.monotonic()
                    # Only once the database has answered for a whole WORKER_LOST_SECONDS: after
                    # an outage, live workers need that long to be seen again.
                    if now - up_since >= lost_after and now - recovered_at >= lost_after:
                        tasks_recover_lost()
                        recovered_at = now
                except DatabaseError as error:
                    logger.warning("Heartbeat not recorded: %s", error)
                    _connections_reset()
                    up_since = time.monotonic()
        finally:
            db.close()


def _heartbeat_record(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(pk=worker_id, defaults={"seen_at": timezone.now()})


def _heartbeat_delete(worker_id: str) -> None:
    # Gone with the database, the row goes stale instead.
    with suppress(*CONNECTION_ERRORS):
        WorkerHeartbeat.objects.filter(pk=worker_id).delete()


def _connections_reset() -> None:
    """Drop this thread's broken connection, so the next query opens a new one."""
    with suppress(DatabaseError):
        db.close()
    close_old_connections()
