"""Reading a page as a link preview bot or a search engine does: its head's tags and JSON-LD."""

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Head:
    # property or name -> every content given for it, in order
    meta: dict[str, list[str]] = field(default_factory=dict)
    # rel -> [attributes of each <link>]
    links: dict[str, list[dict]] = field(default_factory=dict)
    structured_data: list = field(default_factory=list)

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, f"{key}: {values}"
        return values[0]

    def link(self, rel: str) -> str:
        found = self.links.get(rel, [])
        assert len(found) == 1, f"{rel}: {found}"
        return found[0]["href"]

    def typed(self, schema_type: str) -> dict:
        found = [data for data in self.structured_data if data.get("@type") == schema_type]
        assert len(found) == 1, f"{schema_type}: {self.structured_data}"
        return found[0]


class _HeadParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.head = Head()
        self.in_head = False
        self.json_ld: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif not self.in_head:
            return
        elif tag == "meta" and "content" in attributes:
            key = attributes.get("property") or attributes.get("name")
            if key:
                self.head.meta.setdefault(key, []).append(attributes["content"])
        elif tag == "link":
            for rel in attributes.get("rel", "").split():
                self.head.links.setdefault(rel, []).append(attributes)
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self.json_ld = []

    def handle_data(self, data):
        if self.json_ld is not None:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        elif tag == "script" and self.json_ld is not None:
            self.head.structured_data.append(json.loads("".join(self.json_ld)))
            self.json_ld = None


def read_head(response) -> Head:
    assert response.status_code == 200, response.status_code
    parser = _HeadParser()
    parser.feed(response.content.decode())
    return parser.head
