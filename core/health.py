"""GET /healthz: can this process serve, and is the background work keeping up?

Answers 200 when every check passes, 503 otherwise, with a small JSON body saying which failed.
Cheap enough to call every few seconds: a query or two on indexed columns and one cache round
trip. Apps add checks of their own with `register()` (subscriptions: its deliveries).

`/healthz?scope=web` runs only the checks a web machine needs to serve pages (`serving=True`):
for a load balancer, which must not take every machine out because the shared queues are late
or Redis is down (pages are served without it).
"""

import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, F, Min, Q, When
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import OutgoingEmail, QueuedEmail, WorkerHeartbeat


@dataclass
class Check:
    ok: bool
    # Numbers an operator reads (counts, ages in seconds); never addresses or secrets.
    details: dict = field(default_factory=dict)


_checks: dict[str, Callable[[], Check]] = {}
_serving: set[str] = set()


def register(name: str, check: Callable[[], Check], *, serving: bool = False) -> None:
    """Add a check to /healthz; `check()` returns a Check and may raise (that counts as failed).

    `serving`: a web machine that fails it cannot serve pages, so `?scope=web` runs it too.
    """
    _checks[name] = check
    if serving:
        _serving.add(name)


def database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return Check(ok=True)


def cache_round_trip() -> Check:
    """A value written to the cache reads back: the shared cache (Redis) is reachable."""
    # A key of its own: checks running at once in several processes must not read each other's.
    value = secrets.token_hex(8)
    key = f"healthz:probe:{value}"
    cache.set(key, value, timeout=30)
    ok = cache.get(key) == value
    cache.delete(key)
    return Check(ok=ok)


def task_backlog() -> Check:
    """Background tasks due and not yet taken by a worker, how long the oldest has waited, and
    how many workers were seen alive lately."""
    now = timezone.now()
    due = DBTaskResult.objects.ready().aggregate(
        count=Count("pk"),
        # A task without run_after is stored with the latest date there is: due since enqueued.
        oldest=Min(
            Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
        ),
    )
    workers = WorkerHeartbeat.objects.filter(
        seen_at__gte=now - timedelta(seconds=settings.WORKER_LOST_SECONDS)
    ).count()
    age = age_seconds(due["oldest"])
    return Check(
        ok=age <= settings.HEALTHZ_MAX_TASK_AGE,
        details={"ready": due["count"], "oldest_age_seconds": age, "workers": workers},
    )


def email_backlog(model: type[QueuedEmail]) -> Check:
    """Emails of `model` due to go and not yet sent, and how long the oldest has waited.

    Those waiting out a retry's back-off (the mail server refused for now) are not due yet.
    """
    now = timezone.now()
    due = (
        model._default_manager.filter(status=QueuedEmail.Status.PENDING)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .aggregate(count=Count("pk"), oldest=Min(Coalesce("not_before", "created_at")))
    )
    age = age_seconds(due["oldest"])
    return Check(
        ok=age <= settings.HEALTHZ_MAX_EMAIL_AGE,
        details={"pending": due["count"], "oldest_age_seconds": age},
    )


def age_seconds(since) -> int:
    return max(0, int((timezone.now() - since).total_seconds())) if since else 0


register("database", database, serving=True)
register("cache", cache_round_trip)
register("tasks", task_backlog)
register("outbox", partial(email_backlog, OutgoingEmail))


def run_checks(*, serving_only: bool = False) -> dict[str, Check]:
    results = {}
    for name, check in _checks.items():
        if serving_only and name not in _serving:
            continue
        try:
            results[name] = check()
        except Exception as error:  # any failure at all is what the check reports
            # The kind of error only: its message may name hosts or users.
            results[name] = Check(ok=False, details={"error": type(error).__name__})
    return results


@never_cache
@require_safe
def healthz(request):
    """200 when every check passes, else 503; never stored by the page cache or a proxy."""
    results = run_checks(serving_only=request.GET.get("scope") == "web")
    healthy = all(result.ok for result in results.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "fail",
            "checks": {name: asdict(result) for name, result in results.items()},
        },
        status=200 if healthy else 503,
    )
