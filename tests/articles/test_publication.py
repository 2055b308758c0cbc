from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.announcement import article_announce, article_mark_announced
from articles.models import Article
from articles.publication import article_publish, article_unpublish, publication_schedule
from articles.signals import article_became_public, article_stopped_being_public
from tests.factories import ArticleFactory


def _articles_sent(signal):
    """The pks of the articles `signal` is sent for while the test runs."""
    received = []

    def receiver(sender, article, **kwargs):
        received.append(article.pk)

    signal.connect(receiver)
    yield received
    signal.disconnect(receiver)


@pytest.fixture
def announcements():
    yield from _articles_sent(article_became_public)


def run_worker():
    call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_publishing_now_is_announced_once_by_the_worker(announcements):
    article = ArticleFactory()
    publication_schedule(article=article)

    run_worker()
    publication_schedule(article=Article.objects.get(pk=article.pk))
    run_worker()

    assert announcements == [article.pk]
    assert Article.objects.get(pk=article.pk).announced_at is not None


@pytest.mark.django_db(transaction=True)
def test_scheduled_article_is_announced_only_when_its_time_comes(announcements):
    article = ArticleFactory(scheduled=True)
    publication_schedule(article=article)

    run_worker()
    assert announcements == []
    queued = DBTaskResult.objects.get()
    assert queued.run_after == article.published_at

    later = article.published_at + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert article_announce(article_id=article.pk) is True
        assert article_announce(article_id=article.pk) is False
    assert announcements == [article.pk]


@pytest.mark.django_db
def test_draft_or_unpublished_articles_are_never_announced(announcements):
    draft = ArticleFactory(draft=True)
    publication_schedule(article=draft)
    published = ArticleFactory()
    Article.objects.filter(pk=published.pk).update(status=Article.Status.DRAFT)

    assert article_announce(article_id=draft.pk) is False
    assert article_announce(article_id=published.pk) is False
    assert announcements == []


@pytest.mark.django_db
def test_back_issues_marked_announced_are_not_announced(announcements):
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=300))
    article_mark_announced(article=article)

    assert article_announce(article_id=article.pk) is False
    assert announcements == []


@pytest.fixture
def withdrawals():
    yield from _articles_sent(article_stopped_being_public)


@pytest.mark.django_db
def test_publishing_again_keeps_the_first_time_and_with_it_the_address():
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=3))
    address = article.get_absolute_url()
    article_unpublish(article=article)

    article_publish(article=article)

    assert article.get_absolute_url() == address


@pytest.mark.django_db
def test_publishing_at_a_time_to_come_schedules_the_article():
    article = ArticleFactory(draft=True)

    article_publish(article=article, at=timezone.now() + timedelta(hours=2))

    assert article.state == Article.State.SCHEDULED
    assert not Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.django_db
def test_unpublishing_a_public_article_tells_the_site_once(withdrawals):
    public, draft = ArticleFactory(), ArticleFactory(draft=True)

    article_unpublish(article=public)
    article_unpublish(article=draft)

    assert withdrawals == [public.pk]
    assert not Article.objects.published().exists()
