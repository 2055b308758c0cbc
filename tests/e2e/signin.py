"""Signing the test browser in, as the tests' own client did: no login page on the way."""

from django.conf import settings
from django.contrib.auth.models import Group

from articles.roles import ensure_roles
from tests.factories import UserFactory


def sign_in(page, client, live_server, user):
    """Give the browser the session cookie of a logged-in test client."""
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def sign_in_staff(page, client, live_server, *, group: str, username: str = "leila"):
    """A new staff member in the role `group`, signed in in the browser."""
    ensure_roles()
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    sign_in(page, client, live_server, user)
    return user
