"""The subscriptions benchmark behind `python -m bench.subscriptions`: how fast a new article's
emails reach a local SMTP server.

On PostgreSQL only (the database of DATABASE_URL, created if missing): makes N active instant
subscribers, starts a counting SMTP sink (bench/smtp_sink.py, a minimal asyncio one
standing in for a real MTA) and --workers `manage.py run_worker` processes, publishes one article,
waits until every delivery is sent and prints emails per second, the time to deliver all and
each worker's memory (peak RSS, VmHWM, sampled as it goes so a growing worker shows). Everything
it made is removed at the end, also what an interrupted earlier run left.
`make bench-subscriptions N=20000` runs it on a database of its own. A management command
class, run by bench/subscriptions.py once Django is set up.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Max, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article, Author, Section
from articles.publication import publication_schedule
from articles.tasks import announce_article
from bench import smtp_sink
from bench.database import database_ensure
from subscriptions.models import Delivery, Subscriber
from subscriptions.tasks import fan_out_article, send_deliveries

DOMAIN = "bench.invalid"
SLUG = "bench-subscriptions"
ROOT = Path(settings.BASE_DIR)


class Command(BaseCommand):
    help = "Time the delivery of one article to N subscribers through run_worker processes."

    def add_arguments(self, parser):
        parser.add_argument("--subscribers", type=int, default=100_000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--port", type=int, default=2525, help="Port of the SMTP sink.")
        parser.add_argument("--timeout", type=float, default=1800, help="Seconds to wait at most.")

    def handle(self, *, subscribers, workers, port, timeout, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL: set DATABASE_URL.")
        database_ensure()
        call_command("migrate", verbosity=0, interactive=False)
        _clean_up()
        started = timezone.now()
        processes = []
        try:
            self._run(subscribers, workers, port, timeout, processes)
        finally:
            for process in processes:
                _stop(process)
            _clean_up(tasks_since=started)

    def _run(self, count, workers, port, timeout, processes):
        created = time.monotonic()
        _subscribers_create(count)
        self.stdout.write(f"{count} subscribers made in {time.monotonic() - created:.1f} s.")

        sink = _start([sys.executable, "-m", "bench.smtp_sink", str(port)], {}, pipe=True)
        processes.append(sink)
        if sink.stdout.readline().strip() != "ready":
            raise CommandError("The SMTP sink did not start.")
        env = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "SUBSCRIPTIONS_DIGEST_HOUR": "off",
            "DEBUG": "0",  # DEBUG would keep every query in memory
        }
        worker_command = [sys.executable, "manage.py", "run_worker", "--no-reload"]
        pool = [_start([*worker_command, "--interval", "0.2"], env) for _ in range(workers)]
        processes[:0] = pool
        time.sleep(3)  # let the workers import Django and reach their queue

        article = _article_publish()
        published = time.monotonic()
        samples, fanned_out = self._wait(article, count, pool, published, timeout)
        delivered = time.monotonic() - published
        peaks = [_memory(process, "VmHWM") for process in pool]
        cpu = {"workers": sum(_cpu_seconds(p) for p in pool), "SMTP sink": _cpu_seconds(sink)}

        _stop(sink)
        sink_counts = json.loads(sink.stdout.readline() or "{}")
        span = Delivery.objects.filter(article=article).aggregate(
            first=Min("sent_at"), last=Max("sent_at")
        )
        sending = (span["last"] - span["first"]).total_seconds() or 1e-9
        self._report(count, workers, delivered, fanned_out, sending, sink_counts, peaks, samples)
        self.stdout.write(
            "  CPU seconds: " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items())
        )

    def _wait(self, article, count, pool, published, timeout):
        samples, fanned_out, sent = [], None, 0
        while sent < count:
            if time.monotonic() - published > timeout:
                raise CommandError(f"Only {sent} of {count} sent after {timeout:.0f} s.")
            if any(process.poll() is not None for process in pool):
                raise CommandError("A worker stopped.")
            time.sleep(0.5)
            deliveries = Delivery.objects.filter(article=article)
            if fanned_out is None and deliveries.count() == count:
                fanned_out = time.monotonic() - published
            sent = deliveries.filter(status=Delivery.Status.SENT).count()
            samples.append((sent, [_memory(process, "VmRSS") for process in pool]))
        return samples, fanned_out or 0.0

    def _report(self, count, workers, delivered, fanned_out, sending, sink, peaks, samples):
        write = self.stdout.write
        write(
            f"Workers: {workers}; batch {settings.SUBSCRIPTIONS_BATCH_SIZE}; "
            f"sender tasks per article {settings.SUBSCRIPTIONS_SEND_TASKS}."
        )
        write(
            self.style.SUCCESS(
                f"Delivered {count} emails in {delivered:.1f} s from publishing: "
                f"{count / delivered:.0f} emails/s."
            )
        )
        write(
            f"  fan-out (all rows queued) after {fanned_out:.1f} s; sending took {sending:.1f} s "
            f"at {count / sending:.0f} emails/s."
        )
        write(
            f"  SMTP sink ({smtp_sink.NAME}): {sink.get('messages')} messages, "
            f"{sink.get('recipients')} recipients, {sink.get('doubles')} doubles."
        )
        for number, peak in enumerate(peaks, 1):
            trail = ", ".join(
                f"{rss[number - 1]:.0f}"
                for _, rss in samples[:: max(1, len(samples) // 6)]
                if rss[number - 1]
            )
            write(
                f"  worker {number}: peak RSS {peak:.0f} MB (VmHWM); RSS along the way: {trail} MB"
            )


def _subscribers_create(count: int) -> None:
    # One statement on the server: 100,000 rows in a second or two.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Subscriber._meta.db_table} (email, state, frequency, all_articles, "
            "key, created_at, confirmed_at, bounce_count) "
            "SELECT 'reader' || n || %s, %s, %s, true, substr(md5(random()::text), 1, 22), "
            "now(), now(), 0 FROM generate_series(1, %s) AS n",
            [f"@{DOMAIN}", Subscriber.State.ACTIVE, Subscriber.Frequency.INSTANT, count],
        )


def _article_publish() -> Article:
    section, _ = Section.objects.get_or_create(slug=SLUG, defaults={"name": "Benchmark"})
    author, _ = Author.objects.get_or_create(slug=SLUG, defaults={"name": "Bench Writer"})
    article = Article.objects.create(
        title="Benchmark: talks resume in Vienna",
        slug=SLUG,
        section=section,
        standfirst="Both sides signal flexibility on the timetable.",
        body="<p>The body of the benchmark article.</p>",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    article.authors.set([author])
    publication_schedule(article=article)
    return article


def _clean_up(*, tasks_since=None) -> None:
    """Remove what a benchmark run made; raw deletes, as cascading 100,000 rows is slow."""
    articles = list(Article.objects.filter(slug=SLUG).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        if articles:
            cursor.execute(
                f"DELETE FROM {Delivery._meta.db_table} WHERE article_id = ANY(%s)", [articles]
            )
        cursor.execute(
            f"DELETE FROM {Delivery._meta.db_table} WHERE subscriber_id IN "
            f"(SELECT id FROM {Subscriber._meta.db_table} WHERE email LIKE %s)",
            [f"%@{DOMAIN}"],
        )
        cursor.execute(
            f"DELETE FROM {Subscriber._meta.db_table} WHERE email LIKE %s", [f"%@{DOMAIN}"]
        )
    Article.objects.filter(pk__in=articles).delete()
    Section.objects.filter(slug=SLUG).delete()
    Author.objects.filter(slug=SLUG).delete()
    if tasks_since:
        ours = (announce_article, fan_out_article, send_deliveries)
        paths = [task_object.module_path for task_object in ours]
        DBTaskResult.objects.filter(enqueued_at__gte=tasks_since, task_path__in=paths).delete()


def _start(command: list[str], env: dict, *, pipe: bool = False) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE if pipe else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _cpu_seconds(process: subprocess.Popen) -> float:
    """User and system CPU time of a running process, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _memory(process: subprocess.Popen, field: str) -> float:
    """A /proc/<pid>/status memory figure (VmRSS, VmHWM) in MB; 0 if the process is gone."""
    try:
        status = Path(f"/proc/{process.pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0
