from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django_comments_xtd.models import XtdComment

from articles.models import Article

from .display import comment_html


class Comment(XtdComment):
    """A reader's comment: django-comments-xtd's threaded comment plus our moderation record."""

    # Named explicitly: the default reverse name "comment" clashes with the comment's text field.
    xtdcomment_ptr = models.OneToOneField(
        XtdComment,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="moderated",
    )

    held_reasons = models.JSONField(
        default=list, blank=True, help_text="Why the comment was held for moderation."
    )
    is_spam = models.BooleanField(default=False, db_index=True)
    # Set once followers have been told about the comment, so they never hear twice.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The text as pages show it (escaped, paragraphs, links), made from it on every save: a
    # thread of hundreds of comments must not run urlize on each for every reader.
    text_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["thread_id", "order"]
        verbose_name = "comment"

    def save(self, *args, update_fields=None, **kwargs):
        self.text_html = comment_html(self.comment)
        if update_fields is not None and "comment" in update_fields:
            update_fields = {*update_fields, "text_html"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def clean(self):
        # is_public lives in django-contrib-comments' table, so no database constraint can
        # join the two flags; the admin's form checks it here.
        super().clean()
        if self.is_public and self.is_spam:
            raise ValidationError("A comment marked as spam cannot be public.")

    def get_absolute_url(self, anchor_pattern="#c%(id)s"):
        """The comment on its article's page, on the page of the thread it belongs to."""
        url = self.content_object.get_absolute_url()
        page = self.page_number()
        if page > 1:
            url += f"?cpage={page}"
        return url + (anchor_pattern % {"id": self.pk})

    def page_number(self) -> int:
        """The page of its article's thread list that shows this comment (lists annotate
        `threads_before` with comments.selectors.with_page_numbers to spare a query each)."""
        before = getattr(self, "threads_before", None)
        if before is None:
            before = threads_before(
                content_type_id=self.content_type_id,
                object_pk=self.object_pk,
                thread_id=self.thread_id,
            ).count()
        return before // settings.COMMENTS_THREADS_PER_PAGE + 1


class PendingComment(models.Model):
    """A guest's comment waiting for the confirmation link emailed to them."""

    data = models.JSONField(help_text="The comment as posted, until it is confirmed.")
    email = models.EmailField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    comment = models.OneToOneField(
        Comment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The comment made when the link was followed.",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Pending comment from {self.email}"


class BlockedItem(models.Model):
    """Something that sends a comment to moderation: a word, an address, a domain or an IP."""

    class Kind(models.TextChoices):
        WORD = "word", "Word or phrase"
        EMAIL = "email", "Email address"
        DOMAIN = "domain", "Email or website domain"
        IP = "ip", "IP address"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=254, help_text="Matched without regard to case.")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = "blocklist entry"
        verbose_name_plural = "blocklist"
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="unique_blocked_item")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.value = self.value.strip().lower()
        super().save(*args, **kwargs)


def threads_before(*, content_type_id, object_pk, thread_id):
    """The public top-level comments of the same article that start earlier threads."""
    return Comment.objects.filter(
        content_type_id=content_type_id,
        object_pk=object_pk,
        is_public=True,
        is_removed=False,
        level=0,
        thread_id__lt=thread_id,
    )


class CommentReport(models.Model):
    """A reader's report that a comment breaks the rules ("flag")."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=300, blank=True)
    # A hash, not the address: enough to count one report per reader, nothing more.
    reporter_hash = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter_hash"], name="one_report_per_reader"
            )
        ]

    def __str__(self):
        return f"Report on comment {self.comment_id}"


class Linkback(models.Model):
    """One article of ours linking to another: shown as a pingback under the linked article."""

    source = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="linkbacks_out")
    target = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="linkbacks_in")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="unique_linkback"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="no_self_link"),
        ]

    def __str__(self):
        return f"{self.source} → {self.target}"
