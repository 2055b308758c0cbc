"""Imports started in admin: the uploaded export is kept in the database in chunks (not in media
storage, which is public: an export holds readers' addresses and IPs) and imported by a background
task (wordpress.background), which deletes the chunks when it is done."""

from django.db import transaction

from .models import ImportChunk, ImportRun
from .tasks import import_wordpress_upload

CHUNK_BYTES = 1024 * 1024


def import_run_start(*, upload, dry_run: bool, user) -> ImportRun:
    """Keep the uploaded export and queue its import for a worker."""
    run = ImportRun.objects.create(file_name=upload.name[:255], dry_run=dry_run, created_by=user)
    for number, chunk in enumerate(upload.chunks(CHUNK_BYTES)):
        ImportChunk.objects.create(run=run, number=number, data=chunk)
    transaction.on_commit(lambda: import_wordpress_upload.enqueue(run_id=run.pk))
    return run
