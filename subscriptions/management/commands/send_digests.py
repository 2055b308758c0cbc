"""`manage.py send_digests`: queue the daily and weekly digests of the periods just ended.

For cron, if workers don't send them at SUBSCRIPTIONS_DIGEST_HOUR themselves, e.g. every
morning: `15 7 * * * manage.py send_digests`. Idempotent per period: running it again, or
after the workers' own run, sends nothing new. A running `run_worker` sends the emails.
"""

from django.core.management.base import BaseCommand

from subscriptions.digests import digests_send
from subscriptions.tasks import senders_start


class Command(BaseCommand):
    help = "Queue the daily and weekly digest emails of the periods just ended, once per period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be sent; change nothing."
        )

    def handle(self, *, dry_run, **options):
        reports = digests_send(dry_run=dry_run)
        for report in reports:
            period = f"{report.period_start:%a %d %b %Y} to {report.period_end:%a %d %b %Y}"
            if not report.articles:
                self.stdout.write(f"{report.frequency}: no articles from {period}, no digest.")
                continue
            verb = "would be queued for" if dry_run else "queued for"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{report.frequency}: {report.articles} article(s) from {period}; "
                    f"{verb} {report.queued} subscriber(s)."
                )
            )
        if not dry_run:
            senders_start(deliveries=sum(report.queued for report in reports))
