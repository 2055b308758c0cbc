"""`manage.py import_subscribers FILE.csv`: bring a subscriber list over from another service.

Reads the CSV that Mailchimp, Substack, Ghost or Jetpack (WordPress.com) exports. Confirmed
subscribers come in active without being asked to confirm again; unsubscribed, cleaned and
bounced ones come in suppressed, so they are never mailed. Running it again changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from subscriptions.imports import FILE_STATUSES, SubscriberImportError, subscribers_import
from subscriptions.models import Subscriber

# Invalid rows listed one by one; the rest are counted.
INVALID_ROWS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import subscribers from a Mailchimp, Substack, Ghost or Jetpack CSV export: confirmed "
        "ones active, unsubscribed and bounced ones suppressed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file the other service exported.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be imported; change nothing."
        )
        parser.add_argument(
            "--columns",
            default="",
            help="Headers to use where detection guesses wrong, e.g. "
            "'email=E-mail,date=Joined,status=State'.",
        )
        parser.add_argument(
            "--status",
            choices=FILE_STATUSES,
            help="The status of every row of a file without a status column (Mailchimp's "
            "unsubscribed_… and cleaned_… files are recognised by name).",
        )
        parser.add_argument(
            "--source",
            choices=[value for value in Subscriber.Source.values if value],
            help="Record this service as the source instead of the one detected.",
        )

    def handle(self, *, file, dry_run, columns, status, source, **options):
        if not file.is_file():
            raise CommandError(f"No file at {file}.")
        try:
            report = subscribers_import(
                path=file,
                columns=_columns(columns),
                status=status,
                source=source,
                dry_run=dry_run,
            )
        except SubscriberImportError as error:
            raise CommandError(str(error)) from None
        found = report.columns
        self.stdout.write(
            f"Read as {Subscriber.Source(report.source).label.removeprefix('Imported from ')}: "
            f"email from “{found.email}”, date from “{found.date or '(none)'}”, "
            f"status from “{found.status or '(none)'}”."
        )
        for invalid in report.invalid_rows[:INVALID_ROWS_SHOWN]:
            self.stdout.write(self.style.WARNING(f"Row {invalid.row}: {invalid.reason}."))
        if report.invalid > INVALID_ROWS_SHOWN:
            self.stdout.write(f"… and {report.invalid - INVALID_ROWS_SHOWN} more invalid rows.")
        lines = [
            f"Imported active: {report.imported_active}",
            f"Imported suppressed (unsubscribed or bounced, never mailed): "
            f"{report.imported_suppressed}",
            f"Already there (left as they were): {report.already_there}",
            f"Invalid: {report.invalid}",
        ]
        if report.activated:
            lines.append(f"Pending here, confirmed at the source, now active: {report.activated}")
        if report.suppressed:
            lines.append(f"Imported earlier, gone at the source since: {report.suppressed}")
        if report.not_confirmed:
            lines.append(f"Never confirmed at the source, left out: {report.not_confirmed}")
        summary = "\n".join(lines)
        if dry_run:
            self.stdout.write(summary + "\nNothing changed (dry run).")
        else:
            self.stdout.write(self.style.SUCCESS(summary))


def _columns(text: str) -> dict[str, str]:
    """`email=E-mail,date=Joined` as a dict; the roles are email, date and status."""
    columns = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        role, sep, header = part.partition("=")
        role = role.strip().lower()
        if not sep or role not in {"email", "date", "status"} or not header.strip():
            raise CommandError(
                f"--columns takes role=HEADER pairs for email, date and status, not {part!r}."
            )
        columns[role] = header.strip()
    return columns
