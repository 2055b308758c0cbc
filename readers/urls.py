"""/account/: the reader's own page, and django-allauth's sign-in flow with ours in front.

Not namespaced as a whole: allauth's code and templates reverse its own names (account_login…).
"""

from django.urls import include, path
from django.views.generic import RedirectView

from . import views

reader_patterns = [
    path("", views.account, name="account"),
    path("profile/", views.profile, name="profile"),
    path("following/<id:article_id>/unfollow/", views.unfollow, name="unfollow"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("data/", views.data, name="data"),
    path("delete/", views.delete, name="delete"),
    path("deleted/", views.deleted, name="deleted"),
]

urlpatterns = [
    path("", include((reader_patterns, "readers"))),
    # Ahead of allauth's own views at these addresses.
    path("login/", views.sign_in, name="account_login"),
    # One address for the one form: allauth sends readers back here after a spent code.
    path(
        "login/code/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="account_request_login_code",
    ),
    path("signup/", views.to_sign_in, name="account_signup"),
    path("password/<path:rest>", views.to_sign_in),
    path("email/", views.to_sign_in, name="account_email"),
    path("", include("allauth.urls")),
]
