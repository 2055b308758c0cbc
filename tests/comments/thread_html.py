"""Reading a rendered comment thread back out of a page, as a reader's browser would nest it."""

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class RenderedComment:
    id: int
    parent: int | None  # the comment whose list item encloses this one
    number: str = ""  # "1.", "2." for top-level comments
    in_children_list: bool = False  # directly inside an <ol class="comment-children">


class _ThreadParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.comments: dict[int, RenderedComment] = {}
        self._items: list[int | None] = []  # open <li>s: a comment id, or None
        self._lists: list[str] = []  # classes of the open <ol>s
        self._in_number = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "ol":
            self._lists.append(" ".join(classes))
        elif tag == "li":
            comment_id = None
            if "comment" in classes and (attrs.get("id") or "").startswith("c"):
                comment_id = int(attrs["id"][1:])
                parent = next((i for i in reversed(self._items) if i is not None), None)
                self.comments[comment_id] = RenderedComment(
                    id=comment_id,
                    parent=parent,
                    in_children_list=bool(self._lists) and "comment-children" in self._lists[-1],
                )
            self._items.append(comment_id)
        elif tag == "span" and "comment-number" in classes:
            self._in_number = True

    def handle_endtag(self, tag):
        if tag == "ol" and self._lists:
            self._lists.pop()
        elif tag == "li" and self._items:
            self._items.pop()
        elif tag == "span":
            self._in_number = False

    def handle_data(self, data):
        if self._in_number:
            current = next((i for i in reversed(self._items) if i is not None), None)
            self.comments[current].number += data.strip()


def rendered_comments(html: str) -> dict[int, RenderedComment]:
    """Every comment on the page by id, in page order, with where it sits in the thread."""
    parser = _ThreadParser()
    parser.feed(html)
    return parser.comments
