import pytest
from django.core.management import call_command

from tests.mailserver import Inbox, smtp_server


@pytest.fixture(scope="session", autouse=True)
def _collected_static(tmp_path_factory):
    """Pages render with the production static storage, whose manifest collectstatic writes."""
    from django.conf import settings

    settings.STATIC_ROOT = tmp_path_factory.mktemp("static")
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and cached fragments must not leak from one test to the next."""
    from django.core.cache import cache

    from core import pagecache, ratelimit

    cache.clear()
    pagecache.forget_process_memory()
    ratelimit.forget_local_counts()
    yield
    cache.clear()
    pagecache.forget_process_memory()
    ratelimit.forget_local_counts()


@pytest.fixture
def run_tasks(transactional_db, django_capture_on_commit_callbacks):
    """Run what a request queued for after its commit, then the task worker until it is idle.

    The worker drops connections that are inside a transaction, as a test's would be, so tests
    using it run on committed data (transactional_db).
    """

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)
        return result

    return run


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server on loopback that Django's SMTP backend delivers to."""
    with smtp_server(Inbox()) as inbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", inbox.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield inbox


@pytest.fixture
def worker_database():
    """A database that a worker process can share with the test: PostgreSQL, not SQLite.

    SQLite's test database lives in this process's memory; CI runs everything on PostgreSQL.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process must see the test database")
