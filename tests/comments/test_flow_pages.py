"""The comment flow pages: ours (templates/discussion/) and the libraries' overrides share one
base (discussion/base.html), which keeps them out of search indexes."""

import pytest

from comments.models import Comment, PendingComment
from comments.notifications import mute_token
from comments.tokens import CONFIRM_SALT, make_token
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

NOINDEX = '<meta name="robots" content="noindex">'


def test_every_comment_flow_page_asks_not_to_be_indexed(client, article, post_data):
    comment = CommentFactory(content_object=article)
    mute = f"/comments/mute/{mute_token('ann@example.org', article)}/"

    pages = {
        "report": client.get(f"/comments/report/{comment.pk}/"),
        "reported": client.post(f"/comments/report/{comment.pk}/", {"reason": "Spam"}),
        "mute": client.get(mute),
        "muted": client.post(mute),
        "link invalid": client.get("/comments/confirm/not-a-token/"),
        "reply": client.get(f"/comments/reply/{comment.pk}/"),
        "preview": client.post("/comments/post/", post_data(article, email="not-an-address")),
    }

    for name, response in pages.items():
        assert response.content.decode().count(NOINDEX) == 1, name


def test_the_article_page_itself_may_be_indexed(client, article):
    assert NOINDEX not in client.get(article.get_absolute_url()).content.decode()


def test_head_on_emailed_comment_links_answers_like_get_and_changes_nothing(client, article):
    pending = PendingComment.objects.create(
        data={"object_pk": str(article.pk), "comment": "Not yet."}, email="ann@example.org"
    )
    CommentFactory(content_object=article, user_email="ann@example.org", followup=True)
    links = [
        f"/comments/confirm/{make_token(pending.pk, salt=CONFIRM_SALT)}/",
        f"/comments/mute/{mute_token('ann@example.org', article)}/",
    ]

    for link in links:
        head = client.head(link)

        assert head.status_code == client.get(link).status_code == 200, link
        assert head.content == b""
    assert not Comment.objects.filter(comment="Not yet.").exists()
    assert Comment.objects.get(user_email="ann@example.org").followup
