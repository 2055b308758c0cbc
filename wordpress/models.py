from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ImportedItem(models.Model):
    """One thing brought in from a WordPress export: what it was there and what it is here.

    Keyed on the WordPress id, so importing the same export again finds everything already
    there; its old address is what old links are redirected from (wordpress.redirects).
    """

    class Kind(models.TextChoices):
        AUTHOR = "author", "Author"
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag"
        POST = "post", "Post"
        PAGE = "page", "Page"
        ATTACHMENT = "attachment", "Attachment"
        COMMENT = "comment", "Comment"
        # An uploaded file an article's body refers to, keyed on its path under uploads/.
        FILE = "file", "Uploaded file"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(
        max_length=300, help_text="The WordPress id (a file's path under wp-content/uploads)."
    )
    old_path = models.CharField(
        max_length=500,
        blank=True,
        db_index=True,
        help_text="The address path it had on the WordPress site, redirected to its new one.",
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    address = models.CharField(
        max_length=500,
        blank=True,
        help_text="Where something without a page of its own lives now (an attachment's file).",
    )
    details = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the export said that has no place here yet, such as an author's email.",
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "key"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="one_import_per_wordpress_item")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"WordPress {self.get_kind_display().lower()} {self.key}"


class ImportRun(models.Model):
    """An export a superuser uploaded in admin, imported by a background task."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Importing"
        DONE = "done", "Finished"
        FAILED = "failed", "Stopped"

    file_name = models.CharField(max_length=255, editable=False)
    dry_run = models.BooleanField(
        default=False, help_text="Only say what would be imported; change nothing."
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.QUEUED, editable=False
    )
    items_done = models.PositiveIntegerField(default=0, editable=False)
    items_total = models.PositiveIntegerField(default=0, editable=False)
    summary = models.TextField(blank=True, editable=False)
    error = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "WordPress import"

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display().lower()})"

    @property
    def progress(self) -> str:
        """“1,200 of 20,000 items”, or nothing before the worker has read the file."""
        if not self.items_total:
            return ""
        return f"{self.items_done:,} of {self.items_total:,} items"


class ImportChunk(models.Model):
    """A part of an uploaded export, kept in the database until it is imported.

    Not in media storage: an export holds commenters' addresses and IPs, and uploads are public.
    """

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="one_chunk_per_place")
        ]

    def __str__(self):
        return f"Part {self.number} of {self.run}"
