"""Moderating with context: what a held comment answers, replying from admin, and telling the
commenter when their held comment is approved."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from articles.roles import MODERATORS, ensure_roles
from comments.models import Comment
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, UserFactory

QUEUE_URL = reverse("admin:comments_comment_changelist")


def change_url(comment) -> str:
    return reverse("admin:comments_comment_change", args=[comment.pk])


def reply_url(comment) -> str:
    return reverse("admin:comments_comment_reply", args=[comment.pk])


@pytest.fixture
def article(db):
    return ArticleFactory(title="Talks resume")


@pytest.fixture
def moderator(db):
    ensure_roles()
    user = UserFactory(username="mod", first_name="Mona", last_name="Reyes", is_staff=True)
    user.groups.add(Group.objects.get(name=MODERATORS))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def thread(article):
    """A public comment and a held reply to it."""
    first = CommentFactory(content_object=article, user_name="Ann", comment="Sanctions work.")
    reply = CommentFactory(
        content_object=article,
        parent_id=first.pk,
        user_name="Bob",
        held=True,
        user_email="bob@example.org",
        comment="They never have.",
    )
    return first, reply


@pytest.mark.django_db
def test_a_held_reply_shows_the_comment_it_answers(moderator, thread):
    first, reply = thread

    queue = moderator.get(QUEUE_URL).content.decode()
    page = moderator.get(change_url(reply)).content.decode()

    assert "↳ reply to Ann" in queue
    assert "In reply to" in page
    assert f'href="{change_url(first)}">Ann</a> (public): <q>Sanctions work.</q>' in page
    assert "Talks resume" in page


@pytest.mark.django_db
def test_a_thread_starter_says_so(moderator, thread):
    first, _ = thread

    assert "starts a thread" in moderator.get(change_url(first)).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_moderator_replies_from_admin_under_their_name_and_the_held_comment_goes_public(
    moderator, thread, run_tasks, article
):
    first, held = thread
    AuthorFactory(name="Mona Reyes (Moderator)", user=moderator.user)
    page = moderator.get(change_url(held)).content.decode()
    assert "Reply as Mona Reyes (Moderator)" in page

    response = run_tasks(
        lambda: moderator.post(reply_url(held), {"reply": "Some have: see the 2015 deal."})
    )

    assert response.status_code == 302
    reply = Comment.objects.get(comment="Some have: see the 2015 deal.")
    assert reply.is_public and reply.parent_id == held.pk
    assert reply.user_name == "Mona Reyes (Moderator)" and reply.user_id == moderator.user.pk
    held.refresh_from_db()
    assert held.is_public
    public_page = Client().get(article.get_absolute_url()).content.decode()
    assert "Some have: see the 2015 deal." in public_page and "They never have." in public_page
    assert ["bob@example.org"] in [m.to for m in mail.outbox]  # approved: Bob is told


@pytest.mark.django_db
def test_an_empty_reply_or_a_closed_discussion_publishes_nothing(moderator, thread, article):
    first, _ = thread

    empty = moderator.post(reply_url(first), {"reply": "  "}, follow=True).content.decode()
    article.comments_open = False
    article.save()
    closed = moderator.post(reply_url(first), {"reply": "Late."}, follow=True).content.decode()

    assert "Write a reply before sending it." in empty
    assert "Comments on this article are closed" in closed
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_replying_needs_the_moderators_permission(thread):
    first, _ = thread
    author = Client()
    author.force_login(UserFactory(username="writer", is_staff=True))

    response = author.post(reply_url(first), {"reply": "Not mine to say."})

    assert response.status_code in (302, 403)
    assert Comment.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_commenter_is_told_once_when_their_held_comment_is_approved(
    moderator, thread, run_tasks
):
    _, held = thread
    approve = {"action": "approve_selected", "_selected_action": [held.pk]}

    run_tasks(lambda: moderator.post(f"{QUEUE_URL}?moderation=awaiting", approve))
    run_tasks(lambda: moderator.post(f"{QUEUE_URL}?moderation=all", approve))

    told = [m for m in mail.outbox if m.to == ["bob@example.org"]]
    assert len(told) == 1
    assert "is published" in told[0].subject
    assert f"{held.get_absolute_url()}" in told[0].body


@pytest.mark.django_db(transaction=True)
def test_no_approval_email_for_a_comment_taken_back_from_spam_or_removed(
    moderator, article, run_tasks
):
    spam = CommentFactory(
        content_object=article, is_public=False, is_spam=True, user_email="s@example.org"
    )
    removed = CommentFactory(
        content_object=article, held=True, is_removed=True, user_email="r@example.org"
    )
    approve = {"action": "approve_selected", "_selected_action": [spam.pk, removed.pk]}

    run_tasks(lambda: moderator.post(f"{QUEUE_URL}?moderation=all", approve))

    assert not [m for m in mail.outbox if m.to in (["s@example.org"], ["r@example.org"])]
