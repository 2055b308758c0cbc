"""Feed writers that leave out what XML cannot carry instead of failing the whole feed."""

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from .text import xml_safe


def _xml_safe(value):
    """`value` with every string in it, also inside lists and tuples, fit for XML."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list | tuple):
        return type(value)(map(_xml_safe, value))
    return value


class XmlSafeFeedMixin:
    """Cleans the feed's and each item's values before Django's writer sees them.

    Titles, names and comments are typed by people (and pasted from anywhere); one stray control
    character would otherwise make the feed an error page for every reader.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(
            *map(_xml_safe, args), **{key: _xml_safe(value) for key, value in kwargs.items()}
        )

    def add_item(self, *args, **kwargs):
        super().add_item(
            *map(_xml_safe, args), **{key: _xml_safe(value) for key, value in kwargs.items()}
        )


class XmlSafeRssFeed(XmlSafeFeedMixin, Rss201rev2Feed):
    """RSS 2.0 without the characters XML cannot carry."""


class XmlSafeAtomFeed(XmlSafeFeedMixin, Atom1Feed):
    """Atom without the characters XML cannot carry."""
