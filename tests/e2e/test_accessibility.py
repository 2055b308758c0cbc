"""axe-core finds no serious or critical accessibility problem on the pages readers use most, on a
phone and a desktop, in light and dark mode; each check leaves a screenshot in test-artifacts/.

One test per page, seeded once (pytest-django empties the database after each live-server test)
and checked in its four variants in one browser.
"""

import json
from datetime import timedelta
from itertools import product
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from comments.models import Comment, Linkback
from tests.e2e.conftest import SERIOUS
from tests.factories import ArticleFactory, AuthorFactory, PageFactory, SectionFactory

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "accessibility"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
SCHEMES = ["light", "dark"]
PAGES = ["home", "article", "author", "section", "search", "subscribe", "reply"]


@pytest.fixture
def seeded(transactional_db) -> dict[str, str]:
    """A small site with every kind of content the checked pages show; each page's address."""
    now = timezone.now()
    writers = [
        AuthorFactory(name="Layla Mansour", slug="layla-mansour"),
        AuthorFactory(name="Omar Haddad", slug="omar-haddad"),
    ]
    sections = [
        SectionFactory(name=name, slug=slug, order=n)
        for n, (name, slug) in enumerate(
            [("Energy Watch", "energy-watch"), ("Gulf Diplomacy", "gulf"), ("Elections", "votes")]
        )
    ]
    PageFactory(slug="introduction", title="Introduction")
    articles = [
        ArticleFactory(
            title=f"Talks over the pipeline reach round {n}",
            slug=f"pipeline-round-{n}",
            section=sections[n % len(sections)],
            authors=writers[: 1 + n % 2],
            tags=["Energy", "Talks"],
            body="<p>" + "Negotiators met again to discuss the terms. " * 60 + "</p>",
            published_at=now - timedelta(days=n * 9 + 1),
        )
        for n in range(14)
    ]
    article = articles[1]
    Linkback.objects.create(source=articles[0], target=article)
    names = ["Rana Haddad", "Sami Ode", "Yusuf Al-Amin", "Maya K", "Ines T", "Karim B", "Lea M"]
    first = None
    for n, name in enumerate(names):
        comment = Comment.objects.create(
            content_object=article,
            site_id=settings.SITE_ID,
            user_name=name,
            user_email=f"reader{n}@example.org",
            comment=f"A point about round {n}: see https://example.org/{n} for the numbers.",
            parent_id=first.pk if first and n % 3 == 2 else 0,
            is_public=True,
        )
        first = first or comment
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "author": writers[0].get_absolute_url(),
        "section": sections[0].get_absolute_url(),
        "search": "/search/?q=pipeline",
        "subscribe": "/subscribe/",
        "reply": f"/comments/reply/{first.pk}/",
    }


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations(name, seeded, axe_source, browser, live_server):
    found = {}
    for width, scheme in product(WIDTHS, SCHEMES):
        serious = _serious_violations(
            browser,
            live_server.url + seeded[name],
            axe_source,
            shot=f"{name}-{width}-{scheme}",
            width=width,
            scheme=scheme,
        )
        if serious:
            found[f"{width}, {scheme}"] = _summary(serious)
    assert found == {}, json.dumps(found, indent=1)


def _serious_violations(browser, url: str, axe_source: str, *, shot: str, width: str, scheme: str):
    """axe's serious and critical findings on `url`; a full-page screenshot goes beside them."""
    # The page's own policy may forbid injected scripts; axe is the test's, not the page's.
    context = browser.new_context(viewport=WIDTHS[width], color_scheme=scheme, bypass_csp=True)
    try:
        page = context.new_page()
        response = page.goto(url)
        assert response.status == 200, url
        page.evaluate(axe_source)
        results = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations', 'passes']})"
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{shot}.png", full_page=True)
    finally:
        context.close()
    # Proof that axe looked at the page's text and colours at all.
    assert "color-contrast" in {rule["id"] for rule in results["passes"]}, url
    return [v for v in results["violations"] if v["impact"] in SERIOUS]


def _summary(violations) -> list[dict]:
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "count": len(v["nodes"]),
            "first": [node["target"] for node in v["nodes"][:3]],
            "why": v["nodes"][0]["failureSummary"][:300],
        }
        for v in violations
    ]
