"""Fixed-window rate limits on the shared cache (Redis in production), for public POSTs.

Every web process shares the counters because they live in the cache, not in memory.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one attempt for `key` in `scope`; False once `limit` attempts fall in one window."""
    bucket = int(time.time() // window)
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{bucket}"
    # add() is atomic: only the first request in a window creates the counter.
    if cache.add(cache_key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.add(cache_key, 1, timeout=window + 1)
            count = 1
    return count <= limit


def client_ip(request) -> str:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies wrote it."""
    proxies = settings.NUM_PROXIES
    if proxies:
        forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            # Each proxy appends the address it saw; the one our outermost proxy saw is real.
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
