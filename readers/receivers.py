from django.db.models.signals import post_save, pre_save

from comments.models import Comment
from comments.signals import avatar_pictures

from .models import ReaderProfile
from .services import profile_update


def connect() -> None:
    pre_save.connect(on_comment_saving, sender=Comment, dispatch_uid="readers.comment-website")
    post_save.connect(on_comment_saved, sender=Comment, dispatch_uid="readers.first-name")
    avatar_pictures.connect(on_avatar_pictures, dispatch_uid="readers.photos")


def on_comment_saving(sender, instance, raw=False, **kwargs):
    """A signed-in reader's new comment links to the website on their profile (the form has no
    website field for them)."""
    if raw or not instance._state.adding or not instance.user_id or instance.user_url:
        return
    website = (
        ReaderProfile.objects.filter(user_id=instance.user_id)
        .values_list("website", flat=True)
        .first()
    )
    if website:
        instance.user_url = website


def on_comment_saved(sender, instance, created=False, raw=False, **kwargs):
    """A reader without a name yet commented under the name they typed: it becomes theirs."""
    if raw or not created or not instance.user_id:
        return
    user = instance.user
    if user.is_staff or user.get_full_name() or instance.user_name in ("", user.username):
        return
    profile_update(user=user, display_name=instance.user_name, website=instance.user_url)


def on_avatar_pictures(sender, user_ids, **kwargs) -> dict[int, str]:
    """Readers' photos for the comment thread (its small rendition)."""
    return {
        profile.user_id: profile.photo_url
        for profile in ReaderProfile.objects.filter(user_id__in=user_ids).exclude(photo="")
    }
