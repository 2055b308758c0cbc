"""Delete reader accounts whose sign-in code was never entered (the sign-in form also does this
as it goes; this is for a site where nobody new signs in for a while)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from readers.services import unconfirmed_readers_purge


class Command(BaseCommand):
    help = "Delete reader accounts never signed in to after READER_UNCONFIRMED_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count them only.")

    def handle(self, *args, dry_run=False, **options):
        count = unconfirmed_readers_purge(
            older_than=timedelta(days=settings.READER_UNCONFIRMED_DAYS), dry_run=dry_run
        )
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(self.style.SUCCESS(f"{count} unconfirmed reader accounts {verb}."))
