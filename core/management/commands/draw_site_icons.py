"""`manage.py draw_site_icons`: draw the site's PNG icons (the site's initial on its colour).

The icons are committed under static/icons/; run this again only to change their design, e.g. for
a site with another name.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from PIL import Image, ImageDraw, ImageFont

from core.identity import APPLE_TOUCH_ICON, BACKGROUND_COLOUR, ICONS, THEME_COLOUR

DEFAULT_FONT = "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"
# Corner radius of the "any" icons, as a share of their side (static/favicon.svg: 6 of 32).
CORNER = 6 / 32


class Command(BaseCommand):
    help = "Draw the site's PNG icons into static/icons/ from its initial and theme colour."

    def add_arguments(self, parser):
        parser.add_argument("--letter", default=settings.SITE_NAME[:1], help="default: %(default)s")
        parser.add_argument("--font", default=DEFAULT_FONT, help="a TrueType file (bold serif)")
        parser.add_argument(
            "--into", default=str(settings.BASE_DIR / "static"), help="the static folder"
        )

    def handle(self, *args, letter, font, into, **options):
        if not Path(font).is_file():
            raise CommandError(f"No font at {font}: give one with --font.")
        for icon in (*ICONS, APPLE_TOUCH_ICON):
            path = Path(into) / icon.path
            path.parent.mkdir(parents=True, exist_ok=True)
            # Launchers crop maskable icons and iOS rounds its own corners: those fill the square.
            rounded = icon.purpose == "any" and icon is not APPLE_TOUCH_ICON
            icon_image(letter, size=icon.size, font=font, rounded=rounded).save(path, optimize=True)
            self.stdout.write(f"{path} ({icon.size}×{icon.size})")
        self.stdout.write(self.style.SUCCESS("Icons drawn."))


def icon_image(letter: str, *, size: int, font: str, rounded: bool) -> Image.Image:
    """The letter, white and centred, on the theme colour; a square `size` pixels wide."""
    # Drawn four times larger and scaled down, for smooth edges.
    big = size * 4
    image = Image.new("RGBA", (big, big), BACKGROUND_COLOUR + "00")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (0, 0, big - 1, big - 1), radius=int(big * CORNER) if rounded else 0, fill=THEME_COLOUR
    )
    # The letter's own outline is centred (a lowercase letter would sit low on the baseline),
    # well inside the middle 80 %: the part of a maskable icon no launcher crops.
    typeface = ImageFont.truetype(font, int(big * 0.8))
    left, top, right, bottom = draw.textbbox((0, 0), letter, font=typeface)
    position = ((big - left - right) / 2, (big - top - bottom) / 2)
    draw.text(position, letter, font=typeface, fill="#ffffff")
    return image.resize((size, size), Image.Resampling.LANCZOS)
