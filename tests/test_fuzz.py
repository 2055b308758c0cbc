"""Hostile input everywhere a stranger can reach: malformed, huge, unicode (control, bidi,
zero-width), null bytes and injections, into every public URL, query parameter and form, feeds
included. Nothing answers 500, nothing stored is damaged, and bad input gets a clear answer.

Property-based (hypothesis) over a corpus of known troublemakers and generated text.
"""

import string
from urllib.parse import quote
from xml.dom.minidom import parseString

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from comments.models import Comment, PendingComment
from subscriptions.models import Subscriber
from tests.factories import ArticleFactory, CommentFactory, comment_post_data

pytestmark = pytest.mark.django_db

CORPUS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x0b\x0c\x1b[31m\x07\x08\x7f",
    "\u202eevil\u202c",
    "\u200b\u200c\u200d\ufeff",
    "\ud7ff\ue000\uffff",
    "💥🇺🇦👩‍👩‍👧",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR 1=1 --",
    "'; DROP TABLE articles_article; --",
    "../../../../etc/passwd",
    "%00%2e%2e%2f",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "${jndi:ldap://x}",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 40,
    "-" + "9" * 30,
    "a" * 10_000,
    "ä" * 3_000,
    "\r\nSet-Cookie: x=1",
]


def corpus(*names: str):
    """Try every corpus entry in each of `names`, before what hypothesis makes up."""

    def decorate(test):
        for value in CORPUS:
            test = example(**dict.fromkeys(names, value))(test)
        return test

    return decorate


# Text a URL or form can carry: any character but lone surrogates, which UTF-8 cannot encode.
TEXT = st.one_of(
    st.sampled_from(CORPUS),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=300),
    st.text(string.printable, max_size=50),
)
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Characters XML 1.0 cannot carry at all: a feed with one is broken for every reader.
XML_FORBIDDEN = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\ufffe", "\uffff"}


@pytest.fixture
def site(db):
    article = ArticleFactory(title="Talks resume")
    CommentFactory(content_object=article, comment="A first point.")
    return article


def answer(client: Client, method: str, path: str, **kwargs):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code < 500, f"{method.upper()} {path!r} answered {response.status_code}"
    return response


def query(value: str) -> str:
    return quote(value, safe="")


@FUZZ
@given(value=TEXT)
@corpus("value")
def test_query_parameters_of_public_pages(client, site, value):
    article = site.get_absolute_url()
    # Each page with the parameters it reads, and one it does not.
    for path, names in [
        ("/", ("page", "utm_source")),
        (article, ("cpage", "page")),
        (f"/section/{site.section.slug}/", ("page",)),
        (f"/{site.published_at:%Y}/", ("page",)),
        (f"/{site.published_at:%Y/%m}/", ("page",)),
        ("/comments/feed/", ("page",)),
        (f"{article}feed/", ("page",)),
        ("/feed/", ("page", "utm_source")),
        (f"/section/{site.section.slug}/feed/atom/", ("page",)),
        ("/sitemap.xml", ("p",)),
        ("/sitemap-articles.xml", ("p", "page")),
        ("/subscribe/", ("next",)),
        ("/search/", ("q", "page", "section", "author", "year", "sort")),
    ]:
        for name in names:
            answer(client, "get", f"{path}?{name}={query(value)}")


@FUZZ
@given(value=TEXT)
@corpus("value")
def test_path_segments_of_public_urls(client, site, value):
    segment = query(value) or "x"
    for path in [
        f"/{segment}/",
        f"/section/{segment}/",
        f"/tag/{segment}/",
        f"/author/{segment}/",
        f"/section/{segment}/feed/",
        f"/tag/{segment}/feed/atom/",
        f"/author/{segment}/feed/",
        f"/sitemap-{segment}.xml",
        f"/comments/confirm/{segment}/",
        f"/comments/mute/{segment}/",
        f"/subscribe/confirm/{segment}/",
        f"/subscribe/manage/{segment}/",
        f"/subscribe/unsubscribe/{segment}/",
        f"/comments/reply/{segment}/",
        f"/comments/report/{segment}/",
    ]:
        answer(client, "get", path)


@FUZZ
@given(name=TEXT, email=TEXT, url=TEXT, text=TEXT)
@corpus("name", "email", "url", "text")
def test_the_comment_form_keeps_what_it_accepts_and_explains_what_it_refuses(
    client, site, name, email, url, text
):
    data = comment_post_data(site, name=name, email=email, url=url, comment=text)
    before = PendingComment.objects.count()

    response = answer(client, "post", "/comments/post/", data=data)

    if response.status_code == 302:
        kept = PendingComment.objects.latest("pk").data
        assert PendingComment.objects.count() == before + 1
        # Stored as typed, bar characters nobody can see or type on purpose.
        assert _visible(kept["comment"]) == _visible(text).strip()
        assert _visible(kept["name"]) == _visible(name).strip()
    else:
        assert PendingComment.objects.count() == before
        page = response.content.decode()
        assert response.status_code in (200, 400, 403, 429)
        if response.status_code == 200:
            assert 'class="errorlist' in page or "error" in page.lower()


@FUZZ
@given(email=TEXT)
@corpus("email")
def test_the_sign_up_form_never_fails_and_stores_only_addresses(client, db, email):
    response = answer(client, "post", "/subscribe/", data={"email": email})

    assert response.status_code in (200, 302, 429)
    for subscriber in Subscriber.objects.all():
        assert "@" in subscriber.email and not set(subscriber.email) & XML_FORBIDDEN


@FUZZ
@given(text=TEXT, name=TEXT)
@corpus("text", "name")
def test_pages_and_feeds_stay_whole_whatever_a_public_comment_says(client, site, text, name):
    # Comments come in through the form, which refuses NUL bytes (above).
    text, name = text.replace("\x00", "") or "x", name.replace("\x00", "")[:50] or "x"
    comment = CommentFactory(content_object=site, comment=text, user_name=name)
    try:
        page = answer(client, "get", site.get_absolute_url())
        assert page.status_code == 200
        for feed in ("/comments/feed/", f"{site.get_absolute_url()}feed/"):
            response = answer(client, "get", feed)
            assert response.status_code == 200
            parseString(response.content)  # well-formed XML, or this raises
    finally:
        comment.delete()  # each example on its own


@FUZZ
@given(text=TEXT)
@corpus("text")
def test_article_feeds_and_sitemaps_stay_whole_whatever_an_editor_types(client, site, text):
    # The admin's forms refuse NUL bytes, as every Django form does.
    text = text.replace("\x00", "")
    site.title, site.standfirst, site.body = text[:250] or "x", text, f"<p>{text}</p>"
    site.save()
    with override_settings(FEED_FULL_CONTENT=True):
        for url in (
            "/feed/",
            "/feed/atom/",
            f"/section/{site.section.slug}/feed/",
            "/sitemap-articles.xml",
            "/sitemap-news.xml",
        ):
            response = answer(client, "get", url)
            assert response.status_code == 200
            parseString(response.content)  # well-formed XML, or this raises


@FUZZ
@given(reason=TEXT)
@corpus("reason")
def test_reporting_a_comment_with_any_reason(client, site, reason):
    comment = Comment.objects.first()
    answer(client, "post", f"/comments/report/{comment.pk}/", data={"reason": reason})


def _visible(text: str) -> str:
    return "".join(ch for ch in text if ch not in XML_FORBIDDEN and ch != "\x00")
