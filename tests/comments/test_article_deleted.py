"""An article deleted in admin takes its discussion with it, as WordPress deletes a post's comments
with the post: moderators find no comment without its article, and no emailed confirmation
publishes onto nothing."""

import pytest
from django.urls import reverse

from comments.models import Comment, CommentReport, PendingComment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def test_deleting_an_article_deletes_its_comments_reports_and_waiting_confirmations(admin_client):
    article = ArticleFactory(title="Withdrawn piece")
    kept = ArticleFactory(title="Still here")
    top = CommentFactory(content_object=article, comment="On the withdrawn piece.")
    CommentFactory(parent=top, comment="A reply on the withdrawn piece.")
    CommentFactory(content_object=article, held=True, comment="Held on the withdrawn piece.")
    CommentReport.objects.create(comment=top, reason="Off topic", reporter_hash="x")
    PendingComment.objects.create(
        data={"object_pk": str(article.pk), "comment": "Not yet."}, email="ann@example.org"
    )
    other = CommentFactory(content_object=kept, comment="On the article that stays.")
    PendingComment.objects.create(
        data={"object_pk": str(kept.pk), "comment": "Waiting here."}, email="bo@example.org"
    )

    response = admin_client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert list(Comment.objects.all()) == [other]
    assert not CommentReport.objects.exists()
    assert list(PendingComment.objects.values_list("email", flat=True)) == ["bo@example.org"]
    moderation = admin_client.get(reverse("admin:comments_comment_changelist"))
    assert moderation.status_code == 200
    assert "withdrawn piece" not in moderation.content.decode()
