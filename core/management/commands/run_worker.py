"""`manage.py run_worker`: the site's task worker. Run this one, not django-tasks-db's `db_worker`.

It is `db_worker` (the same options) with what production needs (core.worker):

- a database that goes away (a restart, a killed connection) is waited for, not an exit; a task
  it interrupted runs again;
- each worker records a heartbeat; the running tasks of a worker not seen for
  WORKER_LOST_SECONDS are queued again by the others, never those of a live worker;
- at its start it recovers such tasks, and makes sure emails and deliveries left pending or
  claimed get a sender (a dead worker's claim runs out after MAIL_CLAIM_SECONDS) and, unless run
  with --batch, that the daily digest run is scheduled (`worker_started` receivers).

Several workers, on one machine or several, against one PostgreSQL is the way to scale: kill -9
any of them at any moment, and every remaining email goes out, and none that the mail server had
accepted goes again. (The exception: a message the server accepted in the instant before the
kill, before its row was marked sent, goes twice.)
"""

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from core.worker import SurvivingWorker

WORKER_OPTIONS = ("interval", "backend_name", "startup_delay", "max_tasks", "worker_id")


class Command(DatabaseWorkerCommand):
    help = "Run the site's background task worker (django-tasks-db's, surviving faults)."

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, batch, **options):
        # db_worker's own handle() with our worker in place of its own.
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = SurvivingWorker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            batch=batch,
            **{name: options[name] for name in WORKER_OPTIONS},
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
