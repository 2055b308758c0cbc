"""Accounts the sign-in form makes for addresses whose code is never entered do not stay."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from readers.services import reader_create
from tests.factories import UserFactory

User = get_user_model()


def test_accounts_never_signed_in_to_are_purged_after_a_while(db, reader, settings):
    old = timezone.now() - timedelta(days=settings.READER_UNCONFIRMED_DAYS + 1)
    fresh = reader_create(email="just.asked@example.org")
    stale = reader_create(email="typed.by.a.stranger@example.org")
    User.objects.filter(pk=stale.pk).update(date_joined=old)
    User.objects.filter(pk=reader.pk).update(date_joined=old)  # verified: stays
    staff = UserFactory(is_staff=True)
    User.objects.filter(pk=staff.pk).update(date_joined=old, last_login=None)

    call_command("purge_unconfirmed_readers", "--dry-run")
    assert User.objects.filter(pk=stale.pk).exists()
    call_command("purge_unconfirmed_readers")

    assert not User.objects.filter(pk=stale.pk).exists()
    assert not EmailAddress.objects.filter(email="typed.by.a.stranger@example.org").exists()
    assert set(User.objects.values_list("pk", flat=True)) == {reader.pk, staff.pk, fresh.pk}


def test_a_new_sign_up_clears_old_unconfirmed_accounts(db, settings):
    stale = reader_create(email="old@example.org")
    User.objects.filter(pk=stale.pk).update(
        date_joined=timezone.now() - timedelta(days=settings.READER_UNCONFIRMED_DAYS + 1)
    )

    reader_create(email="new@example.org")

    assert not User.objects.filter(pk=stale.pk).exists()
