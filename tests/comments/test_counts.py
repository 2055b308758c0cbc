"""Each article's count of public comments (Article.comment_count) follows its comments."""

import pytest

from articles.models import Article
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def count(article) -> int:
    return Article.objects.get(pk=article.pk).comment_count


def test_count_follows_comments_posted_held_approved_and_removed():
    article = ArticleFactory()
    first = CommentFactory(content_object=article)
    CommentFactory(parent=first)
    held = CommentFactory(content_object=article, held=True)
    assert count(article) == 2

    held.is_public = True
    held.save()
    assert count(article) == 3

    held.is_removed = True
    held.save()
    assert count(article) == 2

    # The reply stays, with a parent_id of no comment: xtd's threads have no foreign key.
    Comment.objects.get(pk=first.pk).delete()
    assert count(article) == 1


def test_saving_an_article_read_before_a_comment_keeps_the_newer_count():
    article = ArticleFactory()
    stale = Article.objects.get(pk=article.pk)
    CommentFactory(content_object=article)

    stale.title = "A better title"
    stale.save()

    assert count(article) == 1
    assert Article.objects.get(pk=article.pk).title == "A better title"


def test_counts_are_kept_after_the_commit_too(django_capture_on_commit_callbacks):
    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        CommentFactory(content_object=article)
    assert callbacks
    assert count(article) == 1
