"""`import_subscribers`: lists exported by Mailchimp, Substack, Ghost and Jetpack come in once,
confirmed ones active and mailed, the rest suppressed and never mailed."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from articles.publication import publication_schedule
from subscriptions import imports
from subscriptions.models import Delivery, Subscriber
from subscriptions.services import subscriber_signup, subscriber_unsubscribe
from tests.factories import ArticleFactory, UserFactory

State, Source = Subscriber.State, Subscriber.Source

MAILCHIMP_HEADER = (
    "Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,"
    "CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES"
)


def mailchimp_row(email, confirmed="2019-03-04 12:30:00", extra=""):
    return (
        f"{email},Rana,Haddad,2,2019-03-04 12:00:00,,{confirmed},203.0.113.9,,,,,,,,"
        f"2020-01-01 00:00:00,12345,abc123,{extra}"
    )


def write(tmp_path, name, text, *, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_subscribers", str(path), *args, stdout=out)
    return out.getvalue()


def states() -> dict[str, str]:
    return dict(Subscriber.objects.values_list("email", "state"))


def snapshot() -> list[tuple]:
    return list(
        Subscriber.objects.order_by("email").values_list(
            "email", "state", "source", "imported_at", "confirmed_at", "unsubscribed_at", "key"
        )
    )


@pytest.mark.django_db
def test_mailchimp_subscribed_members_come_in_active_with_source_and_confirmation_date(tmp_path):
    path = write(
        tmp_path,
        "subscribed_members_export_0a1b2c.csv",
        "\n".join([MAILCHIMP_HEADER, mailchimp_row("rana@example.org"), ""]),
    )

    output = run(path)

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "rana@example.org"
    assert subscriber.state == State.ACTIVE
    assert subscriber.source == Source.MAILCHIMP
    assert subscriber.imported_at is not None
    assert subscriber.confirmed_at == datetime(2019, 3, 4, 12, 30, tzinfo=UTC)
    assert "Read as Mailchimp" in output
    assert "Imported active: 1" in output
    assert mail.outbox == []  # nobody is asked to confirm again


@pytest.mark.django_db
def test_mailchimp_unsubscribed_and_cleaned_files_come_in_suppressed(tmp_path):
    unsubscribed = write(
        tmp_path,
        "unsubscribed_members_export_0a1b2c.csv",
        MAILCHIMP_HEADER
        + ",UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_CAMPAIGN_ID,UNSUB_REASON\n"
        + mailchimp_row("left@example.org")
        + ",2021-06-01 09:00:00,June letter,c1,NORMAL\n",
    )
    cleaned = write(
        tmp_path,
        "cleaned_members_export_0a1b2c.csv",
        MAILCHIMP_HEADER
        + ",CLEAN_TIME,CLEAN_CAMPAIGN_TITLE,CLEAN_CAMPAIGN_ID\n"
        + mailchimp_row("gone@example.org")
        + ",2022-02-02 10:00:00,Feb letter,c2\n",
    )

    run(unsubscribed)
    output = run(cleaned)

    assert states() == {"left@example.org": State.UNSUBSCRIBED, "gone@example.org": State.BOUNCING}
    left = Subscriber.objects.get(email="left@example.org")
    assert left.unsubscribed_at == datetime(2021, 6, 1, 9, tzinfo=UTC)
    assert left.source == Source.MAILCHIMP
    assert "Imported suppressed (unsubscribed or bounced, never mailed): 1" in output


@pytest.mark.django_db
def test_a_file_without_status_column_takes_the_status_given(tmp_path):
    path = write(tmp_path, "list.csv", "Email Address,OPTIN_TIME\nleft@example.org,2020-01-01\n")

    run(path, "--status", "unsubscribed")

    assert states() == {"left@example.org": State.UNSUBSCRIBED}


@pytest.mark.django_db
def test_substack_export_with_byte_order_mark_keeps_readers_who_disabled_email_suppressed(
    tmp_path,
):
    path = write(
        tmp_path,
        "email_list.csv",
        "\ufeffemail,active_subscription,expiry,plan,email_disabled,created_at,first_payment_at\n"
        "free@example.org,true,,free,false,2021-05-06T07:08:09.123Z,\n"
        "paid@example.org,true,2026-01-01T00:00:00.000Z,yearly,false,2020-01-02T03:04:05.000Z,"
        "2020-01-02T03:04:05.000Z\n"
        "off@example.org,true,,free,true,2019-01-01T00:00:00.000Z,\n",
    )

    output = run(path)

    assert states() == {
        "free@example.org": State.ACTIVE,
        "paid@example.org": State.ACTIVE,
        "off@example.org": State.UNSUBSCRIBED,
    }
    free = Subscriber.objects.get(email="free@example.org")
    assert free.source == Source.SUBSTACK
    assert free.confirmed_at == datetime(2021, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
    assert "Read as Substack" in output


@pytest.mark.django_db
def test_ghost_members_export_follows_subscribed_to_emails_not_the_paid_status(tmp_path):
    path = write(
        tmp_path,
        "members.2024-01-01.csv",
        "id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,"
        "created_at,deleted_at,labels,tiers,status\n"
        "6a1,member@example.org,Member,,true,false,,2022-03-04T05:06:07.000Z,,,,free\n"
        '6a2,quiet@example.org,"Quiet, Q.",,false,false,cus_1,2022-03-04T05:06:07.000Z,,"a,b",'
        "Gold,paid\n",
    )

    output = run(path)

    assert states() == {"member@example.org": State.ACTIVE, "quiet@example.org": State.UNSUBSCRIBED}
    assert Subscriber.objects.get(email="member@example.org").source == Source.GHOST
    assert "status from “subscribed_to_emails”" in output


@pytest.mark.django_db
def test_jetpack_export_imports_confirmed_and_leaves_out_the_never_confirmed(tmp_path):
    path = write(
        tmp_path,
        "subscribers.csv",
        "email_address,date_subscribed,status\n"
        "reader@example.org,2023-04-05 06:07:08,subscribed\n"
        "blocked@example.org,2023-04-05 06:07:08,Not sending\n"
        "unsure@example.org,2023-04-05 06:07:08,Not confirmed\n",
    )

    output = run(path)

    assert states() == {"reader@example.org": State.ACTIVE, "blocked@example.org": State.BOUNCING}
    reader = Subscriber.objects.get(email="reader@example.org")
    assert reader.source == Source.JETPACK
    assert reader.confirmed_at == datetime(2023, 4, 5, 6, 7, 8, tzinfo=UTC)
    assert "Never confirmed at the source, left out: 1" in output


@pytest.mark.django_db
def test_semicolons_and_named_columns_read_a_spreadsheets_own_file(tmp_path):
    path = write(
        tmp_path,
        "liste.csv",
        # As a spreadsheet saves it: byte-order mark, semicolons, Windows line ends.
        "\ufeffNom;Courriel;Inscrit le;État\r\n"
        "Rana;rana@example.org;2020-02-03;abonné\r\n"
        "Sami;sami@example.org;2020-02-04;unsubscribed\r\n",
    )

    with pytest.raises(CommandError, match="No email column"):
        run(path)
    with pytest.raises(CommandError, match="No column 'Mail' for email"):
        run(path, "--columns", "email=Mail")
    output = run(path, "--columns", "email=Courriel,date=Inscrit le,status=État")

    # A status word it does not know is reported, not guessed.
    assert "Row 2: unknown status 'abonné'." in output
    assert states() == {"sami@example.org": State.UNSUBSCRIBED}
    assert Subscriber.objects.get().source == Source.CSV


@pytest.mark.django_db
def test_invalid_rows_are_reported_by_row_number_and_the_rest_imported(tmp_path):
    path = write(
        tmp_path,
        "list.csv",
        "email,created_at\n"
        "good@example.org,2020-01-01\n"
        ",2020-01-01\n"
        "not-an-address,2020-01-01\n"
        "\n"
        "also@bad@example.org,2020-01-01\n"
        "second@example.org,2020-01-01\n",
    )

    output = run(path)

    assert "Row 3: no email address." in output
    assert "Row 4: 'not-an-address' is not a valid email address." in output
    assert "Row 6: 'also@bad@example.org' is not a valid email address." in output
    assert "Invalid: 3" in output
    assert "Imported active: 2" in output
    assert set(states()) == {"good@example.org", "second@example.org"}


@pytest.mark.django_db
def test_dry_run_reports_the_same_counts_and_changes_nothing(tmp_path):
    Subscriber.objects.create(email="here@example.org", state=State.ACTIVE)
    path = write(
        tmp_path,
        "list.csv",
        "email,status\nnew@example.org,subscribed\nHere@Example.org,subscribed\nx,subscribed\n",
    )
    before = snapshot()

    output = run(path, "--dry-run")

    assert snapshot() == before
    assert "Imported active: 1" in output
    assert "Already there (left as they were): 1" in output
    assert "Invalid: 1" in output
    assert "Nothing changed (dry run)." in output


@pytest.mark.django_db
def test_running_the_same_import_again_changes_nothing(tmp_path):
    path = write(
        tmp_path,
        "list.csv",
        "email,status,created_at\n"
        "one@example.org,subscribed,2020-01-01\n"
        "two@example.org,unsubscribed,2020-01-01\n"
        "three@example.org,cleaned,2020-01-01\n"
        "ONE@example.org,subscribed,2020-01-01\n",
    )
    run(path)
    after_first = snapshot()

    output = run(path)

    assert snapshot() == after_first
    assert len(after_first) == 3
    assert "Imported active: 0" in output
    assert "Already there (left as they were): 4" in output


@pytest.mark.django_db
def test_import_never_brings_back_who_left_here_nor_touches_who_signed_up_here(tmp_path):
    path = write(
        tmp_path, "list.csv", "email,status\nleaver@example.org,subscribed\nlocal@example.org,x\n"
    )
    run(path)
    subscriber_unsubscribe(subscriber=Subscriber.objects.get(email="leaver@example.org"))
    Subscriber.objects.create(email="local@example.org", state=State.ACTIVE)
    gone_at_source = write(
        tmp_path,
        "later.csv",
        "email,status\nleaver@example.org,subscribed\nlocal@example.org,unsubscribed\n",
    )

    run(gone_at_source)

    assert states() == {"leaver@example.org": State.UNSUBSCRIBED, "local@example.org": State.ACTIVE}
    assert Subscriber.objects.get(email="local@example.org").source == Source.SIGNUP


@pytest.mark.django_db
def test_a_later_export_suppresses_who_left_at_the_source_and_confirms_who_is_pending_here(
    tmp_path,
):
    run(write(tmp_path, "first.csv", "email,status\nwent@example.org,subscribed\n"))
    Subscriber.objects.create(email="pending@example.org")  # signed up here, not confirmed yet

    output = run(
        write(
            tmp_path,
            "second.csv",
            "email,status\nwent@example.org,unsubscribed\npending@example.org,subscribed\n",
        )
    )

    assert states() == {"went@example.org": State.UNSUBSCRIBED, "pending@example.org": State.ACTIVE}
    assert Subscriber.objects.get(email="pending@example.org").source == Source.CSV
    assert "Imported earlier, gone at the source since: 1" in output
    assert "Pending here, confirmed at the source, now active: 1" in output


@pytest.mark.django_db
def test_an_imported_address_and_a_later_sign_up_in_another_case_are_one_subscriber(tmp_path):
    run(write(tmp_path, "list.csv", "Email Address,OPTIN_TIME\n  Rana@Example.ORG ,2020-01-01\n"))

    subscriber_signup(email="RANA@example.org", ip="203.0.113.5")

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Rana@example.org"  # the domain is case-blind, as at sign-up
    assert subscriber.state == State.ACTIVE
    # The sign-up box treats them as the subscriber they are: no confirmation request.
    assert all("confirm" not in message.subject.lower() for message in mail.outbox)


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_stops_with_a_clear_message(tmp_path):
    path = write(tmp_path, "list.csv", "email,name\nrené@example.org,René\n", encoding="latin-1")

    with pytest.raises(CommandError, match="not UTF-8"):
        run(path)
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_large_lists_are_written_in_batches_not_row_by_row(
    tmp_path, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(imports, "BATCH_SIZE", 100)
    lines = ["email,status"] + [f"reader{n}@example.org,subscribed" for n in range(1000)]
    path = write(tmp_path, "big.csv", "\n".join(lines))

    # Ten batches of one lookup and one insert each, plus the transaction (SQLite, whose statements
    # take at most 999 values, splits each insert in two): a thousand rows one by one would be
    # a thousand queries.
    with django_assert_max_num_queries(35):
        run(path)

    assert Subscriber.objects.filter(state=State.ACTIVE, source=Source.CSV).count() == 1000


@pytest.mark.django_db(transaction=True)
def test_imported_active_subscribers_get_the_next_article_and_suppressed_ones_never_do(tmp_path):
    write(
        tmp_path,
        "subscribed_members_export_1.csv",
        "\n".join([MAILCHIMP_HEADER, mailchimp_row("active@example.org")]),
    )
    write(
        tmp_path,
        "unsubscribed_members_export_1.csv",
        MAILCHIMP_HEADER + ",UNSUB_TIME\n" + mailchimp_row("left@example.org") + ",2021-01-01\n",
    )
    write(
        tmp_path,
        "cleaned_members_export_1.csv",
        MAILCHIMP_HEADER + ",CLEAN_TIME\n" + mailchimp_row("bounced@example.org") + ",2021-01-01\n",
    )
    for name in ("subscribed", "unsubscribed", "cleaned"):
        run(tmp_path / f"{name}_members_export_1.csv")
    run(
        write(
            tmp_path,
            "substack.csv",
            "email,active_subscription,expiry,plan,email_disabled,created_at,first_payment_at\n"
            "off@example.org,true,,free,true,2019-01-01T00:00:00.000Z,\n",
        )
    )
    article = ArticleFactory(title="Talks resume")

    publication_schedule(article=article)
    call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert list(Delivery.objects.values_list("subscriber__email", flat=True)) == [
        "active@example.org"
    ]
    assert [message.to for message in mail.outbox] == [["active@example.org"]]


@pytest.mark.django_db
def test_admin_shows_where_and_when_an_imported_subscriber_came_from(client, tmp_path):
    run(write(tmp_path, "list.csv", "Email Address,CONFIRM_TIME\nrana@example.org,2019-03-04\n"))
    Subscriber.objects.create(email="local@example.org", state=State.ACTIVE)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    listing = client.get("/admin/subscriptions/subscriber/?source=mailchimp").content.decode()
    change = client.get(
        f"/admin/subscriptions/subscriber/{Subscriber.objects.get(source='mailchimp').pk}/change/"
    ).content.decode()

    assert "rana@example.org" in listing and "local@example.org" not in listing
    assert "Imported from Mailchimp" in listing
    assert "Imported at" in change and "Imported from Mailchimp" in change
