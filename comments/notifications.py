"""The emails comments lead to: a guest's confirmation link, and new comments to followers and
authors. They are queued in the transaction that causes them and sent by the workers, retried
until the mail server takes them, once each (core.outbox)."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from core.mail import email_render
from core.outbox import email_queue

from .models import Comment, PendingComment
from .selectors import comment_followers, comment_notified_authors
from .tokens import CONFIRM_SALT, MUTE_SALT, make_token


def confirmation_queue(*, pending: PendingComment) -> None:
    """Email the confirmation link; the email repeats nothing the commenter wrote."""
    article = Article.objects.filter(pk=pending.data["object_pk"]).first()
    context = {
        "article": article,
        "confirm_url": settings.SITE_URL
        + reverse("comments-xtd-confirm", args=[make_token(pending.pk, salt=CONFIRM_SALT)]),
        "valid_days": settings.COMMENTS_TOKEN_MAX_AGE // 86400,
    }
    email_queue(
        email_render("emails/comments/confirm", context),
        to=pending.email,
        kind="comment-confirm",
        key=f"comment-confirm:{pending.pk}",
    )


def followers_notify(*, comment_id: int) -> int:
    """Email each follower of the thread's article, and opted-in authors; returns emails queued."""
    with transaction.atomic():
        claimed = Comment.objects.filter(
            pk=comment_id, is_public=True, is_removed=False, notified_at__isnull=True
        ).update(notified_at=timezone.now())
        if not claimed:
            return 0
        comment = Comment.objects.select_related("content_type").get(pk=comment_id)
        article = comment.content_object
        queued = 0
        for email, name in comment_followers(comment):
            _followup_queue(comment, article, email=email, name=name)
            queued += 1
        for email, name in comment_notified_authors(comment):
            context = {"comment": comment, "article": article, "name": name}
            email_queue(
                email_render("emails/comments/author_notice", context),
                to=email,
                kind="comment-author-notice",
                key=f"comment-author-notice:{comment.pk}:{email.lower()}",
            )
            queued += 1
    return queued


def _followup_queue(comment: Comment, article: Article, *, email: str, name: str) -> None:
    token = mute_token(email, article)
    context = {
        "comment": comment,
        "article": article,
        "name": name,
        "mute_url": settings.SITE_URL + reverse("comments-xtd-mute", args=[token]),
    }
    # Mail clients offer "unsubscribe" for this thread, in one click (RFC 8058).
    one_click = settings.SITE_URL + reverse("comments-mute-one-click", args=[token])
    email_queue(
        email_render("emails/comments/followup", context),
        to=email,
        kind="comment-followup",
        headers={
            "List-Unsubscribe": f"<{one_click}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        key=f"comment-followup:{comment.pk}:{email.lower()}",
    )


def approval_notice_queue(*, comment: Comment) -> None:
    """Tell a commenter, once, that a moderator published their held comment."""
    if not comment.user_email:
        return
    context = {"comment": comment, "article": comment.content_object}
    email_queue(
        email_render("emails/comments/approved", context),
        to=comment.user_email,
        kind="comment-approved",
        key=f"comment-approved:{comment.pk}",
    )


def mute_token(email: str, article: Article) -> str:
    return make_token({"email": email.lower(), "article": article.pk}, salt=MUTE_SALT)
