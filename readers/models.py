from django.conf import settings
from django.db import models

from articles.images import (
    Rendition,
    make_renditions,
    normalised,
    rendition_name,
    rendition_url,
)

PHOTO_RENDITIONS = (Rendition("sq96", 96, 96), Rendition("sq192", 192, 192))


class ReaderProfile(models.Model):
    """What a reader shows of themselves: the name and website their comments carry, a photo.

    The display name is mirrored into the user's first name (readers.services.profile_update):
    the comments app, which must not know this one, names commenters from their user.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reader_profile"
    )
    display_name = models.CharField(
        max_length=80, blank=True, help_text="Shown with the reader's comments."
    )
    website = models.URLField(blank=True, help_text="Their name links to it under comments.")
    photo = models.ImageField(upload_to="readers/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "reader profile"

    def __str__(self):
        return self.display_name or f"Reader {self.user_id}"

    def save(self, *args, **kwargs):
        new_photo = bool(self.photo) and not self.photo._committed
        if new_photo:
            self.photo = normalised(self.photo, max_px=settings.IMAGE_MAX_PX)
        super().save(*args, **kwargs)
        if new_photo:
            make_renditions(self.photo, PHOTO_RENDITIONS)

    def photo_delete(self) -> None:
        """Remove the photo and its renditions from storage (not saved: the caller saves)."""
        if not self.photo:
            return
        for rendition in PHOTO_RENDITIONS:
            self.photo.storage.delete(rendition_name(self.photo.name, rendition))
        self.photo.delete(save=False)

    @property
    def photo_url(self) -> str:
        return rendition_url(self.photo, PHOTO_RENDITIONS[0]) if self.photo else ""

    @property
    def photo_url_2x(self) -> str:
        return rendition_url(self.photo, PHOTO_RENDITIONS[1]) if self.photo else ""
