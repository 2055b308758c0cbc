"""The admin site: Django's, with a second factor for staff when settings.ADMIN_TWO_FACTOR is on,
and a sign-out that leaves nothing of the editor's unsaved work in the browser.

The setting is read on each request, not when URLs load, so turning it on needs no other change.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import BACKEND_SESSION_KEY
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class AdminSite(OTPAdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)

    @property
    def login_form(self):
        return OTPAdminAuthenticationForm if settings.ADMIN_TWO_FACTOR else AdminAuthenticationForm

    @property
    def login_template(self):
        return OTPAdminSite.login_template if settings.ADMIN_TWO_FACTOR else None

    def has_permission(self, request):
        """Staff signed in through admin's own login, and with two factors on, only once a
        one-time code verified them.

        A session opened by a reader's sign-in (an emailed code, a social account) is not
        enough, even for a staff member's account: admin's login has the lockout and the
        second factor; the reader's has neither.
        """
        if request.session.get(BACKEND_SESSION_KEY) == settings.READER_AUTHENTICATION_BACKEND:
            return False
        if settings.ADMIN_TWO_FACTOR:
            return super().has_permission(request)
        return admin.AdminSite.has_permission(self, request)

    def logout(self, request, extra_context=None):
        # Autosaved drafts (static/js/admin-autosave.js) live in the browser's storage: on a
        # shared computer, the next person would be offered a colleague's unpublished text.
        response = super().logout(request, extra_context)
        response["Clear-Site-Data"] = '"storage"'
        return response
