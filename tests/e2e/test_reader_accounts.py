"""A reader signs in with a code emailed to them (read from the real SMTP server), comments
without any confirmation, and signs out, in a real browser."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from playwright.sync_api import expect

from comments.models import Comment
from tests.e2e.conftest import SERIOUS
from tests.factories import ArticleFactory, CommentFactory, UserFactory

CODE = re.compile(r"^ {4}(\S+)\s*$", re.MULTILINE)


@pytest.fixture
def article(transactional_db):
    return ArticleFactory(title="Talks resume in Geneva", slug="talks-resume")


@pytest.fixture
def reader(transactional_db):
    user = UserFactory(username="reader-1", email="leila@example.org", first_name="Leila Navabi")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    # An approved comment before: this one is not held as a first comment.
    CommentFactory(user_email=user.email, user_name="Leila Navabi")
    return user


def test_sign_in_by_emailed_code_comment_at_once_and_sign_out(
    article, reader, page, live_site, smtp_inbox, run_task_worker
):
    page.goto(live_site.url + article.get_absolute_url())
    page.locator(".site-account").get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_role("textbox", name="Email", exact=True).fill("leila@example.org")
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    run_task_worker()
    [message] = smtp_inbox.messages
    assert message["To"] == "leila@example.org"
    code = CODE.search(message.get_body(("plain",)).get_content()).group(1)
    page.get_by_role("textbox", name="Code", exact=True).fill(code)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(re.escape(article.get_absolute_url()) + "$"))
    form = page.locator("#respond")
    expect(form.get_by_text("Signed in as")).to_contain_text("Leila Navabi")
    expect(form.get_by_role("textbox", name="Email", exact=True)).to_have_count(0)
    text = "Published the moment I post it."
    form.get_by_role("textbox", name="Comment").fill(text)
    form.get_by_role("button", name="Post comment").click()

    comment = page.locator("li.comment", has_text=text)
    expect(comment).to_be_visible()
    expect(comment.locator(".comment-author")).to_have_text("Leila Navabi")
    assert Comment.objects.get(comment=text).is_public
    assert len(smtp_inbox.messages) == 1  # no confirmation email

    page.locator("#respond").get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".site-account").get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(live_site.url + article.get_absolute_url())
    expect(
        page.locator("#respond").get_by_role("textbox", name="Email", exact=True)
    ).to_be_visible()


@pytest.mark.parametrize("path", ["/account/login/", "/account/", "/account/delete/"])
def test_reader_pages_have_no_serious_accessibility_problems(
    path, reader, article, browser, live_site, client, axe_source
):
    CommentFactory(content_object=article, user=reader, user_email=reader.email, followup=True)
    client.force_login(reader, backend="readers.backends.ReaderBackend")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    found = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, bypass_csp=True)
        if path != "/account/login/":
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_site.url}]
            )
        try:
            page = context.new_page()
            assert page.goto(live_site.url + path).status == 200
            assert page.url == live_site.url + path  # signed in: not sent to the sign-in page
            page.evaluate(axe_source)
            results = page.evaluate("async () => await axe.run(document)")
        finally:
            context.close()
        serious = [v["id"] for v in results["violations"] if v["impact"] in SERIOUS]
        if serious:
            found[scheme] = serious
    assert found == {}
