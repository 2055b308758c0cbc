"""The files in deploy/ do what the README says: backups restore, the example environment
passes Django's deployment check, and nginx accepts the site's configuration."""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from subscriptions.models import Subscriber
from tests import tools
from tests.factories import ArticleFactory, CommentFactory, PageFactory

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def tool_missing(message: str) -> None:
    tools.tool_missing(message, required_by="DEPLOY_TOOLS_REQUIRED")


# Backup and restore


def database_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"
    )


@pytest.fixture
def scratch_database():
    """An empty database beside the test database, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("backups are pg_dump and pg_restore: needs PostgreSQL")
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        tool_missing("pg_dump and pg_restore are not installed")
    name = f"{connection.settings_dict['NAME']}_restored"
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as db:
        tables = [row[0] for row in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )]  # fmt: skip
        return {
            table: db.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


def run(script: str, *args, url: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(DEPLOY / script), *map(str, args)],
        env=os.environ | {"DATABASE_URL": url} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_another_database_with_every_row(scratch_database, tmp_path):
    article = ArticleFactory(title="Ceasefire talks resume")
    CommentFactory.create_batch(3, content_object=article)
    PageFactory(slug="about", title="About")
    Subscriber.objects.create(email="reader@example.org", state=Subscriber.State.ACTIVE)
    media = tmp_path / "media"
    (media / "authors").mkdir(parents=True)
    (media / "authors" / "ana.jpg").write_bytes(b"not really a picture")
    source = database_url(connection.settings_dict["NAME"])
    target = database_url(scratch_database)

    backup = run("backup.sh", tmp_path / "backups", url=source, MEDIA_ROOT=str(media))
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip())
    assert dump.is_file() and dump.name.endswith(".dump")
    assert len(list((tmp_path / "backups").glob("ewview-media-*.tar.gz"))) == 1
    assert not list((tmp_path / "backups").glob("*.partial"))

    restore = run("restore.sh", dump, url=target)
    assert restore.returncode == 0, restore.stderr

    counts = row_counts(target)
    assert counts == row_counts(source)
    assert counts["articles_article"] == 1
    assert counts["django_comments"] == 3
    assert counts["subscriptions_subscriber"] == 1
    with psycopg.connect(target) as db:
        assert db.execute("SELECT title FROM articles_article").fetchone()[0] == article.title


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_in_use_unless_asked_to_replace_it(scratch_database, tmp_path):
    ArticleFactory(title="First")
    source = database_url(connection.settings_dict["NAME"])
    target = database_url(scratch_database)
    dump = Path(run("backup.sh", tmp_path, url=source).stdout.strip())
    assert run("restore.sh", dump, url=target).returncode == 0
    ArticleFactory(title="Second")
    newer = Path(run("backup.sh", tmp_path / "newer", url=source).stdout.strip())

    refused = run("restore.sh", newer, url=target)
    replaced = run("restore.sh", newer, "--clean", url=target)

    assert refused.returncode != 0
    assert "pass --clean" in refused.stderr
    assert replaced.returncode == 0, replaced.stderr
    assert row_counts(target)["articles_article"] == 2


# The production environment


def example_environment() -> dict[str, str]:
    lines = (DEPLOY / "ewview.env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {name: value.removeprefix('"').removesuffix('"') for name, value in pairs}


def test_example_production_environment_passes_the_deploy_check_without_warnings():
    env = example_environment()
    assert env["SECRET_KEY"] == ""  # the example carries no secret; each site makes its own
    # What the test run sets for itself, never a production machine.
    test_only = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean | env | {"SECRET_KEY": secrets.token_urlsafe(50)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# nginx


def test_nginx_accepts_the_site_configuration(tmp_path):
    nginx = shutil.which("nginx") or (
        Path("/usr/sbin/nginx") if Path("/usr/sbin/nginx").exists() else None
    )
    if not nginx:
        tool_missing("nginx is not installed here (apt-get install nginx-light to check its site)")
    # A throwaway certificate and cache folder in place of the server's.
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=news.example.org", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (DEPLOY / "nginx" / "ewview.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/news.example.org/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/news.example.org/privkey.pem", str(key))
    site = site.replace("/var/cache/nginx/ewview", str(tmp_path / "cache"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n"
    )

    result = subprocess.run(
        [str(nginx), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 0, result.stderr


# systemd


def test_systemd_units_are_valid(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        tool_missing("systemd-analyze is not installed here")
    # The units with this checkout in place of /srv/ewview, so their commands exist.
    for unit in (DEPLOY / "systemd").glob("*.service"):
        text = unit.read_text().replace("/srv/ewview", str(ROOT))
        text = text.replace("/etc/ewview/ewview.env", str(DEPLOY / "ewview.env.example"))
        (tmp_path / unit.name.replace("@.", "@1.")).write_text(text)

    result = subprocess.run(
        [analyze, "verify", *sorted(str(path) for path in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
    )

    complaints = [line for line in result.stderr.splitlines() if "ewview" in line]
    assert result.returncode == 0, result.stderr
    assert complaints == []
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "ewview-web.service",
        "ewview-worker@1.service",
    ]
