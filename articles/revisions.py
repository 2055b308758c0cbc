"""Earlier versions of articles and pages (django-reversion): what each kept, and how it differs
from the current text, in words an editor reads."""

import difflib
import re
from dataclasses import dataclass
from html import unescape

from django.db import models
from django.utils.html import strip_tags
from reversion.models import Version

# The fields an editor compares, in the order they read them.
COMPARED = (("title", "Title"), ("standfirst", "Standfirst"), ("body", "Body"))
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|pre)>|<br\s*/?>", re.I)


@dataclass(frozen=True)
class Line:
    kind: str  # "same", "added" (in the current text only), "removed" (in the version only)
    text: str


@dataclass(frozen=True)
class FieldDiff:
    label: str
    lines: list[Line]

    @property
    def changed(self) -> bool:
        return any(line.kind != "same" for line in self.lines)


def versions(obj: models.Model, *, most: int | None = 20):
    """The object's versions, newest first, with who saved each and when."""
    found = (
        Version.objects.get_for_object(obj)
        .select_related("revision__user")
        .order_by("-revision__date_created")
    )
    return found if most is None else found[:most]


def version_diff(obj: models.Model, version: Version) -> list[FieldDiff]:
    """How the current text differs from `version`'s, field by field, paragraph by paragraph."""
    kept = version.field_dict
    return [
        FieldDiff(label, _line_diff(_lines(kept.get(name, "")), _lines(getattr(obj, name, ""))))
        for name, label in COMPARED
        if hasattr(obj, name)
    ]


def _lines(value) -> list[str]:
    """Readable lines of a field: HTML becomes one line per paragraph, without tags."""
    text = _BLOCK_END.sub("\n", str(value or ""))
    return [
        line for line in (unescape(strip_tags(part)).strip() for part in text.split("\n")) if line
    ]


def _line_diff(before: list[str], after: list[str]) -> list[Line]:
    kinds = {" ": "same", "+": "added", "-": "removed"}
    return [
        Line(kinds[entry[0]], entry[2:])
        for entry in difflib.ndiff(before, after)
        if entry[0] in kinds
    ]


def version_restore(obj: models.Model, version: Version) -> None:
    """Give `obj` the fields `version` kept (the writing, see the models' registrations) and
    save it the ordinary way: its signals and caches follow as for any edit."""
    many = {}
    for name, value in version.field_dict.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            many[name] = value
        else:
            setattr(obj, field.attname, value)
    obj.save()
    for name, pks in many.items():
        getattr(obj, name).set(pks)
