"""The moderation queue and the article list fit a 1280 px screen: no column off to the right."""

import pytest

from articles.roles import EDITORS
from tests.e2e.signin import sign_in_staff
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor_page(live_site, page, client):
    sign_in_staff(page, client, live_site, group=EDITORS)
    page.set_viewport_size({"width": 1280, "height": 800})
    return page


def overflow(page) -> int:
    """How far the list's table reaches past the window, in pixels."""
    return page.evaluate(
        "Math.ceil(document.querySelector('#result_list').getBoundingClientRect().right)"
        " - document.documentElement.clientWidth"
    )


def test_the_lists_fit_a_1280_px_screen(editor_page, live_site):
    authors = [AuthorFactory(name=f"Correspondent number {n}") for n in range(3)]
    article = ArticleFactory(
        title="A long headline about negotiations over the strait, the tankers and the ports",
        authors=authors,
    )
    for n in range(5):
        CommentFactory(
            content_object=article,
            held=True,
            held_reasons=["links: 3", "first comment", "blocked word: pills"],
            user_name=f"A commenter with a long name {n}",
            user_email=f"a.commenter.with.a.long.address{n}@example.org",
            comment="A long comment that goes on " * 20,
        )

    editor_page.goto(f"{live_site.url}/admin/comments/comment/")
    assert editor_page.get_by_text("blocked word: pills").first.is_visible()
    assert overflow(editor_page) <= 0
    editor_page.goto(f"{live_site.url}/admin/articles/article/")
    assert overflow(editor_page) <= 0
    header = editor_page.locator("#result_list thead th.column-discussion").inner_text()
    assert header.strip().upper() == "COMMENTS"
