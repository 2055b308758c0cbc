"""Daily and weekly digests: one email per subscriber listing a period's articles, once.

A period is a whole local day (yesterday) or a Monday-to-Sunday week (the last one), in
TIME_ZONE. Its Digest row is made once; its deliveries go through the same claimed, exactly-once
sender as new-article emails.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from articles.models import Article

from .fanout import deliveries_insert
from .models import Digest, Subscriber

Frequency = Subscriber.Frequency


@dataclass
class DigestReport:
    frequency: str
    period_start: datetime
    period_end: datetime
    articles: int
    queued: int


def digest_period(*, frequency: str, now: datetime) -> tuple[datetime, datetime]:
    """The last whole period before `now`: yesterday, or last Monday to Sunday, local time."""
    today = timezone.localdate(now)
    if frequency == Frequency.DAILY:
        first, after = today - timedelta(days=1), today
    else:
        after = today - timedelta(days=today.weekday())
        first = after - timedelta(days=7)
    zone = timezone.get_default_timezone()
    return datetime.combine(first, time.min, zone), datetime.combine(after, time.min, zone)


def digests_send(*, now: datetime | None = None, dry_run: bool = False) -> list[DigestReport]:
    """Make the digests of the periods just ended and queue them; idempotent per period.

    A period without articles gets no digest. Running again queues nothing new: subscribers who
    confirmed after the digest was made wait for the next one.
    """
    now = now or timezone.now()
    reports = []
    for frequency in (Frequency.DAILY, Frequency.WEEKLY):
        start, end = digest_period(frequency=frequency, now=now)
        articles = Article.objects.published().filter(published_at__gte=start, published_at__lt=end)
        count = articles.count()
        queued = 0
        if count and dry_run:
            queued = digest_subscribers(frequency=frequency, articles=articles, made_at=now).count()
        elif count:
            digest, _ = Digest.objects.get_or_create(
                frequency=frequency, period_start=start, defaults={"period_end": end}
            )
            subscribers = digest_subscribers(
                frequency=frequency, articles=digest.articles(), made_at=digest.created_at
            )
            queued = deliveries_insert(subscribers=subscribers, digest=digest)
        reports.append(DigestReport(frequency, start, end, count, queued))
    return reports


def digest_subscribers(*, frequency: str, articles: QuerySet, made_at: datetime) -> QuerySet:
    """Active subscribers of `frequency`, confirmed by `made_at`, who want one of the articles."""
    return Subscriber.objects.wanting(articles, frequency=frequency).filter(
        Q(confirmed_at__isnull=True) | Q(confirmed_at__lte=made_at)
    )


def digest_next_run(*, now: datetime | None = None) -> datetime | None:
    """When workers next send digests (SUBSCRIPTIONS_DIGEST_HOUR, local time); None if cron does."""
    hour = settings.SUBSCRIPTIONS_DIGEST_HOUR
    if hour is None:
        return None
    now = timezone.localtime(now)
    at = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if at <= now:
        at = timezone.make_aware(datetime.combine(at.date() + timedelta(days=1), at.time()))
    return at
