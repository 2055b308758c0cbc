"""Share links on the article page: plain, correctly encoded links, no third-party code."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"
TITLE = 'Oil & gas: "talks" #2 — 50% + more? Café'


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


class _ShareLinks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and "share-link" in attributes.get("class", "").split():
            self._open = attributes | {"text": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.links.append(self._open)
            self._open = None


def share_links(content: str) -> dict[str, dict]:
    parser = _ShareLinks()
    parser.feed(content)
    return {re.sub(r".*share-(\w+)$", r"\1", link["class"]): link for link in parser.links}


@pytest.fixture
def article():
    return ArticleFactory(title=TITLE)


@pytest.fixture
def article_html(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_article_offers_every_service_and_a_copy_link(article_html):
    links = share_links(article_html)

    assert list(links) == ["email", "x", "facebook", "linkedin", "whatsapp", "bluesky", "copy"]


def test_share_addresses_carry_the_title_and_canonical_address_exactly(article_html, article):
    url = SITE + article.get_absolute_url()
    links = share_links(article_html)

    def params(service):
        return parse_qs(urlsplit(links[service]["href"]).query, strict_parsing=True)

    assert links["x"]["href"].startswith("https://x.com/intent/tweet?")
    assert params("x") == {"text": [TITLE], "url": [url]}
    assert links["facebook"]["href"].startswith("https://www.facebook.com/sharer/sharer.php?")
    assert params("facebook") == {"u": [url]}
    assert links["linkedin"]["href"].startswith("https://www.linkedin.com/sharing/share-offsite/?")
    assert params("linkedin") == {"url": [url]}
    assert links["whatsapp"]["href"].startswith("https://wa.me/?")
    assert params("whatsapp") == {"text": [f"{TITLE} {url}"]}
    assert links["bluesky"]["href"].startswith("https://bsky.app/intent/compose?")
    assert params("bluesky") == {"text": [f"{TITLE} {url}"]}
    assert links["copy"]["href"] == url


def test_email_link_is_encoded_for_mail_programs(article_html, article):
    href = share_links(article_html)["email"]["href"]

    assert href.startswith("mailto:?")
    # Mail programs read "+" as a plus sign, so spaces are %20 (RFC 6068).
    query = href.removeprefix("mailto:?")
    assert " " not in query and "+" not in query.replace("%2B", "")
    fields = dict(part.split("=", 1) for part in query.split("&"))
    assert unquote(fields["subject"]) == TITLE
    assert unquote(fields["body"]) == f"{TITLE}\n\n{SITE}{article.get_absolute_url()}"


def test_no_share_address_carries_tracking_or_the_readers_own_address(client, article):
    content = client.get(article.get_absolute_url() + "?utm_source=feed&cpage=1").content.decode()

    for link in share_links(content).values():
        assert "utm_" not in link["href"] and "cpage" not in link["href"]


def test_links_opening_a_tab_say_so_and_cannot_reach_back(article_html):
    for service, link in share_links(article_html).items():
        if service in {"email", "copy"}:
            assert "target" not in link
            continue
        assert link["target"] == "_blank"
        assert "noopener" in link["rel"].split()
        assert link["aria-label"] == f"Share on {link['text']} (opens in a new tab)"


def test_each_link_has_an_accessible_name_containing_its_visible_text(article_html):
    for link in share_links(article_html).values():
        name = link.get("aria-label") or link["text"]
        assert link["text"].strip() and link["text"].strip() in name
    assert share_links(article_html)["copy"]["text"] == "Link to this article"
    assert '<h2 id="share-title" class="box-title">Share this article</h2>' in article_html


def test_page_loads_only_its_own_scripts(article_html):
    sources = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", article_html)
    assert any(re.fullmatch(r"/static/js/share\.[0-9a-f]+\.js", src) for src in sources)
    assert all(src.startswith("/static/") for src in sources), sources
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", article_html)
    assert all(attributes == ' type="application/ld+json"' for attributes in inline), inline


def test_a_draft_has_no_share_links(client):
    draft = ArticleFactory(draft=True)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    content = client.get(draft.get_absolute_url()).content.decode()

    assert "Preview:" in content and share_links(content) == {}
