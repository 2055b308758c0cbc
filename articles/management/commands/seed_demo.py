"""`manage.py seed_demo`: fill a development site with demo content and staff accounts.

Safe to run again: it only adds what is missing, and never changes an existing account's password
or roles. See `articles.demo` for the content itself.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from articles.demo import DEFAULT_PASSWORD, demo_content_load


class Command(BaseCommand):
    help = (
        "Load demo authors, sections, articles, pages and staff accounts, skipping existing ones."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="Password for the demo editor and author accounts it creates "
            "(default: %(default)s); existing accounts keep theirs.",
        )

    def handle(self, *args, password, **options):
        # The all-powerful demo login only where nobody else can reach it.
        summary = demo_content_load(password=password, admin=settings.DEBUG)
        admin_url = f"{settings.SITE_URL}{reverse('admin:index')}"
        accounts = "\n".join(
            f"  {role}: username {username!r}, "
            + (
                "an existing account: its password and roles are left unchanged"
                if username in summary.existing_accounts
                else f"password {password!r}"
            )
            for role, username in (
                ("everything (superuser, development only)", summary.admin_username),
                ("editor", summary.editor_username),
                ("author", summary.author_username),
            )
            if username
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content: {summary.published} published, {summary.scheduled} scheduled and "
                f"{summary.drafts} draft articles; {summary.sections} sections, "
                f"{summary.authors} authors, {summary.pages} pages "
                f"({summary.created} rows created by this run).\n"
                f"Log in at {admin_url}\n{accounts}"
            )
        )
