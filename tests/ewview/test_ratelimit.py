from ewview.ratelimit import client_ip, hit


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


def test_client_ip_trusts_only_our_own_proxies(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")

    settings.NUM_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"
    settings.NUM_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"
