"""Admin forms: uploads are checked here so a bad file is a form error, never a server error."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image

# Enough for any camera; a larger image would take hundreds of megabytes to decode and scale.
MAX_IMAGE_PIXELS = 50_000_000


def validate_image_upload(upload) -> None:
    """Refuse an upload that Pillow cannot decode in full, or that is too large to process.

    Django's ImageField only reads the header, so a truncated or corrupt file gets past it and
    would fail later, while the model scales it down on save.
    """
    width, height = upload.image.size  # read by Django's ImageField from the header
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            "This image is %(width)s × %(height)s pixels; the most accepted is %(limit)s "
            "megapixels. Please scale it down first.",
            code="image_too_large",
            params={"width": width, "height": height, "limit": MAX_IMAGE_PIXELS // 1_000_000},
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.load()
    except Exception as exc:
        raise ValidationError(
            forms.ImageField.default_error_messages["invalid_image"], code="invalid_image"
        ) from exc
    finally:
        upload.seek(0)


def checked_image(upload):
    """The cleaned value of an image field, with a new upload validated in full."""
    if isinstance(upload, UploadedFile):
        validate_image_upload(upload)
    return upload


class ArticleAdminForm(forms.ModelForm):
    def clean_image(self):
        return checked_image(self.cleaned_data.get("image"))


class AuthorAdminForm(forms.ModelForm):
    def clean_photo(self):
        return checked_image(self.cleaned_data.get("photo"))


class LibraryImageAdminForm(forms.ModelForm):
    def clean_file(self):
        return checked_image(self.cleaned_data.get("file"))
