"""The Content-Security-Policy blocks nothing our own pages need: a real browser loads the main
pages, their scripts and the admin's rich-text editor without a single violation or error."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from comments.models import Comment
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

# Recorded from the page's first instant, before any of its own scripts run.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def picture(name: str) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (900, 500), (30, 90, 160)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def article(transactional_db, settings):
    settings.IMAGE_MAX_PX = 900
    author = AuthorFactory(name="Layla Mansour", photo=picture("layla.jpg"))
    article = ArticleFactory(
        title="Talks resume in Geneva", authors=[author], image=picture("geneva.jpg")
    )
    for n in range(3):
        Comment.objects.create(
            content_object=article,
            site_id=settings.SITE_ID,
            user_name=f"Reader {n}",
            user_email=f"reader{n}@example.org",
            comment=f"Comment number {n}.",
            is_public=True,
        )
    return article


@pytest.fixture
def watched_page(page):
    """The browser page, with every policy violation and console error it meets recorded."""
    page.add_init_script(RECORD_VIOLATIONS)
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


def assert_clean(page, *, status: int = 200):
    assert page.evaluate("window.__cspViolations") == []
    # The browser logs a page answered with an error status as a failed load: not ours to mind.
    own_status = f"status of {status} "
    assert [error for error in page.console_errors if own_status not in error] == []


def test_reader_pages_run_their_scripts_and_show_images_under_the_policy(
    article, watched_page, live_server
):
    page = watched_page
    response = page.goto(live_server.url + "/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert_clean(page)

    response = page.goto(live_server.url + article.get_absolute_url())
    assert response.headers["content-security-policy"]
    # comments.js ran: it prepared the reply links for the inline reply form.
    reply = page.locator("[data-reply-to]").first
    expect(reply).to_have_attribute("aria-expanded", "false")
    reply.click()
    expect(page.locator("#respond.is-reply")).to_be_visible()
    # The featured image loaded from the media address.
    assert (
        page.evaluate("document.querySelector('.article-image img, figure img').naturalWidth") > 0
    )
    assert_clean(page)

    for address in [
        article.authors.get().get_absolute_url(),
        article.section.get_absolute_url(),
        "/subscribe/",
    ]:
        page.goto(live_server.url + address)
        assert_clean(page)


def test_admin_article_page_and_its_editor_work_under_the_policy(
    article, watched_page, live_server
):
    page = watched_page
    UserFactory(username="chief", is_staff=True, is_superuser=True)

    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    expect(
        page.get_by_role("link", name="Log out").or_(page.get_by_role("button", name="Log out"))
    ).to_be_visible()

    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    # The rich-text editor, a module loaded through the import map the policy allows by hash.
    expect(page.locator(".ProseMirror:visible")).to_have_count(1)
    page.goto(live_server.url + "/admin/subscriptions/subscriber/")
    expect(page.locator(".subscriber-counts")).to_have_css("display", "flex")
    page.goto(live_server.url + "/admin/articles/article/add/")
    expect(page.locator(".ProseMirror:visible")).to_have_count(1)
    page.goto(live_server.url + "/admin/articles/libraryimage/add/")
    expect(page.locator("#libraryimage_form")).to_be_visible()
    # Moderation: the comment list and one comment's page.
    comment = Comment.objects.filter(object_pk=article.pk).first()
    page.goto(live_server.url + "/admin/comments/comment/")
    expect(page.locator("#changelist")).to_be_visible()
    page.goto(live_server.url + f"/admin/comments/comment/{comment.pk}/change/")
    expect(page.locator("#comment_form")).to_be_visible()
    assert_clean(page)


def test_sign_in_pages_with_lockout_and_second_factor_work_under_the_policy(
    transactional_db, watched_page, live_server, settings
):
    page = watched_page
    settings.AXES_FAILURE_LIMIT = 2
    settings.ADMIN_TWO_FACTOR = True
    UserFactory(username="chief", is_staff=True)

    for password in ["wrong", "also wrong"]:
        page.goto(live_server.url + "/admin/login/")
        expect(page.get_by_label("OTP Token")).to_be_visible()
        page.get_by_label("Username").fill("chief")
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Sign-in blocked for a while")).to_be_visible()
    assert_clean(page, status=429)
