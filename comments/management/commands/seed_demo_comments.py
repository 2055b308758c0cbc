"""`manage.py seed_demo_comments`: a demo discussion under the newest demo articles.

Safe to run again: articles that already have comments are left alone.
"""

from django.core.management.base import BaseCommand

from comments.demo import demo_comments_load


class Command(BaseCommand):
    help = "Add demo comments, replies, a held comment and a reader report to the newest articles."

    def handle(self, *args, **options):
        created = demo_comments_load()
        self.stdout.write(self.style.SUCCESS(f"Demo comments: {created} created by this run."))
