"""Readers comment in a real browser: the emailed confirmation, replies and newer comments in place,
and a moderator letting a held comment through."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from comments.models import Comment
from tests.e2e.signin import sign_in
from tests.factories import ArticleFactory, UserFactory

CONFIRM_LINK = re.compile(r"http://[^\s\"<]+/comments/confirm/[^/\s\"<]+/")


@pytest.fixture
def article(transactional_db):
    return ArticleFactory(title="Talks resume in Geneva", slug="talks-resume")


def add_comment(article, *, name, text, email="", parent=None, user=None) -> Comment:
    """A public comment, as if it had been posted and approved earlier."""
    return Comment.objects.create(
        content_object=article,
        site_id=settings.SITE_ID,
        user=user,
        user_name=name,
        user_email=email or f"{name.split()[0].lower()}@example.org",
        comment=text,
        parent_id=parent.pk if parent else 0,
        is_public=True,
    )


def top_level_numbers(page):
    return page.locator("[data-comment-list] > li > .comment-body .comment-number")


def test_guest_comment_is_published_from_the_emailed_link_and_numbered(
    article, page, live_site, smtp_inbox, run_task_worker
):
    """The guest's address has an approved comment on another article, so this one is not held
    as a first comment and goes public on confirmation."""
    add_comment(ArticleFactory(), name="Rana Haddad", text="An earlier, approved comment.")
    text = "The sequencing of the talks matters more than the venue."

    page.goto(live_site.url + article.get_absolute_url())
    page.get_by_role("textbox", name="Name", exact=True).fill("Rana Haddad")
    page.get_by_role("textbox", name="Email", exact=True).fill("rana@example.org")
    page.get_by_role("textbox", name="Comment", exact=True).fill(text)
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert not page.get_by_text(text).count()

    run_task_worker()
    [message] = smtp_inbox.messages
    assert message["To"] == "rana@example.org"
    link = CONFIRM_LINK.search(message.get_body(("plain",)).get_content()).group(0)
    assert link.startswith(live_site.url)

    page.goto(link)
    page.get_by_role("button", name="Publish my comment").click()

    expect(page).to_have_url(re.compile(re.escape(article.get_absolute_url()) + r"#c\d+$"))
    comment = page.locator("li.comment", has_text=text)
    expect(comment).to_be_visible()
    expect(comment.locator(".comment-number")).to_have_text("1.")
    expect(comment.locator(".comment-author")).to_have_text("Rana Haddad")


def test_reply_opens_under_the_comment_and_lands_nested_under_it(article, page, live_site, client):
    """The reader has an approved comment on another article, so their reply is not held."""
    reader = UserFactory(username="omar", first_name="Omar", last_name="Khalil")
    add_comment(ArticleFactory(), name="Omar Khalil", text="Earlier.", email=reader.email)
    parent = add_comment(article, name="Rana Haddad", text="Geneva was the only option.")
    add_comment(article, name="Sami Aziz", text="Vienna was ready too.")
    sign_in(page, client, live_site, reader)

    page.goto(live_site.url + article.get_absolute_url())
    reply_link = page.locator(f"#c{parent.pk}").get_by_role("link", name="Reply to this comment")
    expect(reply_link).to_have_attribute("aria-expanded", "false")
    reply_link.click()

    form = page.locator(f"li#c{parent.pk} > #respond")
    expect(form).to_be_visible()
    expect(form.get_by_role("heading")).to_have_text("Reply to Rana Haddad")
    expect(reply_link).to_have_attribute("aria-expanded", "true")
    expect(form.get_by_role("textbox", name="Comment", exact=True)).to_be_focused()
    expect(form.locator("input[name=reply_to]")).to_have_value(str(parent.pk))

    text = "Vienna had no delegation offices free."
    form.get_by_role("textbox", name="Comment", exact=True).fill(text)
    form.get_by_role("button", name="Post comment").click()

    reply = page.locator(f"li#c{parent.pk} > .comment-children > li.comment", has_text=text)
    expect(reply).to_be_visible()
    expect(reply.locator(".comment-number")).to_have_count(0)
    assert Comment.objects.get(comment=text).parent_id == parent.pk


def test_reply_without_javascript_uses_the_reply_page(article, browser, live_site, client):
    """The reader has an approved comment on another article, so their reply is not held."""
    reader = UserFactory(username="omar", first_name="Omar", last_name="Khalil")
    add_comment(ArticleFactory(), name="Omar Khalil", text="Earlier.", email=reader.email)
    parent = add_comment(article, name="Rana Haddad", text="Geneva was the only option.")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, client, live_site, reader)
    page.goto(live_site.url + article.get_absolute_url())

    page.locator(f"#c{parent.pk}").get_by_role("link", name="Reply to this comment").click()
    expect(page).to_have_url(re.compile(rf"/comments/reply/{parent.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Reply to Rana Haddad")
    page.get_by_role("textbox", name="Comment", exact=True).fill("Without scripts, too.")
    page.get_by_role("button", name="Post comment").click()

    reply = page.locator(f"li#c{parent.pk} > .comment-children > li.comment")
    expect(reply).to_contain_text("Without scripts, too.")
    context.close()


def test_cancel_reply_puts_the_form_back_as_a_new_comment_form(article, page, live_site):
    parent = add_comment(article, name="Rana Haddad", text="Geneva was the only option.")
    page.goto(live_site.url + article.get_absolute_url())
    reply_link = page.locator(f"#c{parent.pk}").get_by_role("link", name="Reply to this comment")
    reply_link.click()
    expect(page.locator(f"#c{parent.pk} #respond")).to_be_visible()

    page.get_by_role("button", name="Cancel reply").click()

    expect(page.locator(f"#c{parent.pk} #respond")).to_have_count(0)
    expect(page.locator("#respond").get_by_role("heading")).to_have_text("Leave a comment")
    expect(page.locator("#respond input[name=reply_to]")).to_have_value("0")
    expect(reply_link).to_have_attribute("aria-expanded", "false")
    expect(reply_link).to_be_focused()


@pytest.fixture
def long_thread(article, settings):
    """Five threads at three a page; the fourth thread has a reply."""
    settings.COMMENTS_THREADS_PER_PAGE = 3
    threads = [add_comment(article, name=f"Reader {n}", text=f"Thread {n}.") for n in range(1, 6)]
    add_comment(article, name="Rana Haddad", text="A reply on the second page.", parent=threads[3])
    return threads


def test_newer_comments_load_in_place_with_numbering_and_threading(
    article, long_thread, page, live_site
):
    url = live_site.url + article.get_absolute_url()
    page.goto(url)
    expect(top_level_numbers(page)).to_have_text(["1.", "2.", "3."])

    page.get_by_role("link", name="Newer comments").click()

    expect(top_level_numbers(page)).to_have_text(["1.", "2.", "3.", "4.", "5."])
    fourth = page.locator(f"li#c{long_thread[3].pk}")
    expect(fourth.locator(".comment-children")).to_contain_text("A reply on the second page.")
    expect(fourth).to_be_focused()
    expect(page.get_by_role("link", name="Newer comments")).to_have_count(0)
    assert page.url == url
    # Replies work on the comments that came in later too.
    fourth.get_by_role("link", name="Reply to this comment").first.click()
    expect(page.locator(f"li#c{long_thread[3].pk} > #respond")).to_be_visible()


def test_newer_comments_link_opens_the_next_page_without_javascript(
    article, long_thread, browser, live_site
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_site.url + article.get_absolute_url())

    page.get_by_role("link", name="Newer comments").click()

    expect(page).to_have_url(re.compile(r"\?cpage=2#comments$"))
    expect(top_level_numbers(page)).to_have_text(["4.", "5."])
    context.close()


def test_newer_comments_follow_the_link_when_loading_in_place_fails(
    article, long_thread, page, live_site
):
    failed = []

    def fail_fetches(route):
        if route.request.resource_type == "fetch":
            failed.append(True)
            route.fulfill(status=500, body="Server error")
        else:
            route.continue_()

    page.route("**/*cpage=2*", fail_fetches)
    page.goto(live_site.url + article.get_absolute_url())

    page.get_by_role("link", name="Newer comments").click()

    expect(page).to_have_url(re.compile(r"\?cpage=2#comments$"))
    expect(top_level_numbers(page)).to_have_text(["4.", "5."])
    assert failed == [True]


def test_comment_with_three_links_is_held_until_a_moderator_approves_it(
    article, page, browser, live_site, smtp_inbox, run_task_worker
):
    """The guest's address has an approved comment on another article, so the links are the
    only reason to hold this one."""
    add_comment(ArticleFactory(), name="Rana Haddad", text="An earlier, approved comment.")
    UserFactory(username="editor", is_staff=True, is_superuser=True)
    text = "Background: https://a.example/1 and https://b.example/2 and https://c.example/3"
    article_url = live_site.url + article.get_absolute_url()
    feeds = [live_site.url + "/comments/feed/", article_url + "feed/"]

    page.goto(article_url)
    page.get_by_role("textbox", name="Name", exact=True).fill("Rana Haddad")
    page.get_by_role("textbox", name="Email", exact=True).fill("rana@example.org")
    page.get_by_role("textbox", name="Comment", exact=True).fill(text)
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    run_task_worker()
    page.goto(CONFIRM_LINK.search(smtp_inbox.messages[0].get_body(("plain",)).get_content())[0])
    page.get_by_role("button", name="Publish my comment").click()
    expect(page.get_by_role("heading", name="awaiting moderation")).to_be_visible()

    page.goto(article_url)
    expect(page.locator("#comments-title")).to_have_text("No comments yet")
    expect(page.get_by_text("a.example")).to_have_count(0)
    for feed in feeds:
        assert "a.example" not in page.request.get(feed).text()

    moderator = browser.new_context()
    admin = moderator.new_page()
    admin.goto(live_site.url + "/admin/comments/comment/")
    admin.get_by_label("Username").fill("editor")
    admin.get_by_label("Password").fill("correct horse battery staple")
    admin.get_by_role("button", name="Log in").click()
    row = admin.locator("#result_list tbody tr", has_text="a.example")
    expect(row).to_contain_text("links: 3")
    row.locator("input[name=_selected_action]").check()
    admin.locator("select[name=action]").select_option(label="Approve selected comments")
    admin.get_by_role("button", name="Go").click()
    expect(admin.get_by_text("Approved 1 comment.")).to_be_visible()
    moderator.close()

    page.goto(article_url)
    comment = page.locator("li.comment", has_text="a.example")
    expect(comment.locator(".comment-number")).to_have_text("1.")
    expect(comment.get_by_role("link", name="https://b.example/2")).to_be_visible()
    assert "a.example" in page.request.get(feeds[0]).text()
