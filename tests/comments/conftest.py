import pytest
from django.core.management import call_command

from comments.forms import CommentForm
from tests.factories import ArticleFactory


@pytest.fixture
def article(db):
    return ArticleFactory(title="Talks resume", slug="talks-resume")


@pytest.fixture
def post_data():
    """Valid comment-form data for an article, as the page's form would send it."""

    def make(article, **fields):
        data = CommentForm(article).generate_security_data()
        data.update(
            name="Rana Haddad",
            email="rana@example.org",
            url="",
            comment="A thoughtful point about the talks.",
            reply_to="0",
            honeypot="",
            next="/comments/sent/",
        )
        data.update({key: str(value) for key, value in fields.items()})
        return data

    return make


@pytest.fixture
def run_tasks(transactional_db, django_capture_on_commit_callbacks):
    """Run what a request queued for after its commit, then the task worker until it is idle.

    The worker drops connections that are inside a transaction, as a test's would be, so tests
    using it run on committed data (transactional_db).
    """

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        return result

    return run
