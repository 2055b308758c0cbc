"""Admin sign-in: locked for a while after repeated failures, and an optional second factor."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factory's


@pytest.fixture
def staff():
    return UserFactory(username="editor", is_staff=True, is_superuser=True)


@pytest.fixture
def login(client):
    def attempt(password, *, address="203.0.113.7", **fields):
        return client.post(
            reverse("admin:login"),
            {"username": "editor", "password": password, "next": "/admin/", **fields},
            REMOTE_ADDR=address,
        )

    return attempt


def signed_in(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def test_right_password_is_refused_after_repeated_failures_until_the_cool_off(
    client, login, staff, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    assert login("wrong password").status_code == 200  # the form again, with its error
    assert login("wrong password").status_code == 200
    assert login("wrong password").status_code == 429  # the third failure locks

    locked = login(PASSWORD)

    assert locked.status_code == 429
    assert "Sign-in blocked for a while" in locked.content.decode()
    assert f"{settings.SITE_NAME} administration" in locked.content.decode()
    assert "for 15\xa0minutes" in locked.content.decode()
    assert not signed_in(client)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert login(PASSWORD).status_code == 302
        assert signed_in(client)


def test_lockout_is_for_the_username_from_that_address_only(client, login, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        login("wrong password", address="198.51.100.1")

    assert login(PASSWORD, address="198.51.100.1").status_code == 429
    assert login(PASSWORD, address="203.0.113.7").status_code == 302
    assert signed_in(client)


def test_a_success_before_the_limit_forgets_earlier_failures(client, login, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    login("wrong password")
    login("wrong password")
    assert login(PASSWORD).status_code == 302
    client.logout()

    login("wrong password")
    login("wrong password")

    assert login(PASSWORD).status_code == 302


def test_with_two_factor_on_staff_need_the_code_from_their_authenticator(
    client, login, staff, settings
):
    settings.ADMIN_TWO_FACTOR = True
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()

    without_code = login(PASSWORD)
    assert without_code.status_code == 200
    assert not signed_in(client)
    # The form now offers the person's devices to take the code from.
    assert device.persistent_id in without_code.content.decode()
    wrong_code = login(
        PASSWORD, otp_device=device.persistent_id, otp_token=f"{(code + 1) % 10**6:06d}"
    )
    assert wrong_code.status_code == 200
    assert not signed_in(client)

    # After a wrong code the device waits a moment before it takes another (django-otp).
    with time_machine.travel(timezone.now() + timedelta(seconds=10)):
        code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        with_code = login(PASSWORD, otp_device=device.persistent_id, otp_token=f"{code:06d}")
        assert with_code.status_code == 302
        assert signed_in(client)


def test_with_two_factor_on_a_password_only_session_is_sent_to_sign_in(client, staff, settings):
    client.force_login(staff)
    assert signed_in(client)

    settings.ADMIN_TWO_FACTOR = True

    assert client.get(reverse("admin:index")).status_code == 302
