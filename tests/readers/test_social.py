"""Signing in with a social account: OpenID Connect against a real provider (django-oauth-toolkit)
running in a process of its own on loopback; allauth talks to it over HTTP as to any provider."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model

from core.models import OutgoingEmail
from tests.mailserver import free_port

User = get_user_model()

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "http://testserver/account/oidc/oidc/login/callback/"
PROVIDER_PASSWORD = "provider password"  # tests/readers/oidc_provider/seed.py


def _private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The provider's address: its own database, users and ewview's client, served by
    runserver on a free port until the module's tests are done."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.readers.oidc_provider.settings",
        "OIDC_TEST_DB": str(tmp_path_factory.mktemp("oidc") / "provider.sqlite3"),
        "OIDC_TEST_KEY": _private_key(),
    }
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], **run)
    subprocess.run([sys.executable, "-m", "tests.readers.oidc_provider.seed", CALLBACK], **run)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/o/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the OpenID Connect provider did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def oidc(provider, settings):
    """ewview configured for the provider, as OIDC_* environment variables would."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "oidc",
                    "name": "Newsroom ID",
                    "client_id": "ewview-client",
                    "secret": "ewview-secret",
                    "settings": {"server_url": f"{provider}/o", "oauth_pkce_enabled": True},
                }
            ]
        }
    }
    return provider


def sign_in_at_provider(client, provider, username, *, next_url="/"):
    """The reader's round trip: our button, the provider's sign-in, back to our callback."""
    leave = client.post("/account/oidc/oidc/login/", {"process": "login", "next": next_url})
    assert leave.status_code == 302
    # A reader who never comes back from the provider holds this session only briefly.
    waiting = leave.cookies[settings.SESSION_COOKIE_NAME]
    assert 0 < int(waiting["max-age"]) <= settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT
    authorize = leave.url
    assert authorize.startswith(f"{provider}/o/authorize/")
    browser = requests.Session()
    browser.get(f"{provider}/login/")
    browser.post(
        f"{provider}/login/",
        {
            "username": username,
            "password": PROVIDER_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": authorize.removeprefix(provider),
        },
        allow_redirects=False,
    )
    back = browser.get(authorize, allow_redirects=False)
    assert back.status_code == 302, back.text[:500]
    assert back.headers["Location"].startswith(CALLBACK)
    callback = urlsplit(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_sign_in_page_shows_only_configured_providers_as_plain_links(client, oidc, db):
    page = client.get("/account/login/").content.decode()

    assert 'href="/account/oidc/oidc/login/' in page
    assert "Newsroom ID" in page
    for absent in ("Google", "Facebook", "GitHub", ">X<"):
        assert absent not in page
    assert "<script" not in page.split("</header>")[1]


def test_no_provider_buttons_without_configuration(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    page = client.get("/account/login/").content.decode()
    assert "Or sign in with" not in page


def test_openid_connect_sign_in_opens_a_readers_account(client, oidc, transactional_db):
    response = sign_in_at_provider(client, oidc, "rana", next_url="/2026/01/01/story/")

    assert response.status_code == 302
    user = User.objects.get(email="rana@example.org")
    assert user.get_full_name() == "Rana Haddad"
    assert SocialAccount.objects.get(user=user).provider == "oidc"
    assert user.emailaddress_set.get().verified
    assert response.url == "/2026/01/01/story/"
    assert client.session[BACKEND_SESSION_KEY] == "readers.backends.ReaderBackend"
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(session["max-age"]) == settings.SESSION_COOKIE_AGE
    assert client.get("/account/").context["user"] == user


def test_a_verified_provider_address_signs_in_to_the_account_holding_it(
    client, oidc, transactional_db
):
    from allauth.account.models import EmailAddress

    existing = User.objects.create(username="reader-x", email="rana@example.org")
    EmailAddress.objects.create(
        user=existing, email="rana@example.org", verified=True, primary=True
    )

    sign_in_at_provider(client, oidc, "rana")

    assert client.get("/account/").context["user"] == existing
    assert SocialAccount.objects.get().user == existing


def test_an_unverified_provider_address_never_takes_over_an_existing_account(
    client, oidc, transactional_db
):
    from allauth.account.models import EmailAddress

    existing = User.objects.create(username="reader-l", email="leila@example.org")
    EmailAddress.objects.create(
        user=existing, email="leila@example.org", verified=True, primary=True
    )

    response = sign_in_at_provider(client, oidc, "unverified-leila")

    # allauth asks for the address to be proven, which only its owner can do; the owner is
    # told someone tried, and no second account holds the address.
    assert response.url == "/account/confirm-email/"
    assert list(User.objects.all()) == [existing]
    [note] = OutgoingEmail.objects.all()
    assert (note.kind, note.to) == ("reader-account-exists", "leila@example.org")
    assert "nothing has changed" in note.text

    assert client.session.get("_auth_user_id") != str(existing.pk)
    assert not SocialAccount.objects.filter(user=existing).exists()
    account_page = client.get("/account/")
    assert account_page.status_code == 302 or account_page.context["user"] != existing
