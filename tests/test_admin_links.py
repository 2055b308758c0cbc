"""No dead ends in admin: every link a role is shown opens for that role."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from articles.roles import AUTHORS, EDITORS, MODERATORS, SUBSCRIBER_MANAGERS, ensure_roles
from subscriptions.models import Delivery, Subscriber
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/admin/[^"#]*)"')
# Pages that change something or leave admin whatever they are asked.
SKIPPED = ("/admin/logout/", "/admin/password_change/", "/delete/", "/history/")
MOST_PAGES = 80


@pytest.fixture
def newsroom():
    """An article with comments and subscriber emails, so that every panel and link shows."""
    ensure_roles()
    article = ArticleFactory(title="Talks resume", authors=[AuthorFactory()])
    CommentFactory(content_object=article, held=True)
    subscriber = Subscriber.objects.create(email="reader@example.org", state="active")
    Delivery.objects.create(subscriber=subscriber, article=article, status="sent")
    return article


def staff(group: str) -> Client:
    user = UserFactory(username=group.lower().replace(" ", "-"), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def crawl(client: Client, start: str) -> dict[str, int]:
    """Every admin page reachable from `start` by the links shown, with its status."""
    seen: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < MOST_PAGES:
        path = queue.pop(0)
        if path in seen or any(part in path for part in SKIPPED):
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        for href in HREF.findall(response.content.decode()):
            link = urlsplit(urljoin(path, href.replace("&amp;", "&")))
            target = link.path + (f"?{link.query}" if link.query else "")
            if target not in seen:
                queue.append(target)
    return seen


@pytest.mark.parametrize("group", [EDITORS, AUTHORS, MODERATORS, SUBSCRIBER_MANAGERS])
def test_every_admin_link_a_role_is_shown_opens_for_it(newsroom, group):
    client = staff(group)

    pages = crawl(client, "/admin/")
    pages |= crawl(client, f"/admin/articles/article/{newsroom.pk}/change/")

    refused = {path: status for path, status in pages.items() if status >= 400}
    assert len(pages) > 3
    assert refused == {}


def test_an_editor_sees_an_articles_email_counts_but_not_who_got_them(newsroom):
    page = staff(EDITORS).get(f"/admin/articles/article/{newsroom.pk}/change/").content.decode()

    assert "Sent (accepted by the mail server): 1" in page
    assert "See each one" not in page


def test_a_subscriber_manager_follows_the_counts_to_each_email(newsroom):
    client = staff(SUBSCRIBER_MANAGERS)

    page = client.get(f"/admin/articles/article/{newsroom.pk}/change/").content.decode()
    deliveries = client.get(f"/admin/subscriptions/delivery/?article__id__exact={newsroom.pk}")

    assert "See each one" in page
    assert "reader@example.org" in deliveries.content.decode()
