"""Follow-up emails, the author's notice, and the links in them (mute, confirm)."""

import re
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail, signing
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, PendingComment
from comments.notifications import followers_notify, mute_token
from comments.services import comment_create, comments_approve
from comments.tokens import CONFIRM_SALT, MUTE_SALT, make_token
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

MUTE_LINK = re.compile(r"http://[^\s\"<]+/comments/mute/[^/\s\"<]+/")


@pytest.fixture(autouse=True)
def _returning_commenters(settings):
    """New comments here are published at once unless a test holds them some other way."""
    settings.COMMENTS_HOLD_FIRST_COMMENT = False


def new_comment(article, *, email, text="A new point.", followup=False) -> Comment:
    """A comment as the confirmation of a guest's post creates it."""
    return comment_create(
        data={
            "content_type_id": ContentType.objects.get_for_model(Article).pk,
            "object_pk": str(article.pk),
            "site_id": 1,
            "user_id": None,
            "user_name": email.split("@")[0].title(),
            "user_email": email,
            "user_url": "",
            "comment": text,
            "submit_date": timezone.now().isoformat(),
            "ip_address": "192.0.2.1",
            "parent_id": 0,
            "followup": followup,
        }
    )


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def followers(article):
    CommentFactory(content_object=article, user_email="ann@example.org", followup=True)
    CommentFactory(content_object=article, user_email="bob@example.org", followup=True)
    CommentFactory(content_object=article, user_email="cat@example.org", followup=False)


# Followers


def test_each_follower_gets_one_email_per_new_public_comment(article, followers, run_tasks):
    run_tasks(lambda: new_comment(article, email="dan@example.org"))

    assert recipients() == ["ann@example.org", "bob@example.org"]
    assert all("Talks resume" in message.subject for message in mail.outbox)


def test_a_follower_who_comments_again_is_not_told_of_their_own_comment(
    article, followers, run_tasks
):
    run_tasks(lambda: new_comment(article, email="ANN@example.org", text="Me again."))

    assert recipients() == ["bob@example.org"]


def test_an_address_following_twice_gets_one_email(article, followers, run_tasks):
    CommentFactory(content_object=article, user_email="Ann@Example.org", followup=True)

    run_tasks(lambda: new_comment(article, email="dan@example.org"))

    assert recipients() == ["ann@example.org", "bob@example.org"]


def test_followers_of_another_article_are_not_told(article, run_tasks):
    CommentFactory(content_object=ArticleFactory(), user_email="eve@example.org", followup=True)

    run_tasks(lambda: new_comment(article, email="dan@example.org"))

    assert mail.outbox == []


def test_held_comments_do_not_make_their_authors_followers(article, run_tasks):
    CommentFactory(
        content_object=article, user_email="eve@example.org", followup=True, is_public=False
    )

    run_tasks(lambda: new_comment(article, email="dan@example.org"))

    assert mail.outbox == []


def test_every_follow_up_email_has_a_mute_link_in_both_parts(article, followers, run_tasks):
    run_tasks(lambda: new_comment(article, email="dan@example.org"))

    for message in mail.outbox:
        assert MUTE_LINK.search(message.body)
        assert MUTE_LINK.search(message.alternatives[0][0])


def test_mail_is_sent_by_the_task_worker_not_inside_the_request(
    client, article, followers, post_data, transactional_db, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(email="dan@example.org"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/comments/post/", post_data(article, name="", email=""))
    assert response.status_code == 302
    assert Comment.objects.filter(user_email="dan@example.org", is_public=True).exists()
    assert mail.outbox == []

    call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert recipients() == ["ann@example.org", "bob@example.org"]


# Held, then approved


def held_comment(article) -> Comment:
    comment = new_comment(
        article, email="dan@example.org", text="Two links: https://a.example https://b.example"
    )
    assert not comment.is_public
    return comment


def test_a_held_comment_notifies_nobody(article, followers, run_tasks):
    run_tasks(lambda: held_comment(article))

    assert mail.outbox == []


def test_approving_a_held_comment_notifies_as_if_it_had_been_public_at_once(
    article, followers, run_tasks
):
    comment = run_tasks(lambda: held_comment(article))

    run_tasks(lambda: comments_approve(comments=[comment]))

    # The followers, and Dan, whose comment it is, told it was approved.
    assert recipients() == ["ann@example.org", "bob@example.org", "dan@example.org"]
    assert Comment.objects.get(pk=comment.pk).notified_at is not None


def test_approving_twice_sends_nothing_more(article, followers, run_tasks):
    comment = run_tasks(lambda: held_comment(article))
    run_tasks(lambda: comments_approve(comments=[comment]))
    sent = len(mail.outbox)

    run_tasks(lambda: comments_approve(comments=Comment.objects.filter(pk=comment.pk)))

    assert len(mail.outbox) == sent


def test_a_comment_hidden_and_approved_again_is_not_announced_twice(article, followers, run_tasks):
    comment = run_tasks(lambda: held_comment(article))
    run_tasks(lambda: comments_approve(comments=[comment]))
    sent = len(mail.outbox)
    Comment.objects.filter(pk=comment.pk).update(is_public=False)

    run_tasks(lambda: comments_approve(comments=Comment.objects.filter(pk=comment.pk)))

    assert Comment.objects.get(pk=comment.pk).is_public
    assert len(mail.outbox) == sent


def test_a_comment_is_announced_to_followers_only_once(article, followers, run_tasks):
    comment = run_tasks(lambda: new_comment(article, email="dan@example.org"))
    sent = len(mail.outbox)

    assert followers_notify(comment_id=comment.pk) == 0
    assert len(mail.outbox) == sent


def test_approving_a_comment_wrongly_marked_spam_notifies_followers(article, followers, run_tasks):
    comment = CommentFactory(content_object=article, is_public=False, is_spam=True)

    run_tasks(lambda: comments_approve(comments=[comment]))

    assert recipients() == ["ann@example.org", "bob@example.org"]


# The article's author


@pytest.fixture
def watching_author():
    return AuthorFactory(
        user=UserFactory(email="writer@example.org"), name="Sam Writer", notify_of_comments=True
    )


def test_an_author_who_asked_is_told_of_new_comments_on_their_articles(watching_author, run_tasks):
    article = ArticleFactory(authors=[watching_author])

    run_tasks(lambda: new_comment(article, email="dan@example.org"))

    assert recipients() == ["writer@example.org"]
    assert "your article" in mail.outbox[0].subject


def test_an_author_who_did_not_ask_hears_nothing(watching_author, run_tasks):
    watching_author.notify_of_comments = False
    watching_author.save()
    article = ArticleFactory(authors=[watching_author])

    run_tasks(lambda: new_comment(article, email="dan@example.org"))

    assert mail.outbox == []


def test_an_author_without_a_user_account_hears_nothing(run_tasks):
    article = ArticleFactory(authors=[AuthorFactory(notify_of_comments=True)])

    run_tasks(lambda: new_comment(article, email="dan@example.org"))

    assert mail.outbox == []


def test_an_author_is_not_told_of_their_own_comment(watching_author, run_tasks):
    article = ArticleFactory(authors=[watching_author])

    run_tasks(lambda: new_comment(article, email="writer@example.org"))

    assert mail.outbox == []


# Mute


@pytest.fixture
def mute_path(article, followers, run_tasks):
    """The mute link from ann's follow-up email."""
    run_tasks(lambda: new_comment(article, email="dan@example.org"))
    message = next(m for m in mail.outbox if m.to == ["ann@example.org"])
    mail.outbox.clear()
    return path_of(MUTE_LINK.search(message.body).group(0))


def test_opening_the_mute_link_shows_one_button_and_changes_nothing(client, mute_path):
    response = client.get(mute_path)

    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert response.status_code == 200
    assert main.count("<button") == 1 and "Stop these emails" in main
    assert Comment.objects.filter(user_email="ann@example.org", followup=True).exists()


def test_pressing_the_mute_button_stops_emails_for_that_address_on_that_article(
    client, article, mute_path, run_tasks
):
    response = client.post(mute_path)
    assert response.status_code == 200 and "any more" in response.content.decode()

    run_tasks(lambda: new_comment(article, email="fay@example.org"))

    assert recipients() == ["bob@example.org"]


def test_muting_one_article_leaves_the_address_following_others(client, mute_path, run_tasks):
    other = ArticleFactory()
    CommentFactory(content_object=other, user_email="ann@example.org", followup=True)

    client.post(mute_path)
    run_tasks(lambda: new_comment(other, email="fay@example.org"))

    assert recipients() == ["ann@example.org"]


class _OldSigner(signing.TimestampSigner):
    """Signs as if eight days ago, one more than links are valid for."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 8 * 24 * 3600)


def old_token(value, *, salt: str) -> str:
    return _OldSigner(salt=salt).sign_object(value, compress=True)


def test_an_expired_mute_link_shows_the_expired_page(client, article):
    CommentFactory(content_object=article, user_email="ann@example.org", followup=True)
    token = old_token({"email": "ann@example.org", "article": article.pk}, salt=MUTE_SALT)

    for response in (
        client.get(f"/comments/mute/{token}/"),
        client.post(f"/comments/mute/{token}/"),
    ):
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
    assert Comment.objects.filter(user_email="ann@example.org", followup=True).exists()


def test_a_mute_link_within_its_lifetime_still_works(client, article, settings):
    settings.COMMENTS_TOKEN_MAX_AGE = 9 * 24 * 3600
    token = old_token({"email": "ann@example.org", "article": article.pk}, salt=MUTE_SALT)

    assert client.get(f"/comments/mute/{token}/").status_code == 200


def test_a_tampered_mute_link_is_refused(client, article):
    token = mute_token("ann@example.org", article)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    response = client.get(f"/comments/mute/{tampered}/")

    assert response.status_code == 400
    assert "not recognised" in response.content.decode()


def test_a_mute_token_does_not_work_as_a_confirmation_token(client, article):
    token = mute_token("ann@example.org", article)

    assert client.get(f"/comments/confirm/{token}/").status_code == 400
    assert client.post(f"/comments/confirm/{token}/").status_code == 400


def test_a_confirmation_token_does_not_work_as_a_mute_token(client, article):
    pending = PendingComment.objects.create(data={"object_pk": str(article.pk)}, email="a@b.org")
    token = make_token(pending.pk, salt=CONFIRM_SALT)

    assert client.post(f"/comments/mute/{token}/").status_code == 400


def test_an_expired_confirmation_link_shows_the_expired_page_and_publishes_nothing(client, article):
    pending = PendingComment.objects.create(data={"object_pk": str(article.pk)}, email="a@b.org")
    token = old_token(pending.pk, salt=CONFIRM_SALT)

    response = client.post(f"/comments/confirm/{token}/")

    assert response.status_code == 410
    assert not Comment.objects.exists()
