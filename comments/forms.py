from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import URLValidator
from django.forms.renderers import Jinja2
from django_comments_xtd.forms import XtdCommentForm

from core.text import without_control_characters

from .models import Comment


class CommentForm(XtdCommentForm):
    """xtd's form with our labels, http(s)-only websites and checked replies.

    It never says whether a comment is already there: that would tell anyone who typed an
    address whether its owner wrote a given comment. Duplicates are dropped quietly instead
    (comments.services).
    """

    # It is on every article page: Jinja2 draws its dozen widgets several times faster than
    # Django's engine, from Django's own widget templates.
    default_renderer = Jinja2()

    url = forms.CharField(
        label="Website",
        required=False,
        max_length=200,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    # Starts the subscriptions' double opt-in (comments.services.comment_submit).
    subscribe = forms.BooleanField(
        label="Notify me of new posts by email", required=False, initial=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Name"
        self.fields["name"].widget.attrs.update(placeholder="", autocomplete="name")
        self.fields["email"].label = "Email"
        self.fields[
            "email"
        ].help_text = "Never shown. We email you a link that publishes your comment."
        self.fields["email"].widget = forms.EmailInput(attrs={"autocomplete": "email"})
        self.fields["url"].widget = forms.URLInput(
            attrs={"placeholder": "https://", "autocomplete": "url"}
        )
        self.fields["url"].label = "Website"  # xtd's own form calls it "Link"
        self.fields["url"].help_text = "Optional; your name will link to it."
        self.fields["comment"].label = "Comment"
        self.fields["comment"].widget.attrs.update(placeholder="", rows=8)
        self.fields["comment"].help_text = (
            f"Plain text, up to {settings.COMMENT_MAX_LENGTH:,} characters. Links are allowed, but "
            f"comments with {settings.COMMENTS_HOLD_LINK_COUNT} or more wait for a moderator."
        )
        self.fields["followup"].label = "Notify me of follow-up comments by email"

    # Control characters are never what a reader meant to write, and feeds cannot carry them.
    def clean_name(self):
        return without_control_characters(self.cleaned_data["name"])

    def clean_comment(self):
        return without_control_characters(super().clean_comment())

    def clean_url(self):
        return self.cleaned_data["url"].strip()

    def clean_reply_to(self):
        parent_id = self.cleaned_data["reply_to"]
        if not parent_id:
            return 0
        parent = Comment.objects.filter(
            pk=parent_id,
            content_type=ContentType.objects.get_for_model(self.target_object),
            object_pk=str(self.target_object.pk),
            is_public=True,
            is_removed=False,
        ).first()
        if parent is None:
            raise forms.ValidationError("The comment you are replying to is not available.")
        if not parent.allow_thread():
            # Past the deepest level, a reply joins its parent's conversation instead.
            return parent.parent_id
        return parent_id
