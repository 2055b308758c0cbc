"""The demo stories, authors and pages, read from the Markdown files beside this module.

Each file is one row, named after its slug: `stories/`, `authors/` and `pages/`. It opens with a
front matter block, `key: value` lines between two `---` lines, and the rest is its Markdown body.
In a body, [text](slug) links to another demo article, [text](https://…) to another site.
"""

from dataclasses import dataclass
from datetime import time
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown
from markdown.treeprocessors import Treeprocessor

from .pictures import PALETTES

CONTENT_DIR = Path(__file__).resolve().parent

_FENCE = "---"
_STORY_KEYS = {"title", "section", "authors", "tags", "standfirst"}
_STORY_OPTIONAL_KEYS = {"status", "days_ago", "at", "image", "caption"}
_PERSON_KEYS = {"name", "position", "colour"}
_PAGE_KEYS = {"title"}


class DemoContentError(ValueError):
    """A demo content file that can't be read; the message names the file and the problem."""


@dataclass(frozen=True)
class Story:
    slug: str
    path: Path
    title: str
    section: str
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    standfirst: str
    # Days before today, negative for days to come; None for a draft.
    days_ago: int | None
    at: time | None
    image: str  # palette of a generated featured image, or "" for none
    caption: str
    body: str  # Markdown

    @property
    def is_draft(self) -> bool:
        return self.days_ago is None


@dataclass(frozen=True)
class Person:
    slug: str
    name: str
    position: str
    colour: tuple[int, int, int]
    user: str  # the demo account that writes as this author, if any
    bio: str  # HTML


@dataclass(frozen=True)
class PageText:
    slug: str
    title: str
    body: str  # HTML, with {site} where the site's name goes


def stories(folder: Path = CONTENT_DIR / "stories") -> list[Story]:
    """Every story, oldest first and drafts last: a story may link only to those before it."""
    found = [_story(path) for path in _markdown_files(folder)]
    return sorted(found, key=lambda story: (story.is_draft, -(story.days_ago or 0)))


def people(folder: Path = CONTENT_DIR / "authors") -> list[Person]:
    return [_person(path) for path in _markdown_files(folder)]


def pages(folder: Path = CONTENT_DIR / "pages") -> list[PageText]:
    found = []
    for path in _markdown_files(folder):
        fields, text = front_matter_split(path)
        _keys_check(path, fields, required=_PAGE_KEYS)
        found.append(PageText(slug=path.stem, title=fields["title"], body=html(text, path=path)))
    return found


def html(text: str, *, path: Path, urls: dict[str, str] | None = None) -> str:
    """Markdown to HTML, pointing each [text](slug) link at `urls[slug]`."""
    converter = markdown.Markdown()
    # After "inline" (priority 20), which is what turns [text](target) into <a> elements.
    converter.treeprocessors.register(_ArticleLinks(converter, urls or {}, path), "demo-links", 15)
    return converter.convert(text).strip()


def front_matter_split(path: Path) -> tuple[dict[str, str], str]:
    """The `key: value` fields between the opening `---` lines, and the Markdown after them."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != _FENCE or _FENCE not in lines[1:]:
        raise DemoContentError(f"{path}: must open with a front matter block between '---' lines")
    end = lines.index(_FENCE, 1)
    fields: dict[str, str] = {}
    for number, line in enumerate(lines[1:end], start=2):
        key, colon, value = (part.strip() for part in line.partition(":"))
        if not colon or not key:
            raise DemoContentError(f"{path}, line {number}: expected 'key: value', got {line!r}")
        if key in fields:
            raise DemoContentError(f"{path}, line {number}: {key!r} is given twice")
        fields[key] = value
    return fields, "\n".join(lines[end + 1 :])


def _markdown_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.md"))


def _keys_check(path: Path, fields: dict, *, required: set, optional: frozenset = frozenset()):
    if missing := required - fields.keys():
        raise DemoContentError(f"{path}: front matter lacks {', '.join(sorted(missing))}")
    if unknown := fields.keys() - required - optional:
        raise DemoContentError(f"{path}: front matter has unknown {', '.join(sorted(unknown))}")


def _story(path: Path) -> Story:
    fields, text = front_matter_split(path)
    _keys_check(path, fields, required=_STORY_KEYS, optional=_STORY_OPTIONAL_KEYS)
    days_ago, at = _publication(path, fields)
    if fields.get("image", "") not in {"", *PALETTES}:
        raise DemoContentError(f"{path}: image must be one of {', '.join(PALETTES)}")
    return Story(
        slug=path.stem,
        path=path,
        title=fields["title"],
        section=fields["section"],
        authors=_list(fields["authors"]),
        tags=_list(fields["tags"]),
        standfirst=fields["standfirst"],
        days_ago=days_ago,
        at=at,
        image=fields.get("image", ""),
        caption=fields.get("caption", ""),
        body=text,
    )


def _publication(path: Path, fields: dict[str, str]) -> tuple[int | None, time | None]:
    """A draft has no date; anything else is published `days_ago` days before today, `at` h:m."""
    status = fields.get("status", "published")
    if status == "draft":
        if "days_ago" in fields or "at" in fields:
            raise DemoContentError(f"{path}: a draft has no days_ago or at")
        return None, None
    if status != "published":
        raise DemoContentError(f"{path}: status must be published or draft, not {status!r}")
    try:
        return int(fields["days_ago"]), time.fromisoformat(fields["at"])
    except KeyError as missing:
        raise DemoContentError(f"{path}: a published story needs {missing}") from None
    except ValueError:
        raise DemoContentError(
            f"{path}: days_ago must be a whole number, at a time (HH:MM)"
        ) from None


def _person(path: Path) -> Person:
    fields, text = front_matter_split(path)
    _keys_check(path, fields, required=_PERSON_KEYS, optional=frozenset({"user"}))
    try:
        red, green, blue = (int(channel) for channel in fields["colour"].split(","))
    except ValueError:
        raise DemoContentError(f"{path}: colour must be three numbers, as in 31, 78, 121") from None
    return Person(
        slug=path.stem,
        name=fields["name"],
        position=fields["position"],
        colour=(red, green, blue),
        user=fields.get("user", ""),
        bio=html(text, path=path),
    )


def _list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


class _ArticleLinks(Treeprocessor):
    """Point [text](slug) links at a demo article's URL; a link with a scheme stays as written."""

    def __init__(self, md: markdown.Markdown, urls: dict[str, str], path: Path):
        super().__init__(md)
        self.urls = urls
        self.path = path

    def run(self, root: Element) -> None:
        for link in root.iter("a"):
            target = link.get("href", "")
            if ":" in target:
                continue
            if target not in self.urls:
                raise DemoContentError(
                    f"{self.path}: links to {target!r}, which is not a story published before it"
                )
            link.set("href", self.urls[target])
