"""Anonymous readers share stored pages; a signed-in reader's pages are their own and never
stored, so no shared page carries a reader's name."""

import pytest
from django.conf import settings

from tests.factories import ArticleFactory

from .conftest import code_in


@pytest.fixture
def article(db):
    return ArticleFactory(title="Talks resume", slug="talks-resume")


def anonymous_get(client_class, url):
    return client_class().get(url)


def test_signed_in_readers_page_is_private_and_not_stored(signed_in, article):
    url = article.get_absolute_url()

    mine = signed_in.get(url)

    assert "Leila Navabi" in mine.content.decode()
    assert "X-Page-Cache" not in mine.headers
    assert "private" in mine["Cache-Control"]
    first = anonymous_get(type(signed_in), url)
    assert first["X-Page-Cache"] == "miss"
    assert "Leila Navabi" not in first.content.decode()


def test_stored_page_served_to_anonymous_readers_never_has_a_readers_name(signed_in, article):
    url = article.get_absolute_url()
    anonymous_get(type(signed_in), url)  # stored
    signed_in.get(url)
    signed_in.get("/")

    again = anonymous_get(type(signed_in), url)

    assert again["X-Page-Cache"] == "hit"
    page = again.content.decode()
    assert "Leila Navabi" not in page
    assert ">Sign in</a>" in page
    assert "Signed in as" not in page
    # The reader still gets their own page, not the stored one.
    assert "Leila Navabi" in signed_in.get(url).content.decode()


def test_after_signing_out_the_reader_shares_pages_again(signed_in, article):
    url = article.get_absolute_url()
    anonymous_get(type(signed_in), url)

    out = signed_in.post("/account/logout/")

    # The session cookie is deleted, and no message is left waiting in a cookie of its own.
    assert out.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 0
    assert "messages" not in out.cookies
    signed_in.cookies.pop(settings.SESSION_COOKIE_NAME)  # as a browser drops it
    after = signed_in.get(url)
    assert after["X-Page-Cache"] == "hit"
    assert "Leila Navabi" not in after.content.decode()


def test_an_abandoned_sign_in_keeps_the_browser_off_shared_pages_only_briefly(client, request_code):
    asked, [message] = request_code("new.reader@example.org")
    code_session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert 0 < int(code_session["max-age"]) <= settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT

    signed_in = client.post(asked.url, {"code": code_in(message)})

    assert int(signed_in.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == (
        settings.SESSION_COOKIE_AGE
    )
