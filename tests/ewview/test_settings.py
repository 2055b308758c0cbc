import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings;"
         "print(settings.DATABASES['default']['ENGINE'], settings.TIME_ZONE, settings.DEBUG)"],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "ewview.settings"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip


def test_production_refuses_to_start_without_a_secret_key():
    result = _load_settings(DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_development_works_with_nothing_but_debug_set():
    result = _load_settings(DEBUG="1", DATABASE_URL="")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "Europe/London", "True"]


def test_database_and_time_zone_come_from_the_environment():
    result = _load_settings(
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://someone@db.invalid:5432/news",
        TIME_ZONE="Asia/Tehran",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "Asia/Tehran", "False"]


def _https_settings(**env) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings;"
         "print(settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_SSL_REDIRECT,"
         " settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
         " settings.SECURE_HSTS_PRELOAD, sep='|')"],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "ewview.settings", "SECRET_KEY": "x" * 50} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split("|")


def test_plain_http_by_default_so_development_and_tests_work():
    assert _https_settings() == ["None", "False", "0", "False", "False"]


def test_behind_an_https_proxy_requests_are_redirected_to_https_with_hsts():
    assert _https_settings(
        BEHIND_HTTPS_PROXY="1",
        PROXY_SSL_HEADER="X-Forwarded-Protocol",
        HSTS_SECONDS="3600",
        HSTS_INCLUDE_SUBDOMAINS="1",
    ) == ["('HTTP_X_FORWARDED_PROTOCOL', 'https')", "True", "3600", "True", "False"]


def test_database_connections_are_checked_before_reuse():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings;"
         "print(settings.DATABASES['default']['CONN_HEALTH_CHECKS'])"],
        cwd=ROOT,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "ewview.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip

    # A connection kept open (CONN_MAX_AGE) that the database dropped is replaced, not an error.
    assert result.stdout.strip() == "True", result.stderr


def test_with_log_format_json_each_request_logs_one_json_line_on_stderr():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.test import Client;"
         "Client().get('/no/such/address/', {'q': 'private words'})"],
        cwd=ROOT,
        env=os.environ | {
            "DJANGO_SETTINGS_MODULE": "ewview.settings", "LOG_FORMAT": "json",
            "ALLOWED_HOSTS": "testserver", "DATABASE_URL": "",
            # Plain static files: no collectstatic for the not-found page.
            "DEBUG": "1",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "ewview.requests" in line]
    logged = json.loads(line)
    assert {key: logged[key] for key in ("method", "path", "status")} == {
        "method": "GET",
        "path": "/no/such/address/",
        "status": 404,
    }
    assert logged["duration_ms"] >= 0
    assert "private words" not in line
