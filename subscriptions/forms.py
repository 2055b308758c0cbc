from django import forms

from articles.models import Author, Section

from .models import Subscriber


class SignupForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "That doesn't look like an email address. Please check it.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": ""}),
    )


class PreferencesForm(forms.Form):
    """What a subscriber gets and how often; one radio set for "everything or a choice"."""

    EVERYTHING, CHOSEN = "all", "chosen"

    articles = forms.ChoiceField(
        label="Which articles",
        choices=[(EVERYTHING, "Every article"), (CHOSEN, "Only the sections and authors I choose")],
        widget=forms.RadioSelect,
    )
    sections = forms.ModelMultipleChoiceField(
        queryset=Section.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    authors = forms.ModelMultipleChoiceField(
        queryset=Author.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    frequency = forms.ChoiceField(
        label="How often", choices=Subscriber.Frequency.choices, widget=forms.RadioSelect
    )

    @classmethod
    def for_subscriber(cls, subscriber: Subscriber, **kwargs) -> "PreferencesForm":
        initial = {
            "articles": cls.EVERYTHING if subscriber.all_articles else cls.CHOSEN,
            "sections": subscriber.sections.all(),
            "authors": subscriber.authors.all(),
            "frequency": subscriber.frequency,
        }
        return cls(initial=initial, **kwargs)

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("sections") or cleaned.get("authors")
        if cleaned.get("articles") == self.CHOSEN and not chosen:
            raise forms.ValidationError(
                "Choose at least one section or author, or pick “Every article”."
            )
        return cleaned

    def preferences(self) -> dict:
        """The cleaned choices as keyword arguments for subscriber_update_preferences()."""
        return {
            "all_articles": self.cleaned_data["articles"] == self.EVERYTHING,
            "sections": self.cleaned_data["sections"],
            "authors": self.cleaned_data["authors"],
            "frequency": self.cleaned_data["frequency"],
        }
