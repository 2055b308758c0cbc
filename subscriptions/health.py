"""The email queue's part in /healthz: how long the oldest due email has waited."""

from django.conf import settings
from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.health import Check, age_seconds

from .models import Delivery


def pending_emails() -> Check:
    """Pending deliveries that are due (not waiting out a retry's back-off), oldest first."""
    now = timezone.now()
    due = Delivery.objects.filter(
        Q(not_before__isnull=True) | Q(not_before__lte=now), status=Delivery.Status.PENDING
    ).aggregate(count=Count("pk"), oldest=Min(Coalesce("not_before", "created_at")))
    age = age_seconds(due["oldest"])
    return Check(
        ok=age <= settings.HEALTHZ_MAX_DELIVERY_AGE,
        details={"pending": due["count"], "oldest_age_seconds": age},
    )
