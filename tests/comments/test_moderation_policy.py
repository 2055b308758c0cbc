"""Which comments wait for a moderator and why, readers' reports, and where held comments show."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from articles.models import Article
from comments import policy
from comments.models import BlockedItem, Comment, CommentReport
from comments.services import comment_create
from comments.spamcheck import NoSpamCheck, spam_checker
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

KNOWN = "known@example.org"


@pytest.fixture
def known_commenter(article):
    """An address with an approved comment, so "first comment" does not hold it."""
    CommentFactory(content_object=article, user_email=KNOWN)


def reasons(text="A fair point.", email=KNOWN, url="", ip="192.0.2.1", is_staff=False):
    return policy.hold_reasons(text=text, email=email, url=url, ip=ip, is_staff=is_staff)


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


def test_staff_are_never_held():
    block(BlockedItem.Kind.WORD, "pills")

    assert reasons(text="pills https://a.example https://b.example", is_staff=True) == []


def test_every_reason_is_given_when_several_apply():
    block(BlockedItem.Kind.IP, "203.0.113.9")

    assert reasons(
        text="https://a.example https://b.example", email="new@example.org", ip="203.0.113.9"
    ) == ["links: 2", "first comment", "blocklist: IP address: 203.0.113.9"]


# Outside spam check


class FakeSpamChecker:
    """Stands in for Akismet: the one place the outside world is faked."""

    def __init__(self, verdict: bool):
        self.verdict = verdict
        self.asked = []

    def is_spam(self, *, text, email, url, ip):
        self.asked.append({"text": text, "email": email, "url": url, "ip": ip})
        return self.verdict


def test_a_comment_the_spam_check_flags_is_held(known_commenter, monkeypatch):
    checker = FakeSpamChecker(True)
    monkeypatch.setattr(policy, "spam_checker", lambda: checker)

    assert reasons(text="Nice post", url="https://x.example/") == ["spam check"]
    assert checker.asked == [
        {"text": "Nice post", "email": KNOWN, "url": "https://x.example/", "ip": "192.0.2.1"}
    ]


def test_a_comment_the_spam_check_clears_is_published(known_commenter, monkeypatch):
    monkeypatch.setattr(policy, "spam_checker", lambda: FakeSpamChecker(False))

    assert reasons() == []


def test_the_outside_spam_check_is_off_by_default(settings):
    assert settings.AKISMET_API_KEY in (None, "")
    assert isinstance(spam_checker(), NoSpamCheck)


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
