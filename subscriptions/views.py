"""Subscriber flows. Links from emails open a page with one button and only the POST acts,
because mail security scanners open every link in a message."""

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from core.csrf import guest_csrf_protect
from core.ratelimit import client_ip
from core.tokens import signed_link

from .forms import PreferencesForm, SignupForm
from .mail import subscriber_links
from .models import Subscriber
from .services import (
    TooManySignups,
    subscriber_confirm,
    subscriber_signup,
    subscriber_unsubscribe,
    subscriber_update_preferences,
)
from .tokens import CONFIRM, MANAGE, UNSUBSCRIBE, subscriber_from_token

State = Subscriber.State


def _subscriber_from_link(purpose: str):
    """Give the view the subscriber a signed link names, or answer 410 (expired) / 400."""
    return signed_link(
        partial(subscriber_from_token, purpose=purpose),
        expired=_link_expired,
        invalid=_link_invalid,
    )


def _link_invalid(request):
    return render(request, "subscriptions/link_invalid.html", status=400)


def _link_expired(request):
    return render(request, "subscriptions/link_expired.html", {"form": SignupForm()}, status=410)


# The sign-up box is on pages shared by every guest, which carry no CSRF token (see core.csrf).
@guest_csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    if request.method != "POST":
        return render(request, "subscriptions/signup.html", {"form": SignupForm()})
    form = SignupForm(request.POST)
    if not form.is_valid():
        return render(request, "subscriptions/signup.html", {"form": form})
    try:
        subscriber_signup(email=form.cleaned_data["email"], ip=client_ip(request))
    except TooManySignups:
        return render(
            request, "subscriptions/signup.html", {"form": form, "limited": True}, status=429
        )
    # Whatever the address's state, the same page: nobody learns who is subscribed.
    return redirect("subscriptions:check-email")


@require_safe
def check_email(request):
    return render(request, "subscriptions/check_email.html")


@require_http_methods(["GET", "HEAD", "POST"])
@_subscriber_from_link(CONFIRM)
def confirm(request, subscriber):
    if subscriber.state in (State.UNSUBSCRIBED, State.BOUNCING):
        # Left after this link was mailed: joining again needs a fresh confirmation.
        return _link_expired(request)
    if subscriber.state == State.ACTIVE:
        return render(request, "subscriptions/already_confirmed.html", subscriber_links(subscriber))
    if request.method != "POST":
        return render(request, "subscriptions/confirm.html", {"subscriber": subscriber})
    subscriber_confirm(subscriber=subscriber)
    return render(request, "subscriptions/confirmed.html", subscriber_links(subscriber))


@require_http_methods(["GET", "HEAD", "POST"])
@_subscriber_from_link(MANAGE)
def manage(request, subscriber):
    if subscriber.state == State.UNSUBSCRIBED:
        return render(request, "subscriptions/unsubscribed.html", {"subscriber": subscriber})
    if request.method == "POST" and "unsubscribe" in request.POST:
        subscriber_unsubscribe(subscriber=subscriber)
        return render(request, "subscriptions/unsubscribed.html", {"subscriber": subscriber})
    if request.method != "POST":
        form = PreferencesForm.for_subscriber(subscriber)
    else:
        form = PreferencesForm(request.POST)
        if form.is_valid():
            subscriber_update_preferences(subscriber=subscriber, **form.preferences())
            messages.success(request, "Your choices are saved.")
            return redirect(request.path)
    context = {
        "subscriber": subscriber,
        "form": form,
        "bouncing": subscriber.state == State.BOUNCING,
    }
    return render(request, "subscriptions/manage.html", context)


# Exempt from CSRF on purpose: RFC 8058 one-click unsubscribe has the mail client POST
# "List-Unsubscribe=One-Click" to this URL with no cookie and no token. The signed link is the
# only credential, and all it can do is stop mail to its own subscriber.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@_subscriber_from_link(UNSUBSCRIBE)
def unsubscribe(request, subscriber):
    if subscriber.state == State.UNSUBSCRIBED:
        return render(request, "subscriptions/unsubscribed.html", {"subscriber": subscriber})
    if request.method != "POST":
        return render(request, "subscriptions/unsubscribe.html", {"subscriber": subscriber})
    subscriber_unsubscribe(subscriber=subscriber)
    return render(request, "subscriptions/unsubscribed.html", {"subscriber": subscriber})
