"""Each PostgreSQL statement of the mail queue does what its plain-ORM twin does."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from core import mailqueue_sql as sql
from subscriptions.models import Delivery, Subscriber
from tests.factories import ArticleFactory

Status = Delivery.Status


@pytest.fixture(autouse=True)
def postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("compares the PostgreSQL statements with their twins")


def subscribers(count: int) -> list[int]:
    return [Subscriber.objects.create(email=f"r{n}@example.org").pk for n in range(count)]


def rows() -> list[tuple]:
    """Every delivery as the columns a statement may set, in a comparable order."""
    return sorted(
        Delivery.objects.values_list(
            "subscriber_id",
            "article_id",
            "digest_id",
            "status",
            "attempts",
            "not_before",
            "last_error",
            "sent_at",
        )
    )


def test_inserting_rows_for_ids_adds_the_same_rows_and_skips_existing_ones_alike():
    ids = subscribers(5)
    done = {}
    for insert in (sql.rows_insert_for_postgresql, sql.rows_insert_for_orm):
        Delivery.objects.all().delete()
        template = Delivery(article=ArticleFactory())
        insert(Delivery, field="subscriber", ids=ids[:3], template=template)
        insert(Delivery, field="subscriber", ids=ids, template=template)  # 3 exist already
        done[insert] = [row[:1] + row[2:] for row in rows()]  # the article differs

    twins = list(done.values())
    assert len(twins[0]) == 5
    assert twins[0] == twins[1]
    assert {row[2] for row in twins[0]} == {Status.PENDING}


def test_claiming_takes_only_matching_rows_and_leases_them_alike():
    article = ArticleFactory()
    ids = subscribers(6)
    Delivery.objects.bulk_create(Delivery(subscriber_id=pk, article=article) for pk in ids)
    later = timezone.now() + timedelta(hours=1)
    Delivery.objects.filter(subscriber_id__in=ids[4:]).update(not_before=later)
    due = Q(status=Status.PENDING, not_before__isnull=True)
    lease_end = timezone.now() + timedelta(minutes=5)

    claimed = {}
    for claim in (sql.rows_claim_postgresql, sql.rows_claim_orm):
        Delivery.objects.filter(not_before__isnull=False, not_before__lt=later).update(
            status=Status.PENDING, not_before=None
        )
        first = claim(Delivery, due, lease_end=lease_end, limit=3)
        rest = claim(Delivery, due, lease_end=lease_end, limit=3)
        claimed[claim] = (len(first), len(rest), set(first) | set(rest), rows())

    twins = list(claimed.values())
    assert twins[0][:2] == (3, 1)  # four due rows: three, then the last one, never twice
    assert twins[0] == twins[1]
    sending = [row for row in twins[0][3] if row[3] == Status.SENDING]
    assert len(sending) == 4 and {row[5] for row in sending} == {lease_end}


def test_marking_sent_records_the_same_row():
    article = ArticleFactory()
    (pk,) = subscribers(1)
    marked = {}
    for mark in (sql.row_mark_sent_postgresql, sql.row_mark_sent_orm):
        Delivery.objects.all().delete()
        delivery = Delivery.objects.create(
            subscriber_id=pk,
            article=article,
            status=Status.SENDING,
            attempts=2,
            not_before=timezone.now(),
            last_error="SMTPServerDisconnected: gone",
        )
        mark(Delivery, delivery.pk)
        delivery.refresh_from_db()
        marked[mark] = (
            delivery.status,
            delivery.attempts,
            delivery.not_before,
            delivery.last_error,
            delivery.sent_at is not None,
        )

    twins = list(marked.values())
    assert twins[0] == (Status.SENT, 3, None, "", True)
    assert twins[0] == twins[1]
