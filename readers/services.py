"""What a reader does with their account: sign up, name themselves, follow, leave.

Their comments and subscription belong to other apps; the reader reaches them by the addresses
they proved (an emailed code, or a provider that verified it), never by what a form claims.
"""

import logging
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from articles.cache import article_pages_changed
from articles.models import Article
from comments.models import Comment, PendingComment
from comments.services import thread_mute
from core.models import OutgoingEmail
from subscriptions.models import Subscriber
from subscriptions.services import subscriber_erase

from .models import ReaderProfile

logger = logging.getLogger(__name__)

User = get_user_model()

# What comments kept after their author left are signed with.
FORMER_READER = "a former reader"


def reader_create(*, email: str):
    """A new account for `email`, signed in by nobody until a code sent there is entered.

    None when the address already belongs to someone (even an inactive account): the caller
    then sends what allauth sends for an address without an account, and creates nothing.
    """
    email = email.strip()
    taken = User.objects.filter(email__iexact=email).exists() or (
        EmailAddress.objects.filter(email__iexact=email).exists()
    )
    if taken:
        return None
    # Each new one clears those left before it, so they never pile up without a cron job.
    unconfirmed_readers_purge(older_than=timedelta(days=settings.READER_UNCONFIRMED_DAYS))
    with transaction.atomic():
        user = User(username=f"reader-{secrets.token_hex(6)}", email=email)
        user.set_unusable_password()
        user.save()
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        ReaderProfile.objects.create(user=user)
    return user


def reader_to_sign_in(*, email: str, known):
    """The account a sign-in code for `email` opens: `known` (allauth found it), or a new one."""
    if known is None:
        return reader_create(email=email)
    reader_address_ensure(user=known, email=email)
    return known


def unconfirmed_readers(*, older_than: timedelta):
    """Accounts the sign-in form made for an address whose code was never entered."""
    proven = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return User.objects.filter(
        last_login__isnull=True,
        is_staff=False,
        date_joined__lt=timezone.now() - older_than,
    ).exclude(Exists(proven))


def unconfirmed_readers_purge(*, older_than: timedelta, dry_run: bool = False) -> int:
    """Delete accounts never signed in to, after `older_than`: anyone may type an address into
    the sign-in form, and nothing of its owner's should stay on that account. Returns how many."""
    stale = unconfirmed_readers(older_than=older_than)
    count = stale.count()
    if not dry_run and count:
        stale.delete()
        logger.info("%s reader accounts never signed in to were deleted", count)
    return count


def reader_address_ensure(*, user, email: str) -> None:
    """Record `email` as the user's (unproven) address if allauth does not know it yet: an
    account made before reader sign-in (staff, say) has none, and the code proves it only
    when it is recorded."""
    if not EmailAddress.objects.filter(user=user, email__iexact=email).exists():
        primary = not EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(user=user, email=email, primary=primary, verified=False)


def verified_emails(user) -> list[str]:
    """The addresses `user` has proven are theirs."""
    return list(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )


def profile_of(user) -> ReaderProfile:
    profile, _ = ReaderProfile.objects.get_or_create(
        user=user, defaults={"display_name": user.get_full_name()}
    )
    return profile


def profile_update(
    *,
    user,
    display_name: str,
    website: str,
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
) -> ReaderProfile:
    """Save what the reader shows; their comments show the new name and website at once."""
    profile = profile_of(user)
    profile.display_name, profile.website = display_name, website
    if (remove_photo or photo is not None) and profile.photo:
        profile.photo_delete()
    if photo is not None:
        profile.photo = photo
    with transaction.atomic():
        profile.save()
        # Comments name their author from the user (comments.services.commenter_identity).
        user.first_name, user.last_name = display_name[:150], ""
        user.save(update_fields=["first_name", "last_name"])
        comments = Comment.objects.filter(user=user)
        article_ids = set(comments.values_list("object_pk", flat=True))
        comments.update(user_name=display_name, user_url=website)
    # A bulk update sends no signal: the pages showing these comments are outdated here.
    if article_ids:
        article_pages_changed(article_ids=article_ids)
    return profile


def reader_comments(user):
    """Every comment the reader wrote: signed in, or as a guest from an address they proved."""
    emails = verified_emails(user)
    by_email = Q()
    for email in emails:
        by_email |= Q(user_email__iexact=email)
    mine = Q(user=user) | by_email if emails else Q(user=user)
    return Comment.objects.filter(mine).order_by("-submit_date")


def followed_articles(user) -> list[Article]:
    """Articles whose new comments are emailed to the reader (xtd's follow-ups)."""
    ids = (
        reader_comments(user)
        .filter(
            followup=True,
            is_public=True,
            is_removed=False,
            content_type=ContentType.objects.get_for_model(Article),
        )
        .values_list("object_pk", flat=True)
    )
    return list(Article.objects.published().filter(pk__in=[int(pk) for pk in set(ids)]))


def thread_unfollow(*, user, article_id: int) -> None:
    """No more emails about new comments on the article, for every address of the reader."""
    for email in verified_emails(user):
        thread_mute(email=email, article_id=article_id)
    Comment.objects.filter(user=user, object_pk=str(article_id), followup=True).update(
        followup=False
    )


def reader_subscriber(user) -> Subscriber | None:
    """The sign-up box's subscriber for one of the reader's proven addresses."""
    for email in verified_emails(user):
        if subscriber := Subscriber.objects.with_email(email).first():
            return subscriber
    return None


def reader_data(user) -> dict:
    """Everything we keep about the reader, as they may take it away (JSON-safe)."""
    profile = profile_of(user)
    subscriber = reader_subscriber(user)
    comments = reader_comments(user).prefetch_related("content_object")
    return {
        "account": {
            "display_name": profile.display_name,
            "website": profile.website,
            "photo": profile.photo.url if profile.photo else "",
            "emails": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user)
            ],
            "social_accounts": [
                {"provider": account.provider, "uid": account.uid}
                for account in user.socialaccount_set.all()
            ],
            "joined": user.date_joined.isoformat(),
            "last_sign_in": user.last_login.isoformat() if user.last_login else None,
        },
        "comments": [
            {
                "article": getattr(comment.content_object, "title", ""),
                "url": comment_link(comment),
                "posted": comment.submit_date.isoformat(),
                "state": comment_state(comment),
                "name": comment.user_name,
                "email": comment.user_email,
                "website": comment.user_url,
                "ip_address": comment.ip_address,
                "text": comment.comment,
                "follows_replies": comment.followup,
            }
            for comment in comments
        ],
        "following": [article.get_absolute_url() for article in followed_articles(user)],
        "subscription": _subscription_data(subscriber) if subscriber else None,
    }


def _subscription_data(subscriber: Subscriber) -> dict:
    return {
        "email": subscriber.email,
        "state": subscriber.state,
        "frequency": subscriber.frequency,
        "all_articles": subscriber.all_articles,
        "sections": [section.name for section in subscriber.sections.all()],
        "authors": [author.name for author in subscriber.authors.all()],
        "since": subscriber.created_at.isoformat(),
    }


def comment_state(comment: Comment) -> str:
    """How a reader's own comment stands, in their words."""
    if comment.is_removed:
        return "removed"
    if comment.is_spam:
        return "not published"
    if not comment.is_public:
        return "awaiting moderation"
    return "published"


def comment_link(comment: Comment) -> str:
    """The comment on its page, for a published comment on a published article; else ""."""
    article = comment.content_object
    if comment_state(comment) != "published" or not (
        isinstance(article, Article) and article.is_published()
    ):
        return ""
    return comment.get_absolute_url()


def reader_delete(*, user, keep_comments: bool) -> None:
    """Close the account. Comments go, or stay as "a former reader" with nothing that names
    them (name, address, website, IP); the subscription and queued emails go either way.
    Staff accounts hold the newsroom's work: an administrator closes them in admin."""
    if user.is_staff:
        raise PermissionDenied("Staff accounts are closed in admin.")
    emails = verified_emails(user)
    subscriber = reader_subscriber(user)
    with transaction.atomic():
        comments = reader_comments(user)
        article_ids = set(comments.values_list("object_pk", flat=True))
        if keep_comments:
            comments.update(
                user=None, user_name=FORMER_READER, user_email="", user_url="",
                ip_address=None, followup=False,
            )  # fmt: skip
        else:
            for comment in comments:
                comment.delete()
        if subscriber is not None:
            subscriber_erase(subscriber=subscriber)
        for email in emails:
            PendingComment.objects.filter(email__iexact=email).delete()
            # Every email kept for them (codes, confirmations, notices) names them too.
            OutgoingEmail.objects.filter(to__iexact=email).delete()
        profile = ReaderProfile.objects.filter(user=user).first()
        if profile is not None:
            profile.photo_delete()
        user.delete()
    if article_ids:
        article_pages_changed(article_ids=article_ids)
    logger.info("Reader account closed (comments %s)", "kept" if keep_comments else "removed")
