"""Fixed-window rate limits on the shared cache (Redis in production), for public POSTs.

Every web process shares the counters because they live in the cache, not in memory; while Redis
is down, each process keeps its own.
"""

import hashlib
import logging
import re
import time
from contextlib import suppress
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)


# Counters of this process alone, for while the shared cache cannot be reached.
_local_counts = LocMemCache("ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
# Seconds between two warnings that limits are counted per process.
WARN_EVERY = 60.0
_warned_at = -WARN_EVERY


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one attempt for `key` in `scope`; False once `limit` attempts fall in one window.

    While Redis is unreachable, each process counts on its own: limits stay, only looser by
    the number of processes, rather than letting every request through.
    """
    bucket = int(time.time() // window)
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{bucket}"
    count = _count(cache, cache_key, window)
    # Asked after counting: the shared cache may have failed during that very call.
    if _unreachable(cache):
        _warn_counting_locally()
        count = _count(_local_counts, cache_key, window)
    return count <= limit


def forget_local_counts() -> None:
    """Drop this process's own counters and warnings (tests clear the cache between them)."""
    global _warned_at
    _local_counts.clear()
    _warned_at = -WARN_EVERY


def _count(store, cache_key: str, window: int) -> int:
    # add() is atomic: only the first request in a window creates the counter.
    if store.add(cache_key, 1, timeout=window + 1):
        return 1
    try:
        return store.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        store.add(cache_key, 1, timeout=window + 1)
        return 1


def _unreachable(store) -> bool:
    return getattr(store, "is_resting", lambda: False)()


def _warn_counting_locally() -> None:
    global _warned_at
    now = time.monotonic()
    if now - _warned_at >= WARN_EVERY:
        _warned_at = now
        logger.warning("Redis unreachable: rate limits are counted by each process on its own")


def window_end(window: int) -> datetime:
    """When the current window of `window` seconds ends, and with it every count in it."""
    return datetime.fromtimestamp((int(time.time() // window) + 1) * window, tz=UTC)


GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def mailbox(email: str) -> str:
    """The mailbox an address delivers to: the key of every limit on what one person is sent.

    Spellings that reach one inbox count as one, or a limit per recipient is no limit: any case,
    a quoted local part ("reader"@example.org), a +tag, an internationalised domain in either
    form, a trailing dot, and the dots Gmail ignores.
    """
    local, _, domain = email.strip().rpartition("@")
    if not local:
        return email.strip().lower()
    if len(local) >= 2 and local[0] == local[-1] == '"':
        local = re.sub(r"\\(.)", r"\1", local[1:-1])
    local = local.partition("+")[0] or local
    domain = domain.strip().rstrip(".").lower()
    # A name IDNA cannot spell is kept as typed.
    with suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local.lower()}@{domain}"


def client_ip(request) -> str:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies wrote it."""
    proxies = settings.NUM_PROXIES
    if proxies:
        forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            # Each proxy appends the address it saw; the one our outermost proxy saw is real.
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
