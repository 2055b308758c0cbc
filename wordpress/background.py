"""The background half of an import started in admin (see wordpress.uploads): the export read
back from its chunks, imported, and its progress and summary recorded on the ImportRun."""

import io
import logging

from django.utils import timezone

from .importer import BATCH_ITEMS, wordpress_import
from .models import ImportChunk, ImportRun
from .wxr import WXRError

logger = logging.getLogger(__name__)


def import_run_execute(*, run_id: int) -> None:
    """Import an uploaded export, recording progress as batches commit, then its summary."""
    run = ImportRun.objects.get(pk=run_id)
    if run.state in {ImportRun.State.DONE, ImportRun.State.FAILED}:
        return
    ImportRun.objects.filter(pk=run_id).update(state=ImportRun.State.RUNNING)

    def progress(done: int, total: int) -> None:
        # Once a batch: inside its transaction, admin sees it when the batch commits.
        if done % BATCH_ITEMS == 0 or done == total:
            ImportRun.objects.filter(pk=run_id).update(items_done=done, items_total=total)

    outcome = {"state": ImportRun.State.DONE, "finished_at": timezone.now()}
    try:
        report = wordpress_import(
            source=ChunkReader(run_id), dry_run=run.dry_run, progress=progress
        )
        outcome["summary"] = "\n".join(report.lines())
    except WXRError as error:
        outcome |= {"state": ImportRun.State.FAILED, "error": f"{error}. Nothing was imported."}
    except Exception as error:
        logger.exception("WordPress import %s stopped", run_id)
        outcome |= {
            "state": ImportRun.State.FAILED,
            "error": (
                f"The import stopped ({error.__class__.__name__}). Items are saved in batches of"
                f" {BATCH_ITEMS}: upload the same file again to carry on where it stopped."
            ),
        }
    outcome["finished_at"] = timezone.now()
    ImportRun.objects.filter(pk=run_id).update(**outcome)
    # The export holds readers' addresses and IPs: kept no longer than needed.
    ImportChunk.objects.filter(run_id=run_id).delete()


class ChunkReader(io.RawIOBase):
    """The uploaded export as a file, read a chunk at a time from the database."""

    def __init__(self, run_id: int):
        super().__init__()
        self.run_id = run_id
        self.number = 0
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if (offset, whence) != (0, io.SEEK_SET):
            raise io.UnsupportedOperation("only back to the start")
        self.number, self.buffer = 0, b""
        return 0

    def readinto(self, target) -> int:
        if not self.buffer:
            chunk = (
                ImportChunk.objects.filter(run_id=self.run_id, number=self.number)
                .values_list("data", flat=True)
                .first()
            )
            if chunk is None:
                return 0
            self.buffer = bytes(chunk)
            self.number += 1
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size
