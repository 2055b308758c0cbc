"""The emails comments lead to: a guest's confirmation link, and new comments to followers and
authors. Each runs in a background task (comments.tasks)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from core.mail import email_message, email_render

from .models import Comment, PendingComment
from .selectors import comment_followers, comment_notified_authors
from .tokens import CONFIRM_SALT, MUTE_SALT, make_token


def confirmation_send(*, pending_id: int) -> None:
    """Email the confirmation link; the email repeats nothing the commenter wrote."""
    pending = PendingComment.objects.filter(pk=pending_id, comment__isnull=True).first()
    if pending is None:
        return
    article = Article.objects.filter(pk=pending.data["object_pk"]).first()
    context = {
        "article": article,
        "confirm_url": settings.SITE_URL
        + reverse("comments-xtd-confirm", args=[make_token(pending.pk, salt=CONFIRM_SALT)]),
        "valid_days": settings.COMMENTS_TOKEN_MAX_AGE // 86400,
    }
    _send("emails/comments/confirm", context, to=pending.email)


def followers_notify(*, comment_id: int) -> int:
    """Email each follower of the thread's article, and opted-in authors; returns emails sent."""
    with transaction.atomic():
        claimed = Comment.objects.filter(
            pk=comment_id, is_public=True, is_removed=False, notified_at__isnull=True
        ).update(notified_at=timezone.now())
        if not claimed:
            return 0
        comment = Comment.objects.select_related("content_type").get(pk=comment_id)
        article = comment.content_object
        messages = [
            _message(
                "emails/comments/followup",
                {
                    "comment": comment,
                    "article": article,
                    "name": name,
                    "mute_url": settings.SITE_URL
                    + reverse("comments-xtd-mute", args=[mute_token(email, article)]),
                },
                to=email,
            )
            for email, name in comment_followers(comment)
        ]
        messages += [
            _message(
                "emails/comments/author_notice",
                {"comment": comment, "article": article, "name": name},
                to=email,
            )
            for email, name in comment_notified_authors(comment)
        ]
        # Sent inside the transaction: if the mail server fails, the claim is undone and the
        # task can run again.
        with get_connection() as connection:
            return connection.send_messages(messages) or 0


def mute_token(email: str, article: Article) -> str:
    return make_token({"email": email.lower(), "article": article.pk}, salt=MUTE_SALT)


def _message(template: str, context: dict, *, to: str) -> EmailMultiAlternatives:
    return email_message(email_render(template, context), to=to)


def _send(template: str, context: dict, *, to: str) -> None:
    _message(template, context, to=to).send()
