"""Admin: the delivery records, and each article's email counts on its page."""

import pytest

from subscriptions.models import Delivery, Subscriber
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Delivery.Status


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def deliveries(article, **counts):
    for status, count in counts.items():
        for _ in range(count):
            reader = Subscriber.objects.create(
                email=f"{status}{Delivery.objects.count()}@example.org",
                state=Subscriber.State.ACTIVE,
            )
            Delivery.objects.create(subscriber=reader, article=article, status=status)


def test_the_article_page_counts_its_emails_by_what_the_mail_server_did(admin_client):
    article = ArticleFactory()
    deliveries(article, sent=3, failed=1, pending=2, sending=1, skipped=1)
    deliveries(ArticleFactory(), sent=5)

    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()

    assert "Sent (accepted by the mail server): 3" in page
    assert "Failed: 1" in page
    assert "Waiting or sending: 3" in page
    assert "Skipped (no longer subscribed): 1" in page
    assert f"/admin/subscriptions/delivery/?article__id__exact={article.pk}" in page


def test_the_counts_take_one_query_whatever_the_number_of_emails(
    admin_client, django_assert_num_queries
):
    from subscriptions.admin import article_delivery_counts

    article = ArticleFactory()
    deliveries(article, sent=20, failed=5)

    with django_assert_num_queries(1):
        counts = article_delivery_counts(article)
    assert counts[Status.SENT] == 20
    assert counts[Status.FAILED] == 5


def test_an_article_not_yet_sent_says_so(admin_client):
    article = ArticleFactory(scheduled=True)

    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()

    assert "No subscriber emails (yet)" in page


def test_the_delivery_list_filters_by_status_and_article_and_cannot_be_edited(admin_client):
    article, other = ArticleFactory(title="First one"), ArticleFactory(title="Second one")
    deliveries(article, sent=1, failed=1)
    deliveries(other, sent=1)

    failed = admin_client.get(f"/admin/subscriptions/delivery/?status__exact={Status.FAILED}")
    of_article = admin_client.get(f"/admin/subscriptions/delivery/?article__id__exact={other.pk}")

    assert failed.context["cl"].result_count == 1
    assert of_article.context["cl"].result_count == 1
    assert admin_client.get("/admin/subscriptions/delivery/add/").status_code == 403
    one = Delivery.objects.first()
    page = admin_client.get(f"/admin/subscriptions/delivery/{one.pk}/change/").content.decode()
    assert 'name="_save"' not in page
