"""`python -m bench.wordpress_import [--posts 20000] [--comments 100000]`: how long importing a
large WordPress export takes and how much memory it needs (`make bench-import`).

Writes a made-up WXR 1.2 export (generated words, threaded comments in every state) to a
temporary file, then imports a tenth of it and then all of it, each into an emptied database, in
this process, printing the time and the process's peak RSS after each: memory that stays flat
does not grow from the first to the second. Reading the file alone is measured too, with
tracemalloc, at both sizes: a streaming reader's peak stays the same.
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from xml.sax.saxutils import escape

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ewview_bench_import"
SEED = 20261203
WORDS = [
    "harbour", "council", "ferry", "budget", "election", "river", "bridge", "market", "school",
    "winter", "festival", "museum", "railway", "library", "tender", "hearing", "minister",
    "report", "vote", "planning", "road",
]  # fmt: skip
HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Generated Gazette</title>
<link>https://gazette.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://gazette.example.org</wp:base_site_url>
<wp:base_blog_url>https://gazette.example.org</wp:base_blog_url>
"""
# Of every 20 comments: mostly approved, some held, spam and bin, and replies to earlier ones.
APPROVALS = ["1"] * 16 + ["0", "0", "spam", "trash"]


def write_export(path: Path, *, posts: int, comments: int, seed: int = SEED) -> None:
    """A made-up export of `posts` posts and `comments` comments spread over them."""
    rng = random.Random(seed)
    per_post, extra = divmod(comments, max(posts, 1))
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(1, 6):
            out.write(
                f"<wp:author><wp:author_id>{n}</wp:author_id>"
                f"<wp:author_login>writer{n}</wp:author_login>"
                f"<wp:author_email>writer{n}@gazette.example.org</wp:author_email>"
                f"<wp:author_display_name>Writer {n}</wp:author_display_name></wp:author>\n"
            )
        for n, word in enumerate(WORDS[:8], start=1):
            out.write(
                f"<wp:category><wp:term_id>{n}</wp:term_id>"
                f"<wp:category_nicename>{word}</wp:category_nicename>"
                f"<wp:category_parent></wp:category_parent>"
                f"<wp:cat_name>{word.title()}</wp:cat_name></wp:category>\n"
            )
        comment_id = 0
        for post in range(1, posts + 1):
            count = per_post + (1 if post <= extra else 0)
            out.write(_item(rng, post, first_comment=comment_id + 1, count=count))
            comment_id += count
        out.write("</channel>\n</rss>\n")


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _item(rng: random.Random, post: int, *, first_comment: int, count: int) -> str:
    day = 1 + post % 28
    month = 1 + post % 12
    slug = f"story-{post}"
    paragraphs = "\n\n".join(_words(rng, 40) for _ in range(4))
    comments = []
    for n in range(count):
        cid = first_comment + n
        # Every third comment answers an earlier one on the same post.
        parent = rng.randrange(first_comment, cid) if n and n % 3 == 0 else 0
        comments.append(
            f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
            f"<wp:comment_author>Reader {cid % 997}</wp:comment_author>"
            f"<wp:comment_author_email>reader{cid % 997}@example.net</wp:comment_author_email>"
            f"<wp:comment_author_IP>192.0.2.{cid % 250}</wp:comment_author_IP>"
            f"<wp:comment_date_gmt>2020-{month:02d}-{day:02d} 12:{n % 60:02d}:00"
            f"</wp:comment_date_gmt>"
            f"<wp:comment_content>{escape(_words(rng, 25))}</wp:comment_content>"
            f"<wp:comment_approved>{rng.choice(APPROVALS)}</wp:comment_approved>"
            f"<wp:comment_type>comment</wp:comment_type>"
            f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
        )
    return (
        f"<item><title>{_words(rng, 6).title()}</title>"
        f"<link>https://gazette.example.org/2020/{month:02d}/{day:02d}/{slug}/</link>"
        f"<dc:creator>writer{1 + post % 5}</dc:creator>"
        f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded>"
        f"<excerpt:encoded><![CDATA[{_words(rng, 12)}]]></excerpt:encoded>"
        f"<wp:post_id>{post}</wp:post_id>"
        f"<wp:post_date_gmt>2020-{month:02d}-{day:02d} 09:00:00</wp:post_date_gmt>"
        f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>"
        f"<wp:post_type>post</wp:post_type>"
        f'<category domain="category" nicename="{WORDS[post % 8]}">{WORDS[post % 8].title()}'
        f"</category>{''.join(comments)}</item>\n"
    )


def read_peak(path: Path) -> tuple[int, float]:
    """Peak bytes of Python objects while reading the whole export, and seconds it took."""
    from wordpress import wxr

    tracemalloc.start()
    started = time.monotonic()
    for _ in wxr.read(str(path)):
        pass
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.wordpress_import", description=__doc__)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--comments", type=int, default=100_000)
    args = parser.parse_args(argv)
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ewview.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from wordpress.importer import wordpress_import

    with tempfile.TemporaryDirectory(prefix="ewview-bench-import-") as scratch:
        small, large = Path(scratch, "small.xml"), Path(scratch, "export.xml")
        write_export(small, posts=args.posts // 10, comments=args.comments // 10)
        write_export(large, posts=args.posts, comments=args.comments)
        size_mb = large.stat().st_size / 1e6
        _say(f"Export: {args.posts} posts, {args.comments} comments, {size_mb:.0f} MB")
        small_peak, _ = read_peak(small)
        large_peak, read_seconds = read_peak(large)
        _say(
            f"Reading only: peak {large_peak / 1e6:.1f} MB of Python objects at full size,"
            f" {small_peak / 1e6:.1f} MB at a tenth; {read_seconds:.1f} s"
        )
        _say(f"Database: {connection.settings_dict['NAME']} (emptied first)")
        call_command("migrate", verbosity=0)
        # A tenth first, then the full size, each into an empty database: a flat import's peak
        # memory is the same for both.
        for label, path, posts in (
            ("a tenth", small, args.posts // 10),
            ("full", large, args.posts),
        ):
            call_command("flush", interactive=False, verbosity=0)
            started = time.monotonic()
            report = wordpress_import(source=path)
            seconds = time.monotonic() - started
            if path is large:
                for line in report.lines():
                    _say(line)
            _say(
                f"Import of {label}: {seconds:.0f} s ({posts / seconds:.0f} posts/s,"
                f" {report.imported['comment'] / seconds:.0f} comments/s);"
                f" process peak RSS so far {_maxrss_mb():.0f} MB"
            )
    return 0


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
