"""No script runs from anything a commenter controls, and every comment POST needs a CSRF token."""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client

from comments.models import Comment, PendingComment
from comments.notifications import mute_token
from comments.services import comment_published
from comments.tokens import CONFIRM_SALT, make_token
from tests.factories import AuthorFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

# Each at most 50 characters, the longest name a comment may have.
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "<svg onload=alert(1)>",
    "'\"><iframe src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<body onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>>alert(1)//<</script>",
    '<div style="background:url(javascript:alert(1))">',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    'https://x.example/"onmouseover="alert(1)',
    "www.x.example/<script>alert(1)</script>",
    "<details open ontoggle=alert(1)>",
]

CONFIRM_LINK = re.compile(r"http://[^\s\"<]+(/comments/confirm/[^/\s\"<]+/)")


class _TagAudit(HTMLParser):
    """Collects, from real tags only (not escaped text), anything that could run script."""

    DANGEROUS_TAGS = {"iframe", "svg", "object", "embed", "details", "frame"}
    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and not _own_script(dict(attrs)):
            self.problems.append(f"<script> {attrs}")
        if tag in self.DANGEROUS_TAGS:
            self.problems.append(f"<{tag}> {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if (
                name in self.URL_ATTRIBUTES
                and "javascript:" in re.sub(r"\s", "", value or "").lower()
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")


def _own_script(attributes: dict) -> bool:
    # Our static files, or the page's structured data for search engines, which is never run.
    return (attributes.get("src") or "").startswith("/static/") or attributes == {
        "type": "application/ld+json"
    }


def assert_no_script(html: str) -> None:
    audit = _TagAudit()
    audit.feed(html)
    assert audit.problems == []


def payload_comment(payload, **fields) -> Comment:
    return CommentFactory(user_name=payload, comment=f"Before {payload} after", **fields)


# Name and text, wherever they are shown


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_name_and_text_runs_nothing_on_the_article_page(client, article, payload):
    payload_comment(payload, content_object=article)

    html = client.get(article.get_absolute_url()).content.decode()

    assert "Before" in html
    assert_no_script(html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_a_website_that_passed_validation_runs_nothing(client, article, payload):
    # Stored as if an older form had let it through: the page must still be safe.
    payload_comment(payload, content_object=article, user_url=payload)

    assert_no_script(client.get(article.get_absolute_url()).content.decode())


def test_a_stored_website_that_is_not_a_web_address_is_not_linked(client, article):
    CommentFactory(content_object=article, user_name="Rana", user_url="javascript:alert(1)")

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<span class="comment-author">Rana</span>' in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_name_and_text_runs_nothing_on_the_reply_page(client, article, payload):
    comment = payload_comment(payload, content_object=article)

    response = client.get(f"/comments/reply/{comment.pk}/")

    assert response.status_code == 200
    assert_no_script(response.content.decode())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_name_and_text_runs_nothing_on_the_report_page(client, article, payload):
    comment = payload_comment(payload, content_object=article)

    assert_no_script(client.get(f"/comments/report/{comment.pk}/").content.decode())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_runs_nothing_in_a_feed_reader(client, article, payload):
    payload_comment(payload, content_object=article)

    for url in ("/comments/feed/", f"{article.get_absolute_url()}feed/"):
        (item,) = ET.fromstring(client.get(url).content).find("channel").findall("item")
        # A feed reader renders title and description as HTML once the XML is decoded.
        assert "Before" in item.findtext("description")
        assert_no_script(item.findtext("description"))
        assert_no_script(item.findtext("title"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_runs_nothing_in_follow_up_and_author_emails(article, payload, run_tasks):
    CommentFactory(content_object=article, user_email="follower@example.org", followup=True)
    author = AuthorFactory(user=UserFactory(email="writer@example.org"), notify_of_comments=True)
    article.authors.add(author)
    comment = payload_comment(payload, content_object=article)

    run_tasks(lambda: comment_published(comment=comment))

    assert sorted(m.to[0] for m in mail.outbox) == ["follower@example.org", "writer@example.org"]
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert "Before" in html
        assert_no_script(html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_posted_by_a_guest_runs_nothing_from_email_to_page(
    client, article, post_data, run_tasks, settings, payload
):
    settings.COMMENTS_HOLD_FIRST_COMMENT = False
    data = post_data(article, name=payload, comment=f"Before {payload} after")

    run_tasks(lambda: client.post("/comments/post/", data))

    (message,) = mail.outbox
    assert_no_script(message.alternatives[0][0])
    client.post(CONFIRM_LINK.search(message.body).group(1))
    assert Comment.objects.get().user_name == payload
    assert_no_script(client.get(article.get_absolute_url()).content.decode())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_kept_in_a_form_shown_again_runs_nothing(client, article, post_data, payload):
    data = post_data(article, name=payload, email="not an address", comment=payload)

    response = client.post("/comments/post/", data)

    assert "Enter a valid email address." in response.content.decode()
    assert_no_script(response.content.decode())


# Website and email are checked before anything is kept


NOT_WEB_ADDRESSES = [
    *(p for p in PAYLOADS if not p.startswith(("http://", "https://"))),
    "data:text/html,<script>alert(1)</script>",
    " javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
]


@pytest.mark.parametrize("payload", NOT_WEB_ADDRESSES)
def test_website_that_is_not_http_or_https_is_refused(client, article, post_data, payload):
    response = client.post("/comments/post/", post_data(article, url=payload))

    assert "Enter a valid URL." in response.content.decode()
    assert not PendingComment.objects.exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_email_payload_is_refused_as_invalid(client, article, post_data, payload):
    response = client.post("/comments/post/", post_data(article, email=payload))

    assert "Enter a valid email address." in response.content.decode()
    assert not PendingComment.objects.exists()


# CSRF


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_a_comment_form_on_another_site_cannot_post_as_a_guest(csrf_client, article, post_data):
    response = csrf_client.post(
        "/comments/post/", post_data(article), headers={"Origin": "https://evil.example"}
    )

    assert response.status_code == 403
    assert not PendingComment.objects.exists()


def test_a_browser_reporting_a_cross_site_post_is_refused(csrf_client, article, post_data):
    response = csrf_client.post(
        "/comments/post/", post_data(article), headers={"Sec-Fetch-Site": "cross-site"}
    )

    assert response.status_code == 403
    assert not PendingComment.objects.exists()


def test_a_guest_posts_from_a_shared_page_without_a_csrf_token(csrf_client, article, post_data):
    # The article page every guest shares carries no token: the browser says the post is ours.
    response = csrf_client.post(
        "/comments/post/",
        post_data(article),
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )

    assert response.status_code == 302
    assert PendingComment.objects.count() == 1


def test_a_signed_in_reader_posting_without_a_csrf_token_is_refused(
    csrf_client, article, post_data
):
    csrf_client.force_login(UserFactory())

    response = csrf_client.post(
        "/comments/post/", post_data(article), headers={"Sec-Fetch-Site": "same-origin"}
    )

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_confirming_without_a_csrf_token_is_refused(csrf_client, article):
    pending = PendingComment.objects.create(
        data={"object_pk": str(article.pk)}, email="rana@example.org"
    )

    response = csrf_client.post(f"/comments/confirm/{make_token(pending.pk, salt=CONFIRM_SALT)}/")

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_muting_without_a_csrf_token_is_refused(csrf_client, article):
    CommentFactory(content_object=article, user_email="ann@example.org", followup=True)

    response = csrf_client.post(f"/comments/mute/{mute_token('ann@example.org', article)}/")

    assert response.status_code == 403
    assert Comment.objects.get().followup is True


def test_reporting_without_a_csrf_token_is_refused(csrf_client, article):
    comment = CommentFactory(content_object=article)

    response = csrf_client.post(f"/comments/report/{comment.pk}/", {"reason": "spam"})

    assert response.status_code == 403
    assert not comment.reports.exists()


def test_the_confirmation_page_carries_a_csrf_token(csrf_client, article):
    pending = PendingComment.objects.create(
        data={"object_pk": str(article.pk)}, email="rana@example.org"
    )

    page = csrf_client.get(f"/comments/confirm/{make_token(pending.pk, salt=CONFIRM_SALT)}/")

    assert 'name="csrfmiddlewaretoken"' in page.content.decode()


@pytest.mark.parametrize("path", ["/comments/reply/{n}/", "/comments/report/{n}/"])
def test_an_id_too_long_for_any_database_is_not_found_rather_than_an_error(client, path):
    # SQLite cannot even compare with a number past 64 bits: it raised OverflowError (a 500).
    assert client.get(path.format(n="9" * 40)).status_code == 404
