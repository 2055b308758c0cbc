from django.conf import settings

from core.identity import THEME_COLOUR


def site(request):
    """The site's name, tagline and public address for every template."""
    return {
        "site_name": settings.SITE_NAME,
        "site_tagline": settings.SITE_TAGLINE,
        "site_url": settings.SITE_URL,
        "theme_colour": THEME_COLOUR,
    }
