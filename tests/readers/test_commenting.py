"""Signed-in readers comment without a confirmation email, under their account's current name,
moderated like anyone; a setting can require signing in."""

import pytest
from django.core import mail

from comments.models import Comment, PendingComment
from readers.services import profile_update
from tests.factories import ArticleFactory, CommentFactory, comment_post_data


@pytest.fixture
def article(db):
    return ArticleFactory(title="Talks resume", slug="talks-resume")


def post(client, article, run_tasks, **fields):
    data = comment_post_data(article, name="", email="", **fields)
    return run_tasks(lambda: client.post("/comments/post/", data))


def test_signed_in_reader_is_published_at_once_without_an_email(
    signed_in, reader, article, run_tasks
):
    CommentFactory(user_email=reader.email, user_name="Leila Navabi")  # approved before
    response = post(signed_in, article, run_tasks, comment="Straight to the page.")

    comment = Comment.objects.get(comment="Straight to the page.")
    assert comment.is_public
    assert (comment.user, comment.user_name, comment.user_email) == (
        reader, "Leila Navabi", "leila@example.org",
    )  # fmt: skip
    assert not PendingComment.objects.exists()
    assert not mail.outbox
    assert (
        signed_in.get(response.url, follow=True).redirect_chain[-1][0].endswith(f"#c{comment.pk}")
    )


def test_signed_in_readers_first_comment_is_held_like_a_guests(signed_in, article, run_tasks):
    post(signed_in, article, run_tasks, comment="My very first.")

    comment = Comment.objects.get(comment="My very first.")
    assert not comment.is_public
    assert comment.held_reasons == ["first comment"]


def test_signed_in_readers_comment_with_links_is_held(signed_in, reader, article, run_tasks):
    CommentFactory(user_email=reader.email)
    post(signed_in, article, run_tasks, comment="See https://a.example and https://b.example")

    assert Comment.objects.get(comment__startswith="See").held_reasons == ["links: 2"]


def test_signed_in_readers_comments_are_rate_limited(
    signed_in, reader, article, run_tasks, settings
):
    settings.COMMENTS_RATE_PER_EMAIL = (1, 600)
    CommentFactory(user_email=reader.email)
    post(signed_in, article, run_tasks, comment="One.")
    refused = post(signed_in, article, run_tasks, comment="Two.")

    assert refused.status_code == 429
    assert not Comment.objects.filter(comment="Two.").exists()


def test_strangers_typing_a_readers_address_cannot_use_up_their_comments(
    signed_in, reader, article, run_tasks, settings
):
    settings.COMMENTS_RATE_PER_EMAIL = (1, 600)
    CommentFactory(user_email=reader.email)
    stranger = type(signed_in)(REMOTE_ADDR="192.0.2.66")
    for n in range(2):
        data = comment_post_data(article, name="Not Leila", email=reader.email, comment=f"{n}")
        refused = run_tasks(lambda data=data: stranger.post("/comments/post/", data))

    # The guest form's own count is used up, and says how to get round strangers.
    assert refused.status_code == 429
    assert "sign in with it" in refused.content.decode()
    response = post(signed_in, article, run_tasks, comment="Still mine to post.")

    assert response.status_code == 302
    assert Comment.objects.get(comment="Still mine to post.").is_public
    again = post(signed_in, article, run_tasks, comment="But not twice.")
    assert again.status_code == 429
    assert "sign in with it" not in again.content.decode()


def test_the_form_says_who_is_signed_in_and_offers_sign_out(signed_in, article):
    page = signed_in.get(article.get_absolute_url()).content.decode()
    form = page.split('id="respond"')[1]

    assert "Signed in as" in form and "Leila Navabi" in form
    assert 'href="/account/logout/"' in form
    assert 'name="email"' not in form.split("</form>")[0]


def test_a_new_display_name_shows_on_old_comments(signed_in, reader, article, run_tasks, client):
    CommentFactory(user_email=reader.email)
    post(signed_in, article, run_tasks, comment="Under my old name.")
    anonymous = type(client)()
    assert "Leila Navabi" in anonymous.get(article.get_absolute_url()).content.decode()

    profile_update(user=reader, display_name="L. N.", website="https://leila.example")

    page = anonymous.get(article.get_absolute_url()).content.decode()
    assert "Leila Navabi" not in page
    assert "L. N." in page
    assert 'href="https://leila.example"' in page


def test_a_readers_comment_links_to_no_private_data(signed_in, reader, article, run_tasks):
    CommentFactory(user_email=reader.email)
    post(signed_in, article, run_tasks, comment="Nothing private here.")

    page = type(signed_in)().get(article.get_absolute_url()).content.decode()
    assert "Nothing private here." in page
    assert reader.email not in page
    assert "/account/" not in page.split('id="comments"')[1].split('id="respond"')[0]


def test_sign_in_can_be_required_to_comment(
    client, signed_in, reader, article, run_tasks, settings
):
    settings.COMMENTS_REQUIRE_SIGN_IN = True
    CommentFactory(user_email=reader.email)
    guest = type(client)()

    page = guest.get(article.get_absolute_url()).content.decode()
    assert "Sign in to comment" in page
    assert 'name="comment"' not in page
    refused = guest.post("/comments/post/", comment_post_data(article, comment="As a guest."))
    assert refused.status_code == 403
    assert not PendingComment.objects.exists()

    post(signed_in, article, run_tasks, comment="As a reader.")
    assert Comment.objects.get(comment="As a reader.").is_public


def test_guests_still_comment_by_default(client, article, run_tasks):
    run_tasks(lambda: client.post("/comments/post/", comment_post_data(article)))

    assert PendingComment.objects.count() == 1


def test_a_reader_without_a_name_gives_one_with_their_first_comment(client, article, run_tasks):
    from allauth.account.models import EmailAddress

    from readers.models import ReaderProfile
    from tests.factories import UserFactory

    user = UserFactory(username="reader-0a1b2c", email="nameless@example.org", first_name="")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user, backend="readers.backends.ReaderBackend")
    form = client.get(article.get_absolute_url()).content.decode().split('id="respond"')[1]
    assert 'name="name"' in form.split("</form>")[0]

    data = comment_post_data(article, name="Dana K.", email="", comment="First words.")
    run_tasks(lambda: client.post("/comments/post/", data))

    assert Comment.objects.get(comment="First words.").user_name == "Dana K."
    assert ReaderProfile.objects.get(user=user).display_name == "Dana K."
    user.refresh_from_db()
    assert user.get_full_name() == "Dana K."
