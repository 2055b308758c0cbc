from django.db import models


class QueuedEmail(models.Model):
    """The state of one message on its way to the mail server."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent (accepted by the mail server)"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (no longer wanted)"

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A pending row waits until then (back-off after a temporary failure); a sending row's claim
    # runs out then.
    not_before = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
