import pytest
from django.db import IntegrityError

from articles.models import Article
from subscriptions.models import Subscriber
from subscriptions.tokens import (
    CONFIRM,
    MANAGE,
    UNSUBSCRIBE,
    TokenExpired,
    TokenInvalid,
    subscriber_from_token,
    subscriber_token,
)
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

ACTIVE = Subscriber.State.ACTIVE


def test_an_address_subscribes_once_whatever_its_case():
    Subscriber.objects.create(email="Reader@Example.org")

    with pytest.raises(IntegrityError):
        Subscriber.objects.create(email="reader@example.ORG")


def test_wanting_matches_all_articles_chosen_sections_and_chosen_authors_once_each():
    section, author = SectionFactory(), AuthorFactory()
    article = ArticleFactory(section=section, authors=[author])
    everything = Subscriber.objects.create(email="all@example.org", state=ACTIVE)
    by_section = Subscriber.objects.create(email="s@example.org", state=ACTIVE, all_articles=False)
    by_section.sections.add(section)
    both = Subscriber.objects.create(email="both@example.org", state=ACTIVE, all_articles=False)
    both.sections.add(section)
    both.authors.add(author)
    other = Subscriber.objects.create(email="other@example.org", state=ACTIVE, all_articles=False)
    other.sections.add(SectionFactory())
    Subscriber.objects.create(email="pending@example.org")
    Subscriber.objects.create(email="daily@example.org", state=ACTIVE, frequency="daily")

    wanting = Subscriber.objects.wanting(
        Article.objects.filter(pk=article.pk), frequency=Subscriber.Frequency.INSTANT
    )

    assert sorted(s.email for s in wanting) == sorted(
        [everything.email, by_section.email, both.email]
    )


def test_a_new_key_voids_manage_links_mailed_before_but_not_unsubscribe_links():
    subscriber = Subscriber.objects.create(email="r@example.org")
    token = subscriber_token(subscriber, purpose=MANAGE)
    leave = subscriber_token(subscriber, purpose=UNSUBSCRIBE)
    assert subscriber_from_token(token, purpose=MANAGE) == subscriber

    subscriber.key = "rotated"
    subscriber.save()

    with pytest.raises(TokenInvalid):
        subscriber_from_token(token, purpose=MANAGE)
    assert subscriber_from_token(leave, purpose=UNSUBSCRIBE) == subscriber


def test_a_token_works_only_for_its_own_purpose():
    subscriber = Subscriber.objects.create(email="r@example.org")

    with pytest.raises(TokenInvalid):
        subscriber_from_token(subscriber_token(subscriber, purpose=MANAGE), purpose=CONFIRM)


def test_confirmation_links_expire(settings):
    subscriber = Subscriber.objects.create(email="r@example.org")
    token = subscriber_token(subscriber, purpose=CONFIRM)
    settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE = -1

    with pytest.raises(TokenExpired):
        subscriber_from_token(token, purpose=CONFIRM)
    assert subscriber_from_token(subscriber_token(subscriber, purpose=MANAGE), purpose=MANAGE)
