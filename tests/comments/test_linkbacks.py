"""One of our articles linking to another shows as a pingback under the linked one."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def target():
    return ArticleFactory(title="Ceasefire holds")


def pingbacks(client, article) -> list[str]:
    """The pingback lines under `article`, as text."""
    html = client.get(article.get_absolute_url()).content.decode()
    items = re.findall(r'<li class="linkback">(.*?)</li>', html, re.S)
    return [" ".join(strip_tags(item).split()) for item in items]


def linking_to(href: str, **fields) -> Article:
    return ArticleFactory(
        body=f'<p>As we reported, <a href="{href}">the ceasefire</a>.</p>', **fields
    )


def test_a_relative_link_lists_the_linking_article_as_a_pingback(client, target, settings):
    settings.SITE_NAME = "EA Worldview"
    linking_to(target.get_absolute_url(), title="Talks resume")

    assert pingbacks(client, target) == ["Pingback: Talks resume | EA Worldview"]


def test_the_pingback_links_to_the_linking_article(client, target):
    source = linking_to(target.get_absolute_url())

    html = client.get(target.get_absolute_url()).content.decode()

    assert f'Pingback: <a href="{source.get_absolute_url()}">' in html


def test_an_absolute_link_on_our_own_host_counts(client, target, settings):
    linking_to(settings.SITE_URL + target.get_absolute_url(), title="Talks resume")

    assert pingbacks(client, target) == [f"Pingback: Talks resume | {settings.SITE_NAME}"]


def test_a_link_with_a_fragment_or_query_counts(client, target):
    linking_to(target.get_absolute_url() + "?cpage=2#comments", title="Talks resume")

    assert len(pingbacks(client, target)) == 1


def test_a_link_to_the_same_path_on_another_host_is_ignored(client, target):
    linking_to("https://elsewhere.example" + target.get_absolute_url())

    assert pingbacks(client, target) == []


def test_links_to_pages_that_are_not_articles_are_ignored(client, target):
    source = linking_to(target.section.get_absolute_url())

    assert source.linkbacks_out.count() == 0


def test_an_article_linking_to_itself_lists_no_pingback(client):
    article = ArticleFactory(slug="self-reference")
    article.body = f'<p><a href="{article.get_absolute_url()}">here</a></p>'
    article.save()

    assert pingbacks(client, article) == []


def test_several_linking_articles_are_listed_oldest_first(client, target):
    linking_to(target.get_absolute_url(), title="First mention")
    linking_to(target.get_absolute_url(), title="Second mention")

    assert [line.split(" | ")[0] for line in pingbacks(client, target)] == [
        "Pingback: First mention",
        "Pingback: Second mention",
    ]


def test_removing_the_link_removes_the_pingback(client, target):
    source = linking_to(target.get_absolute_url())

    source.body = "<p>No links any more.</p>"
    source.save()

    assert pingbacks(client, target) == []


def test_unpublishing_the_linking_article_hides_the_pingback(client, target):
    source = linking_to(target.get_absolute_url())

    source.status = Article.Status.DRAFT
    source.save()

    assert pingbacks(client, target) == []


def test_a_draft_that_links_shows_no_pingback_until_it_is_published(client, target, settings):
    source = linking_to(target.get_absolute_url(), title="Talks resume", draft=True)
    assert pingbacks(client, target) == []

    source.status = Article.Status.PUBLISHED
    source.save()

    assert pingbacks(client, target) == [f"Pingback: Talks resume | {settings.SITE_NAME}"]


def test_a_scheduled_linking_article_shows_no_pingback_until_its_time(client, target, settings):
    due = timezone.now() + timedelta(seconds=1.5)
    linking_to(target.get_absolute_url(), title="Talks resume", published_at=due)
    assert pingbacks(client, target) == []

    # Its time comes: nothing saves it, the clock simply passes published_at (and no worker
    # announces it: the cached page knew when it would change).
    time.sleep((due - timezone.now()).total_seconds() + 0.1)

    assert pingbacks(client, target) == [f"Pingback: Talks resume | {settings.SITE_NAME}"]
