"""`python -m bench.pages` end to end at a tiny size: every row is timed and none has errors."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from bench.pages import REFERENCE, ROWS
from tests.tools import tool_missing

ROOT = Path(__file__).resolve().parents[2]
# Databases of their own: the bench wipes its rows and flushes its Redis database. Named after
# the test database, so that runs against different ones never share it.
REDIS_URL = "redis://127.0.0.1:6379/8"


def _needs(reason: str) -> None:
    tool_missing(reason, required_by="BENCH_REQUIRED")


def _smoke_database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        _needs("the benchmark needs PostgreSQL (set DATABASE_URL)")
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    port = db["PORT"] or 5432
    name = f"{db['NAME']}_bench_smoke"
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{port}/{name}"


def test_bench_pages_prints_every_row_without_errors():
    if shutil.which("wrk") is None:
        _needs("wrk is not installed (apt-get install -y wrk)")
    env = {**os.environ, "DATABASE_URL": _smoke_database_url(), "BENCH_REDIS_URL": REDIS_URL}
    command = [sys.executable, "-m", "bench.pages", "--articles", "20", "--comments", "30"]
    command += ["--duration", "1", "--rounds", "1", "--warmup", "0", "--render-rounds", "2"]

    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    table = output[output.index("\nrow ") :]
    for row in (*ROWS, REFERENCE):
        line = next((line for line in table.splitlines() if line.startswith(row.name)), None)
        assert line is not None, f"no row {row.name!r} in:\n{table}"
        assert "INVALID" not in line, line
    assert f"deepest level {settings.COMMENTS_XTD_MAX_THREAD_LEVEL})" in output
    assert "Peak RSS (VmHWM) per web worker: site" in output
    assert "comment thread (30 comments), cold:" in output
    assert "year archive" in output


def test_bench_search_prints_each_kind_of_query():
    env = {**os.environ, "DATABASE_URL": _smoke_database_url(), "BENCH_REDIS_URL": REDIS_URL}
    command = [sys.executable, "-m", "bench.search", "--articles", "120", "--queries", "2"]
    command += ["--rounds", "1"]

    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for kind in ("one word", "two words", "phrase", "prefix", "reference"):
        assert any(line.startswith(kind) for line in output.splitlines()), output
    assert "SQL queries per search page: at most" in output
