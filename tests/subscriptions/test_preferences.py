import re

import pytest

from subscriptions.models import Subscriber
from tests.factories import AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def checked(page: str) -> set[tuple[str, str]]:
    """(name, value) of every ticked checkbox and radio button on the page."""
    inputs = re.findall(r"<input [^>]*>", page)
    return {
        (re.search(r'name="([^"]+)"', tag).group(1), re.search(r'value="([^"]*)"', tag).group(1))
        for tag in inputs
        if " checked" in tag
    }


def test_the_manage_page_shows_the_current_choices(client, subscriber, path_for):
    section = SectionFactory(name="Syria Daily")
    subscriber.all_articles = False
    subscriber.save()
    subscriber.sections.add(section)

    page = client.get(path_for(subscriber, "manage")).content.decode()

    assert "reader@example.org" in page
    assert "Syria Daily" in page
    assert checked(page) == {
        ("articles", "chosen"),
        ("sections", str(section.pk)),
        ("frequency", "instant"),
    }
    assert "Unsubscribe" in page


def test_saving_chosen_sections_and_authors_and_a_weekly_digest(client, subscriber, path_for):
    section, author = SectionFactory(), AuthorFactory()
    path = path_for(subscriber, "manage")

    response = client.post(
        path,
        {
            "articles": "chosen",
            "sections": [section.pk],
            "authors": [author.pk],
            "frequency": "weekly",
        },
        follow=True,
    )

    assert response.redirect_chain == [(path, 302)]
    assert "Your choices are saved." in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.all_articles is False
    assert subscriber.frequency == Subscriber.Frequency.WEEKLY
    assert list(subscriber.sections.all()) == [section]
    assert list(subscriber.authors.all()) == [author]
    assert subscriber.state == Subscriber.State.ACTIVE


def test_choosing_every_article_drops_earlier_choices(client, subscriber, path_for):
    subscriber.all_articles = False
    subscriber.save()
    subscriber.sections.add(SectionFactory())

    client.post(
        path_for(subscriber, "manage"), {"articles": "all", "frequency": "daily"}, follow=True
    )

    subscriber.refresh_from_db()
    assert subscriber.all_articles is True
    assert subscriber.frequency == Subscriber.Frequency.DAILY
    assert not subscriber.sections.exists()


def test_choosing_only_some_articles_without_any_section_or_author_is_refused(
    client, subscriber, path_for
):
    response = client.post(
        path_for(subscriber, "manage"), {"articles": "chosen", "frequency": "instant"}
    )

    assert response.status_code == 200
    assert "Choose at least one section or author" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.all_articles is True


def test_the_unsubscribe_button_on_the_manage_page_unsubscribes(client, subscriber, path_for):
    response = client.post(
        path_for(subscriber, "manage"),
        {"articles": "all", "frequency": "instant", "unsubscribe": ""},
    )

    assert "You are unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.UNSUBSCRIBED


def test_the_manage_form_needs_its_csrf_token(subscriber, path_for):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        path_for(subscriber, "manage"), {"articles": "all", "frequency": "weekly"}
    )

    assert response.status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.frequency == Subscriber.Frequency.INSTANT


def test_a_damaged_manage_link_is_refused(client, subscriber, path_for):
    response = client.get(path_for(subscriber, "manage")[:-5] + "/")

    assert response.status_code == 400
