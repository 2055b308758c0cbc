"""`python -m bench.wordpress_export [--articles 20000] [--comments 100000]`: how long
`export_wordpress` takes and how much memory it peaks at, on the full generated site and on a
tenth of it: flat memory means the two peaks are about the same.

Generated rows carry the slug prefix `bench-wxr-`; a run rebuilds them when the counts differ.
Comments are written with SQL (django-comments-xtd's comment spans three tables, which Django's
bulk_create cannot fill), spread over the articles in threads of one comment and two replies.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import django

PREFIX = "bench-wxr-"


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ewview.settings")
    django.setup()
    parser = argparse.ArgumentParser(prog="python -m bench.wordpress_export")
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--comments", type=int, default=100_000)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    from django.core.management import call_command

    from bench.database import database_ensure

    database_ensure()
    call_command("migrate", verbosity=0)
    sys.stdout.write(
        f"{'articles':>9} {'comments':>9} {'seconds':>8} {'peak MiB':>9} {'file MiB':>9}\n"
    )
    for articles, comments in (
        (args.articles // 10, args.comments // 10),
        (args.articles, args.comments),
    ):
        _site_build(articles=articles, comments=comments)
        seconds, peak, size = _export_measure()
        mib = peak / 1024, size / 2**20
        sys.stdout.write(
            f"{articles:>9} {comments:>9} {seconds:>8.1f} {mib[0]:>9.1f} {mib[1]:>9.1f}\n"
        )
        sys.stdout.flush()


def _export_measure() -> tuple[float, int, int]:
    """Seconds, peak resident KiB and file bytes of `export_wordpress` in a process of its own."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "site.xml"
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        subprocess.run(
            [sys.executable, "manage.py", "export_wordpress", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - started
        # ru_maxrss of children is the largest of them so far: each run is measured after a
        # smaller one, so a larger figure is this run's own.
        peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
        return seconds, peak, out.stat().st_size


def _site_build(*, articles: int, comments: int) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from articles.models import Article, Author, Section

    existing = Article.objects.filter(slug__startswith=PREFIX)
    marker = f"{PREFIX}{articles}-{comments}"
    if existing.filter(slug=f"{marker}-0").exists() and existing.count() == articles:
        return
    with transaction.atomic():
        _site_remove()
        section = Section.objects.create(name=f"{PREFIX}section", slug=f"{PREFIX}section")
        author = Author.objects.create(name="Bench Writer", slug=f"{PREFIX}writer")
        now = timezone.now()
        body = "<p>" + "Words of a generated article, written for the benchmark. " * 40 + "</p>"
        created = Article.objects.bulk_create(
            (
                Article(
                    title=f"Generated article {n}",
                    slug=f"{marker}-{n}",
                    section=section,
                    standfirst="A generated standfirst.",
                    body=body,
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta(minutes=n + 1),
                )
                for n in range(articles)
            ),
            batch_size=2000,
        )
        Article.authors.through.objects.bulk_create(
            (Article.authors.through(article=a, author=author) for a in created), batch_size=5000
        )
        article_type = ContentType.objects.get_for_model(Article).pk
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM django_comments")
            base = cursor.fetchone()[0]
            # Comment base + n is on the (n // 3)th article, wrapping round; the first of each
            # three starts a thread and the next two reply to it.
            params = {
                "base": base,
                "first": created[0].pk,
                "articles": articles,
                "comments": comments,
                "type": article_type,
            }
            cursor.execute(
                """
                INSERT INTO django_comments (id, object_pk, user_name, user_email, user_url,
                    comment, submit_date, ip_address, is_public, is_removed, content_type_id,
                    site_id)
                SELECT %(base)s + n, (%(first)s + (n / 3) %% %(articles)s)::text, 'Reader ' || n,
                    'reader' || n || '@example.org', '', 'A generated comment, number ' || n || '.',
                    now() - make_interval(secs => n), '203.0.113.9', true, false, %(type)s, 1
                FROM generate_series(0, %(comments)s - 1) AS n
                """,
                params,
            )
            cursor.execute(
                """
                INSERT INTO django_comments_xtd_xtdcomment (comment_ptr_id, thread_id, parent_id,
                    level, "order", followup, nested_count)
                SELECT %(base)s + n, %(base)s + n / 3 * 3, %(base)s + n / 3 * 3,
                    least(n %% 3, 1), 1 + n %% 3, false, 0
                FROM generate_series(0, %(comments)s - 1) AS n
                """,
                params,
            )
            cursor.execute(
                """
                INSERT INTO comments_comment (xtdcomment_ptr_id, held_reasons, is_spam, text_html)
                SELECT %(base)s + n, '[]', false, '<p>A generated comment.</p>'
                FROM generate_series(0, %(comments)s - 1) AS n
                """,
                params,
            )
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('django_comments', 'id'), "
                "(SELECT max(id) FROM django_comments))"
            )


def _site_remove() -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from articles.models import Article, Author, Section

    articles = Article.objects.filter(slug__startswith=PREFIX)
    keys = [str(pk) for pk in articles.values_list("pk", flat=True)]
    article_type = ContentType.objects.get_for_model(Article).pk
    with connection.cursor() as cursor:
        generated = (
            "SELECT id FROM django_comments WHERE content_type_id = %s AND object_pk = ANY(%s)"
        )
        cursor.execute(
            f"DELETE FROM comments_comment WHERE xtdcomment_ptr_id IN ({generated})",
            [article_type, keys],
        )
        cursor.execute(
            f"DELETE FROM django_comments_xtd_xtdcomment WHERE comment_ptr_id IN ({generated})",
            [article_type, keys],
        )
        cursor.execute(
            "DELETE FROM django_comments WHERE content_type_id = %s AND object_pk = ANY(%s)",
            [article_type, keys],
        )
    articles.delete()
    Author.objects.filter(slug__startswith=PREFIX).delete()
    Section.objects.filter(slug__startswith=PREFIX).delete()


if __name__ == "__main__":
    main()
