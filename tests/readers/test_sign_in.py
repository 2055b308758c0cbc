"""Readers sign in with a code emailed to them (through the mail queue, to a real SMTP server):
new and known addresses alike, codes that expire and allow few tries."""

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.factories import UserFactory

from .conftest import code_in

User = get_user_model()


def confirm(client, code, *, url="/account/login/code/confirm/"):
    return client.post(url, {"code": code})


def test_new_address_gets_a_code_that_opens_a_new_account(client, request_code):
    response, [message] = request_code("new.reader@example.org")
    assert response.status_code == 302
    assert response.url == "/account/login/code/confirm/"
    assert message["To"] == "new.reader@example.org"
    assert "sign-in code" in message["Subject"]

    response = confirm(client, code_in(message))

    assert response.status_code == 302
    user = User.objects.get(email="new.reader@example.org")
    assert client.get("/account/").context["user"] == user
    # The address is proven by the code, and nothing public is drawn from it.
    assert user.emailaddress_set.get().verified
    assert "new.reader" not in user.username
    assert not user.has_usable_password()


def test_known_and_new_addresses_get_the_same_answer_and_the_same_kind_of_email(
    client, request_code
):
    UserFactory(email="known@example.org")
    known, [known_mail] = request_code("known@example.org")
    known_page = client.get(known.url)
    client.cookies.clear()
    new, [new_mail] = request_code("stranger@example.org")
    new_page = client.get(new.url)

    assert known.status_code == new.status_code == 302
    assert known.url == new.url
    assert known_page.status_code == new_page.status_code == 200

    def wording(page, email):
        return page.content.decode().replace(email, "EMAIL").split("csrfmiddlewaretoken")[0]

    assert wording(known_page, "known@example.org") == wording(new_page, "stranger@example.org")
    assert known_mail["Subject"].rsplit(":", 1)[0] == new_mail["Subject"].rsplit(":", 1)[0]
    known_text = known_mail.get_body(("plain",)).get_content().replace(code_in(known_mail), "C")
    new_text = new_mail.get_body(("plain",)).get_content().replace(code_in(new_mail), "C")
    assert known_text == new_text


def test_a_known_reader_signs_in_and_lands_where_they_were(client, request_code):
    user = UserFactory(email="known@example.org", first_name="Kamal")
    asked, [message] = request_code("known@example.org", next_url="/2026/01/02/a-story/")
    # The page that asks for the code carries the address to return to.
    page = client.get(asked.url)
    assert b'value="/2026/01/02/a-story/"' in page.content

    response = confirm(client, code_in(message), url=asked.url)

    assert response.url == "/2026/01/02/a-story/"
    assert client.get("/account/").context["user"] == user


def test_a_wrong_code_is_refused_and_the_third_wrong_try_ends_the_code(client, request_code):
    _, [message] = request_code("new.reader@example.org")
    right = code_in(message)

    first = confirm(client, "WRONG1")
    assert first.status_code == 200
    assert "_auth_user_id" not in client.session
    confirm(client, "WRONG2")
    third = confirm(client, "WRONG3")

    assert third.status_code == 302
    assert third.url.startswith("/account/login/")
    # The right code no longer works: the reader must ask for a new one.
    after = confirm(client, right)
    assert after.status_code == 302 and after.url.startswith("/account/login/")
    assert "_auth_user_id" not in client.session


def test_a_code_stops_working_after_its_time(client, request_code, settings):
    _, [message] = request_code("new.reader@example.org")
    later = timezone.now() + timezone.timedelta(seconds=settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT + 5)

    with time_machine.travel(later):
        response = confirm(client, code_in(message))

    assert response.status_code == 302
    assert response.url.startswith("/account/login/")
    assert "_auth_user_id" not in client.session


def test_sign_in_requests_from_one_ip_are_limited(client, settings, db):
    settings.READER_SIGNINS_PER_IP = (2, 600)
    for n in range(2):
        assert client.post("/account/login/", {"email": f"r{n}@example.org"}).status_code == 302
        client.cookies.clear()  # a new browser each time, as a script would be
    refused = client.post("/account/login/", {"email": "r9@example.org"})
    assert refused.status_code == 429
    assert b"Too many sign-in codes" in refused.content


def test_codes_to_one_mailbox_are_limited_however_the_address_is_spelled(client, settings, db):
    settings.READER_CODES_PER_RECIPIENT = (1, 3600)
    assert client.post("/account/login/", {"email": "dana@example.org"}).status_code == 302
    client.cookies.clear()

    refused = client.post("/account/login/", {"email": "Dana+again@Example.org"})

    assert refused.status_code == 429
