"""An imported copy of the hand-written test site (fixtures/site.xml) and its uploads."""

from io import StringIO

import pytest
from django.core.management import call_command
from PIL import Image

from tests.wordpress.exports import SITE


@pytest.fixture
def media_dir(tmp_path):
    """A copy of the old site's wp-content/uploads with the one image the posts use that exists."""
    uploads = tmp_path / "uploads"
    (uploads / "2019" / "03").mkdir(parents=True)
    Image.new("RGB", (1200, 800), "teal").save(uploads / "2019" / "03" / "pier.jpg")
    return uploads


def run_import(path=SITE, *args) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def imported(media_dir):
    return run_import(SITE, "--media-dir", str(media_dir))
