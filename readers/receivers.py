from django.db.models.signals import pre_save

from comments.models import Comment

from .models import ReaderProfile


def connect() -> None:
    pre_save.connect(on_comment_saving, sender=Comment, dispatch_uid="readers.comment-website")


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
