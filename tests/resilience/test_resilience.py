"""Load and fault tests (`make test-resilience`): the production stack on loopback, as an operator
would run it, under readers and commenters, with its parts failing. Each test prints what it saw.

gunicorn (2 workers) and `manage.py run_worker` processes run on the test database (PostgreSQL),
with a Redis and an SMTP server of their own that the tests stop and start.
"""

import itertools
import time
import urllib.parse

import pytest
from django.db import connection
from django.utils import timezone

from articles.publication import publication_schedule
from comments.models import PendingComment
from subscriptions.models import Subscriber
from tests.factories import ArticleFactory, CommentFactory, comment_post_data

from .stack import Background, Redis, Sink, Stack, get, readers, wait_for

pytestmark = [
    pytest.mark.resilience,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("worker_database"),
]
LOAD_SECONDS = 60
COMMENTS_PER_SECOND = 5


@pytest.fixture
def stack():
    redis, sink = Redis(), Sink()
    redis.start()
    sink.up()
    built = Stack(redis=redis, sink=sink)
    try:
        yield built
    except BaseException:
        print(built.logs())
        raise
    finally:
        built.stop()
        sink.down()
        redis.stop()


@pytest.fixture
def site():
    """A small site: a few articles, one with a long discussion."""
    articles = [ArticleFactory(title=f"Analysis {n}") for n in range(5)]
    for n in range(60):
        CommentFactory(content_object=articles[0], comment=f"Point {n}")
    return articles


def paths(articles) -> list[str]:
    return ["/", *(a.get_absolute_url() for a in articles), f"/{timezone.now():%Y}/"]


def say(line: str) -> None:
    print(f"\n[resilience] {line}", flush=True)


class Commenters:
    """Guests posting comments at a steady rate through the proxy, each from an address of
    their own; what each post was answered is kept."""

    def __init__(self, stack: Stack, article):
        self.stack, self.article = stack, article
        self.answers: dict[str, int] = {}
        self._numbers = itertools.count()

    def post_for(self, seconds: float, *, per_second: float = COMMENTS_PER_SECOND) -> None:
        end = time.monotonic() + seconds
        while (now := time.monotonic()) < end:
            self.post()
            time.sleep(max(0, 1 / per_second - (time.monotonic() - now)))

    def post(self) -> int:
        n = next(self._numbers)
        text = f"Load comment {n}: the talks will resume."
        data = comment_post_data(self.article, email=f"guest{n}@example.org", comment=text)
        status, _ = get(
            f"{self.stack.base}/comments/post/",
            data=urllib.parse.urlencode(data).encode(),
            headers={
                "Origin": self.stack.base,
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
            },
        )
        self.answers[text] = status
        return status

    def accepted(self) -> list[str]:
        # A guest's comment is accepted by showing the "check your email" page.
        return [text for text, status in self.answers.items() if status in (200, 302)]


def test_readers_and_commenters_for_a_minute_get_no_errors_and_every_comment_is_kept_once(
    stack, site
):
    stack.web()
    stack.worker("w1")
    commenters = Commenters(stack, site[0])

    posting = Background(lambda: commenters.post_for(LOAD_SECONDS))
    load = readers(stack.base, paths(site), seconds=LOAD_SECONDS, connections=50)
    posting.outcome()

    accepted = commenters.accepted()
    stored = [p.data["comment"] for p in PendingComment.objects.all()]
    say(f"50 readers for {LOAD_SECONDS} s: {load.describe()}")
    say(f"{len(commenters.answers)} comments posted, {len(accepted)} accepted, {len(stored)} kept")
    assert load.fivexx == 0
    assert len(commenters.answers) >= LOAD_SECONDS * COMMENTS_PER_SECOND * 0.8
    assert sorted(set(commenters.answers.values())) == [302]
    assert sorted(stored) == sorted(accepted)  # each once, none lost

    wait_for(lambda: len(stack.sink.messages) >= len(accepted), what="confirmations", timeout=90)
    say(f"{len(stack.sink.messages)} confirmation emails, one per comment")
    assert set(stack.sink.recipients().values()) == {1}


def test_killed_database_connections_cost_errors_only_while_they_are_down(stack, site):
    # Every page rendered afresh, so that every request needs the database.
    stack.settings["PAGE_CACHE_BYPASS_HEADER"] = "X-Uncached"
    stack.web()
    worker = stack.worker("w1")

    load = Background(
        lambda: readers(
            stack.base, paths(site), seconds=20, connections=20, headers=("X-Uncached: cold",)
        )
    )
    killed = []
    for _ in range(3):
        time.sleep(5)
        killed.append(_database_connections_kill())
    during = load.outcome()

    after = [get(stack.base + path)[0] for path in paths(site) * 5]
    say(f"killed {killed} connections at 5 s, 10 s and 15 s of 20 s: {during.describe()}")
    say(f"afterwards, without restarting anything: {after.count(200)} of {len(after)} pages 200")
    assert after == [200] * len(after)
    assert during.fivexx <= during.requests * 0.01
    assert worker.alive()
    status = Commenters(stack, site[0]).post()
    assert status == 302
    wait_for(lambda: stack.sink.messages, what="the worker to send again", timeout=30)


def _database_connections_kill() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_with_redis_stopped_pages_are_still_served_and_readers_can_sign_up(stack, site):
    stack.web()
    load = Background(lambda: readers(stack.base, paths(site), seconds=15, connections=20))
    time.sleep(5)
    stack.redis.stop()
    during = load.outcome()

    status, _ = get(
        f"{stack.base}/subscribe/",
        data=b"email=reader%40example.org",
        headers={"Origin": stack.base, "Content-Type": "application/x-www-form-urlencoded"},
    )
    say(f"Redis stopped after 5 s of 15 s: {during.describe()}; sign-up answered {status}")
    assert during.fivexx == 0
    assert [get(stack.base + path)[0] for path in paths(site)] == [200] * len(paths(site))
    assert status in (200, 302)


def test_mail_server_down_during_a_fan_out_and_confirmations_then_each_email_goes_once(stack, site):
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@example.org", state=Subscriber.State.ACTIVE)
        for n in range(300)
    )
    stack.sink.down()
    stack.web()
    stack.worker("w1")
    stack.worker("w2")
    commenters = Commenters(stack, site[0])
    for _ in range(5):
        assert commenters.post() == 302
    publication_schedule(article=ArticleFactory(title="Published while mail is down"))
    time.sleep(6)  # the fan-out runs, and every send fails and backs off, a few times
    stack.sink.up()

    wait_for(lambda: len(stack.sink.messages) >= 305, what="every email", timeout=120)
    time.sleep(5)  # a claim running out or a retry would send something again by now
    received = stack.sink.recipients()
    say(f"mail down for 6 s, then up: {len(stack.sink.messages)} emails to {len(received)}")
    assert len(received) == 305
    assert set(received.values()) == {1}


def test_a_worker_killed_mid_fan_out_while_another_runs_loses_and_doubles_nothing(stack, site):
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@example.org", state=Subscriber.State.ACTIVE)
        for n in range(2000)
    )
    workers = {name: stack.worker(name) for name in ("w1", "w2")}
    with _deliveries_locked():
        publication_schedule(article=ArticleFactory(title="Fanned out twice"))
        victim = _fan_out_worker(timeout=30)
        workers[victim].kill()
    started = time.monotonic()

    wait_for(lambda: len(stack.sink.messages) >= 2000, what="every email", timeout=120)
    time.sleep(5)
    received = stack.sink.recipients()
    say(
        f"{victim} SIGKILLed mid fan-out; the other took it up and sent {len(received)} emails "
        f"in {time.monotonic() - started:.0f} s"
    )
    assert len(received) == 2000
    assert set(received.values()) == {1}


class _deliveries_locked:
    """Hold the deliveries table, so that the fan-out waits on its first insert."""

    def __enter__(self):
        from django.db import connections

        self.connection = connections.create_connection("default")
        self.connection.set_autocommit(False)
        with self.connection.cursor() as cursor:
            cursor.execute("LOCK TABLE subscriptions_delivery IN EXCLUSIVE MODE")

    def __exit__(self, *exc):
        self.connection.rollback()
        self.connection.close()


def _fan_out_worker(*, timeout: float) -> str:
    """The id of the worker running the fan-out task, once one is."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from subscriptions.tasks import fan_out_article

    found: list[str] = []

    def running() -> bool:
        result = DBTaskResult.objects.filter(
            task_path=fan_out_article.module_path, status=TaskResultStatus.RUNNING
        ).first()
        if result:
            found.append(result.worker_ids[-1])
        return bool(found)

    wait_for(running, what="a worker to start the fan-out", timeout=timeout)
    return found[0]
