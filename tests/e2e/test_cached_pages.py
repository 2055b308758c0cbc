"""The comment form and the sign-up box work on an article page served from the page cache."""

import pytest
from playwright.sync_api import expect

from comments.models import PendingComment
from subscriptions.models import Subscriber
from tests.factories import ArticleFactory


@pytest.fixture
def article(transactional_db):
    return ArticleFactory(title="Talks resume in Geneva", slug="talks-resume")


def stored_page(page, url):
    """Open `url` as a second guest would: the page comes from the store, without any cookie."""
    page.request.get(url)
    response = page.goto(url)
    assert response.headers["x-page-cache"] == "hit"
    assert "csrfmiddlewaretoken" not in page.content()
    return response


def test_a_guest_comments_through_the_form_of_a_stored_page(article, page, live_site):
    stored_page(page, live_site.url + article.get_absolute_url())

    page.get_by_role("textbox", name="Name", exact=True).fill("Rana Haddad")
    page.get_by_role("textbox", name="Email", exact=True).fill("rana@example.org")
    page.get_by_role("textbox", name="Comment", exact=True).fill("Posted from a stored page.")
    page.get_by_role("button", name="Post comment").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert PendingComment.objects.get().data["comment"] == "Posted from a stored page."
    assert page.context.cookies() == []


def test_a_guest_subscribes_through_the_sidebar_of_a_stored_page(article, page, live_site):
    stored_page(page, live_site.url + "/")

    page.get_by_placeholder("Email address").fill("reader@example.org")
    page.get_by_role("button", name="Subscribe").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert Subscriber.objects.get().email == "reader@example.org"
