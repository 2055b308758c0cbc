from html.parser import HTMLParser

import pytest

from articles.html import sanitize_html
from articles.models import Article, Author, Page
from tests.factories import ArticleFactory, AuthorFactory, PageFactory, SectionFactory

XSS_PAYLOADS = [
    '<script>alert("xss")</script>',
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    "<svg onload=alert(1)><circle r=1></circle></svg>",
    '<iframe src="https://evil.example/"></iframe>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    '<form action="https://evil.example/"><input name="password"><button>Go</button></form>',
    '<p onclick="alert(1)">click me</p>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<img src="javascript:alert(1)">',
    "<style>body { display: none }</style><p>text</p>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
]

DANGEROUS_TAGS = {
    "script", "style", "svg", "math", "iframe", "frame", "object", "embed", "form", "input",
    "button", "meta", "base", "link", "noscript", "textarea", "select",
}  # fmt: skip
SAFE_SCHEMES = ("http:", "https:", "mailto:")


class _Tags(HTMLParser):
    """Collects every start tag and its attributes, as a browser would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_harmless(html: str) -> None:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.found:
        assert tag not in DANGEROUS_TAGS, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name not in {"style", "srcdoc", "formaction", "xlink:href"}, html
            if name in {"href", "src", "action"} and value and ":" in value:
                # Anything with a scheme must be one of ours; relative URLs are fine.
                scheme = "".join(value.split()).lower()
                assert scheme.startswith(SAFE_SCHEMES), html
    lowered = html.lower()
    assert "javascript:" not in lowered, html
    assert "<script" not in lowered, html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitize_html_removes_script_vectors(payload):
    assert_harmless(sanitize_html(payload))


def test_sanitize_html_removes_every_payload_at_once():
    assert_harmless(sanitize_html("".join(XSS_PAYLOADS)))


def test_sanitize_html_keeps_the_text_around_removed_attributes():
    assert sanitize_html('<p onclick="alert(1)" style="color:red">Kept</p>') == "<p>Kept</p>"


def test_sanitize_html_turns_nothing_into_an_empty_string():
    assert sanitize_html(None) == ""
    assert sanitize_html("") == ""


ALLOWED_HTML = [
    "<h2>Heading</h2>",
    "<h3>Subheading</h3>",
    "<p>A paragraph with <strong>bold</strong> and <em>italic</em> words.</p>",
    '<p><a href="https://example.org/report">The report</a></p>',
    '<p><a href="mailto:editor@example.org">Write to us</a></p>',
    "<ul><li>One</li><li>Two</li></ul>",
    "<ol><li>First</li><li>Second</li></ol>",
    "<blockquote><p>A quotation.</p></blockquote>",
    '<figure><img src="https://example.org/map.jpg" alt="A map"><figcaption>The map</figcaption>'
    "</figure>",
    "<table><tbody><tr><th>Year</th><th>Output</th></tr><tr><td>2024</td><td>3.1</td></tr>"
    "</tbody></table>",
]


@pytest.mark.parametrize("html", ALLOWED_HTML)
def test_sanitize_html_keeps_what_the_editor_makes(html):
    assert sanitize_html(html) == html


# Every way a row is written sanitises it, not only the admin form.

MIXED = '<p onclick="alert(1)">Hello <a href="javascript:alert(1)">you</a></p><script>x()</script>'


@pytest.mark.django_db
def test_article_created_through_the_manager_has_a_sanitised_body():
    article = Article.objects.create(
        title="Direct", slug="direct", section=SectionFactory(), body=MIXED
    )

    stored = Article.objects.get(pk=article.pk).body
    assert_harmless(stored)
    assert "Hello" in stored


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_article_body_is_sanitised_on_save(payload):
    article = ArticleFactory()

    article.body = f"<p>Intro</p>{payload}"
    article.save()

    stored = Article.objects.get(pk=article.pk).body
    assert_harmless(stored)
    assert "<p>Intro</p>" in stored


@pytest.mark.django_db
def test_article_body_keeps_allowed_html_on_save():
    body = "".join(ALLOWED_HTML)

    article = ArticleFactory(body=body)

    assert Article.objects.get(pk=article.pk).body == body


@pytest.mark.django_db
def test_author_bio_is_sanitised_on_save():
    author = Author.objects.create(name="Direct", slug="direct", bio=MIXED)

    stored = Author.objects.get(pk=author.pk).bio
    assert_harmless(stored)
    assert "Hello" in stored


@pytest.mark.django_db
def test_author_bio_keeps_links_and_emphasis():
    bio = '<p>Writes for <a href="https://example.org/">Example</a>, <em>mostly</em>.</p>'

    author = AuthorFactory(bio=bio)

    assert Author.objects.get(pk=author.pk).bio == bio


@pytest.mark.django_db
def test_page_body_is_sanitised_on_save():
    page = Page.objects.create(title="About", slug="about", body=MIXED)

    stored = Page.objects.get(pk=page.pk).body
    assert_harmless(stored)
    assert "Hello" in stored


@pytest.mark.django_db
def test_page_body_is_sanitised_when_edited():
    page = PageFactory()

    page.body = '<p>Donate</p><iframe src="https://evil.example/"></iframe>'
    page.save()

    assert Page.objects.get(pk=page.pk).body == "<p>Donate</p>"
