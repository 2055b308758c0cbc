from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timeuntil

register = template.Library()


@register.filter
def duration(value: timedelta) -> str:
    """A length of time as people say it: "15 minutes", "1 hour"."""
    now = timezone.now()
    return timeuntil(now + value, now)
