"""Admin → WordPress imports: a superuser uploads an export and a worker imports it."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import Article, Page
from tests.factories import UserFactory
from tests.wordpress.exports import SITE
from wordpress.models import ImportChunk, ImportRun

ADD = "/admin/wordpress/importrun/add/"


def upload(client, content: bytes, **data):
    export = SimpleUploadedFile("ledger.xml", content, content_type="text/xml")
    return client.post(ADD, {"export": export, **data})


@pytest.mark.django_db(transaction=True)
def test_a_superusers_upload_is_imported_by_a_worker_with_progress_and_summary(
    client, run_tasks, monkeypatch
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    monkeypatch.setattr("wordpress.uploads.CHUNK_BYTES", 4096)  # several chunks

    response = run_tasks(lambda: upload(client, SITE.read_bytes()))

    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.DONE
    assert run.progress == "13 of 13 items"
    assert "posts: 7 new, 0 already imported" in run.summary
    assert Article.objects.count() == 7 and Page.objects.count() == 1
    # The export, with readers' addresses in it, is not kept once imported.
    assert not ImportChunk.objects.exists()
    page = client.get(f"/admin/wordpress/importrun/{run.pk}/change/").content.decode()
    assert "posts: 7 new, 0 already imported" in page
    assert "13 of 13 items" in page
    assert 'http-equiv="refresh"' not in page


@pytest.mark.django_db(transaction=True)
def test_a_malformed_upload_stops_with_its_line_and_imports_nothing(client, run_tasks):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    broken = SITE.read_bytes().replace(b"</wp:post_id>", b"</wp:post_idd>", 3)

    run_tasks(lambda: upload(client, broken))

    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED
    assert run.error.startswith("line ")
    assert "Nothing was imported" in run.error
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_queued_import_page_reloads_itself_to_show_progress(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    upload(client, SITE.read_bytes(), dry_run="on")
    run = ImportRun.objects.get()

    page = client.get(f"/admin/wordpress/importrun/{run.pk}/change/").content.decode()

    assert run.state == ImportRun.State.QUEUED and run.dry_run
    assert '<meta http-equiv="refresh" content="5">' in page


@pytest.mark.django_db
def test_staff_who_are_not_superusers_cannot_import(client):
    editor = UserFactory(is_staff=True)
    # Even given every permission on imports.
    editor.user_permissions.add(*Permission.objects.filter(codename__endswith="importrun"))
    client.force_login(editor)

    assert client.get(ADD).status_code == 403
    assert upload(client, SITE.read_bytes()).status_code == 403
    assert not ImportRun.objects.exists()
