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


class OutgoingEmail(QueuedEmail):
    """An email a reader waits for (a confirmation link, a notice), queued in the transaction
    that asks for it and sent by the workers through the mail queue: retried with back-off
    until the mail server takes it, and sent once (core.outbox)."""

    kind = models.CharField(max_length=40, help_text="What the email is, e.g. comment-confirm.")
    to = models.EmailField(max_length=254)
    subject = models.TextField()
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # Set where the same email could be asked for twice (a task run again): one row per key.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-pk"]
        verbose_name = "outgoing email"
        indexes = [models.Index(fields=["status", "not_before"], name="outgoing_email_queue")]

    def __str__(self):
        return f"{self.get_status_display()}: {self.kind} to {self.to}"


class WorkerHeartbeat(models.Model):
    """When a task worker was last seen alive: its tasks are taken up only once it is not
    (core.worker)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.worker_id} seen {self.seen_at:%Y-%m-%d %H:%M:%S}"
