"""The mail queue's hot statements, each in two forms: one written for PostgreSQL, used there, and
a plain-ORM twin that other databases run. Tests run both on PostgreSQL and compare what they do.

Why each PostgreSQL form exists:
- `rows_insert_for`: one INSERT ... SELECT from an array of ids. Building 2,000 model instances
  per chunk for `bulk_create` was most of a fan-out's time, while senders waited for it.
- `rows_claim`: one UPDATE ... RETURNING over a `FOR UPDATE SKIP LOCKED` subquery, so concurrent
  workers take different rows in one round trip instead of waiting on each other's locks.
- `row_mark_sent`: the statement run once per message sent; a cursor spares the ORM building and
  compiling an UPDATE each time.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import connection as db
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import QueuedEmail

SENDING, SENT = QueuedEmail.Status.SENDING, QueuedEmail.Status.SENT


def _postgresql() -> bool:
    return db.vendor == "postgresql"


def rows_insert_for(
    model: type[models.Model], *, field: str, ids: list[int], template: models.Model
) -> None:
    """A row per id (the id in `field`, the rest as in unsaved `template`); existing ones stay."""
    if _postgresql():
        rows_insert_for_postgresql(model, field=field, ids=ids, template=template)
    else:
        rows_insert_for_orm(model, field=field, ids=ids, template=template)


def rows_insert_for_orm(model, *, field: str, ids: list[int], template: models.Model) -> None:
    values = {f.attname: getattr(template, f.attname) for f in _insert_fields(model, field)}
    model._default_manager.bulk_create(
        [model(**values, **{model._meta.get_field(field).attname: pk}) for pk in ids],
        ignore_conflicts=True,
    )


def rows_insert_for_postgresql(
    model, *, field: str, ids: list[int], template: models.Model
) -> None:
    fields = [model._meta.get_field(field), *_insert_fields(model, field)]
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    # The other columns come from the unsaved template, so their defaults stay the model's.
    values = [f.get_db_prep_save(f.pre_save(template, add=True), connection=db) for f in fields[1:]]
    placeholders = ", ".join(["s.id", *["%s"] * len(values)])
    with db.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({columns}) SELECT {placeholders} "
            "FROM unnest(%s::bigint[]) AS s(id) ON CONFLICT DO NOTHING",
            [*values, ids],
        )


def _insert_fields(model, field: str) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name != field]


def rows_claim(model, condition: Q, *, lease_end: datetime, limit: int) -> list[int]:
    """Mark up to `limit` rows matching `condition` SENDING until `lease_end`; their ids. Two
    workers never claim the same row."""
    if _postgresql():
        return rows_claim_postgresql(model, condition, lease_end=lease_end, limit=limit)
    return rows_claim_orm(model, condition, lease_end=lease_end, limit=limit)


def rows_claim_orm(model, condition: Q, *, lease_end: datetime, limit: int) -> list[int]:
    rows = model._default_manager.filter(condition).order_by()
    with transaction.atomic():
        ids = list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        model._default_manager.filter(pk__in=ids).update(status=SENDING, not_before=lease_end)
    return ids


def rows_claim_postgresql(model, condition: Q, *, lease_end: datetime, limit: int) -> list[int]:
    due = model._default_manager.filter(condition).order_by().values("pk")[:limit]
    select, params = due.query.sql_with_params()
    with db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {model._meta.db_table} SET status = %s, not_before = %s "
            f"WHERE id IN ({select} FOR UPDATE SKIP LOCKED) RETURNING id",
            [SENDING, lease_end, *params],
        )
        return [row[0] for row in cursor.fetchall()]


def row_mark_sent(model, pk: int) -> None:
    """Record that the mail server took the row's message."""
    if _postgresql():
        row_mark_sent_postgresql(model, pk)
    else:
        row_mark_sent_orm(model, pk)


def row_mark_sent_orm(model, pk: int) -> None:
    model._default_manager.filter(pk=pk).update(
        status=SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        not_before=None,
        last_error="",
    )


def row_mark_sent_postgresql(model, pk: int) -> None:
    with db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {model._meta.db_table} SET status = %s, sent_at = %s, "
            "attempts = attempts + 1, not_before = NULL, last_error = '' WHERE id = %s",
            [SENT, timezone.now(), pk],
        )


@contextmanager
def quick_commits() -> Iterator[None]:
    """On PostgreSQL, don't wait for each "sent" mark to reach the disk (synchronous_commit off).

    That wait is most of a message's time. A killed worker loses nothing by it: the database has
    the mark. Only a crash of PostgreSQL itself can lose the last fraction of a second of marks,
    and with them send those few messages again.
    """
    if not _postgresql() or db.in_atomic_block:
        yield
        return
    with db.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with db.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
