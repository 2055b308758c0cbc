"""What apps' tasks need from the queue beyond `enqueue`: wake a task by a time without piling up
copies, and take up tasks a killed worker left (django-tasks' database backend)."""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)


def task_wake(task: Task, *, at: datetime) -> None:
    """Make sure `task` (taking no arguments) runs by `at`, without piling up waiting copies."""
    backend = task.get_backend()
    if not backend.supports_defer:
        return
    if isinstance(backend, DatabaseBackend) and task_waiting(task, by=at):
        return
    task.using(run_after=at).enqueue()


def task_enqueue_once(task: Task) -> None:
    """Run `task` (taking no arguments) soon, unless a copy already waits to run."""
    if not task_waiting(task, by=timezone.now()):
        task.enqueue()


def task_waiting(task: Task, *, by: datetime | None = None) -> bool:
    """Whether `task` is queued to run by `by` (no run_after counts as at once; None: ever)."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=task.module_path)
    if by is not None:
        waiting = waiting.filter(Q(run_after__lte=by) | Q(run_after=get_date_max()))
    return waiting.exists()


def tasks_recover(tasks: list[Task]) -> int:
    """Queue again each of `tasks` left RUNNING by a dead worker and mark it failed; how many.

    django-tasks-db never retries a task whose worker died: it stays RUNNING. Only tasks that are
    safe to run twice may be passed here.
    """
    recoverable = {task.module_path: task for task in tasks}
    with transaction.atomic():
        lost = list(
            DBTaskResult.objects.running()
            .filter(task_path__in=recoverable)
            .select_for_update(skip_locked=True)
        )
        for result in lost:
            recoverable[result.task_path].enqueue(**result.args_kwargs["kwargs"])
            result.set_failed(WorkerLost("Presumed lost with its worker; queued again."))
            logger.warning(
                "Task %s (%s) queued again: its worker was lost", result.pk, result.task_path
            )
    return len(lost)


class WorkerLost(Exception):
    """A task found RUNNING when a worker starts: its worker was killed."""
