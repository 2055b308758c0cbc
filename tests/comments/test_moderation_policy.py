"""Which comments wait for a moderator and why, readers' reports, and where held comments show."""

from urllib.parse import parse_qsl

import akismet as akismet_lib
import httpx
import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from articles.models import Article
from comments import policy
from comments.models import BlockedItem, Comment, CommentReport, PendingComment
from comments.services import comment_confirm, comment_create
from comments.spamcheck import Akismet, NoSpamCheck, spam_checker
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

KNOWN = "known@example.org"


@pytest.fixture
def known_commenter(article):
    """An address with an approved comment, so "first comment" does not hold it."""
    CommentFactory(content_object=article, user_email=KNOWN)


def reasons(text="A fair point.", email=KNOWN, url="", ip="192.0.2.1", moderator=False):
    return policy.hold_reasons(text=text, email=email, url=url, ip=ip, moderator=moderator)


def block(kind, value):
    return BlockedItem.objects.create(kind=kind, value=value)


# Links


def test_a_returning_commenter_with_one_link_is_published(known_commenter):
    assert reasons(text="Source: https://news.example/a") == []


def test_two_links_hold_the_comment_saying_how_many(known_commenter):
    assert reasons(text="https://a.example and www.b.example") == ["links: 2"]


def test_the_link_threshold_is_a_setting(known_commenter, settings):
    settings.COMMENTS_HOLD_LINK_COUNT = 4

    assert reasons(text="https://a.example https://b.example https://c.example") == []


# First comment


def test_the_first_comment_from_an_address_is_held():
    assert reasons(email="new@example.org") == ["first comment"]


def test_an_address_with_an_approved_comment_is_not_held_whatever_its_case(known_commenter):
    assert reasons(email="Known@Example.ORG") == []


def test_a_held_or_spam_comment_does_not_count_as_approved(article):
    CommentFactory(content_object=article, user_email="new@example.org", is_public=False)
    CommentFactory(
        content_object=article, user_email="new@example.org", is_public=False, is_spam=True
    )

    assert reasons(email="new@example.org") == ["first comment"]


def test_holding_first_comments_can_be_turned_off(settings):
    settings.COMMENTS_HOLD_FIRST_COMMENT = False

    assert reasons(email="new@example.org") == []


# Blocklist


def test_a_blocked_word_holds_the_comment_whatever_its_case(known_commenter):
    block(BlockedItem.Kind.WORD, "Cheap Pills")

    assert reasons(text="Buy CHEAP pills here") == ["blocklist: Word or phrase: cheap pills"]


def test_a_blocked_word_in_the_website_holds_the_comment(known_commenter):
    block(BlockedItem.Kind.WORD, "casino")

    assert reasons(url="https://best-casino.example/") == ["blocklist: Word or phrase: casino"]


def test_a_blocked_email_address_holds_the_comment(known_commenter):
    block(BlockedItem.Kind.EMAIL, KNOWN)

    assert reasons(email="KNOWN@example.org") == [f"blocklist: Email address: {KNOWN}"]


def test_a_blocked_domain_holds_comments_from_addresses_at_it(article):
    CommentFactory(content_object=article, user_email="bot@spam.example")
    block(BlockedItem.Kind.DOMAIN, "spam.example")

    assert reasons(email="bot@spam.example") == ["blocklist: Email or website domain: spam.example"]


def test_a_blocked_domain_holds_comments_whose_website_is_on_it(known_commenter):
    block(BlockedItem.Kind.DOMAIN, "spam.example")

    assert reasons(url="https://Spam.Example:8080/offer") == [
        "blocklist: Email or website domain: spam.example"
    ]


@pytest.mark.parametrize(
    ("email", "url"),
    [("bot@mail.spam.example", ""), (KNOWN, "https://www.spam.example/offer")],
)
def test_a_blocked_domain_also_covers_its_subdomains(article, email, url):
    CommentFactory(content_object=article, user_email=email)
    block(BlockedItem.Kind.DOMAIN, "spam.example")

    assert reasons(email=email, url=url) == ["blocklist: Email or website domain: spam.example"]


def test_a_domain_that_merely_ends_the_same_is_not_blocked(known_commenter):
    block(BlockedItem.Kind.DOMAIN, "spam.example")

    assert reasons(url="https://nospam.example/") == []


def test_a_blocked_ip_address_holds_the_comment(known_commenter):
    block(BlockedItem.Kind.IP, "203.0.113.9")

    assert reasons(ip="203.0.113.9") == ["blocklist: IP address: 203.0.113.9"]
    assert reasons(ip="203.0.113.10") == []


def test_moderators_are_never_held():
    block(BlockedItem.Kind.WORD, "pills")

    assert reasons(text="pills https://a.example https://b.example", moderator=True) == []


def test_every_reason_is_given_when_several_apply():
    block(BlockedItem.Kind.IP, "203.0.113.9")

    assert reasons(
        text="https://a.example https://b.example", email="new@example.org", ip="203.0.113.9"
    ) == ["links: 2", "first comment", "blocklist: IP address: 203.0.113.9"]


# Outside spam check


class FakeSpamChecker:
    """Stands in for a spam checker, for the policy's side of the interface."""

    def __init__(self, verdict: bool):
        self.verdict = verdict
        self.asked = []

    def is_spam(self, **comment):
        self.asked.append(comment)
        return self.verdict


def test_a_comment_the_spam_check_flags_is_held(known_commenter, monkeypatch):
    checker = FakeSpamChecker(True)
    monkeypatch.setattr(policy, "spam_checker", lambda: checker)

    assert reasons(text="Nice post", url="https://x.example/") == ["spam check"]
    assert checker.asked == [
        {
            "text": "Nice post",
            "email": KNOWN,
            "url": "https://x.example/",
            "ip": "192.0.2.1",
            "name": "",
            "user_agent": "",
            "referrer": "",
            "permalink": "",
        }
    ]


def test_a_comment_the_spam_check_clears_is_published(known_commenter, monkeypatch):
    monkeypatch.setattr(policy, "spam_checker", lambda: FakeSpamChecker(False))

    assert reasons() == []


def test_the_outside_spam_check_is_off_by_default(settings):
    assert settings.AKISMET_API_KEY in (None, "")
    assert isinstance(spam_checker(), NoSpamCheck)


def test_an_akismet_key_turns_akismet_on(settings):
    settings.AKISMET_API_KEY = "abc123"
    spam_checker.cache_clear()
    try:
        assert isinstance(spam_checker(), Akismet)
    finally:
        spam_checker.cache_clear()


def test_a_guests_browser_and_referring_page_reach_the_spam_check_on_confirmation(
    client, article, post_data, settings, monkeypatch
):
    settings.SITE_URL = SITE
    checker = FakeSpamChecker(False)
    monkeypatch.setattr(policy, "spam_checker", lambda: checker)
    page = f"{SITE}{article.get_absolute_url()}"
    data = post_data(article, email=KNOWN)
    headers = {"HTTP_USER_AGENT": BROWSER, "HTTP_REFERER": page, "REMOTE_ADDR": "198.51.100.7"}
    client.post("/comments/post/", data, **headers)
    pending = PendingComment.objects.get()
    assert checker.asked == []  # a guest's comment is checked only once confirmed

    comment_confirm(pending_id=pending.pk)

    [asked] = checker.asked
    assert asked["user_agent"] == BROWSER and asked["referrer"] == page
    assert asked["ip"] == "198.51.100.7" and asked["permalink"] == page
    assert asked["name"] == data["name"] and asked["email"] == KNOWN


# Akismet, faked only at its HTTP transport

SITE = "http://testserver.example"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
COMMENT = {
    "text": "A fair point.",
    "email": "rana@example.org",
    "url": "https://rana.example/",
    "ip": "198.51.100.7",
    "name": "Rana Haddad",
    "user_agent": BROWSER,
    "referrer": f"{SITE}/articles/talks-resume/",
    "permalink": f"{SITE}/articles/talks-resume/",
}


class FakeAkismetService:
    """Answers as Akismet's HTTP API would and keeps every request it was sent."""

    def __init__(self, *, key="valid", check="false"):
        self.answers = {"verify-key": key, "comment-check": check}
        self.requests = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[request.url.path.rsplit("/", 1)[1]]
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(200, text=answer)

    def sent(self, endpoint: str) -> list[dict]:
        return [
            dict(parse_qsl(r.content.decode()))
            for r in self.requests
            if r.url.path.endswith(endpoint)
        ]


def akismet_with(service: FakeAkismetService) -> Akismet:
    return Akismet(api_key="abc123", site_url=SITE, transport=httpx.MockTransport(service))


def test_akismet_is_sent_the_commenter_the_comment_and_the_site():
    service = FakeAkismetService()

    akismet_with(service).is_spam(**COMMENT)

    assert service.sent("comment-check") == [
        {
            "api_key": "abc123",
            "blog": SITE,
            "user_ip": "198.51.100.7",
            "user_agent": BROWSER,
            "referrer": f"{SITE}/articles/talks-resume/",
            "permalink": f"{SITE}/articles/talks-resume/",
            "comment_type": "comment",
            "comment_author": "Rana Haddad",
            "comment_author_email": "rana@example.org",
            "comment_author_url": "https://rana.example/",
            "comment_content": "A fair point.",
        }
    ]
    assert {r.headers["User-Agent"] for r in service.requests} == {akismet_lib.USER_AGENT}


def test_akismet_verifies_the_key_once_before_the_first_check():
    service = FakeAkismetService()
    checker = akismet_with(service)

    checker.is_spam(**COMMENT)
    checker.is_spam(**COMMENT)

    assert [r.url.path for r in service.requests] == [
        "/1.1/verify-key",
        "/1.1/comment-check",
        "/1.1/comment-check",
    ]
    assert service.sent("verify-key") == [{"key": "abc123", "blog": SITE}]


@pytest.mark.parametrize(("answer", "spam"), [("true", True), ("false", False)])
def test_akismets_verdict_is_the_spam_checks(answer, spam):
    assert akismet_with(FakeAkismetService(check=answer)).is_spam(**COMMENT) is spam


def test_a_comment_akismet_calls_spam_is_held(known_commenter, monkeypatch):
    monkeypatch.setattr(
        policy, "spam_checker", lambda: akismet_with(FakeAkismetService(check="true"))
    )

    assert reasons() == ["spam check"]


def test_a_rejected_key_lets_comments_through_and_is_not_asked_again(caplog):
    service = FakeAkismetService(key="invalid", check="true")
    checker = akismet_with(service)

    assert checker.is_spam(**COMMENT) is False
    assert checker.is_spam(**COMMENT) is False

    assert [r.url.path for r in service.requests] == ["/1.1/verify-key"]
    assert "Akismet rejected AKISMET_API_KEY" in caplog.text


def test_a_key_akismet_stops_accepting_lets_the_comment_through(caplog):
    checker = akismet_with(FakeAkismetService(check="invalid"))

    assert checker.is_spam(**COMMENT) is False
    assert "Akismet did not check a comment" in caplog.text


def test_a_check_that_times_out_lets_the_comment_through(caplog):
    service = FakeAkismetService(check=httpx.ReadTimeout("too slow"))

    assert akismet_with(service).is_spam(**COMMENT) is False
    assert "Akismet did not check a comment" in caplog.text


def test_an_unreachable_akismet_lets_comments_through_and_verifies_again_later(caplog):
    service = FakeAkismetService(key=httpx.ConnectTimeout("unreachable"), check="true")
    checker = akismet_with(service)

    assert checker.is_spam(**COMMENT) is False
    assert "Akismet could not verify the key" in caplog.text

    service.answers["verify-key"] = "valid"
    assert checker.is_spam(**COMMENT) is True


# What is stored


def create(article, **fields) -> Comment:
    data = {
        "content_type_id": ContentType.objects.get_for_model(Article).pk,
        "object_pk": str(article.pk),
        "site_id": 1,
        "user_id": None,
        "user_name": "Reader",
        "user_email": KNOWN,
        "user_url": "",
        "comment": "A fair point.",
        "submit_date": timezone.now().isoformat(),
        "ip_address": "192.0.2.1",
        "parent_id": 0,
        "followup": False,
    }
    return comment_create(data=data | fields)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"comment": "https://a.example https://b.example"}, "links: 2"),
        ({"user_email": "new@example.org"}, "first comment"),
        ({"ip_address": "203.0.113.9"}, "blocklist: IP address: 203.0.113.9"),
    ],
)
def test_every_held_comment_stores_why(article, known_commenter, fields, reason):
    block(BlockedItem.Kind.IP, "203.0.113.9")

    comment = create(article, **fields)

    comment.refresh_from_db()
    assert comment.is_public is False
    assert comment.held_reasons == [reason]


def test_a_published_comment_stores_no_reasons(article, known_commenter):
    comment = create(article)

    comment.refresh_from_db()
    assert comment.is_public is True and comment.held_reasons == []


# Readers' reports


def test_the_report_page_shows_a_form_and_records_nothing(client, article):
    comment = CommentFactory(content_object=article, comment="Questionable words.")

    response = client.get(f"/comments/report/{comment.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Questionable words." in html and 'name="reason"' in html
    assert not CommentReport.objects.exists()


def test_a_reader_reports_a_comment_with_a_reason(client, article):
    comment = CommentFactory(content_object=article)

    response = client.post(f"/comments/report/{comment.pk}/", {"reason": "Personal attack"})

    assert response.status_code == 200 and "Thank you" in response.content.decode()
    report = CommentReport.objects.get()
    assert report.comment_id == comment.pk and report.reason == "Personal attack"
    assert not report.resolved


def test_one_reader_reporting_twice_makes_one_report(client, article):
    comment = CommentFactory(content_object=article)

    client.post(f"/comments/report/{comment.pk}/", {"reason": "Spam"})
    client.post(f"/comments/report/{comment.pk}/", {"reason": "Spam again"})

    assert CommentReport.objects.count() == 1


def test_different_readers_each_make_a_report(client, article):
    comment = CommentFactory(content_object=article)

    client.post(f"/comments/report/{comment.pk}/", REMOTE_ADDR="192.0.2.1")
    client.post(f"/comments/report/{comment.pk}/", REMOTE_ADDR="192.0.2.2")
    client.force_login(UserFactory())
    client.post(f"/comments/report/{comment.pk}/", REMOTE_ADDR="192.0.2.1")

    assert CommentReport.objects.count() == 3


def test_reports_are_rate_limited_per_ip(client, article, settings):
    settings.COMMENTS_REPORTS_PER_IP = (2, 3600)
    comments = [CommentFactory(content_object=article) for _ in range(3)]

    for comment in comments:
        client.post(f"/comments/report/{comment.pk}/")

    assert CommentReport.objects.count() == 2


def test_a_held_comment_cannot_be_reported(client, article):
    held = CommentFactory(content_object=article, is_public=False)

    assert client.get(f"/comments/report/{held.pk}/").status_code == 404
    assert client.post(f"/comments/report/{held.pk}/").status_code == 404


def test_comments_of_an_article_reverted_to_draft_cannot_be_read_or_reported(client, article):
    comment = CommentFactory(content_object=article, comment="Words under a withdrawn story.")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)

    response = client.get(f"/comments/report/{comment.pk}/")

    assert response.status_code == 404
    assert "Words under a withdrawn story." not in response.content.decode()
    assert client.post(f"/comments/report/{comment.pk}/").status_code == 404
    assert not CommentReport.objects.exists()


# Held comments stay out of sight


@pytest.fixture
def held(article):
    CommentFactory(content_object=article, comment="Published words.")
    return CommentFactory(
        content_object=article,
        is_public=False,
        held_reasons=["links: 2"],
        comment="Held words.",
        user_name="Held Writer",
    )


def test_a_held_comment_is_not_on_the_article_page(client, article, held):
    html = client.get(article.get_absolute_url()).content.decode()

    assert "Published words." in html
    assert "Held words." not in html and "Held Writer" not in html
    assert f'id="c{held.pk}"' not in html


def test_a_held_comment_is_not_in_the_site_comment_feed(client, held):
    feed = client.get("/comments/feed/").content.decode()

    assert "Published words." in feed
    assert "Held words." not in feed and "Held Writer" not in feed


def test_a_held_comment_is_not_in_the_article_comment_feed(client, article, held):
    feed = client.get(f"{article.get_absolute_url()}feed/").content.decode()

    assert "Published words." in feed
    assert "Held words." not in feed and "Held Writer" not in feed


def test_a_held_comment_has_no_reply_page(client, held):
    assert client.get(f"/comments/reply/{held.pk}/").status_code == 404
