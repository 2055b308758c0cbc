"""Bringing a subscriber list over from another service: Mailchimp, Substack, Ghost or Jetpack.

Each service exports a CSV with its own column names; the columns are found by header (or named
with `columns`). Who had confirmed there comes in active without being asked again; who had left
or whose mail bounced comes in suppressed, so that nothing is ever sent to them; who never
confirmed there is left out. The file is read row by row and written in batches, so a list of
any length keeps memory flat.

An address already here is left as it is (so a second run changes nothing, and nobody who signed
up here, or left here, is touched), with two exceptions the source knows better: a pending
sign-up here whom the source lists as confirmed becomes active, and an imported subscriber whom
the source now lists as unsubscribed or bounced is suppressed.
"""

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .models import Subscriber
from .services import email_normalised

State, Source = Subscriber.State, Subscriber.Source

# Rows written per batch: one query to find those already here, one to insert the rest.
BATCH_SIZE = 1000
# Invalid rows kept for the report; past this only counted, so a broken file cannot fill memory.
INVALID_ROWS_KEPT = 1000

# Header names as each service writes them, compared after `_header_key` (lower case, spaces
# and hyphens as underscores): Mailchimp "Email Address", CONFIRM_TIME, OPTIN_TIME, UNSUB_TIME,
# CLEAN_TIME; Substack email, active_subscription, email_disabled, created_at; Ghost email,
# subscribed_to_emails (earlier "subscribed"), created_at; Jetpack email_address, date_subscribed
# (or "subscribed"), status. The first one present is used.
EMAIL_COLUMNS = ("email", "email_address", "e_mail", "user_email", "subscriber_email")
DATE_COLUMNS = (
    "confirm_time", "optin_time", "date_subscribed", "subscribed_at", "subscription_date",
    "created_at", "created", "since", "date",
)  # fmt: skip
# Ghost's subscribed_to_emails first: its "status" (free, paid, comped) says nothing about email.
STATUS_COLUMNS = (
    "subscribed_to_emails", "email_subscription", "status", "subscription_status", "subscribed",
)  # fmt: skip
# A non-empty value here marks the row unsubscribed or bounced whatever the other columns say.
UNSUBSCRIBED_WHEN_SET = ("unsub_time", "unsubscribed_at")
BOUNCED_WHEN_SET = ("clean_time", "bounced_at")
# Substack: the reader switched its emails off.
UNSUBSCRIBED_WHEN_TRUE = ("email_disabled",)

# Status words, lower case. A subscription type (Substack's and Ghost's free, paid, comped) says
# nothing about email: such a member is subscribed.
ACTIVE_WORDS = {
    "", "subscribed", "active", "confirmed", "true", "yes", "y", "1", "free", "paid", "comped",
    "complimentary", "gift", "opted_in", "opted in",
}  # fmt: skip
UNSUBSCRIBED_WORDS = {
    "unsubscribed", "not subscribed", "false", "no", "n", "0", "opted_out", "opted out",
    "inactive", "archived", "deleted",
}  # fmt: skip
BOUNCED_WORDS = {
    "cleaned", "bounced", "bouncing", "hard_bounce", "hard bounce", "not sending", "blocked",
    "suppressed", "complained", "spam", "invalid",
}  # fmt: skip
PENDING_WORDS = {"pending", "not confirmed", "unconfirmed", "not_confirmed", "transactional"}

# Date formats other than ISO 8601 (which parse_datetime reads) that exports are seen with.
DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")


class SubscriberImportError(Exception):
    """The file cannot be imported at all (no email column, not UTF-8, not a CSV)."""


# The row's status as the source had it; our state follows from it.
ACTIVE, UNSUBSCRIBED, BOUNCED, PENDING = "active", "unsubscribed", "bounced", "pending"
FILE_STATUSES = (ACTIVE, UNSUBSCRIBED, BOUNCED)


@dataclass
class Columns:
    """Which header holds what; `status` and `date` may be missing."""

    email: str
    date: str | None = None
    status: str | None = None
    unsubscribed: tuple[str, ...] = ()
    bounced: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()


@dataclass
class InvalidRow:
    row: int  # as a spreadsheet numbers it: the header is row 1
    reason: str


@dataclass
class ImportReport:
    source: str
    columns: Columns
    imported_active: int = 0
    imported_suppressed: int = 0
    activated: int = 0  # pending sign-ups here that the source says had confirmed
    suppressed: int = 0  # imported earlier, since unsubscribed or bounced at the source
    already_there: int = 0
    not_confirmed: int = 0  # never confirmed at the source: left out
    invalid: int = 0
    invalid_rows: list[InvalidRow] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    email: str
    status: str
    date: datetime | None  # when they subscribed or confirmed
    left_at: datetime | None = None  # when they unsubscribed or were cleaned, if the file says


def subscribers_import(
    *,
    path: Path,
    columns: dict[str, str] | None = None,
    status: str | None = None,
    source: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import the subscriber list in the CSV at `path`; one transaction, rolled back on a dry run.

    `columns` names the headers to use (keys email, date, status) where detection would guess
    wrong; `status` (active, unsubscribed or bounced) applies to every row of a file without a
    status column, such as Mailchimp's one file per status; `source` overrides the detected
    service.
    """
    if status is not None and status not in FILE_STATUSES:
        choices = ", ".join(FILE_STATUSES)
        raise SubscriberImportError(f"Unknown status {status!r}: use one of {choices}.")
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = _reader(file)
            try:
                header = next(reader)
            except StopIteration:
                raise SubscriberImportError("The file is empty.") from None
            keys = [_header_key(name) for name in header]
            found = _columns(keys, header, overrides=columns or {})
            report = ImportReport(source=source or _source(keys), columns=found)
            if status is None and found.status is None:
                status = _status_from_file_name(path.name)
            rows = _rows(reader, keys, found, report=report, file_status=status)
            with transaction.atomic():
                for batch in _batches(rows, BATCH_SIZE):
                    _import_batch(batch, report=report)
                if dry_run:
                    transaction.set_rollback(True)
    except UnicodeDecodeError:
        raise SubscriberImportError(
            "The file is not UTF-8 text, so nothing was imported: export it again, or save it "
            "from a spreadsheet as “CSV UTF-8”."
        ) from None
    except csv.Error as error:
        raise SubscriberImportError(f"Nothing imported: the file is not CSV ({error}).") from None
    return report


def _reader(file: io.TextIOBase) -> Iterator[list[str]]:
    """A CSV reader whose delimiter (comma, semicolon or tab) is the one the header line uses:
    spreadsheets in many European languages write semicolons."""
    first = file.readline()
    delimiter = max((",", ";", "\t"), key=first.count)
    return csv.reader(itertools.chain([first], file), delimiter=delimiter)


def _header_key(name: str) -> str:
    return "_".join(name.strip().strip("\ufeff").lower().replace("-", " ").split())


def _columns(keys: list[str], header: list[str], *, overrides: dict[str, str]) -> Columns:
    def find(candidates: Iterable[str]) -> str | None:
        return next((key for key in candidates if key in keys), None)

    def named(role: str) -> str | None:
        if role not in overrides:
            return None
        key = _header_key(overrides[role])
        if key not in keys:
            raise SubscriberImportError(
                f"No column {overrides[role]!r} for {role}; the file's columns are: "
                + ", ".join(header)
            )
        return key

    email = named("email") or find(EMAIL_COLUMNS)
    if email is None:
        raise SubscriberImportError(
            "No email column found; name it with --columns email=HEADER. The file's columns "
            "are: " + ", ".join(header)
        )
    return Columns(
        email=email,
        date=named("date") or find(DATE_COLUMNS),
        status=named("status") or find(STATUS_COLUMNS),
        unsubscribed=tuple(key for key in UNSUBSCRIBED_WHEN_SET if key in keys),
        bounced=tuple(key for key in BOUNCED_WHEN_SET if key in keys),
        disabled=tuple(key for key in UNSUBSCRIBED_WHEN_TRUE if key in keys),
    )


def _source(keys: list[str]) -> str:
    """The service that wrote the file, from the columns only it writes."""
    present = set(keys)
    if present & {"optin_time", "confirm_time", "member_rating", "leid", "euid"}:
        return Source.MAILCHIMP
    if present & {"email_disabled", "active_subscription", "first_payment_at"}:
        return Source.SUBSTACK
    if present & {"subscribed_to_emails", "complimentary_plan", "stripe_customer_id"}:
        return Source.GHOST
    if present & {"email_address", "date_subscribed"}:
        return Source.JETPACK
    return Source.CSV


def _status_from_file_name(name: str) -> str | None:
    """Mailchimp exports one file per status: unsubscribed_… and cleaned_… (and subscribed_…)."""
    name = name.lower()
    if name.startswith("unsubscribed"):
        return UNSUBSCRIBED
    if name.startswith("cleaned"):
        return BOUNCED
    return None


def _rows(
    reader: Iterator[list[str]],
    keys: list[str],
    columns: Columns,
    *,
    report: ImportReport,
    file_status: str | None,
) -> Iterator[_Row]:
    """The file's valid rows; invalid ones go to the report."""
    index = {key: position for position, key in reversed(list(enumerate(keys)))}

    def value(cells: list[str], key: str | None) -> str:
        if key is None or index[key] >= len(cells):
            return ""
        return cells[index[key]].strip()

    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, as spreadsheets leave at the end
        raw_email = value(cells, columns.email)
        if not raw_email:
            _invalid(report, number, "no email address")
            continue
        email = email_normalised(raw_email)
        try:
            validate_email(email)
        except ValidationError:
            _invalid(report, number, f"{raw_email!r} is not a valid email address")
            continue
        status_text = value(cells, columns.status)
        status, status_date = _status(status_text)
        if status is None:
            _invalid(report, number, f"unknown status {status_text!r}")
            continue
        if not status_text and file_status:
            status = file_status
        bounced = [value(cells, key) for key in columns.bounced if value(cells, key)]
        unsubscribed = [value(cells, key) for key in columns.unsubscribed if value(cells, key)]
        left = (bounced or unsubscribed or [""])[0]
        if bounced:
            status = BOUNCED
        elif unsubscribed or any(value(cells, key).lower() == "true" for key in columns.disabled):
            status = UNSUBSCRIBED
        date = _date(value(cells, columns.date)) or status_date
        yield _Row(number=number, email=email, status=status, date=date, left_at=_date(left))


def _invalid(report: ImportReport, number: int, reason: str) -> None:
    report.invalid += 1
    if len(report.invalid_rows) < INVALID_ROWS_KEPT:
        report.invalid_rows.append(InvalidRow(row=number, reason=reason))


def _status(text: str) -> tuple[str | None, datetime | None]:
    """The status a cell says, or None if it says none we know; Jetpack's "subscribed" column
    holds the date of subscribing, which means subscribed."""
    word = text.lower()
    if word in ACTIVE_WORDS:
        return ACTIVE, None
    if word in UNSUBSCRIBED_WORDS:
        return UNSUBSCRIBED, None
    if word in BOUNCED_WORDS:
        return BOUNCED, None
    if word in PENDING_WORDS:
        return PENDING, None
    if date := _date(text):
        return ACTIVE, date
    return None, None


def _date(text: str) -> datetime | None:
    """A date as exports write it; a time without a zone is UTC, as the services keep it."""
    if not text:
        return None
    parsed: datetime | None = None
    try:
        parsed = parse_datetime(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        if parsed is None and (day := parse_date(text)) is not None:
            parsed = datetime(day.year, day.month, day.day)
    except ValueError:
        return None
    for pattern in DATE_FORMATS:
        if parsed is not None:
            break
        try:
            parsed = datetime.strptime(text, pattern)
        except ValueError:
            continue
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


def _batches(rows: Iterable[_Row], size: int) -> Iterator[list[_Row]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _import_batch(batch: list[_Row], *, report: ImportReport) -> None:
    now = timezone.now()
    existing = {
        subscriber.email_lower: subscriber
        for subscriber in Subscriber.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in={row.email.lower() for row in batch}
        )
    }
    new = {}
    for row in batch:
        key = row.email.lower()
        if row.status == PENDING:
            report.not_confirmed += 1
        elif key in new:
            report.already_there += 1  # the same address twice in the file: the first counts
        elif key in existing:
            _update_existing(existing[key], row, report=report, now=now)
        else:
            new[key] = _new_subscriber(row, source=report.source, now=now)
            if row.status == ACTIVE:
                report.imported_active += 1
            else:
                report.imported_suppressed += 1
    # A sign-up racing the import for the same address keeps its own row.
    Subscriber.objects.bulk_create(new.values(), ignore_conflicts=True)


def _new_subscriber(row: _Row, *, source: str, now: datetime) -> Subscriber:
    subscriber = Subscriber(email=row.email, source=source, imported_at=now)
    if row.status == ACTIVE:
        subscriber.state = State.ACTIVE
        subscriber.confirmed_at = _when(row.date, now=now)
    else:
        subscriber.state = State.UNSUBSCRIBED if row.status == UNSUBSCRIBED else State.BOUNCING
        subscriber.unsubscribed_at = _when(row.left_at, now=now)
    return subscriber


def _update_existing(
    subscriber: Subscriber, row: _Row, *, report: ImportReport, now: datetime
) -> None:
    if row.status == ACTIVE and subscriber.state == State.PENDING:
        # They confirmed at the source: their pending sign-up here needs no confirmation.
        changed = Subscriber.objects.filter(pk=subscriber.pk, state=State.PENDING).update(
            state=State.ACTIVE,
            confirmed_at=_when(row.date, now=now),
            source=report.source,
            imported_at=now,
        )
        if changed:
            report.activated += 1
            return
    elif row.status != ACTIVE and subscriber.is_active() and _active_by_import(subscriber):
        # Imported before, and since gone at the source: never mail them again.
        state = State.UNSUBSCRIBED if row.status == UNSUBSCRIBED else State.BOUNCING
        changed = Subscriber.objects.filter(pk=subscriber.pk, state=State.ACTIVE).update(
            state=state, unsubscribed_at=now
        )
        if changed:
            report.suppressed += 1
            return
    report.already_there += 1


def _when(date: datetime | None, *, now: datetime) -> datetime:
    """The file's date, or now if it has none; never later than now."""
    return min(date, now) if date else now


def _active_by_import(subscriber: Subscriber) -> bool:
    """Whether the subscriber is active through an import alone, not a confirmation here (which
    comes after the import, as a sign-up here after leaving does)."""
    return (
        subscriber.imported_at is not None
        and subscriber.confirmed_at is not None
        and subscriber.confirmed_at <= subscriber.imported_at
    )
