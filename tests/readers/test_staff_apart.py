"""A reader's sign-in never opens admin, not even for a staff member's own account: admin keeps
its own login, with its lockout and second factor."""

from django.urls import reverse

from tests.factories import UserFactory

from .conftest import code_in

PASSWORD = "correct horse battery staple"  # the factory's


def admin_opens(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def test_staff_signed_in_by_emailed_code_must_still_sign_in_to_admin(client, request_code):
    staff = UserFactory(
        username="editor", email="editor@example.org", is_staff=True, is_superuser=True
    )
    asked, [message] = request_code("editor@example.org")
    client.post(asked.url, {"code": code_in(message)})
    assert client.get("/account/").context["user"] == staff

    refused = client.get(reverse("admin:index"))
    assert refused.status_code == 302
    assert refused.url.startswith(reverse("admin:login"))

    client.post(
        reverse("admin:login"), {"username": "editor", "password": PASSWORD, "next": "/admin/"}
    )
    assert admin_opens(client)


def test_reader_session_of_a_staff_account_is_refused_by_admin(client, db):
    staff = UserFactory(username="editor", is_staff=True, is_superuser=True)
    client.force_login(staff, backend="readers.backends.ReaderBackend")

    assert not admin_opens(client)
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    assert admin_opens(client)


def test_reader_backend_accepts_no_password(client, db):
    UserFactory(username="reader", email="reader@example.org", password=PASSWORD)
    from readers.backends import ReaderBackend

    assert ReaderBackend().authenticate(None, username="reader", password=PASSWORD) is None
    assert ReaderBackend().authenticate(None, email="reader@example.org", password=PASSWORD) is None


def test_staff_cannot_close_their_account_from_the_reader_page(client, db):
    staff = UserFactory(username="editor", is_staff=True)
    client.force_login(staff, backend="readers.backends.ReaderBackend")

    response = client.post("/account/delete/", {"comments": "remove", "confirm": "on"})

    assert response.status_code == 403
    staff.refresh_from_db()  # still there
