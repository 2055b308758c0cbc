"""A reader on a phone, with JavaScript off, finds their way from the front page to an author."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import ArticleFactory, AuthorFactory, PageFactory, SectionFactory

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def site_content(transactional_db):
    author = AuthorFactory(name="Layla Mansour", bio="<p>Reports on energy and politics.</p>")
    section = SectionFactory(name="Energy Watch", slug="energy-watch")
    PageFactory(slug="introduction", title="Introduction")
    for n in range(3):
        ArticleFactory(
            title=f"Pipeline deal number {n} reshapes the market with a long headline",
            section=section,
            authors=[author],
            tags=["Energy"],
            published_at=timezone.now() - timedelta(days=n + 1),
        )
    return author


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_phone_reader_goes_from_home_to_article_to_author(site_content, phone_page, live_server):
    page = phone_page
    page.goto(live_server.url + "/")
    assert _fits_the_screen(page)

    page.get_by_role("main").get_by_role("link", name="Pipeline deal number 0").click()
    expect(page.locator("h1.article-title")).to_contain_text("Pipeline deal number 0")
    assert page.get_by_text("About the author").is_visible()
    assert _fits_the_screen(page)

    page.locator(".article-header").get_by_role("link", name="Layla Mansour").click()
    # The article page has an h1 too: wait for the author's page to replace it.
    expect(page.locator("h1")).to_have_text("Layla Mansour")
    assert page.get_by_text("Reports on energy and politics.").is_visible()
    assert page.locator(".card").count() == 3
    assert _fits_the_screen(page)
