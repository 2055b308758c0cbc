"""Users and ewview's client at the test provider: `python -m tests.readers.oidc_provider.seed
REDIRECT_URI` (with the provider's settings)."""

import sys

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

PASSWORD = "provider password"
for username, email, name in [
    ("rana", "rana@example.org", "Rana Haddad"),
    ("unverified-leila", "leila@example.org", "Not Leila"),
]:
    User.objects.create_user(username, email, PASSWORD, first_name=name)
Application.objects.create(
    name="ewview",
    client_id="ewview-client",
    client_secret="ewview-secret",
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=sys.argv[1],
    algorithm=Application.RS256_ALGORITHM,
    skip_authorization=True,
)
