"""What apps' tasks need from the queue beyond `enqueue`: run or wake a task without piling up
waiting copies (django-tasks' database backend). Lost tasks are core.worker's business."""

import logging
from datetime import datetime

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
