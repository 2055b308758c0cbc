import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subscriptions.models import Delivery, Subscriber
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

State = Subscriber.State
CHANGELIST = "/admin/subscriptions/subscriber/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def make(email, state=State.ACTIVE, sections=()):
    subscriber = Subscriber.objects.create(email=email, state=state, all_articles=not sections)
    subscriber.sections.set(sections)
    return subscriber


def test_the_list_shows_counts_per_state_above_it(admin_client):
    make("a@example.org")
    make("b@example.org")
    make("p@example.org", State.PENDING)
    make("u@example.org", State.UNSUBSCRIBED)

    page = admin_client.get(CHANGELIST).content.decode()

    assert "<strong>2</strong> Active" in page
    assert "<strong>1</strong> Pending confirmation" in page
    assert "<strong>1</strong> Unsubscribed" in page
    assert "<strong>0</strong> Bouncing (suppressed)" in page


def test_the_list_summarises_preferences_with_a_flat_number_of_queries(admin_client):
    syria = SectionFactory(name="Syria Daily")

    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            page = admin_client.get(CHANGELIST).content.decode()
        return len(queries), page

    for n in range(3):
        make(f"few{n}@example.org", sections=[syria])
    few, page = queries_for_list()
    for n in range(12):
        make(f"many{n}@example.org", sections=[syria, SectionFactory()])
    many, _ = queries_for_list()

    assert "Sections: Syria Daily" in page
    assert few == many


def test_the_list_filters_by_state_and_searches_by_email(admin_client):
    make("rana@example.org")
    make("omar@example.org", State.PENDING)

    by_state = admin_client.get(CHANGELIST, {"state__exact": "pending"}).content.decode()
    by_email = admin_client.get(CHANGELIST, {"q": "rana"}).content.decode()

    assert "omar@example.org" in by_state and "rana@example.org" not in by_state
    assert "rana@example.org" in by_email and "omar@example.org" not in by_email


def test_the_csv_export_lists_choices_and_dates_but_never_the_key(admin_client):
    chosen = make("rana@example.org", sections=[SectionFactory(name="Iran Analysis")])
    everything = make("omar@example.org", State.PENDING)

    response = admin_client.post(
        CHANGELIST,
        {"action": "export_csv", "_selected_action": [chosen.pk, everything.pk]},
    )

    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == [
        "email", "state", "frequency", "preferences", "created", "confirmed", "left",
    ]  # fmt: skip
    assert rows[1][:4] == ["rana@example.org", "active", "instant", "Sections: Iran Analysis"]
    assert rows[2][:4] == ["omar@example.org", "pending", "instant", "All articles"]
    assert rows[1][4].startswith(str(chosen.created_at.year))
    for subscriber in (chosen, everything):
        assert subscriber.key not in content


def test_the_change_page_never_shows_the_key(admin_client):
    subscriber = make("rana@example.org")

    page = admin_client.get(f"{CHANGELIST}{subscriber.pk}/change/").content.decode()

    assert "rana@example.org" in page
    assert subscriber.key not in page
    assert 'name="key"' not in page


def test_staff_cannot_add_subscribers_around_the_double_opt_in(admin_client):
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403


def test_erasing_asks_first_then_deletes_the_subscriber_and_their_deliveries(admin_client):
    gone, kept = make("gone@example.org"), make("kept@example.org")
    article = ArticleFactory()
    Delivery.objects.create(subscriber=gone, article=article, status=Delivery.Status.SENT)
    Delivery.objects.create(subscriber=kept, article=article, status=Delivery.Status.SENT)
    selection = {"action": "erase_selected", "_selected_action": [gone.pk]}

    question = admin_client.post(CHANGELIST, selection)
    assert "Erase 1 subscriber entirely?" in question.content.decode()
    assert Subscriber.objects.count() == 2

    done = admin_client.post(CHANGELIST, {**selection, "confirm": "yes"}, follow=True)

    assert "Erased 1 subscriber(s)" in done.content.decode()
    assert list(Subscriber.objects.all()) == [kept]
    assert list(Delivery.objects.values_list("subscriber__email", flat=True)) == [
        "kept@example.org"
    ]


def test_the_csv_export_defuses_cells_a_spreadsheet_would_run_as_formulas(admin_client):
    # Valid addresses may start with = + - @: a spreadsheet would run them as formulas.
    emails = ["=1+2@example.org", "+cmd@example.org", "-2+3@example.org"]
    selected = [make(email).pk for email in [*emails, "plain@example.org"]]

    response = admin_client.post(CHANGELIST, {"action": "export_csv", "_selected_action": selected})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[0] for row in rows[1:]] == [*(f"'{email}" for email in emails), "plain@example.org"]
