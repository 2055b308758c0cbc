"""`python -m bench.search [--articles 50000] [--rounds 3] [--queries 20]`: how fast the search
page answers over a large archive (`make bench-search`).

Loads `--articles` generated articles (made-up words, bench/sitedata.py) into PostgreSQL once —
a later run reuses them — and computes their search vectors in one statement. Then gunicorn
(1 sync worker, DEBUG off) answers `/search/?q=` for one-word, two-word, phrase and prefix
queries taken from the articles themselves, one request at a time; the median and 95th
percentile latency of each kind are printed beside a bare gunicorn serving the same bytes
(bench/reference.py), measured in the same run, and the SQL queries one search costs.
"""

import argparse
import http.client
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.pages import (
    BenchError,
    Servers,
    bench_environment,
    django_prepare,
    free_port,
    machine_line,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ewview_bench_search"
SEED = 20261203
KINDS = ("one word", "two words", "phrase", "prefix")
TARGET_P95_MS = 50


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    started = time.monotonic()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    with tempfile.TemporaryDirectory(prefix="ewview-bench-search-") as scratch:
        try:
            return run(args, Path(scratch), started)
        except BenchError as error:
            _say(f"bench-search failed: {error}")
            return 2


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=20, help="Queries of each kind.")
    parser.add_argument("--rounds", type=int, default=3, help="Times each query is asked.")
    return parser.parse_args(argv)


def run(args, scratch: Path, started: float) -> int:
    machine = machine_line()
    _say(machine)
    site_port = free_port(8031)
    reference_port = free_port(8032, avoid={site_port})
    env = bench_environment(port=site_port, static_root=scratch / "static")
    django_prepare(env)
    articles = _archive_ensure(args.articles)
    queries = _queries(args.queries)
    sql = _sql_per_search(queries)
    with Servers(scratch, workers=1) as servers:
        servers.start("site", "ewview.wsgi", site_port, env)
        body = _get(site_port, _path(queries["one word"][0]))[1]
        reference_file = scratch / "search.html"
        reference_file.write_bytes(body)
        servers.start(
            "reference",
            "bench.reference:application",
            reference_port,
            {**env, "BENCH_REFERENCE_FILE": str(reference_file)},
        )
        timings = _measure(site_port, reference_port, queries, args.rounds)
    lines = _report(machine, articles, args, timings, sql, len(body))
    _say("")
    for line in lines:
        _say(line)
    _say(f"Whole run: {time.monotonic() - started:.0f} s.")
    return 0


def _archive_ensure(count: int) -> int:
    """The generated articles, built and indexed unless a run left exactly as many."""
    from articles.models import Article
    from articles.search import search_vectors_rebuild
    from bench.sitedata import PREFIX, site_build

    existing = Article.objects.filter(slug__startswith=PREFIX).count()
    if existing == count and not Article.objects.filter(search_vector__isnull=True).exists():
        _say(f"Reusing the {count:,} generated articles of an earlier run.")
        return count
    _step(f"generating {count:,} articles", lambda: site_build(articles=count, comments=0))
    _step("computing their search vectors", search_vectors_rebuild)
    _step("ANALYZE", _analyze)
    return count


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")


def _queries(per_kind: int) -> dict[str, list[str]]:
    """Queries of each kind, made of words taken from the bodies of random articles."""
    from articles.models import Article

    rng = random.Random(SEED)
    pks = list(Article.objects.published().values_list("pk", flat=True))
    bodies = Article.objects.filter(pk__in=rng.sample(pks, per_kind * 4)).values_list(
        "body", flat=True
    )
    texts = [re.findall(r"[a-z]{4,}", re.sub("<[^>]+>", " ", body.lower())) for body in bodies]
    queries: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for number, words in enumerate(texts):
        at = rng.randrange(len(words) - 1)
        kind = KINDS[number % len(KINDS)]
        queries[kind].append(
            {
                "one word": words[at],
                "two words": f"{words[at]} {rng.choice(words)}",
                "phrase": f'"{words[at]} {words[at + 1]}"',
                "prefix": f"{words[at][:4]}*",
            }[kind]
        )
    return queries


def _sql_per_search(queries: dict[str, list[str]]) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    most = 0
    for kind in KINDS:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(_path(queries[kind][0]))
        if response.status_code != 200:
            raise BenchError(f"{_path(queries[kind][0])} answered {response.status_code}")
        most = max(most, len(captured))
    return most


def _path(query: str) -> str:
    return "/search/?" + urlencode({"q": query})


def _measure(site_port: int, reference_port: int, queries, rounds: int) -> dict[str, list[float]]:
    """Milliseconds per request of each kind (and of the reference), one request at a time,
    every kind in each round so that a drift of the machine spreads over all of them."""
    site = http.client.HTTPConnection("127.0.0.1", site_port, timeout=60)
    reference = http.client.HTTPConnection("127.0.0.1", reference_port, timeout=60)
    timings: dict[str, list[float]] = {kind: [] for kind in (*KINDS, "reference")}
    for kind in KINDS:  # warm-up: first touches of the index and the code
        _timed(site, _path(queries[kind][0]))
    for _ in range(rounds):
        for kind in KINDS:
            for query in queries[kind]:
                timings[kind].append(_timed(site, _path(query)))
                timings["reference"].append(_timed(reference, _path(query)))
    return timings


def _timed(connection: http.client.HTTPConnection, path: str) -> float:
    start = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise BenchError(f"GET {path} answered {response.status}")
    return (time.perf_counter() - start) * 1000


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _report(machine, articles, args, timings, sql, size) -> list[str]:
    reference_p95 = _p95(timings["reference"])
    lines = [
        f"Search over {articles:,} published articles (PostgreSQL, GIN-indexed vectors): "
        f"{args.queries} queries of each kind, {args.rounds} rounds, gunicorn 1 sync worker, "
        f"one request at a time; the reference is a bare gunicorn serving the same {size:,} bytes.",
        f"{'kind':<12} {'median ms':>10} {'p95 ms':>8} {'p95 - reference':>16}  target p95 < "
        f"{TARGET_P95_MS} ms",
    ]
    for kind in KINDS:
        p95 = _p95(timings[kind])
        verdict = "met" if p95 < TARGET_P95_MS else "MISSED"
        lines.append(
            f"{kind:<12} {statistics.median(timings[kind]):>10.1f} {p95:>8.1f} "
            f"{p95 - reference_p95:>16.1f}  {verdict}"
        )
    lines.append(
        f"{'reference':<12} {statistics.median(timings['reference']):>10.1f} {reference_p95:>8.1f}"
    )
    lines.append(f"SQL queries per search page: at most {sql}.")
    return lines


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def _step(name: str, action) -> None:
    start = time.monotonic()
    action()
    _say(f"  {name}: {time.monotonic() - start:.1f} s")


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
