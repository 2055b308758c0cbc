from io import StringIO

import pytest
from django.core.management import call_command

from comments.models import Comment, CommentReport
from comments.selectors import comment_thread
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo_comments", stdout=out)
    return out.getvalue()


def test_demo_discussion_has_nested_replies_a_held_comment_and_a_report_once():
    newest = ArticleFactory()

    assert "created by this run" in seed()
    seed()

    thread = comment_thread(newest)
    assert [node.number for node in thread.nodes] == [1, 2, 3]
    assert thread.nodes[0].children[0].children, "a reply to a reply"
    held = Comment.objects.get(is_public=False)
    assert held.held_reasons == ["links: 3"]
    assert CommentReport.objects.count() == 1
    assert Comment.objects.filter(object_pk=str(newest.pk)).count() == 6
