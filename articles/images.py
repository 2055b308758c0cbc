"""Image handling with Pillow: uploads are scaled down and renditions are made once, on save."""

from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps


@dataclass(frozen=True)
class Rendition:
    label: str
    width: int
    # With a height the image is cropped to fill the box; without, the aspect ratio is kept.
    height: int | None = None


def scaled_down(fieldfile: FieldFile, *, max_px: int) -> ContentFile | None:
    """Return a copy of an uploaded image at most max_px on its long side, or None if it fits."""
    fieldfile.seek(0)
    with Image.open(fieldfile) as original:
        if max(original.size) <= max_px:
            fieldfile.seek(0)
            return None
        image = ImageOps.exif_transpose(original)
        image.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
        fmt = original.format if original.format in {"JPEG", "PNG", "WEBP", "GIF"} else "JPEG"
        return ContentFile(_encode(image, fmt), name=PurePosixPath(fieldfile.name).name)


def rendition_name(name: str, rendition: Rendition) -> str:
    path = PurePosixPath(name)
    return str(path.parent / "renditions" / f"{path.stem}.{rendition.label}.jpg")


def make_renditions(fieldfile: FieldFile, renditions: tuple[Rendition, ...]) -> None:
    """Write a JPEG of each rendition beside the stored original."""
    storage = fieldfile.storage
    fieldfile.open("rb")
    try:
        with Image.open(fieldfile) as original:
            source = ImageOps.exif_transpose(original)
            for rendition in renditions:
                if rendition.height:
                    image = ImageOps.fit(source, (rendition.width, rendition.height))
                else:
                    image = source.copy()
                    image.thumbnail((rendition.width, rendition.width * 10))
                name = rendition_name(fieldfile.name, rendition)
                if storage.exists(name):
                    storage.delete(name)
                storage.save(name, ContentFile(_encode(image, "JPEG")))
    finally:
        fieldfile.close()


def rendition_url(fieldfile: FieldFile, rendition: Rendition) -> str:
    return fieldfile.storage.url(rendition_name(fieldfile.name, rendition))


def srcset(fieldfile: FieldFile, renditions: tuple[Rendition, ...]) -> str:
    return ", ".join(f"{rendition_url(fieldfile, r)} {r.width}w" for r in renditions)


def _encode(image: Image.Image, fmt: str) -> bytes:
    if fmt == "JPEG" and image.mode not in {"RGB", "L"}:
        # JPEG has no alpha: flatten transparent images onto white.
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.convert("RGBA").getchannel("A"))
        image = background
    buffer = BytesIO()
    image.save(buffer, fmt, quality=82, optimize=True)
    return buffer.getvalue()
