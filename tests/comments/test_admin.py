import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.roles import AUTHORS, MODERATORS, ensure_roles
from comments.models import BlockedItem, Comment, CommentReport, PendingComment
from comments.services import comment_create
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("admin:comments_comment_changelist")


def report(comment, *, reader: str = "reader-1", reason: str = "Abusive") -> CommentReport:
    return CommentReport.objects.create(comment=comment, reporter_hash=reader, reason=reason)


def act(client, action: str, comments, *, view: str = "awaiting", **extra):
    """Run an admin action from one view of the list: it acts only on the rows of that view."""
    return client.post(
        f"{QUEUE_URL}?moderation={view}",
        {"action": action, "_selected_action": [c.pk for c in comments], **extra},
        follow=True,
    )


def new_comment_data(article, **fields) -> dict:
    """What comments.services.comment_create receives for a new comment on `article`."""
    return {
        "content_type_id": ContentType.objects.get_for_model(Article).pk,
        "object_pk": str(article.pk),
        "site_id": 1,
        "user_id": None,
        "user_name": "Sam Spammer",
        "user_email": "sam@spam.example",
        "user_url": "",
        "comment": "Another one.",
        "submit_date": timezone.now().isoformat(),
        "ip_address": "203.0.113.9",
        "parent_id": 0,
        "followup": False,
        **fields,
    }


# The queue


def test_queue_lists_held_comments_with_their_reasons(admin_client, article):
    CommentFactory(
        content_object=article,
        held=True,
        comment="Cheap pills here",
        held_reasons=["links: 3", "first comment"],
        user_name="Sam Spammer",
        user_email="sam@spam.example",
    )
    CommentFactory(content_object=article, comment="Already public")

    page = admin_client.get(QUEUE_URL).content.decode()

    assert "Cheap pills here" in page
    assert "Sam Spammer<br><small>sam@spam.example</small>" in page
    assert '<td class="field-moderation">Held<br>links: 3, first comment</td>' in page
    assert f'<a href="{article.get_absolute_url()}">Talks resume</a>' in page
    assert "Already public" not in page


def test_all_comments_is_a_choice_beside_the_queue(admin_client, article):
    CommentFactory(content_object=article, held=True, comment="Waiting one")
    CommentFactory(content_object=article, comment="Already public")

    page = admin_client.get(QUEUE_URL, {"moderation": "all"}).content.decode()

    assert "Waiting one" in page
    assert "Already public" in page


def test_flagged_filter_shows_reported_comments_with_their_count(admin_client, article):
    reported = CommentFactory(content_object=article, comment="Reported one")
    report(reported, reader="a")
    report(reported, reader="b")
    CommentFactory(content_object=article, comment="Nobody minds this")

    response = admin_client.get(QUEUE_URL, {"moderation": "flagged"})

    page = response.content.decode()
    assert "Reported one" in page
    assert "Nobody minds this" not in page
    [row] = response.context["cl"].result_list
    assert row.open_reports == 2


def test_spam_filter_shows_spam_only(admin_client, article):
    CommentFactory(content_object=article, held=True, comment="Buy now", is_spam=True)
    CommentFactory(content_object=article, held=True, comment="Waiting one")

    page = admin_client.get(QUEUE_URL, {"moderation": "spam"}).content.decode()

    assert "Buy now" in page
    assert "Waiting one" not in page


def test_queue_searches_names_emails_text_and_addresses(admin_client, article):
    CommentFactory(
        content_object=article, held=True, comment="From Cairo", ip_address="198.51.100.7"
    )
    CommentFactory(
        content_object=article, held=True, comment="From elsewhere", ip_address="192.0.2.1"
    )

    page = admin_client.get(QUEUE_URL, {"q": "198.51.100.7"}).content.decode()

    assert "From Cairo" in page
    assert "From elsewhere" not in page


def test_queue_query_count_does_not_grow_with_comments(admin_client, django_assert_max_num_queries):
    def add(count):
        for n in range(count):
            comment = CommentFactory(held=True, comment=f"Comment {n}")
            report(comment)

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(QUEUE_URL).status_code == 200
    add(28)

    with django_assert_max_num_queries(len(few)):
        response = admin_client.get(QUEUE_URL)
    assert len(response.context["cl"].result_list) == 30


def test_change_form_shows_reasons_and_reports_read_only(admin_client, article):
    comment = CommentFactory(
        content_object=article, held=True, held_reasons=["links: 2"], ip_address="192.0.2.4"
    )
    report(comment, reason="Advertising")

    response = admin_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))

    page = response.content.decode()
    assert "links: 2" in page
    assert "Advertising" in page
    form_fields = response.context["adminform"].form.fields
    assert "comment" in form_fields  # moderators may correct the text
    for field in ("ip_address", "submit_date", "held_reasons"):
        assert field not in form_fields


def test_ticking_public_in_the_change_form_notifies_followers(admin_client, article, run_tasks):
    CommentFactory(
        content_object=article, user_email="follower@example.org", followup=True, comment="First"
    )
    held = CommentFactory(content_object=article, held=True, comment="Held for a moderator")
    form = {
        "user_name": held.user_name,
        "user_email": held.user_email,
        "user_url": "",
        "comment": "Held for a moderator, typo fixed",
        "is_public": "on",
        "reports-TOTAL_FORMS": "0",
        "reports-INITIAL_FORMS": "0",
    }

    url = reverse("admin:comments_comment_change", args=[held.pk])
    response = run_tasks(lambda: admin_client.post(url, form))

    assert response.status_code == 302
    held.refresh_from_db()
    assert held.is_public and held.comment == "Held for a moderator, typo fixed"
    assert sorted(message.to for message in mail.outbox) == sorted(
        [["follower@example.org"], [held.user_email]]
    )


def test_a_comment_cannot_be_both_public_and_spam(admin_client, article):
    held = CommentFactory(content_object=article, held=True, comment="Buy now")
    form = {
        "user_name": held.user_name,
        "user_email": held.user_email,
        "user_url": "",
        "comment": held.comment,
        "is_public": "on",
        "is_spam": "on",
        "reports-TOTAL_FORMS": "0",
        "reports-INITIAL_FORMS": "0",
    }

    url = reverse("admin:comments_comment_change", args=[held.pk])
    response = admin_client.post(url, form)

    assert response.status_code == 200
    assert "A comment marked as spam cannot be public." in response.content.decode()
    held.refresh_from_db()
    assert not held.is_public


# Actions


def test_approve_publishes_and_notifies_followers_once(admin_client, article, run_tasks):
    CommentFactory(
        content_object=article, user_email="follower@example.org", followup=True, comment="First"
    )
    held = CommentFactory(content_object=article, held=True, comment="Held for a moderator")
    report(held)

    response = run_tasks(lambda: act(admin_client, "approve_selected", [held]))

    assert "Approved 1 comment. Resolved 1 reader report." in response.content.decode()
    held.refresh_from_db()
    assert held.is_public
    assert not held.reports.filter(resolved=False).exists()
    # The follower hears of the comment, and its author that it was approved.
    assert sorted(message.to for message in mail.outbox) == sorted(
        [["follower@example.org"], [held.user_email]]
    )
    assert "Held for a moderator" in admin_client.get(article.get_absolute_url()).content.decode()


def test_approve_action_is_labelled_for_moderators(admin_client, article):
    CommentFactory(content_object=article, held=True)

    page = admin_client.get(QUEUE_URL).content.decode()

    assert ">Approve selected comments<" in page
    assert ">Mark selected comments as spam<" in page
    assert ">Mark as spam and block the senders<" in page


def test_mark_spam_hides_the_comment(admin_client, article):
    comment = CommentFactory(content_object=article, comment="Visit my shop")

    response = act(admin_client, "mark_spam", [comment], view="public")

    assert "Marked 1 comment as spam." in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_spam and not comment.is_public
    assert "Visit my shop" not in admin_client.get(article.get_absolute_url()).content.decode()
    assert not BlockedItem.objects.exists()


def test_spam_and_block_holds_the_senders_next_comment(admin_client, article):
    comment = CommentFactory(
        content_object=article, held=True, user_email="Sam@Spam.example", ip_address="203.0.113.9"
    )

    act(admin_client, "mark_spam_and_block", [comment])

    assert set(BlockedItem.objects.values_list("kind", "value")) == {
        (BlockedItem.Kind.EMAIL, "sam@spam.example"),
        (BlockedItem.Kind.IP, "203.0.113.9"),
    }
    following = comment_create(data=new_comment_data(article, ip_address="192.0.2.50"))
    assert not following.is_public
    assert "blocklist: Email address: sam@spam.example" in following.held_reasons


def test_blocklist_entry_added_in_admin_holds_matching_comments(admin_client, article):
    CommentFactory(content_object=article, user_email="sam@spam.example")  # approved before

    admin_client.post(
        reverse("admin:comments_blockeditem_add"),
        {"kind": BlockedItem.Kind.WORD, "value": "Casino", "note": ""},
    )

    held = comment_create(data=new_comment_data(article, comment="Best casino bonus"))
    assert held.held_reasons == ["blocklist: Word or phrase: casino"]


def test_delete_action_deletes_the_comments(admin_client, article):
    comment = CommentFactory(content_object=article, held=True)

    response = act(admin_client, "delete_selected", [comment], post="yes")

    assert response.status_code == 200
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_staff_without_change_permission_cannot_approve(article):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="view_comment")
    )
    client = Client()
    client.force_login(viewer)
    comment = CommentFactory(content_object=article, held=True)

    assert "Approve selected comments" not in client.get(QUEUE_URL).content.decode()
    act(client, "approve_selected", [comment])

    comment.refresh_from_db()
    assert not comment.is_public


def test_comments_cannot_be_added_in_admin(admin_client):
    assert admin_client.get(reverse("admin:comments_comment_add")).status_code == 403


# Admin index, pending comments, articles


def test_admin_index_shows_how_many_comments_await_moderation(admin_client, article):
    for _ in range(3):
        CommentFactory(content_object=article, held=True)
    CommentFactory(content_object=article)
    CommentFactory(content_object=article, held=True, is_spam=True)

    page = admin_client.get(reverse("admin:index")).content.decode()

    assert "Comments (3 awaiting moderation)" in page
    assert f'href="{QUEUE_URL}?moderation=awaiting"' in page


def test_admin_index_moderation_summary_is_hidden_from_staff_without_comment_access():
    staff = UserFactory(username="writer", is_staff=True)
    client = Client()
    client.force_login(staff)

    assert "awaiting moderation" not in client.get(reverse("admin:index")).content.decode()


def test_pending_comments_are_listed_but_not_editable(admin_client):
    PendingComment.objects.create(data={}, email="guest@example.org")

    page = admin_client.get(reverse("admin:comments_pendingcomment_changelist"))

    assert "guest@example.org" in page.content.decode()
    assert admin_client.get(reverse("admin:comments_pendingcomment_add")).status_code == 403


def test_close_comments_action_closes_the_article_to_comments(admin_client, article):
    response = admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "close_comments", "_selected_action": [article.pk]},
        follow=True,
    )

    assert "Closed comments on 1 article(s)." in response.content.decode()
    page = admin_client.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed." in page


def test_open_comments_action_reopens_the_article(admin_client):
    article = ArticleFactory(comments_open=False)

    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "open_comments", "_selected_action": [article.pk]},
    )

    article.refresh_from_db()
    assert article.comments_open


def test_comment_moderators_close_and_open_discussions_from_the_article_list():
    ensure_roles()
    moderator = UserFactory(username="moderator", is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    client = Client()
    client.force_login(moderator)
    article = ArticleFactory(title="Talks resume")
    ArticleFactory(draft=True, title="Unfinished draft")
    changelist = reverse("admin:articles_article_changelist")

    page = client.get(changelist).content.decode()

    assert "Talks resume" in page and "Close comments" in page
    assert "Unfinished draft" not in page
    client.post(changelist, {"action": "close_comments", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert not article.comments_open
    client.post(changelist, {"action": "open_comments", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.comments_open


def test_authors_cannot_close_comments():
    ensure_roles()
    writer = UserFactory(username="writer", is_staff=True)
    writer.groups.add(Group.objects.get(name=AUTHORS))
    client = Client()
    client.force_login(writer)
    ArticleFactory(draft=True, created_by=writer)  # the list shows its actions only with rows

    page = client.get(reverse("admin:articles_article_changelist")).content.decode()

    assert "Delete selected articles" in page  # the actions are there, but not this one
    assert "Close comments" not in page
