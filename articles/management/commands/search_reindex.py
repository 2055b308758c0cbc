"""`manage.py search_reindex`: recompute every article's search vector (PostgreSQL).

Vectors are kept current as articles, authors and tags change; run this after changing
SEARCH_CONFIG (the language) or after loading articles with bulk inserts that skip signals.
"""

from django.core.management.base import BaseCommand

from articles.search import search_vectors_rebuild


class Command(BaseCommand):
    help = "Recompute the full-text search vector of every article (PostgreSQL only)."

    def handle(self, **options):
        count = search_vectors_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Search vectors recomputed for {count} article(s)."))
