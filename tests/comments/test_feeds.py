"""RSS of the latest public comments, site-wide and per article."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

SITE_FEED = "/comments/feed/"


def article_feed(article) -> str:
    return f"{article.get_absolute_url()}feed/"


def rss_items(client, url) -> list[dict]:
    """The feed's items as dicts, after checking it is well-formed RSS 2.0."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") and channel.findtext("link")
    return [
        {child.tag: child.text for child in item if not child.tag.startswith("{")}
        for item in channel.findall("item")
    ]


def minutes_ago(minutes: int):
    return timezone.now() - timedelta(minutes=minutes)


# Site-wide


def test_site_feed_lists_public_comments_newest_first(client):
    older = CommentFactory(comment="Older words.", submit_date=minutes_ago(30))
    newer = CommentFactory(comment="Newer words.", submit_date=minutes_ago(5))

    items = rss_items(client, SITE_FEED)

    assert [item["description"] for item in items] == [
        "<p>Newer words.</p>",
        "<p>Older words.</p>",
    ]
    assert items[0]["link"].endswith(newer.get_absolute_url())
    assert items[1]["link"].endswith(older.get_absolute_url())


def test_site_feed_items_name_the_commenter_and_the_article(client):
    CommentFactory(user_name="Rana", content_object=ArticleFactory(title="Talks resume"))

    (item,) = rss_items(client, SITE_FEED)

    assert item["title"] == "Rana on “Talks resume”"
    assert item["pubDate"]


def test_feed_links_are_absolute_permalinks_to_the_comment(client, settings):
    comment = CommentFactory()

    (item,) = rss_items(client, SITE_FEED)

    assert item["link"] == f"{settings.SITE_URL}{comment.get_absolute_url()}"
    assert item["link"].endswith(f"#c{comment.pk}")


def test_site_feed_leaves_out_held_spam_and_removed_comments(client):
    CommentFactory(comment="Shown.")
    CommentFactory(comment="Held.", is_public=False)
    CommentFactory(comment="Spam.", is_public=False, is_spam=True)
    CommentFactory(comment="Removed.", is_removed=True)

    items = rss_items(client, SITE_FEED)

    assert [item["description"] for item in items] == ["<p>Shown.</p>"]


@pytest.mark.parametrize("state", [{"draft": True}, {"scheduled": True}])
def test_site_feed_leaves_out_comments_on_unpublished_articles(client, state):
    CommentFactory(comment="Shown.")
    hidden = ArticleFactory(**state)
    CommentFactory(content_object=hidden, comment="On an unpublished article.")

    items = rss_items(client, SITE_FEED)

    assert [item["description"] for item in items] == ["<p>Shown.</p>"]


def test_site_feed_leaves_out_comments_once_their_article_is_unpublished(client):
    comment = CommentFactory(comment="Was shown.")
    Article.objects.filter(pk=comment.object_pk).update(status=Article.Status.DRAFT)

    assert rss_items(client, SITE_FEED) == []


def test_feed_text_is_escaped_for_feed_readers(client):
    article = ArticleFactory(title="Talks")
    CommentFactory(
        content_object=article, user_name="<b>Bold</b>", comment="Tom & <i>Jerry</i>\nnext"
    )

    (item,) = rss_items(client, SITE_FEED)

    # Feed readers render these as HTML: the reader's markup must arrive as text, as Django's
    # own feeds treat titles.
    assert item["description"] == "<p>Tom &amp; &lt;i&gt;Jerry&lt;/i&gt;<br>next</p>"
    assert item["title"] == "&lt;b&gt;Bold&lt;/b&gt; on “Talks”"


@pytest.mark.parametrize("control", ["\x0b", "\x1b", "\x07"])
def test_a_control_character_in_a_comment_leaves_both_feeds_readable(client, control):
    # Kept as if posted before the form dropped them, or written by other means.
    article = ArticleFactory(title=f"Talks{control} resume")
    CommentFactory(
        content_object=article, user_name=f"Rana{control}", comment=f"Bell{control} rings."
    )

    for url in (SITE_FEED, article_feed(article)):
        (item,) = rss_items(client, url)

        assert item["description"] == "<p>Bell rings.</p>"
        assert item["title"] == "Rana on “Talks resume”"


def test_feed_makes_addresses_in_comments_into_links_marked_as_user_content(client):
    CommentFactory(comment="See https://news.example/story")

    (item,) = rss_items(client, SITE_FEED)

    assert '<a href="https://news.example/story" rel="nofollow ugc">' in item["description"]


def test_site_feed_queries_do_not_grow_with_comments(client):
    def queries_for_feed() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            rss_items(client, SITE_FEED)
        return len(queries)

    CommentFactory()
    queries_for_feed()  # fills Django's in-memory content-type cache
    one = queries_for_feed()
    for article in ArticleFactory.create_batch(3):
        for _ in range(4):
            CommentFactory(content_object=article)

    assert queries_for_feed() == one


# One article


def test_article_feed_lists_only_that_articles_comments_newest_first(client, article):
    CommentFactory(content_object=article, comment="First.", submit_date=minutes_ago(30))
    CommentFactory(content_object=article, comment="Second.", submit_date=minutes_ago(5))
    CommentFactory(comment="On another article.")

    items = rss_items(client, article_feed(article))

    assert [item["description"] for item in items] == ["<p>Second.</p>", "<p>First.</p>"]


def test_article_feed_is_titled_after_the_article(client, article):
    response = client.get(article_feed(article))

    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "Comments on “Talks resume”"
    assert channel.findtext("link").endswith(article.get_absolute_url())


def test_article_feed_leaves_out_held_spam_and_removed_comments(client, article):
    CommentFactory(content_object=article, comment="Shown.")
    CommentFactory(content_object=article, comment="Held.", is_public=False)
    CommentFactory(content_object=article, comment="Spam.", is_public=False, is_spam=True)
    CommentFactory(content_object=article, comment="Removed.", is_removed=True)

    items = rss_items(client, article_feed(article))

    assert [item["description"] for item in items] == ["<p>Shown.</p>"]


def test_article_feed_of_an_unpublished_article_is_not_found(client, article):
    url = article_feed(article)
    CommentFactory(content_object=article)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)

    assert client.get(url).status_code == 404


def test_article_feed_under_the_wrong_date_is_not_found(client, article):
    url = article_feed(article)
    wrong = url.replace(f"/{article.published_at:%Y}/", f"/{article.published_at.year - 1}/")

    assert client.get(wrong).status_code == 404
