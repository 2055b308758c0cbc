"""`python -m bench.pages`: requests per second of the site's pages against a bare reference.

Runs the production stack on this machine: gunicorn (2 sync workers) with DEBUG off, PostgreSQL
(DATABASE_URL, by default postgres://postgres@127.0.0.1:5432/ewview_bench, created if missing)
and Redis (BENCH_REDIS_URL, by default db 7 on 127.0.0.1:6379; flushed at the start, so never
point it at a cache in use). It builds the generated site (bench/sitedata.py), checks that every
page answers 200, counts each page's SQL queries in-process, then drives every page with wrk
(median of --rounds runs after a warm-up) in the same run as bench/reference.py, a bare gunicorn
app serving the article's exact bytes from memory. It prints one table: requests per second,
latency, size, SQL queries and the ratio to the reference against its target, then each web
worker's peak memory. `make bench` runs it. Exit status 1 when a row had errors.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The gunicorn of the interpreter running us, i.e. of the project's venv.
GUNICORN = Path(sys.executable).parent / "gunicorn"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ewview_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
BYPASS_HEADER = "X-Bench-Cache"
SITE_PORT, REFERENCE_PORT = 8301, 8302
MAX_QUERIES = 10
# As long as gunicorn's worker timeout: a slow page is measured, not dropped as an error.
WRK_TIMEOUT = "30s"


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


@dataclass(frozen=True)
class Target:
    """What a row must reach: a ratio to the reference, a p99 latency, SQL queries per page."""

    ratio: float | None = None
    p99_ms: float | None = None
    queries: int | None = MAX_QUERIES

    def describe(self) -> str:
        parts = []
        if self.ratio is not None:
            parts.append(f">= {self.ratio:g}x")
        if self.p99_ms is not None:
            parts.append(f"p99 < {self.p99_ms:g} ms")
        if self.queries is not None:
            parts.append(f"<= {self.queries} SQL")
        return ", ".join(parts)

    def met(self, *, ratio: float, p99_ms: float, queries: int | None) -> bool:
        return (
            (self.ratio is None or ratio >= self.ratio)
            and (self.p99_ms is None or p99_ms < self.p99_ms)
            and (self.queries is None or (queries is not None and queries <= self.queries))
        )


PAGE_CACHED = Target(ratio=0.5)
ARTICLE_UNCACHED = Target(ratio=0.06, p99_ms=100)
LISTING_UNCACHED = Target(ratio=0.1)
QUERIES_ONLY = Target()


@dataclass(frozen=True)
class Row:
    name: str
    page: str  # article, home, section, tag, feed (comments) or articles-feed
    bypass: str = ""  # the bypass header's value: "page", "cold", or none for a reader's GET
    target: Target | None = None  # None for the reference itself


ROWS = (
    Row("article, full-page cache", "article", "", PAGE_CACHED),
    Row("article, no page cache", "article", "page", ARTICLE_UNCACHED),
    Row("article, cold thread (new comment)", "article", "cold", QUERIES_ONLY),
    Row("home, full-page cache", "home", "", PAGE_CACHED),
    Row("home, no page cache", "home", "page", LISTING_UNCACHED),
    Row("section, full-page cache", "section", "", PAGE_CACHED),
    Row("section, no page cache", "section", "page", LISTING_UNCACHED),
    Row("tag, full-page cache", "tag", "", PAGE_CACHED),
    Row("tag, no page cache", "tag", "page", LISTING_UNCACHED),
    Row("comment feed", "feed", "", QUERIES_ONLY),
    Row("articles feed, full-page cache", "articles-feed", "", PAGE_CACHED),
    Row("articles feed, no page cache", "articles-feed", "page", QUERIES_ONLY),
)
REFERENCE = Row("reference: bare gunicorn, same bytes", "article")


@dataclass(frozen=True)
class WrkRun:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: dict[str, int]


@dataclass
class Measure:
    """One row: where it is served, what the page weighs and costs, and its timed runs."""

    row: Row
    port: int
    path: str
    size: int
    queries: int | None
    runs: list[WrkRun] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in self.runs)

    def errors(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for run in self.runs:
            for kind, count in run.errors.items():
                totals[kind] = totals.get(kind, 0) + count
        return totals


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    # make or a test runner stopping us must still stop the servers (see Servers.__exit__).
    signal.signal(signal.SIGTERM, _interrupted)
    started = time.monotonic()
    machine = machine_line()
    try:
        with tempfile.TemporaryDirectory(prefix="ewview-bench-") as scratch:
            return run(args, Path(scratch), machine, started)
    except BenchError as error:
        sys.stderr.write(f"bench: {error}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("bench: interrupted; servers stopped.\n")
        return 130


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.pages", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=200, help="On the article measured.")
    parser.add_argument("--duration", type=int, default=10, help="Seconds of each timed run.")
    parser.add_argument("--warmup", type=int, default=2, help="Seconds before a row's first run.")
    parser.add_argument("--rounds", type=int, default=3, help="Timed runs per row; the median.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server.")
    parser.add_argument(
        "--render-rounds", type=int, default=30, help="In-process renders per page; the median."
    )
    args = parser.parse_args(argv)
    if args.articles < 1 or args.comments < 0 or args.duration < 1 or args.rounds < 1:
        parser.error(
            "--articles, --duration and --rounds must be positive, --comments not negative"
        )
    return args


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def run(args: argparse.Namespace, scratch: Path, machine: str, started: float) -> int:
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed (apt-get install -y wrk).")
    site_port = free_port(SITE_PORT)
    reference_port = free_port(REFERENCE_PORT, avoid={site_port})
    env = bench_environment(port=site_port, static_root=scratch / "static")
    _say(machine)
    django_prepare(env)
    site = site_make(args)
    with Servers(scratch, args.workers) as servers:
        servers.start("site", "ewview.wsgi", site_port, env)
        measures = site_measures(site, site_port)
        reference = reference_start(servers, site, site_port, reference_port, env)
        measures.append(reference)
        drive(measures, args)
        peaks = servers.peak_rss_mb()
    renders = render_times(site, rounds=args.render_rounds)
    _say("")
    for line in [machine, *setup_lines(args, site), *table(measures, reference), *renders]:
        _say(line)
    _say(
        "Peak RSS (VmHWM) per web worker: "
        + "; ".join(f"{name} " + ", ".join(f"{mb:.0f} MB" for mb in mbs) for name, mbs in peaks)
    )
    _say(f"Whole run: {time.monotonic() - started:.0f} s.")
    return 1 if any(measure.errors() for measure in measures) else 0


def reference_start(servers, site, site_port: int, port: int, env: dict[str, str]) -> Measure:
    """The bare app serving the article exactly as a reader gets it from the site."""
    article = page_check(site_port, site.article_path)
    body_file = servers.scratch / "article.html"
    body_file.write_bytes(article)
    app = "bench.reference:application"
    servers.start("reference", app, port, {**env, "BENCH_REFERENCE_FILE": str(body_file)})
    page_check(port, site.article_path)
    return Measure(REFERENCE, port, site.article_path, len(article), None)


def machine_line() -> str:
    cpus = len(os.sched_getaffinity(0))
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
        "CPU model unknown",
    )
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return f"Machine: {cpus} CPUs (nproc), {model}; load average at start {load}."


def setup_lines(args: argparse.Namespace, site) -> list[str]:
    return [
        f"Site: {site.articles} articles; the article has {site.comments} comments in "
        f"{site.threads} threads down to level {site.deepest_level}, {site.linkbacks} linkbacks.",
        f"Servers: gunicorn, {args.workers} sync workers each, DEBUG off, PostgreSQL, Redis cache. "
        f"wrk: {args.threads} threads, {args.connections} connections, {args.duration} s runs, "
        f"median of {args.rounds} after a {args.warmup} s warm-up.",
    ]


def free_port(preferred: int, *, avoid: frozenset[int] | set[int] = frozenset()) -> int:
    """`preferred` if nothing listens on it, else a port the system picks."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            chosen = probe.getsockname()[1]
            if chosen not in avoid:
                return chosen
    return free_port(0, avoid=avoid)


def bench_environment(*, port: int, static_root: Path) -> dict[str, str]:
    """The production settings the site runs with, for gunicorn and for this process alike."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ewview.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        # Never REDIS_URL: we flush this database.
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL,
        "STATIC_ROOT": str(static_root),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PAGE_CACHE_BYPASS_HEADER": BYPASS_HEADER,
    }


def django_prepare(env: dict[str, str]) -> None:
    """Set Django up here with the servers' settings; database, tables, static files, cache."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise BenchError("The benchmark needs PostgreSQL: set DATABASE_URL (or leave it unset).")
    _database_ensure()
    _redis_flush(env["REDIS_URL"])
    _step("migrate", lambda: call_command("migrate", verbosity=0, interactive=False))
    _step("collectstatic", lambda: call_command("collectstatic", interactive=False, verbosity=0))


def _database_ensure() -> None:
    from bench.database import database_ensure

    if database_ensure():
        _say(f"Created database {connection_name()}.")


def connection_name() -> str:
    from django.conf import settings

    return settings.DATABASES["default"]["NAME"]


def _redis_flush(url: str) -> None:
    """Start from an empty cache, shared by both workers and this process."""
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception as error:  # redis-py's connection errors are not OSErrors
        raise BenchError(f"Redis at {url} does not answer: {error}") from error


def _step(name: str, action) -> None:
    began = time.monotonic()
    action()
    _say(f"{name}: {time.monotonic() - began:.1f} s")


def site_make(args: argparse.Namespace):
    from django.db import connection

    from bench.sitedata import site_build

    began = time.monotonic()
    site = site_build(articles=args.articles, comments=args.comments)
    # Fresh statistics, as a live database has: without them PostgreSQL plans the tag page's
    # join over thousands of new rows as if the tables were empty, ten times slower.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _say(
        f"Built {site.articles} articles and {site.comments} comments "
        f"(deepest level {site.deepest_level}) in {time.monotonic() - began:.1f} s."
    )
    return site


def site_measures(site, port: int) -> list[Measure]:
    """Every row checked to answer 200, with its size and its page's SQL queries when uncached."""
    paths = {
        "article": site.article_path,
        "home": "/",
        "section": site.section_path,
        "tag": site.tag_path,
        "feed": "/comments/feed/",
        "articles-feed": "/feed/",
    }
    queries = {page: queries_count(path) for page, path in paths.items()}
    measures = []
    for row in ROWS:
        body = page_check(port, paths[row.page], row.bypass)
        measures.append(Measure(row, port, paths[row.page], len(body), queries[row.page]))
    return measures


def render_times(site, *, rounds: int) -> list[str]:
    """How long pages take to make in this process (median ms), against the issue's targets.

    Each page without the page cache, first with its fragments cached as they are between
    changes, then with nothing cached, as right after a change to published content; and the
    comment thread alone drawn afresh, as right after a new comment.
    """
    from django.core.cache import cache
    from django.test import Client

    from articles.models import Article
    from comments.templatetags.comment_tags import thread_render
    from core import pagecache

    client = Client()
    headers = {"host": "127.0.0.1", BYPASS_HEADER: "page"}

    def forget():
        cache.clear()
        pagecache.forget_process_memory()

    lines = [
        f"In-process render times, median of {rounds} (ms): fragments cached | nothing cached",
    ]
    article = Article.objects.get(slug=site.article_path.rstrip("/").rsplit("/", 1)[-1])
    thread = _median_ms(lambda: thread_render(article, page=1), rounds=rounds)
    lines.append(f"  comment thread ({site.comments} comments), cold: {thread:.1f}  target <= 15")
    for name, path, target in RENDER_PAGES:
        page = getattr(site, path, "/")
        warm = _median_ms(lambda page=page: client.get(page, headers=headers), rounds=rounds)
        cold = _median_ms(
            lambda page=page: client.get(page, headers=headers), rounds=rounds, before=forget
        )
        goal = f"  target <= {target}" if target else ""
        lines.append(f"  {name:<18} {warm:6.1f} | {cold:6.1f}{goal}")
    return lines


RENDER_PAGES = (
    ("article page", "article_path", None),
    ("home", "", 5),
    ("section", "section_path", 5),
    ("tag", "tag_path", 5),
    ("author", "author_path", 5),
    ("year archive", "archive_path", 5),
)


def _median_ms(action, *, rounds: int, before=None) -> float:
    action()
    times = []
    for _ in range(rounds):
        if before is not None:
            before()
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def queries_count(path: str) -> int:
    """SQL queries for one uncached view of `path`, counted in this process.

    One reader's request first, so what production keeps cached site-wide is cached here too;
    then the count for a request that bypasses the page and the comment-thread caches.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    headers = {"host": "127.0.0.1"}
    client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers={**headers, BYPASS_HEADER: "cold"})
    if response.status_code != 200:
        raise BenchError(
            f"GET {path} in-process answered {response.status_code}:\n"
            f"{response.content[:500].decode(errors='replace')}"
        )
    return len(queries)


def fetch(port: int, path: str, bypass: str = "") -> tuple[int, bytes]:
    """One GET without following redirects: a page must answer 200 itself."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={BYPASS_HEADER: bypass} if bypass else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def page_check(port: int, path: str, bypass: str = "") -> bytes:
    status, body = fetch(port, path, bypass)
    if status != 200:
        header = f" with {BYPASS_HEADER}: {bypass}" if bypass else ""
        raise BenchError(
            f"GET http://127.0.0.1:{port}{path}{header} answered {status}, not 200. "
            f"It began:\n{body[:500].decode(errors='replace')}"
        )
    return body


def drive(measures: list[Measure], args: argparse.Namespace) -> None:
    """Rows in turn within each round, so a drift of the machine spreads over all of them."""
    for number in range(1, args.rounds + 1):
        for measure in measures:
            if number == 1 and args.warmup:
                wrk_run(measure, args, seconds=args.warmup)
                wait_drained(measure.port)
            result = wrk_run(measure, args, seconds=args.duration)
            wait_drained(measure.port)
            measure.runs.append(result)
            errors = f"  ERRORS {result.errors}" if result.errors else ""
            _say(
                f"round {number}/{args.rounds}  {measure.row.name:<38} "
                f"{result.requests_per_second:9.1f} req/s  p99 {result.p99_ms:7.1f} ms{errors}"
            )


def wait_drained(port: int, timeout: float = 120) -> None:
    """Wait until the server has answered every connection wrk left behind when it stopped.

    Sync workers still render the requests queued when wrk closed its connections; a slow page
    leaves seconds of them, which would otherwise be charged to the next row.
    """
    deadline = time.monotonic() + timeout
    while _open_connections(port):
        if time.monotonic() > deadline:
            raise BenchError(f"Port {port} still has open connections after {timeout:.0f} s.")
        time.sleep(0.05)


# /proc/net/tcp states of a server-side connection whose request may not be answered yet:
# ESTABLISHED, SYN_RECV, CLOSE_WAIT (wrk has gone but the worker has yet to answer and close).
_PENDING_STATES = {"01", "03", "08"}


def _open_connections(port: int) -> int:
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        if int(local.rsplit(":", 1)[1], 16) == port and state in _PENDING_STATES:
            count += 1
    return count


def wrk_run(measure: Measure, args: argparse.Namespace, *, seconds: int) -> WrkRun:
    command = ["wrk", "--latency", "-t", str(args.threads), "-c", str(args.connections)]
    command += ["-d", f"{seconds}s", "--timeout", WRK_TIMEOUT]
    if measure.row.bypass:
        command += ["-H", f"{BYPASS_HEADER}: {measure.row.bypass}"]
    command.append(f"http://127.0.0.1:{measure.port}{measure.path}")
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode != 0:
        raise BenchError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return wrk_parse(result.stdout)


_MS_PER_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_REQUESTS = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def wrk_parse(output: str) -> WrkRun:
    """Rate, median and 99th percentile latency (ms) and errors from `wrk --latency`."""
    rate, requests = _RATE.search(output), _REQUESTS.search(output)
    latency = {
        p: float(value) * _MS_PER_UNIT[unit] for p, value, unit in _PERCENTILE.findall(output)
    }
    if not rate or not requests or latency.keys() != {"50", "99"}:
        raise BenchError(f"Could not read wrk's output:\n{output}")
    errors = {}
    if found := _SOCKET_ERRORS.search(output):
        kinds = ("connect", "read", "write", "timeout")
        errors.update(zip(kinds, (int(count) for count in found.groups()), strict=True))
    if found := _NON_2XX.search(output):
        errors["non-2xx/3xx"] = int(found.group(1))
    if int(requests.group(1)) == 0:
        errors["no responses"] = 1
    return WrkRun(
        requests_per_second=float(rate.group(1)),
        p50_ms=latency["50"],
        p99_ms=latency["99"],
        requests=int(requests.group(1)),
        errors={kind: count for kind, count in errors.items() if count},
    )


def table(measures: list[Measure], reference: Measure) -> list[str]:
    reference_rate = reference.median("requests_per_second")
    lines = [
        f"{'row':<38} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'bytes':>8} {'SQL':>4} "
        f"{'errors':>6} {'ratio':>6}  {'target':<34} result"
    ]
    for measure in measures:
        rate, p99 = measure.median("requests_per_second"), measure.median("p99_ms")
        ratio = rate / reference_rate if reference_rate else 0.0
        errors = measure.errors()
        target = measure.row.target
        if errors:
            result = "INVALID: " + ", ".join(f"{kind} {count}" for kind, count in errors.items())
        elif target is None:
            result = "reference"
        else:
            result = (
                "met" if target.met(ratio=ratio, p99_ms=p99, queries=measure.queries) else "not met"
            )
        lines.append(
            f"{measure.row.name:<38} {rate:8.1f} {measure.median('p50_ms'):7.1f} {p99:7.1f} "
            f"{measure.size:8d} {'-' if measure.queries is None else measure.queries:>4} "
            f"{sum(errors.values()):6d} {ratio:5.2f}x  {target.describe() if target else '':<34} "
            f"{result}"
        )
    return lines


class Servers:
    """The gunicorn servers of a run, all stopped when it ends, however it ends."""

    def __init__(self, scratch: Path, workers: int):
        self.scratch, self.workers = scratch, workers
        self.running: list[Server] = []

    def start(self, name: str, app: str, port: int, env: dict[str, str]) -> "Server":
        server = Server(name, app, port, env, self.scratch / f"{name}.log", self.workers)
        self.running.append(server)
        server.wait_ready()
        return server

    def peak_rss_mb(self) -> list[tuple[str, list[float]]]:
        return [(server.name, server.peak_rss_mb()) for server in self.running]

    def __enter__(self) -> "Servers":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        for server in reversed(self.running):
            server.stop()
        if isinstance(error, BenchError):
            # A page that fails shows its traceback only in the server's log.
            logs = "".join(
                f"\n--- {server.name} log, last lines:\n{server.log_tail()}"
                for server in self.running
            )
            raise BenchError(f"{error}{logs}") from error


class Server:
    """A gunicorn master and its workers, in a process group of their own."""

    def __init__(self, name: str, app: str, port: int, env: dict, log: Path, workers: int):
        self.name, self.port, self.log = name, port, log
        command = [str(GUNICORN), app, "--workers", str(workers), "--worker-class", "sync"]
        command += ["--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn ({self.name}) stopped at start.")
            try:
                fetch(self.port, "/robots.txt")
                return
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)
        raise BenchError(f"gunicorn ({self.name}) did not answer in {timeout:.0f} s.")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def peak_rss_mb(self) -> list[float]:
        return [_memory_mb(pid, "VmHWM") for pid in _children(self.process.pid)]

    def stop(self) -> None:
        """Gunicorn's graceful stop (SIGTERM) for the group; SIGKILL if it lingers."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # After the command name in parentheses: state, then the parent's pid.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return sorted(children)


def _memory_mb(pid: int, field_name: str) -> float:
    """A /proc/<pid>/status memory figure (VmRSS, VmHWM) in MB; 0 if the process is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
