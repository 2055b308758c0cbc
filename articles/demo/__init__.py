"""Demo content for a development site: staff accounts, authors, sections, articles and pages.

Everything here is invented for the demo, written for this project: the writers, the officials and
the events. The stories, authors and pages are Markdown files in this folder (see `content`).
Loading is idempotent: rows are keyed on usernames and slugs, and a row that already exists is left
as it is, since an editor may have changed it since.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from ..announcement import article_mark_announced
from ..models import Article, Author, Page, Section
from ..publication import publication_schedule
from ..roles import AUTHORS, EDITORS, ensure_roles
from . import content
from .pictures import picture, portrait

DEFAULT_PASSWORD = "ewview-demo-editor"
EDITOR_USERNAME = "editor"
AUTHOR_USERNAME = "author"
# A superuser for trying every part of admin on a development site (never with DEBUG off).
ADMIN_USERNAME = "admin"

SECTIONS = [
    ("gulf-analysis", "Gulf Analysis", "Diplomacy, security and money in the Gulf and its waters."),
    ("levant-daily", "Levant Daily", "Short daily reporting from the Levant and its borders."),
    ("energy-watch", "Energy Watch", "Oil, gas and electricity: markets, pipes and politics."),
    ("elections", "Elections", "Campaigns, polls, results and the coalitions that follow."),
    ("explainers", "Explainers", "The background to the news, in plain language."),
    ("opinion", "Opinion", "Signed arguments. They speak for their writers, not the site."),
]

STAFF = [
    (EDITOR_USERNAME, "Leila", "Marouf", EDITORS),
    (AUTHOR_USERNAME, "Samir", "Aoun", AUTHORS),
]


@dataclass(frozen=True)
class DemoSummary:
    """What the demo content holds after loading, and how many rows this run added."""

    created: int
    sections: int
    authors: int
    published: int
    scheduled: int
    drafts: int
    pages: int
    editor_username: str
    author_username: str
    admin_username: str | None = None
    # Accounts that were there before this run: their password and roles were left alone.
    existing_accounts: tuple[str, ...] = ()


@transaction.atomic
def demo_content_load(*, password: str, admin: bool = False) -> DemoSummary:
    """Create whatever demo accounts and content are missing; leave existing rows as they are.

    With `admin`, also a superuser who may open everything (for development sites only).
    """
    ensure_roles()  # normally done by migrate; the accounts below need the groups
    created = 0
    users = {}
    existing_accounts = []
    for username, first_name, last_name, group in STAFF:
        users[username], new = _staff_user_ensure(
            username=username,
            first_name=first_name,
            last_name=last_name,
            group=group,
            password=password,
        )
        created += new
        if not new:
            existing_accounts.append(username)
    if admin:
        new = _admin_ensure(password=password)
        created += new
        if not new:
            existing_accounts.append(ADMIN_USERNAME)

    sections = {}
    for position, (slug, name, description) in enumerate(SECTIONS, start=1):
        sections[slug], new = Section.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": position * 10}
        )
        created += new

    authors = {}
    for person in content.people():
        authors[person.slug], new = _author_ensure(person=person, user=users.get(person.user))
        created += new

    stories = content.stories()
    urls: dict[str, str] = {}
    today = timezone.localdate()
    for story in stories:
        article, new = _article_ensure(
            story=story,
            section=sections[story.section],
            authors=[authors[slug] for slug in story.authors],
            # The Author account may only preview articles it created: give it the draft.
            created_by=users[AUTHOR_USERNAME if story.is_draft else EDITOR_USERNAME],
            urls=urls,
            today=today,
        )
        urls[story.slug] = article.get_absolute_url()
        created += new

    pages = content.pages()
    site = escape(settings.SITE_NAME)
    for page in pages:
        _, new = Page.objects.get_or_create(
            slug=page.slug,
            defaults={"title": page.title.format(site=site), "body": page.body.format(site=site)},
        )
        created += new

    articles = Article.objects.filter(slug__in=[story.slug for story in stories])
    return DemoSummary(
        created=created,
        sections=Section.objects.filter(slug__in=sections).count(),
        authors=Author.objects.filter(slug__in=authors).count(),
        published=articles.published().count(),
        scheduled=articles.scheduled().count(),
        drafts=articles.drafts().count(),
        pages=Page.objects.filter(slug__in=[page.slug for page in pages]).count(),
        editor_username=EDITOR_USERNAME,
        author_username=AUTHOR_USERNAME,
        admin_username=ADMIN_USERNAME if admin else None,
        existing_accounts=tuple(existing_accounts),
    )


def _admin_ensure(*, password: str) -> bool:
    """The demo superuser, created if missing (an existing account is left as it is)."""
    users = get_user_model().objects
    if users.filter(username=ADMIN_USERNAME).exists():
        return False
    users.create_superuser(ADMIN_USERNAME, f"{ADMIN_USERNAME}@example.org", password)
    return True


def _staff_user_ensure(*, username, first_name, last_name, group, password):
    """The demo account, created with `password` and its role if missing.

    An account that exists is left exactly as it is: on a real site "editor" may be a person,
    whose password must never become the demo's published one.
    """
    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        return existing, False
    user = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=password,
        first_name=first_name,
        last_name=last_name,
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name=group))
    return user, True


def _author_ensure(*, person: content.Person, user) -> tuple[Author, bool]:
    if user is not None and Author.objects.filter(user=user).exists():
        user = None  # the account already writes as someone else
    author, created = Author.objects.get_or_create(
        slug=person.slug,
        defaults={
            "name": person.name,
            "position": person.position,
            "bio": person.bio,
            "user": user,
            # A callable, so the picture is drawn only when the row is created.
            "photo": lambda: _portrait(person),
        },
    )
    if not author.photo:
        author.photo = _portrait(person)
        author.save()
    return author, created


def _portrait(person: content.Person):
    return portrait(slug=person.slug, name=person.name, colour=person.colour)


def _article_ensure(*, story: content.Story, section, authors, created_by, urls, today):
    defaults = {
        "title": story.title,
        "section": section,
        "standfirst": story.standfirst,
        # Article.save() sanitises it, as it does an editor's.
        "body": content.html(story.body, path=story.path, urls=urls),
        "status": Article.Status.DRAFT if story.is_draft else Article.Status.PUBLISHED,
        "published_at": None if story.is_draft else _local_datetime(today, story),
        "created_by": created_by,
    }
    if story.image:
        defaults |= {
            "image": lambda: picture(story.slug, palette=story.image),
            "image_alt": f"Abstract picture: pale circles and lines over a {story.image} gradient.",
            "image_caption": story.caption,
            "image_credit": f"Illustration: {settings.SITE_NAME} demo",
        }
    article, created = Article.objects.get_or_create(slug=story.slug, defaults=defaults)
    if created:
        article.authors.set(authors)
        article.tags.set(list(story.tags))
        if article.is_published():
            # Back-issues: subscribers must not be mailed thirty old articles at once.
            article_mark_announced(article=article)
        else:
            publication_schedule(article=article)  # announces the scheduled one when it's due
    return article, created


def _local_datetime(today: date, story: content.Story) -> datetime:
    return timezone.make_aware(datetime.combine(today - timedelta(days=story.days_ago), story.at))
