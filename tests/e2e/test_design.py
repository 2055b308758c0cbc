"""What the stylesheet promises, in a real browser: the phone menu on one line, dark mode from the
reader's system, visible focus, and a print layout without the site around the article."""

from pathlib import Path

import pytest

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "design"


@pytest.fixture
def article(transactional_db):
    for name in ["Energy Watch", "Gulf Diplomacy", "Elections and Parties", "Opinion", "Economy"]:
        SectionFactory(name=name)
    return ArticleFactory(
        title="Talks resume in Geneva",
        section=SectionFactory(name="Syria Daily", slug="syria-daily"),
        authors=[AuthorFactory(name="Layla Mansour")],
        body='<p>Read <a href="https://example.org/report">the report</a> first.</p>' * 30,
    )


def test_phone_menu_stays_on_one_line_and_marks_its_section_without_javascript(
    article, browser, live_server
):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/section/syria-daily/")

    tops = page.locator(".section-nav li").evaluate_all("items => items.map(i => i.offsetTop)")
    assert len(set(tops)) == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator('.section-nav [aria-current="page"]').inner_text() == "Syria Daily"
    context.close()


def test_dark_mode_follows_the_system_and_focus_is_always_visible(article, browser, live_server):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())

    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(21, 23, 27)"
    for _ in range(6):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth]; })()"
        )
        assert outline[0] != "none" and outline[1] != "0px", outline
    context.close()


def test_print_leaves_out_the_site_around_the_article_and_shows_where_links_go(
    article, page, live_server
):
    page.goto(live_server.url + article.get_absolute_url())
    page.emulate_media(media="print")

    for selector in [".section-nav", ".sidebar", ".site-search", ".comment-form", ".archive-nav"]:
        assert page.locator(selector).first.evaluate("e => getComputedStyle(e).display") == "none"
    after = page.locator(".prose a").first.evaluate("a => getComputedStyle(a, '::after').content")
    assert after == '" (https://example.org/report)"'
    assert page.locator(".article-title").is_visible()
    # For a look by eye (test-artifacts/ is not committed).
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=ARTIFACTS / "article-print.pdf")
    page.screenshot(path=ARTIFACTS / "article-print.png", full_page=True)
