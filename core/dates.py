"""How the site writes a date and time: one rule for Django and Jinja2 templates alike."""

from datetime import datetime

from django.utils import timezone
from django.utils.dates import MONTHS


def datetime_iso(moment: datetime) -> str:
    """For `<time datetime>`: ISO 8601 in the site's time zone (Django's date:"c")."""
    return timezone.localtime(moment).isoformat()


def datetime_shown(moment: datetime) -> str:
    """For readers, in the site's time zone: "3 December 2026, 08:10" (Django's date:"j F Y, H:i").

    Written out rather than through Django's date filter, which costs ten times more: the
    comment thread shows hundreds of these.
    """
    local = timezone.localtime(moment)
    return f"{local.day} {MONTHS[local.month]} {local.year}, {local:%H:%M}"
