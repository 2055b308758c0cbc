"""Fixed-window rate limits on the shared cache (Redis in production), for public POSTs.

Every web process shares the counters because they live in the cache, not in memory.
"""

import hashlib
import re
import time
from contextlib import suppress
from datetime import UTC, datetime

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
