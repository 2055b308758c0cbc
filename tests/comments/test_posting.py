import re
import time

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from articles.models import Article
from articles.roles import AUTHORS, MODERATORS, ensure_roles
from comments.forms import CommentForm
from comments.models import Comment, PendingComment
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"http://[^\s\"<]+/comments/confirm/[^/\s\"<]+/")


def test_guest_comment_waits_for_the_emailed_link(client, article, post_data, run_tasks):
    response = run_tasks(lambda: client.post("/comments/post/", post_data(article)))

    assert response.status_code == 302
    assert not Comment.objects.exists()
    assert PendingComment.objects.get().email == "rana@example.org"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rana@example.org"]
    assert CONFIRM_LINK.search(message.body)
    assert "Check your email" in client.get(response["Location"], follow=True).content.decode()


def test_confirmation_email_repeats_nothing_the_commenter_wrote(
    client, article, post_data, run_tasks
):
    data = post_data(
        article,
        name="Buy cheap pills at spam.example",
        comment="Visit https://spam.example/offer now",
    )
    run_tasks(lambda: client.post("/comments/post/", data))

    message = mail.outbox[0]
    html = message.alternatives[0][0]
    for text in (message.subject, message.body, html):
        assert "spam.example" not in text
        assert "Buy cheap" not in text


def test_following_the_link_then_pressing_the_button_publishes(
    client, article, post_data, run_tasks
):
    run_tasks(lambda: client.post("/comments/post/", post_data(article)))
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    page = client.get("/" + path)
    assert page.status_code == 200
    assert "Publish my comment" in page.content.decode()
    assert not Comment.objects.exists()  # a mail scanner's GET changes nothing

    response = client.post("/" + path)
    comment = Comment.objects.get()
    assert comment.is_public is False  # a first comment from this address waits for a moderator
    assert "awaiting moderation" in response.content.decode()

    again = client.post("/" + path)
    assert "already confirmed" in again.content.decode()
    assert Comment.objects.count() == 1


def test_returning_commenter_is_published_on_confirmation(client, article, post_data, run_tasks):
    Comment.objects.create(
        content_object=article,
        site_id=1,
        user_name="Rana Haddad",
        user_email="Rana@Example.org",
        comment="Earlier approved comment.",
        is_public=True,
    )
    run_tasks(lambda: client.post("/comments/post/", post_data(article, comment="Second one.")))
    path = "/" + CONFIRM_LINK.search(mail.outbox[0].body).group(0).split("/", 3)[3]

    response = client.post(path)

    new = Comment.objects.get(comment="Second one.")
    assert new.is_public is True
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#c{new.pk}"


def test_signed_in_reader_posts_without_confirmation(client, article, post_data, run_tasks):
    user = UserFactory(first_name="Omar", email="omar@example.org")
    Comment.objects.create(
        content_object=article, site_id=1, user_name="Omar", user_email="omar@example.org",
        comment="Approved before.", is_public=True,
    )  # fmt: skip
    client.force_login(user)

    data = post_data(article, name="", email="", comment="Logged in.")
    run_tasks(lambda: client.post("/comments/post/", data))

    comment = Comment.objects.get(comment="Logged in.")
    assert comment.is_public and comment.user == user
    assert not PendingComment.objects.exists()
    assert all("confirm" not in m.subject.lower() for m in mail.outbox)


def staff_member(role: str, **fields):
    ensure_roles()
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_signed_in_staff_comment_as_themselves_whatever_the_form_says(
    client, article, post_data, run_tasks
):
    client.force_login(
        staff_member(AUTHORS, first_name="Samir", last_name="Aoun", email="samir@example.org")
    )
    data = post_data(article, name="Rana Haddad", email="rana@example.org", comment="Hi.")

    run_tasks(lambda: client.post("/comments/post/", data))

    comment = Comment.objects.get(comment="Hi.")
    assert (comment.user_name, comment.user_email) == ("Samir Aoun", "samir@example.org")


def test_an_authors_comment_is_held_like_anyones(client, article, post_data, run_tasks):
    client.force_login(staff_member(AUTHORS, email="samir@example.org"))

    run_tasks(lambda: client.post("/comments/post/", post_data(article, comment="Mine.")))

    comment = Comment.objects.get(comment="Mine.")
    assert not comment.is_public
    assert comment.held_reasons == ["first comment"]


def test_a_comment_moderators_own_comment_is_published_at_once(
    client, article, post_data, run_tasks
):
    client.force_login(staff_member(MODERATORS, email="mod@example.org"))

    run_tasks(lambda: client.post("/comments/post/", post_data(article, comment="Be kind.")))

    assert Comment.objects.get(comment="Be kind.").is_public


def test_invalid_form_shows_errors_and_keeps_what_was_typed(client, article, post_data):
    data = post_data(article, email="not-an-address", comment="My carefully written argument.")

    response = client.post("/comments/post/", data)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in content
    assert "My carefully written argument." in content
    assert 'value="Rana Haddad"' in content


def test_control_characters_typed_in_a_comment_are_dropped_keeping_line_breaks(
    client, article, post_data
):
    data = post_data(
        article, name="Rana\x1b[31m Haddad", comment="Bell\x07 and\x0b tab\there\r\nnext"
    )

    client.post("/comments/post/", data)

    pending = PendingComment.objects.get().data
    assert pending["user_name"] == "Rana[31m Haddad"
    assert pending["comment"] == "Bell and tab\there\r\nnext"


def test_overlong_comment_is_refused_with_a_clear_message(client, article, post_data, settings):
    response = client.post("/comments/post/", post_data(article, comment="x" * 10001))

    assert "at most 10000 characters" in response.content.decode()
    assert not PendingComment.objects.exists()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://files.example.org", "data:text/html,x"]
)
def test_website_must_be_http_or_https(client, article, post_data, url):
    response = client.post("/comments/post/", post_data(article, url=url))

    assert "Enter a valid URL." in response.content.decode()
    assert not PendingComment.objects.exists()


def test_closed_article_shows_no_form_and_refuses_posts(client, article, post_data):
    data = post_data(article)
    article.comments_open = False
    article.save()

    page = client.get(article.get_absolute_url()).content.decode()
    response = client.post("/comments/post/", data)

    assert "Comments are closed." in page and 'name="comment"' not in page
    assert response.status_code == 400
    assert not PendingComment.objects.exists()


def test_honeypot_filled_in_by_a_bot_is_refused(client, article, post_data):
    response = client.post("/comments/post/", post_data(article, honeypot="gotcha"))

    assert response.status_code == 400
    assert not PendingComment.objects.exists()


def test_a_repeated_comment_gets_the_same_answer_whatever_address_is_typed(
    client, article, post_data, run_tasks
):
    # Refusing only the real author's address told anyone who wrote a public comment.
    Comment.objects.create(
        content_object=article, site_id=1, user_name="Rana", user_email="rana@example.org",
        comment="Same words.", is_public=True,
    )  # fmt: skip

    answers = []
    for email in ("rana@example.org", "guess@example.org"):
        response = run_tasks(
            lambda email=email: client.post(
                "/comments/post/", post_data(article, email=email, comment="Same words.")
            )
        )
        answers.append((response.status_code, client.get(response["Location"]).content))

    assert answers[0] == answers[1]
    assert b"Check your email" in answers[0][1]
    assert sorted(m.to[0] for m in mail.outbox) == ["guess@example.org", "rana@example.org"]


def test_confirming_a_repeated_comment_publishes_nothing_new(client, article, post_data, run_tasks):
    Comment.objects.create(
        content_object=article, site_id=1, user_name="Rana", user_email="rana@example.org",
        comment="Same words.", is_public=True,
    )  # fmt: skip
    run_tasks(lambda: client.post("/comments/post/", post_data(article, comment="Same words.")))
    path = "/" + CONFIRM_LINK.search(mail.outbox[0].body).group(0).split("/", 3)[3]

    response = client.post(path)

    assert "already confirmed" in response.content.decode()
    assert Comment.objects.filter(comment="Same words.").count() == 1


def test_a_signed_in_readers_comment_sent_twice_is_published_once(
    client, article, post_data, run_tasks
):
    client.force_login(UserFactory(email="omar@example.org"))
    data = post_data(article, name="", email="", comment="Double click.")

    for _ in range(2):
        response = run_tasks(lambda: client.post("/comments/post/", data))

    assert response.status_code == 302
    assert Comment.objects.filter(comment="Double click.").count() == 1


def test_posting_is_rate_limited_per_ip_keeping_the_text(client, article, post_data, settings):
    settings.COMMENTS_RATE_PER_IP = (2, 600)
    for n in range(2):
        client.post(
            "/comments/post/", post_data(article, email=f"r{n}@example.org", comment=f"c{n}")
        )

    response = client.post("/comments/post/", post_data(article, comment="Third, kept."))

    assert response.status_code == 429
    assert "wait a few minutes" in response.content.decode()
    assert "Third, kept." in response.content.decode()
    assert PendingComment.objects.count() == 2


def test_confirmation_emails_to_one_recipient_are_limited(
    client, article, post_data, run_tasks, settings
):
    settings.COMMENTS_CONFIRMATIONS_PER_RECIPIENT = (2, 3600)
    for n in range(4):
        run_tasks(lambda n=n: client.post("/comments/post/", post_data(article, comment=f"c{n}")))

    assert len(mail.outbox) == 2


def test_every_spelling_of_an_address_counts_against_its_confirmation_limit(
    client, article, post_data, run_tasks, settings
):
    settings.COMMENTS_CONFIRMATIONS_PER_RECIPIENT = (2, 3600)
    spellings = ['"rana"@example.org', "Rana+news@Example.org", "rana@example.org"]
    ips = ["192.0.2.1", "192.0.2.2", "192.0.2.3"]
    for n, (email, ip) in enumerate(zip(spellings, ips, strict=True)):
        data = post_data(article, email=email, comment=f"c{n}")
        run_tasks(lambda data=data, ip=ip: client.post("/comments/post/", data, REMOTE_ADDR=ip))

    assert len(mail.outbox) == 2


def test_a_stranger_typing_an_address_cannot_use_up_its_owners_confirmations(
    client, article, post_data, run_tasks
):
    for n in range(3):
        data = post_data(article, comment=f"Posing as Rana {n}.")
        run_tasks(lambda data=data: client.post("/comments/post/", data, REMOTE_ADDR="192.0.2.66"))
    strangers = len(mail.outbox)

    data = post_data(article, comment="Really Rana.")
    response = run_tasks(lambda: client.post("/comments/post/", data, REMOTE_ADDR="198.51.100.7"))

    assert response.status_code == 302
    assert strangers < 3
    assert len(mail.outbox) == strangers + 1
    assert mail.outbox[-1].to == ["rana@example.org"]


def test_when_no_link_can_be_emailed_the_page_says_so_and_keeps_the_text(
    client, article, post_data, run_tasks, settings
):
    settings.COMMENTS_CONFIRMATIONS_PER_RECIPIENT = (1, 3600)
    run_tasks(lambda: client.post("/comments/post/", post_data(article, comment="First.")))

    response = run_tasks(
        lambda: client.post("/comments/post/", post_data(article, comment="Second, kept."))
    )

    html = response.content.decode()
    assert response.status_code == 429
    assert "We could not email you the link" in html and "send it again after" in html
    assert "Second, kept." in html
    assert len(mail.outbox) == 1
    assert not PendingComment.objects.filter(data__comment="Second, kept.").exists()


def test_plain_text_email_shows_the_title_as_written_not_html_escaped(client, post_data, run_tasks):
    from tests.factories import ArticleFactory

    article = ArticleFactory(title='Oil & "gas" talks')
    run_tasks(lambda: client.post("/comments/post/", post_data(article)))

    message = mail.outbox[0]
    assert 'Oil & "gas" talks' in message.body
    assert "&amp;" not in message.body and "&quot;" not in message.body
    assert "Oil &amp; &quot;gas&quot; talks" in message.alternatives[0][0]


def test_behind_a_proxy_the_comment_keeps_the_readers_address_not_the_proxys(
    client, article, post_data, settings
):
    settings.NUM_PROXIES = 1
    client.post(
        "/comments/post/",
        post_data(article),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )

    assert PendingComment.objects.get().data["ip_address"] == "203.0.113.9"


def test_behind_a_proxy_one_readers_confirmations_do_not_use_up_anothers(
    client, article, post_data, run_tasks, settings
):
    settings.NUM_PROXIES = 1
    settings.COMMENTS_CONFIRMATIONS_PER_IP = (1, 3600)
    for n, reader_ip in enumerate(["203.0.113.9", "198.51.100.7"]):
        data = post_data(article, email=f"reader{n}@example.org", comment=f"c{n}")
        run_tasks(
            lambda data=data, ip=reader_ip: client.post(
                "/comments/post/", data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=ip
            )
        )

    assert sorted(m.to[0] for m in mail.outbox) == ["reader0@example.org", "reader1@example.org"]


def test_a_form_left_open_for_hours_is_shown_again_keeping_the_text(
    client, article, post_data, run_tasks
):
    form = CommentForm(article)
    three_hours_ago = str(int(time.time()) - 3 * 3600)
    stale = {
        "timestamp": three_hours_ago,
        "security_hash": form.initial_security_hash(three_hours_ago),
    }
    response = client.post(
        "/comments/post/", post_data(article, comment="Written over lunch.", **stale)
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Written over lunch." in html and "Post comment" in html
    assert "open for a long time" in html
    assert not PendingComment.objects.exists()

    fresh = re.search(r'name="timestamp" value="(\d+)"', html).group(1)
    resent = post_data(article, comment="Written over lunch.")
    resent["timestamp"] = fresh
    resent["security_hash"] = re.search(r'name="security_hash" value="(\w+)"', html).group(1)
    run_tasks(lambda: client.post("/comments/post/", resent))
    assert PendingComment.objects.get().data["comment"] == "Written over lunch."


def test_a_tampered_form_is_still_refused(client, article, post_data):
    response = client.post("/comments/post/", post_data(article, security_hash="0" * 40))

    assert response.status_code == 400
    assert not PendingComment.objects.exists()


def test_a_comment_sent_twice_then_confirmed_twice_is_published_once(
    client, article, post_data, run_tasks
):
    data = post_data(article, comment="Sent with a double click.")
    run_tasks(lambda: client.post("/comments/post/", data))
    run_tasks(lambda: client.post("/comments/post/", data))
    links = [CONFIRM_LINK.search(m.body).group(0) for m in mail.outbox]
    assert len(links) == 2

    responses = [client.post("/" + link.split("://", 1)[1].split("/", 1)[1]) for link in links]

    assert Comment.objects.filter(comment="Sent with a double click.").count() == 1
    assert "already confirmed" in responses[1].content.decode()


# The page after posting


def test_the_page_after_posting_tells_nothing_of_other_peoples_comments(client, article):
    draft = ArticleFactory(draft=True, title="Unannounced merger")
    held = CommentFactory(content_object=draft, is_public=False, user=UserFactory())
    public = CommentFactory(content_object=article)

    for comment in (held, public):
        for page in ("/comments/sent/", "/comments/posted/"):
            response = client.get(page, {"c": comment.pk})

            assert response.status_code == 404
            assert "Unannounced merger" not in response.content.decode()
            assert "awaiting moderation" not in response.content.decode()


def test_a_signed_in_poster_sees_their_held_comment_only_while_signed_in(
    client, article, post_data, run_tasks
):
    user = UserFactory(email="new.reader@example.org")
    client.force_login(user)
    data = post_data(article, name="", email="", comment="First words, held.")
    response = run_tasks(lambda: client.post("/comments/post/", data))
    sent_page = response["Location"]

    assert "awaiting moderation" in client.get(sent_page).content.decode()
    client.logout()
    assert client.get(sent_page).status_code == 404
    client.force_login(UserFactory())
    assert client.get(sent_page).status_code == 404


def test_the_page_after_posting_names_no_article_that_is_no_longer_published(
    client, article, post_data, run_tasks
):
    response = run_tasks(lambda: client.post("/comments/post/", post_data(article)))
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)

    html = client.get(response["Location"]).content.decode()

    assert "Check your email" in html
    assert "Talks resume" not in html
