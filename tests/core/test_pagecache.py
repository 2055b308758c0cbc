"""The full-page cache: anonymous readers share stored pages, and every change shows at once."""

import re
import socket
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.services import comments_approve, comments_mark_spam
from core.pagecache import InMemory
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    PageFactory,
    SectionFactory,
    UserFactory,
    comment_post_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(title="Talks resume", authors=[AuthorFactory(name="Lena Fischer")])


def cached_page(client, url, django_assert_num_queries) -> str:
    """The page as anonymous readers get it, after checking that it is now served stored."""
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    return again.content.decode()


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# Served stored


def test_a_second_anonymous_reader_gets_the_stored_page_without_a_query(
    client, article, django_assert_num_queries
):
    for url in ["/", article.get_absolute_url(), article.section.get_absolute_url()]:
        cached_page(client, url, django_assert_num_queries)


def test_tracking_parameters_share_the_page_and_page_numbers_do_not(
    client, django_assert_num_queries, settings
):
    settings.ARTICLES_PER_PAGE = 1
    first, second = ArticleFactory(title="Newest piece"), ArticleFactory(title="Older piece")
    Article.objects.filter(pk=second.pk).update(published_at=timezone.now() - timedelta(days=2))
    Article.objects.filter(pk=first.pk).update(published_at=timezone.now() - timedelta(days=1))
    cached_page(client, "/", django_assert_num_queries)

    with django_assert_num_queries(0):
        assert "Newest piece" in page(client, "/?utm_source=newsletter")
    assert "Older piece" in page(client, "/?page=2")


# Every change shows at once


def test_publishing_an_article_shows_it_on_the_stored_home_page(client, django_assert_num_queries):
    draft = ArticleFactory(title="Election called", draft=True)
    assert "Election called" not in cached_page(client, "/", django_assert_num_queries)

    draft.status = Article.Status.PUBLISHED
    draft.save()

    assert "Election called" in page(client, "/")


def test_editing_an_article_shows_on_its_page_and_in_listings(
    client, article, django_assert_num_queries
):
    url = article.get_absolute_url()
    cached_page(client, url, django_assert_num_queries)
    cached_page(client, "/", django_assert_num_queries)

    article.title = "Talks collapse"
    article.save()

    assert "Talks collapse" in page(client, url)
    assert "Talks collapse" in page(client, "/")


def test_unpublishing_an_article_removes_it_at_once(client, article, django_assert_num_queries):
    url = article.get_absolute_url()
    cached_page(client, url, django_assert_num_queries)
    cached_page(client, "/", django_assert_num_queries)

    article.status = Article.Status.DRAFT
    article.save()

    assert client.get(url).status_code == 404
    assert "Talks resume" not in page(client, "/")


def test_reverting_to_draft_in_admin_removes_the_article_at_once(
    client, admin_client, article, django_assert_num_queries
):
    cached_page(client, "/", django_assert_num_queries)

    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "revert_to_draft", "_selected_action": [article.pk]},
    )

    assert "Talks resume" not in page(client, "/")
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_scheduled_article_appears_when_its_time_comes_without_any_save(
    client, django_assert_num_queries
):
    due = timezone.now() + timedelta(seconds=1.5)
    ArticleFactory(title="Budget day", published_at=due)
    assert "Budget day" not in cached_page(client, "/", django_assert_num_queries)

    time.sleep((due - timezone.now()).total_seconds() + 0.1)

    assert "Budget day" in page(client, "/")


def test_editing_an_author_shows_on_every_page_naming_them(
    client, article, django_assert_num_queries
):
    cached_page(client, "/", django_assert_num_queries)
    author = article.authors.get()

    author.name = "Lena Fischer-Haas"
    author.save()

    assert "Lena Fischer-Haas" in page(client, "/")
    assert "Lena Fischer-Haas" in page(client, article.get_absolute_url())


def test_renaming_a_section_changes_the_menu_on_every_page(
    client, article, django_assert_num_queries
):
    other = SectionFactory(name="Gulf")
    ArticleFactory(section=other)  # the menu lists sections with published articles
    cached_page(client, "/", django_assert_num_queries)
    cached_page(client, article.get_absolute_url(), django_assert_num_queries)

    other.name = "Gulf States"
    other.save()

    assert "Gulf States" in page(client, "/")
    assert "Gulf States" in page(client, article.get_absolute_url())


@pytest.mark.parametrize("kind", ["section", "tag", "author"])
@pytest.mark.parametrize("reader", ["anonymous", "signed in"])
def test_a_listings_own_section_tag_or_author_follows_renames_and_deletion_at_once(
    client, kind, reader
):
    """Each web process keeps the section, tag or author a listing shows in memory: a change
    to it must show on the next request all the same, for shared pages and private ones."""
    if reader == "signed in":
        client.force_login(UserFactory())
    author = AuthorFactory(name="Lena Fischer")
    article = ArticleFactory(
        section=SectionFactory(name="Energy Watch"), authors=[author], tags=["Pipelines"]
    )
    subject = {"section": article.section, "tag": article.tags.get(), "author": author}[kind]
    url = (
        subject.get_absolute_url() if kind != "tag" else reverse("articles:tag", args=["pipelines"])
    )
    old_name = subject.name
    assert old_name in page(client, url)

    subject.name = "Renamed"
    subject.save()
    renamed = page(client, url)
    assert "<h1>Renamed</h1>" in renamed or ">Renamed</h1>" in renamed
    assert old_name not in renamed

    if kind == "section":
        article.delete()  # a section with articles cannot be deleted
        page(client, url)
    subject.delete()
    assert client.get(url).status_code == 404


def test_editing_a_static_page_shows_at_once(client, django_assert_num_queries):
    about = PageFactory(slug="about-us", body="<p>Founded in 2010.</p>")
    cached_page(client, "/about-us/", django_assert_num_queries)

    about.body = "<p>Founded in 2011.</p>"
    about.save()

    assert "Founded in 2011." in page(client, "/about-us/")


# The discussion


def test_a_comment_made_public_shows_on_the_stored_article_page(
    client, article, django_assert_num_queries
):
    held = CommentFactory(content_object=article, held=True, comment="Worth waiting for.")
    url = article.get_absolute_url()
    assert "Worth waiting for." not in cached_page(client, url, django_assert_num_queries)

    comments_approve(comments=[held])

    assert "Worth waiting for." in page(client, url)


def test_a_new_public_comment_shows_at_once(client, article, django_assert_num_queries):
    url = article.get_absolute_url()
    cached_page(client, url, django_assert_num_queries)

    CommentFactory(content_object=article, comment="First to reply.")

    assert "First to reply." in page(client, url)


@pytest.mark.parametrize(
    "take_down",
    [
        lambda comment: comments_mark_spam(comments=[comment]),
        lambda comment: setattr(comment, "is_removed", True) or comment.save(),
        lambda comment: comment.delete(),
    ],
    ids=["spam", "removed", "deleted"],
)
def test_a_comment_taken_down_disappears_at_once(
    client, article, take_down, django_assert_num_queries
):
    comment = CommentFactory(content_object=article, comment="Buy cheap watches.")
    url = article.get_absolute_url()
    assert "Buy cheap watches." in cached_page(client, url, django_assert_num_queries)

    take_down(comment)

    assert "Buy cheap watches." not in page(client, url)


def test_a_comment_edited_in_admin_shows_its_new_text(
    client, admin_client, article, django_assert_num_queries
):
    comment = CommentFactory(content_object=article, comment="Teh talks resume.")
    url = article.get_absolute_url()
    cached_page(client, url, django_assert_num_queries)

    comment.comment = "The talks resume."
    comment.save()

    html = page(client, url)
    assert "The talks resume." in html
    assert "Teh talks" not in html


def test_closing_comments_in_admin_shows_at_once(
    client, admin_client, article, django_assert_num_queries
):
    CommentFactory(content_object=article)
    url = article.get_absolute_url()
    html = cached_page(client, url, django_assert_num_queries)
    assert "Reply to this comment" in html

    admin_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "close_comments", "_selected_action": [article.pk]},
    )

    html = page(client, url)
    assert "Comments are closed." in html
    assert "Reply to this comment" not in html


def test_changing_the_thread_depth_or_paging_shows_at_once(
    client, article, settings, django_assert_num_queries
):
    root = CommentFactory(content_object=article)
    CommentFactory(content_object=article)
    url = article.get_absolute_url()
    cached_page(client, url, django_assert_num_queries)

    settings.COMMENTS_THREADS_PER_PAGE = 1

    assert "Newer comments" in page(client, url)

    settings.COMMENTS_XTD_MAX_THREAD_LEVEL = 0

    assert f'data-reply-to="{root.pk}"' not in page(client, url)


def test_a_pingback_from_a_newly_published_article_shows_at_once(
    client, article, django_assert_num_queries
):
    url = article.get_absolute_url()
    cached_page(client, url, django_assert_num_queries)

    ArticleFactory(title="Follow-up", body=f'<p>See <a href="{url}">the talks</a>.</p>')

    assert "Pingback: <a" in page(client, url)


# Per reader


def test_anonymous_pages_set_no_cookie_and_carry_no_csrf_token(client, article):
    CommentFactory(content_object=article)
    for url in ["/", article.get_absolute_url(), article.section.get_absolute_url()]:
        response = client.get(url)

        assert response.cookies == {}, url
        assert "csrfmiddlewaretoken" not in response.content.decode(), url


def test_a_signed_in_readers_page_is_their_own_and_never_stored(client, article):
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))
    url = article.get_absolute_url()

    staff_page = staff.get(url)
    guest_page = client.get(url)

    assert "csrfmiddlewaretoken" in staff_page.content.decode()
    assert "private" in staff_page["Cache-Control"]
    assert "csrfmiddlewaretoken" not in guest_page.content.decode()
    # And the other way round: a stored page is not what staff get.
    assert "csrfmiddlewaretoken" in staff.get(url).content.decode()


def test_a_held_comment_and_its_notice_reach_no_other_reader(client, article):
    author = Client()
    author.post(
        "/comments/post/", comment_post_data(article, comment="Please hold me."), follow=True
    )

    html = page(client, article.get_absolute_url())

    assert "Please hold me." not in html
    assert "awaiting moderation" not in html
    assert "check your email" not in html.lower()


def test_staff_see_the_new_comment_in_their_uncached_page_too(client, article):
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))
    url = article.get_absolute_url()
    staff.get(url)

    CommentFactory(content_object=article, comment="A fresh reply.")

    assert "A fresh reply." in staff.get(url).content.decode()


# HTTP caching


def test_anonymous_pages_tell_proxies_how_long_to_keep_them(client, article):
    response = client.get(article.get_absolute_url())

    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=60", "stale-while-revalidate=60"} <= directives
    assert response["ETag"]


def test_a_reader_holding_the_current_page_gets_304(client, article):
    url = article.get_absolute_url()
    etag = client.get(url)["ETag"]

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    CommentFactory(content_object=article)
    changed = client.get(url, headers={"If-None-Match": etag})

    assert changed.status_code == 200
    assert changed["ETag"] != etag


# Redis away


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            # Nothing listens on port 1: every connection is refused, as with Redis stopped.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }


def test_a_page_kept_in_memory_is_not_served_once_redis_cannot_vouch_for_it(
    client, article, settings
):
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    # Redis is down, so this change cannot be recorded: the page must be made afresh.
    CommentFactory(content_object=article, comment="Posted while Redis was down.")

    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Posted while Redis was down." in response.content.decode()


def test_pages_are_served_while_redis_is_down(client, article, redis_down):
    CommentFactory(content_object=article, comment="Still readable.")

    assert client.get("/").status_code == 200
    assert "Still readable." in page(client, article.get_absolute_url())
    assert client.get("/subscribe/").status_code == 200
    assert client.post("/subscribe/", {"email": "reader@example.org"}).status_code == 302
    response = client.post("/comments/post/", comment_post_data(article))
    assert response.status_code == 302


def test_every_kind_of_page_works_while_redis_is_down(client, article, redis_down, run_tasks):
    comment = CommentFactory(content_object=article)
    staff = Client()
    staff.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = article.get_absolute_url()
    readers_pages = [
        "/", url, f"{url}?cpage=2", f"{url}feed/", "/comments/feed/",
        f"/section/{article.section.slug}/", f"/author/{article.authors.get().slug}/",
        f"/{article.published_at:%Y}/", "/subscribe/", "/subscribe/check-email/",
        f"/comments/reply/{comment.pk}/", f"/comments/report/{comment.pk}/",
    ]  # fmt: skip

    for path in readers_pages:
        assert client.get(path).status_code == 200, path
        assert client.head(path).status_code == 200, path
    for path in ("/admin/", "/admin/articles/article/", "/admin/comments/comment/", url):
        assert staff.get(path).status_code == 200, path
    posted = run_tasks(lambda: client.post("/comments/post/", comment_post_data(article)))
    assert "Check your email" in page(client, posted["Location"])
    confirm = re.search(r"/comments/confirm/[^/\s]+/", mail.outbox[-1].body).group(0)
    assert client.get(confirm).status_code == 200
    assert client.post(confirm).status_code in (200, 302)


def test_rate_limits_still_hold_while_redis_is_down(client, redis_down, settings, caplog):
    settings.SUBSCRIPTIONS_SIGNUPS_PER_IP = (2, 3600)

    answers = [
        client.post("/subscribe/", {"email": f"reader{n}@example.org"}).status_code
        for n in range(3)
    ]

    assert answers == [302, 302, 429]
    assert "rate limits are counted by each process on its own" in caplog.text


def test_a_redis_that_is_down_is_tried_once_per_process_not_once_per_thread(settings):
    broken = socket.socket()  # accepts connections and answers nothing
    broken.bind(("127.0.0.1", 0))
    broken.listen(16)
    broken.settimeout(0.3)
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{broken.getsockname()[1]}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    def connections_made_by_a_request() -> int:
        # Each thread of a threaded server has a cache object of its own.
        thread = threading.Thread(target=lambda: caches["default"].get("anything"))
        thread.start()
        made = 0
        while True:
            try:
                connection, _ = broken.accept()
            except TimeoutError:
                if not thread.is_alive():
                    return made
                continue
            made += 1
            connection.close()

    with broken:
        first = connections_made_by_a_request()
        later = [connections_made_by_a_request() for _ in range(2)]

    assert first >= 1
    assert later == [0, 0]


# The bench's header


def test_the_bench_bypass_header_does_nothing_unless_configured(
    client, article, settings, django_assert_num_queries
):
    url = article.get_absolute_url()
    cached_page(client, url, django_assert_num_queries)

    with django_assert_num_queries(0):
        client.get(url, headers={"X-Bench-Cache": "cold"})

    settings.PAGE_CACHE_BYPASS_HEADER = "X-Bench-Cache"
    response = client.get(url, headers={"X-Bench-Cache": "cold"})
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_a_page_staff_may_not_preview_is_not_stored_for_readers(client, admin_client):
    draft = ArticleFactory(draft=True, title="Not yet")
    admin_client.get(reverse("articles:preview", args=[draft.pk]))

    assert client.get(reverse("articles:preview", args=[draft.pk])).status_code == 404


def test_pages_kept_in_memory_stay_within_their_size():
    pages = InMemory(max_bytes=250)
    for n in range(5):
        pages.put(f"page-{n}", b"x" * 100, size=100, expires_at=time.time() + 60)

    assert [key for key in ("page-0", "page-1", "page-2") if pages.get(key)] == []
    assert pages.get("page-3") is not None
    assert pages.get("page-4") is not None


def test_listings_count_their_pages_again_when_an_article_is_published(
    client, settings, django_assert_num_queries
):
    settings.ARTICLES_PER_PAGE = 1
    ArticleFactory(), ArticleFactory()
    assert "Page 1 of 2" in cached_page(client, "/", django_assert_num_queries)

    ArticleFactory()

    assert "Page 1 of 3" in page(client, "/")
