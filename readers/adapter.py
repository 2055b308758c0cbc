"""django-allauth fitted to ewview: readers' sessions, names, and mail through our queue."""

import secrets

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.urls import reverse

from core.mail import RenderedEmail, email_render
from core.outbox import email_queue

# allauth's emails, drawn by our own templates (emails/readers/): the code is the whole message.
# A new address's code and a known one's are the same email, so that it never tells which it is.
EMAILS = {
    "account/email/login_code": "login_code",
    "account/email/email_confirmation_signup": "login_code",
    "account/email/email_confirmation": "login_code",
    "account/email/unknown_account": "unknown_account",
    "account/email/account_already_exists": "account_exists",
}


class ReaderAccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Queue the email through the mail queue (core.outbox): sent by the workers, retried
        while the mail server is down, never lost with the request."""
        name = EMAILS.get(template_prefix)
        if name is None:
            # Nothing we use sends others (no passwords, no email management); if allauth
            # ever does, its own message goes out through the same queue.
            return self._queue_allauth_mail(template_prefix, email, context)
        context = {key: value for key, value in context.items() if key != "request"}
        rendered = email_render(
            f"emails/readers/{name}",
            {**context, "email": email, "minutes": settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60},
        )
        email_queue(rendered, to=email, kind=f"reader-{name.replace('_', '-')}")

    def _queue_allauth_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        html = next((body for body, kind in getattr(message, "alternatives", [])), "")
        email_queue(
            RenderedEmail(subject=message.subject, text=message.body, html=html),
            to=email,
            kind="reader-" + template_prefix.rsplit("/", 1)[-1].replace("_", "-")[:30],
        )

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        """Only warnings and errors: the pages say the rest themselves, and a message waiting
        in its cookie keeps a signed-out reader off the shared pages until a page shows it."""
        if level >= messages.WARNING:
            super().add_message(request, level, message_template, *args, **kwargs)

    def login(self, request, user) -> None:
        # Always this backend, whichever allauth would pick: admin refuses its sessions.
        user.backend = settings.READER_AUTHENTICATION_BACKEND
        super().login(request, user)
        # Signed in, the session lasts as long as any (SESSION_COOKIE_AGE), not as the code did.
        request.session.set_expiry(None)

    def populate_username(self, request, user) -> None:
        """A username nobody sees and nothing is drawn from: allauth would make it of the
        address's local part, and a comment falls back to it when no name is chosen."""
        if not user.username:
            user.username = f"reader-{secrets.token_hex(6)}"

    def get_login_redirect_url(self, request) -> str:
        if not request.user.get_full_name():
            return reverse("readers:account") + "#profile"
        return super().get_login_redirect_url(request)


class ReaderSocialAccountAdapter(DefaultSocialAccountAdapter):
    def generate_state_param(self, state: dict) -> str:
        # Called as a reader leaves for the provider, whose answer is kept in the session: a
        # reader who never comes back holds that session only briefly (a session keeps a browser
        # off the shared pages). Signing in restores the usual length (login above).
        request = context.request
        if request is not None and not request.user.is_authenticated:
            request.session.set_expiry(settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT)
        return super().generate_state_param(state)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # The provider's name is a start; the reader can change it on their page.
        name = " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        user.first_name, user.last_name = (name or data.get("name") or "")[:150], ""
        return user
