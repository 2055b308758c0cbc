"""Whole pages and fragments cached for anonymous readers, out of date the moment what they show
changes.

Every cached page or fragment names what it shows ("dependencies", such as the site's published
articles or one article's discussion). Each dependency has a version in the cache, and a change
replaces it (`changed()`), at once and again after the change's transaction commits. A page is
stored with the versions it was rendered under, read before its view queried anything; it is
served only while they are all still current, so a change shows on the next request in every web
process, and nothing needs to know which addresses showed what.

Readers with a session (staff, signed-in readers) never get or make a shared page: their pages
carry their own CSRF token and are marked private. Shared pages carry no CSRF token; the forms on
them are checked by origin instead (see `core.csrf`).
"""

import hashlib
import secrets
import time
from collections import OrderedDict
from dataclasses import astuple, dataclass, field
from datetime import datetime
from functools import cache as memoize
from pathlib import Path
from threading import Lock

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.safestring import SafeString, mark_safe

# Values of the bench-only header (settings.PAGE_CACHE_BYPASS_HEADER).
BYPASS_PAGE = "page"  # render the page, as staff would get it, but anonymously
BYPASS_COLD = "cold"  # and its own fragments afresh too, as right after a change to it
# Part of every stored page's key: change it when StoredPage's fields change.
STORE_FORMAT = "v2"
# Says whether a shared page came from the store, for whoever looks at the site from outside.
STATUS_HEADER = "X-Page-Cache"


# Dependencies and their versions


def _version_key(name: str) -> str:
    return f"pagecache:version:{name}"


# Versions this process read last, with when: name -> (version, time.monotonic()).
_recent_versions: dict[str, tuple[str, float]] = {}


def versions(*names: str) -> dict[str, str | None]:
    """The current version of each dependency, in one round trip to the cache at most.

    A version read from the cache in the last PAGE_CACHE_VERSIONS_REUSE_MS is taken as it is:
    a change made by another process shows after that long at most (a few milliseconds,
    less than any reader's next request takes to arrive), one made by this process at once.
    None for a version the cache cannot tell (Redis unreachable): nothing showing it may be
    stored or served from store, because its changes could not be recorded either.
    """
    now = time.monotonic()
    reuse = settings.PAGE_CACHE_VERSIONS_REUSE_MS / 1000
    current = {}
    for name in names:
        version, read_at = _recent_versions.get(name, (None, 0.0))
        if now - read_at < reuse:
            current[name] = version
    if missing := [name for name in names if name not in current]:
        current |= _versions_from_cache(missing)
        _recent_versions.update(
            (name, (current[name], now)) for name in missing if current[name] is not None
        )
    return current


def _versions_from_cache(names: list[str]) -> dict[str, str | None]:
    keys = {name: _version_key(name) for name in names}
    found = cache.get_many(keys.values())
    current = {}
    for name, key in keys.items():
        version = found.get(key)
        if version is None:
            # Never seen, or evicted: a new version outdates whatever was stored under an old one.
            cache.add(key, secrets.token_hex(8), timeout=None)
            version = cache.get(key)
        current[name] = version
    return current


def _known(current: dict) -> bool:
    return None not in current.values()


def changed(*names: str) -> None:
    """Make every page and fragment showing `names` out of date, now and when this commits.

    Now, so that this process's next request sees the change; after the commit again, because
    a request that read the new version before the commit may have stored what it saw then.
    """

    def renew():
        new = {name: secrets.token_hex(8) for name in names}
        cache.set_many({_version_key(name): version for name, version in new.items()}, None)
        for name in names:
            _recent_versions.pop(name, None)

    renew()
    transaction.on_commit(renew)


def forget_process_memory() -> None:
    """Drop what this process remembers of versions and fragments (tests clear the cache)."""
    _recent_versions.clear()
    _fragments.clear()


# Which requests share pages


def bypass(request) -> str:
    """What the bench asked to skip with its header ("page" or "cold"); "" for everyone else."""
    header = settings.PAGE_CACHE_BYPASS_HEADER
    if not header:
        return ""
    return request.META.get("HTTP_" + header.upper().replace("-", "_"), "")


def is_shared(request) -> bool:
    """True when the request may be answered with a page another reader also gets.

    Only anonymous readers without a session share pages: a session is what staff and signed-in
    readers carry, and a message waiting for the reader lives in its own cookie.
    """
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


# Pages


@dataclass
class Dependencies:
    """What a response shows: dependency versions read before rendering, and an expiry."""

    versions: dict[str, str] = field(default_factory=dict)
    until: datetime | None = None
    # Set when the view says the page may be shared; fragments alone only add what they show.
    shared: bool = False

    def read(self, names) -> dict[str, str]:
        """The versions of `names`, each read from the cache once per request."""
        if missing := [name for name in names if name not in self.versions]:
            self.versions |= versions(*missing)
        return {name: self.versions[name] for name in names}

    def expire_by(self, until: datetime | None) -> None:
        if until is not None and (self.until is None or until < self.until):
            self.until = until

    def timeout(self) -> int:
        """Seconds to keep the page: the setting's, or less if something is due sooner."""
        seconds = settings.PAGE_CACHE_SECONDS
        if self.until is not None:
            seconds = min(seconds, int((self.until - timezone.now()).total_seconds()))
        return seconds


def dependencies(request) -> Dependencies:
    """What the response to `request` has shown so far (a new, empty record without request)."""
    if request is None:
        return Dependencies()
    record = getattr(request, "page_dependencies", None)
    if record is None:
        record = request.page_dependencies = Dependencies()
    return record


def depends_on(request, *names: str, until: datetime | None = None) -> None:
    """Declare that the response to `request` shows `names`, and may be shared until they change.

    `until`: a time at which the page changes by itself (a scheduled article coming due).
    Views call this before they query what they show, and may call it again to add more.
    """
    record = dependencies(request)
    record.shared = True
    record.read(names)
    record.expire_by(until)


def fragment(
    request,
    name: str,
    *,
    depends_on: tuple[str, ...],
    vary: tuple,
    render,
    until: datetime | None = None,
    cold_with_page: bool = False,
) -> SafeString:
    """HTML from `render()`, shared by every reader until a dependency changes (or `until`).

    `vary`: everything else the HTML is made from (page number, settings, titles), in the key.
    `cold_with_page`: what a change to the page itself outdates (its discussion), so that the
    bench's "cold" requests render it afresh as the first request after such a change would.
    The page showing the fragment depends on what the fragment shows.
    """
    record = dependencies(request)
    current = record.read(depends_on)
    record.expire_by(until)
    cold = cold_with_page and request is not None and bypass(request) == BYPASS_COLD
    if cold or not settings.PAGE_CACHE_ENABLED:
        return mark_safe(render())
    if not _known(current):
        return mark_safe(render())
    key = f"pagecache:fragment:{name}:{digest(repr((release_fingerprint(), current, vary)))}"
    # The key names the versions the fragment shows, so a copy in memory is as good as Redis's.
    html = _fragments.get(key)
    if html is None:
        html = cache.get(key)
        timeout = Dependencies(until=until).timeout()
        if html is None:
            html = render()
            if timeout > 0:
                cache.set(key, html, timeout=timeout)
        if timeout > 0:
            _fragments.put(key, html, size=len(html), expires_at=time.time() + timeout)
    return mark_safe(html)


def remembered(
    key: str, compute, *, timeout: int, current=None, size: int = 1024, shared: bool = True
):
    """`compute()`'s value under `key`: from this process's memory, else (`shared`) the shared
    cache, else computed and kept for `timeout` seconds (not at all when it is 0 or less).

    Only for keys that name the versions the value was made from: a copy in memory is then as
    good as Redis's, and a round trip cheaper. `current(value)`: False for a value kept too long
    (something it shows came due), which is then computed afresh. `size`: about how many bytes
    the value takes, for the memory's bound. Not `shared`: kept by this process alone, for
    values a new release might not read back (model instances).
    """

    def usable(value) -> bool:
        return value is not None and (current is None or current(value))

    value = _fragments.get(key)
    if usable(value):
        return value
    value = cache.get(key) if shared else None
    if not usable(value):
        value = compute()
        if shared and timeout > 0:
            cache.set(key, value, timeout=timeout)
    if timeout > 0:
        _fragments.put(key, value, size=size, expires_at=time.time() + timeout)
    return value


@dataclass
class StoredPage:
    body: bytes
    headers: dict[str, str]
    versions: dict[str, str]
    expires_at: float

    def is_current(self) -> bool:
        return time.time() < self.expires_at and versions(*self.versions) == self.versions

    def response(self) -> HttpResponse:
        response = HttpResponse(self.body)
        for name, value in self.headers.items():
            response.headers[name] = value
        return response


class InMemory:
    """What this process used last (pages, fragments), up to a size in bytes, each until it
    expires: serving them again asks Redis at most whether they are current."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[object, int, float]] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()  # for threaded workers

    def get(self, key: str):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            value, size, expires_at = item
            if expires_at <= time.time():
                self._remove(key)
                return None
            self._items.move_to_end(key)
            return value

    def put(self, key: str, value, *, size: int, expires_at: float) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            self._remove(key)
            self._items[key] = (value, size, expires_at)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._remove(next(iter(self._items)))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def _remove(self, key: str) -> None:
        if (item := self._items.pop(key, None)) is not None:
            self._bytes -= item[1]


_fragments = InMemory(settings.PAGE_CACHE_MEMORY_MB * 1024 * 1024 // 4)


class PageCacheMiddleware:
    """Serves anonymous readers pages stored whole, and stores the pages views let it share.

    Placed after WhiteNoise (static files never reach it) and before the session, CSRF and auth
    middleware, whose work a stored page does not need.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.in_memory = InMemory(settings.PAGE_CACHE_MEMORY_MB * 1024 * 1024)

    def __call__(self, request):
        if not is_shared(request) or bypass(request):
            return self._private(request, self.get_response(request))
        key = page_key(request)
        stored = self._stored(key)
        if stored is not None and stored.is_current():
            response = stored.response()
            response.headers[STATUS_HEADER] = "hit"
            return _conditional(request, response)
        response = self.get_response(request)
        record = getattr(request, "page_dependencies", None)
        if record is None or not record.shared or not _storable(response):
            return response
        _mark_shared(response)
        self._store(key, response, record)
        response.headers[STATUS_HEADER] = "miss"
        return _conditional(request, response)

    def _stored(self, key: str) -> StoredPage | None:
        if not settings.PAGE_CACHE_ENABLED:
            return None
        page = self.in_memory.get(key)
        if page is None:
            # Stored as plain values, so a release with another StoredPage reads them safely.
            values = cache.get(key)
            page = StoredPage(*values) if values is not None else None
            if page is not None:
                self._remember(key, page)
        return page

    def _remember(self, key: str, page: StoredPage) -> None:
        self.in_memory.put(key, page, size=len(page.body), expires_at=page.expires_at)

    def _store(self, key: str, response, record: Dependencies) -> None:
        timeout = record.timeout()
        if timeout <= 0 or not settings.PAGE_CACHE_ENABLED or not _known(record.versions):
            return
        page = StoredPage(
            response.content, dict(response.headers), record.versions, time.time() + timeout
        )
        cache.set(key, astuple(page), timeout=timeout)
        self._remember(key, page)

    @staticmethod
    def _private(request, response):
        """A page that could be shared, made for one reader: no shared cache may keep it."""
        record = getattr(request, "page_dependencies", None)
        if record is not None and record.shared:
            patch_cache_control(response, private=True, max_age=0)
            patch_vary_headers(response, ["Cookie"])
        return response


def page_key(request) -> str:
    """The address as far as pages differ by it: scheme, host, path and the listed parameters.

    Other parameters (utm_source and the like) do not change a page, so they share its entry
    instead of letting any made-up address fill the cache.
    """
    params = sorted(
        (name, value)
        for name, value in request.GET.items()
        if name in settings.PAGE_CACHE_QUERY_PARAMETERS
    )
    address = f"{request.scheme}://{request.get_host()}{request.path}?{params!r}"
    return f"pagecache:page:{STORE_FORMAT}:{release_fingerprint()}:{digest(address)}"


def _storable(response) -> bool:
    """A complete 200 that sets no cookie and that nothing marked as private."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _mark_shared(response) -> None:
    """Let browsers revalidate at once and proxies or CDNs in front keep the page briefly."""
    response.headers["ETag"] = f'"{digest(response.content)}"'
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PAGE_CACHE_BROWSER_SECONDS,
        s_maxage=settings.PAGE_CACHE_SHARED_SECONDS,
        stale_while_revalidate=settings.PAGE_CACHE_SHARED_SECONDS,
    )


def _conditional(request, response):
    """304 Not Modified when the reader already holds this version of the page."""
    return get_conditional_response(request, etag=response.headers["ETag"], response=response)


def digest(value: str | bytes) -> str:
    """A short digest for cache keys."""
    data = value.encode() if isinstance(value, str) else value
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def release_fingerprint() -> str:
    """Changes when a deploy changes how pages look: templates, static files or page settings.

    Cached pages outlive a restart (they are in Redis), so a new release must not serve the last
    one's pages, whose stylesheet addresses may no longer exist.
    """
    return _settings_fingerprint(_files_fingerprint())


@memoize
def _settings_fingerprint(files: str) -> str:
    page_settings = ";".join(
        f"{name}={getattr(settings, name)!r}" for name in settings.PAGE_CACHE_SETTINGS_IN_KEY
    )
    return digest(f"{files};{page_settings}")


@receiver(setting_changed)
def _forget_settings_fingerprint(*, setting, **kwargs):
    # Settings change while a process runs only in tests; a deploy restarts the processes.
    if setting in settings.PAGE_CACHE_SETTINGS_IN_KEY:
        _settings_fingerprint.cache_clear()


@memoize
def _files_fingerprint() -> str:
    """The templates and the static files' manifest, read once per process."""
    digest = hashlib.blake2b(digest_size=16)
    for directory in _template_dirs():
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(directory)).encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()


def _template_dirs() -> list[Path]:
    return [Path(directory) for engine in settings.TEMPLATES for directory in engine["DIRS"]]
