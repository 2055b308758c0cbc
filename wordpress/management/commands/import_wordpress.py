"""`manage.py import_wordpress EXPORT.xml [--media-dir PATH] [--dry-run]`: bring a WordPress
site in from the file its Tools → Export writes (see wordpress.importer for how it runs).

Running it again with the same file changes nothing; with a newer export it adds what is new.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wordpress.importer import BATCH_ITEMS, wordpress_import
from wordpress.wxr import WXRError


class Command(BaseCommand):
    help = "Import authors, categories, tags, posts, pages, images and comments from a WXR file."

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="The export file (WXR 1.1 or 1.2).")
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="A copy of the site's wp-content/uploads, for featured and inline images.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be imported; change nothing."
        )

    def handle(self, *args, export: Path, media_dir: Path | None, dry_run: bool, **options):
        if not export.is_file():
            raise CommandError(f"No such file: {export}")
        if media_dir is not None and not media_dir.is_dir():
            raise CommandError(f"No such folder: {media_dir}")
        bar = ProgressBar(self.stdout) if self.stdout.isatty() else None
        try:
            report = wordpress_import(
                source=export, media_dir=media_dir, dry_run=dry_run, progress=bar
            )
        except WXRError as error:
            raise CommandError(f"{export}: {error}. Nothing was imported.") from error
        except Exception:
            if not dry_run:
                self.stderr.write(
                    f"The import stopped. Items were saved in batches of {BATCH_ITEMS}: run the"
                    " same command again to carry on where it stopped."
                )
            raise
        finally:
            if bar is not None:
                bar.close()
        for line in report.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Nothing changed (dry run).")
        else:
            self.stdout.write(self.style.SUCCESS("Import finished."))


class ProgressBar:
    """A one-line bar on a terminal, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, out):
        self.out = out
        self.drawn_at = 0.0
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.drawn_at < 0.1 and done < total:
            return
        self.drawn_at = now
        filled = self.WIDTH * done // max(total, 1)
        elapsed = int(now - self.started)
        self.out.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total} items, {elapsed}s",
            ending="",
        )
        self.out.flush()

    def close(self) -> None:
        self.out.write("", ending="\n")
