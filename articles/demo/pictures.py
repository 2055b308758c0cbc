"""Generated demo pictures: authors' portraits and articles' featured images, no files needed."""

import random
from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

# Featured-image colours, dark then light, named as the image description will say them.
PALETTES = {
    "navy and amber": ((24, 42, 78), (214, 140, 60)),
    "deep blue and sea-green": ((12, 50, 92), (120, 196, 186)),
    "violet and gold": ((48, 24, 72), (222, 180, 80)),
    "teal and sand": ((20, 70, 66), (232, 210, 166)),
    "maroon and coral": ((78, 20, 38), (242, 146, 112)),
}


def portrait(*, slug: str, name: str, colour: tuple[int, int, int]) -> ContentFile:
    """An 800px square: the author's initials, large, on a disc in their colour."""
    size = 800
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    lighter = tuple(min(255, channel + 45) for channel in colour)
    draw.ellipse((90, 90, size - 90, size - 90), fill=lighter)
    initials = "".join(word[0] for word in name.replace("-", " ").split()[:2]).upper()
    font = ImageFont.load_default(size=300)
    draw.text((size / 2, size / 2), initials, fill="white", font=font, anchor="mm")
    return ContentFile(_jpeg(image), name=f"{slug}.jpg")


def picture(seed: str, *, palette: str) -> ContentFile:
    """A 1600×900 abstract illustration, the same every time for the same seed."""
    rng = random.Random(seed)
    size = (1600, 900)
    dark, light = PALETTES[palette]
    # linear_gradient runs black to white top to bottom: light sky above, dark below.
    mask = Image.linear_gradient("L").resize(size)
    image = Image.composite(Image.new("RGB", size, dark), Image.new("RGB", size, light), mask)
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for _ in range(9):
        x, y, r = rng.randrange(1600), rng.randrange(900), rng.randrange(60, 320)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, rng.randrange(18, 60)))
    for _ in range(6):
        y = rng.randrange(300, 900)
        draw.line((0, y, 1600, y + rng.randrange(-120, 120)), fill=(255, 255, 255, 70), width=3)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    return ContentFile(_jpeg(image), name=f"{seed}.jpg")


def _jpeg(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
