import os
import socket

import pytest

from core.ratelimit import client_ip, hit, mailbox


def _redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_REQUIRED") and not _redis_is_running(),
    reason="no Redis on 127.0.0.1:6379 (CI starts one and requires it)",
)


def test_attempts_past_the_limit_are_refused_per_key_and_scope():
    assert [hit("post", "198.51.100.7", limit=3, window=60) for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    assert hit("post", "198.51.100.8", limit=3, window=60) is True
    assert hit("other", "198.51.100.7", limit=3, window=60) is True


def test_keys_are_compared_case_insensitively():
    assert hit("mail", "Reader@Example.org", limit=1, window=60) is True
    assert hit("mail", "reader@example.org", limit=1, window=60) is False


@pytest.mark.parametrize(
    "spelling",
    [
        '"reader"@example.org',
        '"rea\\der"@example.org',
        "Reader@EXAMPLE.org.",
        "reader+news@example.org",
    ],
)
def test_every_spelling_of_one_mailbox_is_one_key(spelling):
    assert mailbox(spelling) == "reader@example.org"


def test_gmail_dots_and_internationalised_domains_name_one_mailbox():
    assert mailbox("r.e.ader@googlemail.com") == mailbox("reader@gmail.com")
    assert mailbox("reader@exämple.org") == mailbox("reader@xn--exmple-cua.org")
    assert mailbox("reader@example.org") != mailbox("other@example.org")


def test_client_ip_trusts_only_our_own_proxies(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")

    settings.NUM_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"
    settings.NUM_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"


@needs_redis
def test_with_redis_every_process_counts_against_the_same_limit(settings):
    """Web processes share one Redis: attempts in another process use up this one's allowance."""
    import subprocess
    import sys
    from pathlib import Path

    redis_url = "redis://127.0.0.1:6379/15"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    from django.core.cache import cache

    cache.clear()
    other_process = (
        "from core.ratelimit import hit; "
        "print([hit('post', '198.51.100.7', limit=3, window=600) for _ in range(2)])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", other_process],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "REDIS_URL": redis_url},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "[True, True]"

    assert hit("post", "198.51.100.7", limit=3, window=600) is True
    assert hit("post", "198.51.100.7", limit=3, window=600) is False
    cache.clear()
