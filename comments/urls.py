"""Comment URLs. Only the views we use are exposed: none of xtd's that act on a GET, and not its
REST API, which would bypass our rate limits. The names are the libraries' own, without a
namespace, because their code and templates reverse them."""

from django.urls import path

from . import feeds, views

urlpatterns = [
    path("post/", views.post_comment, name="comments-post-comment"),
    path("posted/", views.sent, name="comments-comment-done"),
    path("sent/", views.sent, name="comments-xtd-sent"),
    path("confirm/<str:token>/", views.confirm, name="comments-xtd-confirm"),
    path("mute/<str:token>/", views.mute, name="comments-xtd-mute"),
    path("mute/<str:token>/one-click/", views.mute_one_click, name="comments-mute-one-click"),
    path("reply/<id:cid>/", views.reply, name="comments-xtd-reply"),
    path("report/<id:comment_id>/", views.report, name="comments-report"),
    path("feed/", feeds.LatestCommentsFeed(), name="comments-feed"),
]
