"""A Redis cache whose outage makes pages slower, never broken.

While Redis cannot be reached, the cache behaves as an empty one that forgets what it is given:
reads miss, writes are dropped, `add()` succeeds. Pages render from the database, and rate limits
count in each process's memory instead (core.ratelimit asks `is_resting()`). After a failure the
process leaves Redis alone for a few seconds, so a server that is down costs one failed
connection, not one per call.
"""

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Seconds a process waits after a failure before it tries Redis again.
RETRY_AFTER = 5.0


# Until when (time.monotonic()) this process leaves each Redis location alone. Per process, not
# per cache object: Django makes one of those per thread, and threaded servers start many.
_resting_until: dict[str, float] = {}


def _fail_soft(fallback):
    """Run the cache method, or return `fallback(*args)` when Redis fails or is resting."""

    def decorator(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            if self.is_resting():
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                _resting_until[self._location] = time.monotonic() + RETRY_AFTER
                logger.warning("Redis cache unavailable, serving without it: %s", error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator


def _absent(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found.")  # what incr() says of a missing key


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client maker, keeping one client per server instead of one per call.

    redis-py builds a client in a third of a millisecond, and a page served from the cache asks
    Redis two or three things. Clients are thread-safe; their connections come from the pool.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._pools.get(index) or self._pool_class.from_url(
                self._servers[index], **self._pool_options
            )
            self._pools[index] = pool
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache, degrading to an empty cache while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._location = repr(self._servers)

    def is_resting(self) -> bool:
        """True while a recent failure keeps this process from asking Redis anything."""
        return time.monotonic() < _resting_until.get(self._location, 0.0)

    get = _fail_soft(lambda key, default=None, **kw: default)(RedisCache.get)
    get_many = _fail_soft(lambda keys, **kw: {})(RedisCache.get_many)
    has_key = _fail_soft(lambda key, **kw: False)(RedisCache.has_key)
    set = _fail_soft(lambda *args, **kw: None)(RedisCache.set)
    set_many = _fail_soft(lambda data, *args, **kw: [])(RedisCache.set_many)
    add = _fail_soft(lambda *args, **kw: True)(RedisCache.add)
    touch = _fail_soft(lambda *args, **kw: False)(RedisCache.touch)
    incr = _fail_soft(_absent)(RedisCache.incr)
    delete = _fail_soft(lambda *args, **kw: False)(RedisCache.delete)
    delete_many = _fail_soft(lambda *args, **kw: None)(RedisCache.delete_many)
    clear = _fail_soft(lambda *args, **kw: None)(RedisCache.clear)
