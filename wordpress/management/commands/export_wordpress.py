"""`manage.py export_wordpress OUT.xml`: the whole site as a WordPress export file (WXR 1.2).

WordPress imports it with Tools → Import → WordPress, and so does `import_wordpress` here. The
file holds commenters' email and IP addresses: it is for the site's owner, to keep private.
"""

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wordpress.export import site_export


class Command(BaseCommand):
    help = (
        "Write every author, section, tag, article, image, page, comment and pingback as a "
        "WordPress export file (WXR), which WordPress imports. It includes commenters' email "
        "and IP addresses: for the site's owner only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "out", help="The file to write, e.g. site.xml; '-' for standard output."
        )

    def handle(self, *, out, **options):
        if out == "-":
            site_export(out=sys.stdout)
            return
        target = Path(out)
        if not target.parent.is_dir():
            raise CommandError(f"No folder {target.parent} to write {target.name} in.")
        # Written beside the target and renamed when complete: a failed export never leaves a
        # half-written file where a good one was. mkstemp makes it readable by its owner alone,
        # as commenters' addresses should be.
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
                report = site_export(out=file)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {target}: {report.authors} author(s), {report.categories} categories, "
                f"{report.tags} tag(s), {report.posts} post(s), {report.attachments} image(s), "
                f"{report.pages} page(s), {report.comments} comment(s), "
                f"{report.pingbacks} pingback(s)."
            )
        )
