"""CSRF protection for the forms on shared pages: the comment form and the sign-up box.

A page stored for every anonymous reader cannot carry one reader's CSRF token, so those forms
are checked differently:
- a request with a session (staff, signed-in readers, whose pages are made for them alone and
  carry a token) gets Django's full CSRF check, as everywhere else;
- a guest's request is refused when the browser says it comes from another site (Sec-Fetch-Site,
  or else Origin): that is the forgery a token prevents. A guest has no session for a forged
  request to act with, and what guests post is rate limited and confirmed by email.
"""

from functools import wraps

from django.conf import settings
from django.urls import get_callable
from django.views.decorators.csrf import csrf_exempt, csrf_protect

SAME_SITE_FETCHES = {"same-origin", "none"}


def has_session(request) -> bool:
    """True for a reader with a session: their pages are their own and carry a CSRF token."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def is_cross_site(request) -> bool:
    """True when the browser reports that another site made this request."""
    origin = request.headers.get("Origin")
    if origin is not None and _is_trusted(origin, request):
        return False
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in SAME_SITE_FETCHES
    # No Origin: not a browser's cross-site form (every current browser sends one on a POST).
    return origin is not None


def _is_trusted(origin: str, request) -> bool:
    return (
        origin == f"{request.scheme}://{request.get_host()}"
        or origin in settings.CSRF_TRUSTED_ORIGINS
    )


def guest_csrf_protect(view):
    """Django's CSRF check for readers with a session; a same-site check for guests."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if has_session(request):
            return protected(request, *args, **kwargs)
        if is_cross_site(request):
            failure = get_callable(settings.CSRF_FAILURE_VIEW)
            return failure(request, reason="A form on another site sent this request.")
        # Checked: a csrf_protect inside (django-contrib-comments' post view) lets it through.
        request.csrf_processing_done = True
        return view(request, *args, **kwargs)

    return wrapper
