"""The reader's own pages: signing in by emailed code, and the account page at /account/.

Signing in is django-allauth's flow; these views only put one form in front of it that treats
new and known addresses alike.
"""

import json

from allauth.account.views import RequestLoginCodeView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from comments.selectors import with_page_numbers
from core.ratelimit import client_ip, hit, mailbox
from subscriptions.mail import subscriber_links
from subscriptions.services import TooManySignups, subscriber_signup

from .forms import DeleteAccountForm, ProfileForm
from .services import (
    comment_link,
    comment_state,
    followed_articles,
    profile_of,
    profile_update,
    reader_comments,
    reader_data,
    reader_delete,
    reader_subscriber,
    reader_to_sign_in,
    thread_unfollow,
    verified_emails,
)

reader_login_required = login_required(login_url=reverse_lazy("account_login"))


class SignInView(RequestLoginCodeView):
    """One form for every address: a known one gets a sign-in code, a new one an account
    waiting for the same code. The answer is the same page either way."""

    template_name = "account/request_login_code.html"

    def post(self, request, *args, **kwargs):
        limit, window = settings.READER_SIGNINS_PER_IP
        if not hit("reader-signin-ip", client_ip(request), limit=limit, window=window):
            return self._too_many(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        limit, window = settings.READER_CODES_PER_RECIPIENT
        if not hit("reader-code-to", mailbox(email), limit=limit, window=window):
            return self._too_many(self.request)
        form._user = reader_to_sign_in(email=email, known=form._user)
        response = super().form_valid(form)
        # The session holding the code only lives as long as the code: a reader who never
        # enters it shares the stored pages again soon (a session keeps a browser off them).
        self.request.session.set_expiry(settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT)
        return response

    def _too_many(self, request):
        context = self.get_context_data(form=self.get_form_class()(), too_many=True)
        return render(request, self.template_name, context, status=429)


sign_in = SignInView.as_view()


@require_safe
def to_sign_in(request):
    """Sign-up and password pages: readers have no password, and sign up by signing in."""
    return redirect("account_login")


@reader_login_required
@require_safe
def account(request):
    user = request.user
    profile = profile_of(user)
    return render(
        request, "readers/account.html", _account_context(user, ProfileForm(instance=profile))
    )


def _account_context(user, form) -> dict:
    profile = form.instance
    comments = with_page_numbers(reader_comments(user)).prefetch_related("content_object")
    subscriber = reader_subscriber(user)
    return {
        "profile": profile,
        "profile_form": form,
        "initials": "".join(word[0] for word in profile.display_name.split()[:2]).upper() or "?",
        "comments": [
            {"comment": comment, "state": comment_state(comment), "url": comment_link(comment)}
            for comment in comments
        ],
        "following": followed_articles(user),
        "subscriber": subscriber,
        "subscription_manage_url": subscriber_links(subscriber)["manage_url"] if subscriber else "",
        "emails": verified_emails(user),
        "social_accounts": user.socialaccount_set.all(),
        "is_staff": user.is_staff,
    }


@reader_login_required
@require_POST
def profile(request):
    current = profile_of(request.user)
    form = ProfileForm(request.POST, request.FILES, instance=current)
    if not form.is_valid():
        current.refresh_from_db()
        return render(
            request, "readers/account.html", _account_context(request.user, form), status=400
        )
    profile_update(
        user=request.user,
        display_name=form.cleaned_data["display_name"],
        website=form.cleaned_data["website"],
        photo=request.FILES.get("photo"),
        remove_photo=form.cleaned_data["remove_photo"],
    )
    messages.success(request, "Your details are saved.")
    return redirect(reverse("readers:account"))


@reader_login_required
@require_POST
def unfollow(request, article_id: int):
    thread_unfollow(user=request.user, article_id=article_id)
    messages.success(request, "You will get no more emails about new comments there.")
    return redirect(reverse("readers:account") + "#following")


@reader_login_required
@require_POST
def subscribe(request):
    """Start the sign-up box's double opt-in for the reader's own address."""
    emails = verified_emails(request.user)
    if emails:
        try:
            subscriber_signup(email=emails[0], ip=client_ip(request), source="form")
        except TooManySignups:
            messages.error(request, "Too many sign-ups from your connection lately; try later.")
            return redirect(reverse("readers:account") + "#subscription")
    return redirect("subscriptions:check-email")


@reader_login_required
@require_safe
def data(request):
    """Everything we keep about the reader, as a JSON file."""
    response = HttpResponse(
        json.dumps(reader_data(request.user), indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="{settings.SITE_NAME}-account-{stamp}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@reader_login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request):
    if request.user.is_staff:
        # A staff account holds the newsroom's work; an administrator closes it in admin.
        return render(request, "readers/delete_staff.html", status=403)
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        reader_delete(user=user, keep_comments=form.cleaned_data["comments"] == "keep")
        return redirect("readers:deleted")
    return render(request, "readers/delete.html", {"form": form})


@require_safe
def deleted(request):
    return render(request, "readers/deleted.html")
