"""`manage.py run_worker`: django-tasks-db's `db_worker`, which first takes up subscriber mail that
a killed worker left half done. Run this one, not `db_worker`.

django-tasks-db never retries a task whose worker died (kill -9, out of memory, a lost machine):
the task stays RUNNING for ever. So before it starts, every worker

- queues again each article announcement, fan-out and digest run left RUNNING (all safe to run
  twice: an article is announced once, a period has one digest, and there is one Delivery row
  per subscriber and article or digest) and marks the old one failed;
- wakes a sender if deliveries or readers' emails (confirmations, notices) are still pending or
  claimed: a dead worker's claim runs out after MAIL_CLAIM_SECONDS, and the sender waits for that;
- unless run with --batch, makes sure the daily digest run is scheduled.

Kill -9 the worker at any moment, start `manage.py run_worker` again, and every remaining email
goes out, and none that the mail server had accepted goes again. (The exception: a message the
server accepted in the instant before the kill, before its row was marked sent, goes twice.)

It takes the same options as django-tasks-db's `db_worker`, which it extends under a name of its
own (rather than shadowing it through the order of INSTALLED_APPS).
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from core.outbox import outbox_recover
from subscriptions.tasks import deliveries_recover, digests_schedule


class Command(DatabaseWorkerCommand):
    help = "Run a database background worker, first recovering mail a killed worker left."

    def handle(self, *args, **options):
        recovered = deliveries_recover()
        recovered["sending"] += int(outbox_recover())
        if not options["batch"]:
            digests_schedule()
        if options["verbosity"] and any(recovered.values()):
            self.stdout.write(
                self.style.SUCCESS(
                    "Recovered after a killed worker: {requeued} task(s) queued again, "
                    "{sending} sender(s) woken.".format(**recovered)
                )
            )
        super().handle(*args, **options)
