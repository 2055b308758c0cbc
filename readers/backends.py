"""The authentication backend readers' sessions are recorded under."""

from django.contrib.auth.backends import ModelBackend


class ReaderBackend(ModelBackend):
    """Loads the user of a reader's session; accepts no password.

    django-allauth logs readers in itself (after an emailed code or a provider's answer) and
    records this backend in the session: the admin site refuses sessions opened this way
    (core.admin_site), so a staff member's emailed code never opens admin.
    """

    def authenticate(self, request, **credentials):
        return None
