"""Everything that changes comments: posting, confirming, publishing, muting, moderating.

The emails these lead to are sent by background tasks (comments.notifications).
"""

import hashlib
import logging
from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article
from core.ratelimit import client_ip, hit, mailbox, window_end
from core.text import without_control_characters
from subscriptions.services import TooManySignups, subscriber_signup

from .models import BlockedItem, Comment, CommentReport, PendingComment
from .notifications import approval_notice_queue, confirmation_queue
from .policy import hold_reasons, publishes_unmoderated
from .tasks import notify_followers

logger = logging.getLogger(__name__)


class CommentsClosed(Exception):
    """The article no longer takes comments."""


def comment_data(tmp_comment) -> dict:
    """The fields of a posted (not yet saved) xtd comment, as JSON-safe data."""
    return {
        "content_type_id": tmp_comment.content_type.pk,
        "object_pk": str(tmp_comment.object_pk),
        "site_id": tmp_comment.site_id,
        "user_id": tmp_comment.user.pk if tmp_comment.user else None,
        "user_name": tmp_comment.user_name,
        "user_email": tmp_comment.user_email,
        "user_url": tmp_comment.user_url or "",
        "comment": tmp_comment.comment,
        "submit_date": tmp_comment.submit_date.isoformat(),
        "ip_address": tmp_comment.ip_address,
        "parent_id": tmp_comment.parent_id or 0,
        "followup": bool(tmp_comment.followup),
    }


def comment_submit(*, tmp_comment, request) -> dict:
    """A valid comment: a signed-in reader's is saved, a guest's waits for confirmation.

    With "Notify me of new posts by email" ticked, the address also starts the subscriptions'
    own double opt-in. Returns what the page after posting may tell the poster: their comment
    (signed in), or the article and, if no email could be sent, when sending again may get one.
    """
    data = comment_data(tmp_comment)
    # django-contrib-comments stores REMOTE_ADDR, which behind a proxy is the proxy's: every
    # reader would share one per-IP limit, and blocking "the sender's IP" would block everyone.
    data["ip_address"] = client_ip(request) or None
    # Kept with the comment because a guest's is checked for spam only once confirmed, in a
    # later request; Akismet weighs both.
    data["user_agent"] = request.META.get("HTTP_USER_AGENT", "")
    data["referrer"] = request.META.get("HTTP_REFERER", "")
    user = tmp_comment.user
    if user is not None and user.is_authenticated:
        # Whatever the form says: a signed-in reader comments as themselves (the form's name
        # only for an account that has none yet).
        data["user_name"], data["user_email"] = commenter_identity(
            user, name_if_none=without_control_characters(tmp_comment.user_name or "").strip()
        )
        # A form sent twice (a double click) publishes once; the page after it shows the first.
        comment = _same_comment(data) or comment_create(
            data=data, moderator=publishes_unmoderated(user)
        )
        tmp_comment.xtd_comment = comment
        receipt = {"comment": comment.pk}
    else:
        receipt = {"article": int(data["object_pk"])}
        if refused_until := pending_comment_submit(data=data, ip=data["ip_address"] or ""):
            receipt["refused_until"] = refused_until
    if data["user_email"] and _wants_new_posts(request):
        _subscription_start(email=data["user_email"], ip=client_ip(request))
    return receipt


def commenter_identity(user, *, name_if_none: str = "") -> tuple[str, str]:
    """The name and address a signed-in reader's comments carry: their account's own, and for a
    writer, the name of their author profile, as on their bylines. `name_if_none`: what the
    reader typed, for an account without a name yet (never its username, which may be made
    from the address)."""
    try:
        name = user.author_profile.name
    except ObjectDoesNotExist:
        name = user.get_full_name() or name_if_none or user.get_username()
    return name, user.email


def moderator_reply(*, parent: Comment, user, text: str) -> Comment:
    """A moderator's answer from admin, published at once under their name.

    A held comment is approved first: a public reply must not hang under a hidden one. Past the
    deepest level, the reply joins the parent's own conversation, as on the site.
    """
    if not parent.is_public or parent.is_spam:
        comments_approve(comments=[parent])
    if not parent.allow_thread():
        parent = Comment.objects.get(pk=parent.parent_id)
    name, email = commenter_identity(user)
    data = {
        "content_type_id": parent.content_type_id,
        "object_pk": parent.object_pk,
        "site_id": parent.site_id,
        "user_id": user.pk,
        "user_name": name,
        "user_email": email,
        "user_url": "",
        "comment": text,
        "submit_date": timezone.now().isoformat(),
        "ip_address": None,
        "parent_id": parent.pk,
        "followup": False,
    }
    return comment_create(data=data, moderator=True)


def _wants_new_posts(request) -> bool:
    # xtd hands us a model built from the form, not the form: the tick is in the posted data.
    return forms.BooleanField(required=False).clean(request.POST.get("subscribe"))


def _subscription_start(*, email: str, ip: str) -> None:
    try:
        subscriber_signup(email=email, ip=ip, source="comment")
    except TooManySignups:
        # The comment itself is fine; only the sign-up waits for another time.
        logger.info("Subscription from a comment not started: too many sign-ups from its IP")


def comment_create(*, data: dict, moderator: bool = False) -> Comment:
    """Save a comment, held for a moderator if the policy says so; followers hear of it."""
    article = _commentable_article(data)
    reasons = hold_reasons(
        text=data["comment"],
        email=data["user_email"],
        url=data["user_url"],
        ip=data["ip_address"] or "",
        moderator=moderator,
        name=data["user_name"],
        # Comments pending before these were kept have neither.
        user_agent=data.get("user_agent", ""),
        referrer=data.get("referrer", ""),
        permalink=settings.SITE_URL + article.get_absolute_url(),
    )
    comment = Comment(
        content_type_id=data["content_type_id"],
        object_pk=data["object_pk"],
        site_id=data["site_id"],
        user_id=data["user_id"],
        user_name=data["user_name"],
        user_email=data["user_email"],
        user_url=data["user_url"],
        comment=data["comment"],
        submit_date=parse_datetime(data["submit_date"]),
        ip_address=data["ip_address"],
        parent_id=data["parent_id"],
        followup=data["followup"],
        is_public=not reasons,
        held_reasons=reasons,
    )
    comment.content_object = article
    comment.save()
    if comment.is_public:
        comment_published(comment=comment)
    return comment


def _commentable_article(data: dict) -> Article:
    if data["content_type_id"] != ContentType.objects.get_for_model(Article).pk:
        raise CommentsClosed
    article = Article.objects.published().filter(pk=data["object_pk"]).first()
    if article is None or not article.comments_open:
        raise CommentsClosed
    return article


def pending_comment_submit(*, data: dict, ip: str) -> datetime | None:
    """Keep a guest's comment and email them the link that publishes it.

    None when the email is on its way. Otherwise the limits allow no email now, nothing is
    kept, and this is when sending the comment again may get one.
    """
    refused_until = confirmation_refused_until(email=data["user_email"], ip=ip)
    if refused_until is not None:
        logger.info("Comment from %s not kept: confirmation emails rate limited", ip)
        return refused_until
    pending = PendingComment.objects.create(data=data, email=data["user_email"])
    confirmation_queue(pending=pending)
    return None


def confirmation_refused_until(*, email: str, ip: str) -> datetime | None:
    """None if a confirmation may go to `email` for a comment from `ip`, else until when not.

    Counted per sending IP, per recipient from that IP, then per recipient from anywhere: a
    stranger typing someone's address uses up their own allowance first, and what their
    refused requests would have counted is not taken from the owner's.
    """
    recipient = mailbox(email)
    limits = [
        ("comment-confirm-ip", ip, settings.COMMENTS_CONFIRMATIONS_PER_IP),
        (
            "comment-confirm-to-from",
            f"{recipient} {ip}",
            settings.COMMENTS_CONFIRMATIONS_PER_RECIPIENT_FROM_ONE_IP,
        ),
        ("comment-confirm-to", recipient, settings.COMMENTS_CONFIRMATIONS_PER_RECIPIENT),
    ]
    for scope, key, (limit, window) in limits:
        if not hit(scope, key, limit=limit, window=window):
            return window_end(window)
    return None


def comment_confirm(*, pending_id: int) -> tuple[Comment, bool]:
    """Publish (or hold) a guest's comment from its confirmation link; True if new this time."""
    with transaction.atomic():
        pending = PendingComment.objects.select_for_update().get(pk=pending_id)
        if pending.comment_id is not None:
            return pending.comment, False
        # A form sent twice (a double click) leaves two links; the second publishes nothing new.
        # (Its pending row stays unlinked: each comment belongs to one confirmation.)
        if (same := _same_comment(pending.data)) is not None:
            return same, False
        comment = comment_create(data=pending.data)
        pending.comment = comment
        pending.save(update_fields=["comment"])
    return comment, True


def _same_comment(data: dict) -> Comment | None:
    return Comment.objects.filter(
        content_type_id=data["content_type_id"],
        object_pk=data["object_pk"],
        user_email__iexact=data["user_email"],
        comment=data["comment"],
    ).first()


def article_discussion_delete(*, article_id: int) -> None:
    """Delete a deleted article's comments (their reports with them) and the comments still
    waiting for their confirmation: nothing is left for moderators without its article, and no
    emailed link publishes onto nothing."""
    article_type = ContentType.objects.get_for_model(Article)
    Comment.objects.filter(content_type=article_type, object_pk=str(article_id)).delete()
    PendingComment.objects.filter(comment=None, data__object_pk=str(article_id)).delete()


def comment_published(*, comment: Comment) -> None:
    """A comment became public: tell followers and authors, once, in the background."""
    transaction.on_commit(lambda: notify_followers.enqueue(comment_id=comment.pk))


def comments_approve(*, comments) -> int:
    """Publish held comments and settle readers' reports on them; returns how many it published.

    Each newly public comment notifies exactly as if it had been public at once, and its author
    hears that it was approved.
    """
    comments = list(comments)
    approved = 0
    for comment in comments:
        if comment.is_public and not comment.is_spam:
            continue
        was_held = not comment.is_spam
        comment.is_public = True
        comment.is_spam = False
        comment.save(update_fields=["is_public", "is_spam"])
        comment_published(comment=comment)
        if was_held and not comment.is_removed:
            # Only a comment that waited: one taken back from spam was never "held" to them.
            approval_notice_queue(comment=comment)
        approved += 1
    # A moderator who approves a reported comment has judged the reports.
    CommentReport.objects.filter(comment__in=[c.pk for c in comments]).update(resolved=True)
    return approved


def comments_mark_spam(*, comments, block_sender: bool = False) -> int:
    """Hide comments as spam; optionally send their authors' future comments to moderation."""
    count = 0
    for comment in comments:
        comment.is_public = False
        comment.is_spam = True
        comment.save(update_fields=["is_public", "is_spam"])
        if block_sender:
            BlockedItem.objects.get_or_create(
                kind=BlockedItem.Kind.EMAIL,
                value=comment.user_email.strip().lower(),
                defaults={"note": f"Marked as spam (comment {comment.pk})"},
            )
            if comment.ip_address:
                BlockedItem.objects.get_or_create(
                    kind=BlockedItem.Kind.IP,
                    value=comment.ip_address,
                    defaults={"note": f"Marked as spam (comment {comment.pk})"},
                )
        count += 1
    CommentReport.objects.filter(comment__in=[c.pk for c in comments]).update(resolved=True)
    return count


def thread_mute(*, email: str, article_id: int) -> int:
    """Stop follow-up emails for this address on this article."""
    return Comment.objects.filter(
        content_type=ContentType.objects.get_for_model(Article),
        object_pk=str(article_id),
        user_email__iexact=email,
        followup=True,
    ).update(followup=False)


def comment_report(*, comment: Comment, reporter: str, reason: str, user=None) -> bool:
    """Record a reader's report; one per reader per comment. True if it is new."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{reporter}".encode()).hexdigest()
    _, created = CommentReport.objects.get_or_create(
        comment=comment,
        reporter_hash=digest,
        defaults={"reason": reason[:300], "user": user if user and user.is_authenticated else None},
    )
    return created
