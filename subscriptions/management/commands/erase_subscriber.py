"""`manage.py erase_subscriber EMAIL`: delete a subscriber entirely, as asked of us by email.

The address, its choices and every delivery record go; links already mailed to it stop working.
"""

from django.core.management.base import BaseCommand, CommandError

from subscriptions.models import Subscriber
from subscriptions.services import subscriber_erase


class Command(BaseCommand):
    help = "Erase one subscriber, their choices and every record of what was sent to them."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The subscriber's address (any case).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be erased and change nothing."
        )

    def handle(self, *args, email, dry_run, **options):
        subscriber = Subscriber.objects.with_email(email).first()
        if subscriber is None:
            raise CommandError(f"No subscriber has the address {email!r}.")
        if dry_run:
            deliveries = subscriber.deliveries.count()
            self.stdout.write(
                f"Would erase {subscriber.email} ({subscriber.get_state_display()}) "
                f"and {deliveries} delivery record(s). Nothing changed (dry run)."
            )
            return
        address = subscriber.email
        deliveries = subscriber_erase(subscriber=subscriber)
        self.stdout.write(
            self.style.SUCCESS(f"Erased {address} and {deliveries} delivery record(s).")
        )
