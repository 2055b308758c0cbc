"""The one place that decides which HTML an editor may put on a page."""

from django_prose_editor.fields import create_sanitizer

# What the admin editor offers; the sanitiser allows exactly the HTML these produce.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Figure": True,
    "Image": True,
    "Caption": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "History": True,
    "HTML": True,
    "SpecialCharacters": True,
}
EDITOR_CONFIG = {"extensions": EDITOR_EXTENSIONS}

_sanitize = create_sanitizer(EDITOR_EXTENSIONS)


def sanitize_html(html: str | None) -> str:
    """Return editor HTML with every tag, attribute and URL scheme the editor can't make removed."""
    return _sanitize(html or "")
