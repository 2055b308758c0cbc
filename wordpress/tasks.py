from django_tasks import task

from .background import import_run_execute


@task()
def import_wordpress_upload(*, run_id: int) -> None:
    """Import an export uploaded in admin (see wordpress.background)."""
    import_run_execute(run_id=run_id)
