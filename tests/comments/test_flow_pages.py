"""The comment flow pages: ours (templates/discussion/) and the libraries' overrides share one
base (discussion/base.html), which keeps them out of search indexes."""

import pytest

from comments.notifications import mute_token
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
