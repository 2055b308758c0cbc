import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.tools import tool_missing

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The axe-core impacts a page must not have.
SERIOUS = {"serious", "critical"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(item.fspath).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists() and not os.environ.get("E2E_REQUIRED"):
                item.add_marker(pytest.mark.skip(reason="Debian's chromium is not installed"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, with everything that would try to reach the outside world turned off.
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """The live server serves static files from the finders, which know no hashed names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def live_site(live_server, settings):
    """The live server as the site, so emailed links and redirects lead back to it."""
    from django.contrib.sites.models import Site

    settings.SITE_URL = live_server.url
    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": urlsplit(live_server.url).netloc, "name": settings.SITE_NAME},
    )
    Site.objects.clear_cache()
    yield live_server
    Site.objects.clear_cache()


@pytest.fixture
def run_task_worker():
    """Run the real task worker until the queue is empty (mail goes out through tasks)."""

    def run():
        call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)

    return run


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, to inject into pages; CI (E2E_REQUIRED) fails without it."""
    if not AXE.exists():
        tool_missing(
            "axe-core is not installed: run `npm ci` in the project's root",
            required_by="E2E_REQUIRED",
        )
    return AXE.read_text()
