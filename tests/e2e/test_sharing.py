"""The copy-link button: with JavaScript it copies the article's address and says so; without,
it is a plain link to the article."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory


@pytest.fixture
def article(transactional_db, live_site):
    return ArticleFactory(title="Ceasefire talks move to Geneva")


def test_copy_link_button_copies_the_article_address(browser, live_site, article):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(live_site.url + article.get_absolute_url())

    share = page.get_by_role("region", name="Share this article")
    share.get_by_role("button", name="Copy link").click()

    # The clipboard answers asynchronously: wait for the message rather than read it at once.
    expect(share.get_by_role("status")).to_have_text("Link copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == live_site.url + article.get_absolute_url()
    assert share.get_by_role("link", name="Share on Bluesky (opens in a new tab)").is_visible()
    context.close()


def test_without_javascript_copy_link_is_a_plain_link(browser, live_site, article):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_site.url + article.get_absolute_url())

    link = page.get_by_role("link", name="Link to this article")
    assert link.get_attribute("href") == live_site.url + article.get_absolute_url()
    context.close()
