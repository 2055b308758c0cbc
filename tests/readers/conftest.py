import re

import pytest
from allauth.account.models import EmailAddress

from tests.factories import UserFactory

CODE = re.compile(r"^ {4}(\S+)\s*$", re.MULTILINE)


def code_in(message) -> str:
    """The sign-in code in an email as a reader reads it."""
    return CODE.search(message.get_body(("plain",)).get_content()).group(1)


@pytest.fixture
def request_code(client, run_tasks, smtp_inbox):
    """Ask for a code for `email` as the sign-in form does, and return the email that came."""

    def request(email, *, next_url=""):
        data = {"email": email}
        if next_url:
            data["next"] = next_url
        before = len(smtp_inbox.messages)
        response = run_tasks(lambda: client.post("/account/login/", data))
        new = smtp_inbox.messages[before:]
        return response, new

    return request


@pytest.fixture
def reader(db):
    """A reader with a verified address and a display name."""
    user = UserFactory(username="reader-1", email="leila@example.org", first_name="Leila Navabi")
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def signed_in(client, reader):
    """The test client signed in as `reader`, as allauth signs readers in."""
    client.force_login(reader, backend="readers.backends.ReaderBackend")
    return client
