"""Image handling with Pillow: uploads are normalised and renditions made once, on save."""

import logging
import math
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendition:
    label: str
    width: int
    # With a height the image is cropped to fill the box; without, the aspect ratio is kept.
    height: int | None = None
    # "JPEG" for every browser, or "WEBP", smaller, for those that take it (<picture>).
    fmt: str = "JPEG"


def normalised(fieldfile: FieldFile, *, max_px: int) -> ContentFile:
    """Re-encode an upload, upright, at most max_px on its long side and without metadata.

    Re-encoding drops EXIF data, so a portrait taken on a phone doesn't publish where it was taken.
    """
    fieldfile.seek(0)
    try:
        with Image.open(fieldfile) as original:
            fmt = original.format if original.format in {"JPEG", "PNG", "WEBP", "GIF"} else "JPEG"
            image = ImageOps.exif_transpose(original)
            if max(image.size) > max_px:
                image.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
            return ContentFile(_encode(image, fmt), name=PurePosixPath(fieldfile.name).name)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        # Whatever wrote the file (admin form, import, command) gets one clear error.
        raise ValidationError(
            "The file is not an image that can be read: %(error)s", params={"error": error}
        ) from error


def rendition_name(name: str, rendition: Rendition) -> str:
    path = PurePosixPath(name)
    # The whole name, extension included: "a.jpg" and "a.png" must not share renditions.
    extension = "webp" if rendition.fmt == "WEBP" else "jpg"
    return str(path.parent / "renditions" / f"{path.name}.{rendition.label}.{extension}")


def make_renditions(fieldfile: FieldFile, renditions: tuple[Rendition, ...]) -> None:
    """Write a JPEG of each rendition beside the stored original."""
    storage = fieldfile.storage
    fieldfile.open("rb")
    try:
        with Image.open(fieldfile) as original:
            source = ImageOps.exif_transpose(original)
            for rendition in renditions:
                if not rendition.height and rendition.width >= source.width:
                    continue  # never scale up: srcset offers the original instead
                if rendition.height:
                    image = ImageOps.fit(source, (rendition.width, rendition.height))
                else:
                    image = source.copy()
                    image.thumbnail(_box(rendition.width))
                name = rendition_name(fieldfile.name, rendition)
                if storage.exists(name):
                    storage.delete(name)
                storage.save(name, ContentFile(_encode(image, rendition.fmt)))
    finally:
        fieldfile.close()


def rendition_url(fieldfile: FieldFile, rendition: Rendition) -> str:
    return fieldfile.storage.url(rendition_name(fieldfile.name, rendition))


def largest(
    fieldfile: FieldFile, renditions: tuple[Rendition, ...], *, width: int, height: int
) -> tuple[str, int, int]:
    """(url, width, height) of the image at most as wide as the widest rendition: the original
    when it is no wider, else that rendition (a full-size upload may weigh megabytes)."""
    # JPEG: the one format every link preview reads.
    scaled = [r for r in renditions if not r.height and r.fmt == "JPEG"]
    widest = max(scaled, key=lambda r: r.width)
    if width <= widest.width:
        return fieldfile.url, width, height
    return (rendition_url(fieldfile, widest), *scaled_size(width, height, widest.width))


def scaled_size(width: int, height: int, box_width: int) -> tuple[int, int]:
    """The size Pillow's thumbnail() gives a width × height image in make_renditions' box.

    Pillow rounds each side to whichever whole number keeps the aspect ratio closest.
    """
    box_width, box_height = _box(box_width)
    if box_width >= width and box_height >= height:
        return width, height
    aspect = width / height

    def closest(number, key):
        return max(min(math.floor(number), math.ceil(number), key=key), 1)

    if box_width / box_height >= aspect:
        return closest(box_height * aspect, key=lambda n: abs(aspect - n / box_height)), box_height
    return box_width, closest(
        box_width / aspect, key=lambda n: 0 if n == 0 else abs(aspect - box_width / n)
    )


def srcset(fieldfile: FieldFile, renditions: tuple[Rendition, ...], *, width: int) -> str:
    """`<img srcset>` candidates: renditions narrower than the original, then the original."""
    candidates = [
        f"{rendition_url(fieldfile, r)} {r.width}w"
        for r in renditions
        if r.height or r.width < width
    ]
    if not any(r.height for r in renditions):
        candidates.append(f"{fieldfile.url} {width}w")
    return ", ".join(candidates)


def _box(width: int) -> tuple[int, int]:
    # As wide as asked and, in effect, as tall as the image is.
    return width, width * 10


def _encode(image: Image.Image, fmt: str) -> bytes:
    if fmt in {"JPEG", "WEBP"} and image.mode not in {"RGB", "L"}:
        # JPEG has no alpha: flatten transparent images onto white.
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.convert("RGBA").getchannel("A"))
        image = background
    buffer = BytesIO()
    image.save(buffer, fmt, quality=82, optimize=True)
    return buffer.getvalue()


def stored_size(fieldfile: FieldFile) -> int:
    """The file's size in bytes as its storage reports it; 0 when it cannot say."""
    try:
        return fieldfile.storage.size(fieldfile.name)
    except Exception:
        # A missing file or an unreachable bucket must not take a whole feed down with it;
        # storages raise their own kinds of error.
        logger.warning("Could not read the size of %s", fieldfile.name, exc_info=True)
        return 0
