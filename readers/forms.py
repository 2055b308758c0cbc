from django import forms
from django.core.validators import URLValidator

from core.text import without_control_characters

from .models import ReaderProfile


class ProfileForm(forms.ModelForm):
    website = forms.CharField(
        label="Website",
        required=False,
        max_length=200,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Optional; your name links to it under your comments.",
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "url"}),
    )
    remove_photo = forms.BooleanField(label="Remove my photo", required=False)

    class Meta:
        model = ReaderProfile
        fields = ["display_name", "website", "photo"]
        labels = {"display_name": "Your name", "photo": "Photo"}
        help_texts = {
            "display_name": "Shown with your comments, old and new.",
            "photo": "Optional; without one, your initials are shown.",
        }
        widgets = {"photo": forms.FileInput(attrs={"accept": "image/*"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.fields["display_name"].widget.attrs.update(autocomplete="name")

    def clean_display_name(self):
        return without_control_characters(self.cleaned_data["display_name"]).strip()

    def clean_website(self):
        return self.cleaned_data["website"].strip()


class DeleteAccountForm(forms.Form):
    comments = forms.ChoiceField(
        label="Your comments",
        choices=[
            ("remove", "Remove my comments from the site"),
            ("keep", "Keep my comments, signed “a former reader”, with nothing that names me"),
        ],
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label="Yes, close my account. This cannot be undone.", required=True
    )
