from datetime import time

import pytest

from articles.demo import SECTIONS
from articles.demo.content import DemoContentError, html, pages, people, stories

STORY = """---
title: A title: with a colon
section: opinion
authors: leila-marouf, samir-aoun
tags: diplomacy, economy
days_ago: -3
at: 07:30
standfirst: One line.
---

A paragraph linking [back](older) and [out](https://example.org/).
"""


def write(tmp_path, text, name="a-story.md"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_every_demo_file_loads_and_refers_to_known_sections_and_authors():
    all_stories, all_people, all_pages = stories(), people(), pages()

    assert len(all_stories) == 32
    assert {page.slug for page in all_pages} == {"introduction", "donate", "about"}
    sections = {slug for slug, _, _ in SECTIONS}
    authors = {person.slug for person in all_people}
    for story in all_stories:
        assert story.section in sections, story.path
        assert set(story.authors) <= authors, story.path
        assert story.title and story.standfirst and story.tags, story.path
    assert sum(story.is_draft for story in all_stories) == 1
    assert sum(story.days_ago < 0 for story in all_stories if not story.is_draft) == 1


def test_demo_stories_link_only_to_stories_before_them():
    urls = {}
    for story in stories():
        html(story.body, path=story.path, urls=urls)  # raises on a link to a later story
        urls[story.slug] = f"/{story.slug}/"
    assert len(urls) == 32


def test_a_story_file_becomes_fields_and_its_links_point_at_articles(tmp_path):
    (story,) = stories(write(tmp_path, STORY))

    assert story.slug == "a-story"
    assert story.title == "A title: with a colon"
    assert story.authors == ("leila-marouf", "samir-aoun")
    assert (story.days_ago, story.at, story.is_draft) == (-3, time(7, 30), False)
    body = html(story.body, path=story.path, urls={"older": "/2026/1/2/older/"})
    assert body == (
        '<p>A paragraph linking <a href="/2026/1/2/older/">back</a> and '
        '<a href="https://example.org/">out</a>.</p>'
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: No fence\n", "must open with a front matter block"),
        ("---\ntitle: Never closed\n", "must open with a front matter block"),
        (STORY.replace("section: opinion", "section opinion"), "line 3: expected 'key: value'"),
        (STORY.replace("tags:", "title: again\ntags:"), "'title' is given twice"),
        (STORY.replace("section: opinion\n", ""), "lacks section"),
        (STORY.replace("at: 07:30", "at: 07:30\nsubtitle: x"), "unknown subtitle"),
        (STORY.replace("days_ago: -3\n", ""), "needs 'days_ago'"),
        (STORY.replace("at: 07:30", "at: half past seven"), r"at a time \(HH:MM\)"),
        (STORY.replace("at: 07:30", "at: 07:30\nstatus: pending"), "status must be"),
        (STORY.replace("at: 07:30", "at: 07:30\nstatus: draft"), "a draft has no days_ago"),
        (STORY.replace("at: 07:30", "at: 07:30\nimage: plaid"), "image must be one of"),
    ],
)
def test_a_malformed_story_file_is_named_with_its_problem(tmp_path, text, message):
    write(tmp_path, text)

    with pytest.raises(DemoContentError, match=message) as error:
        stories(tmp_path)
    assert "a-story.md" in str(error.value)


def test_a_link_to_an_unknown_story_is_named_with_its_file(tmp_path):
    (story,) = stories(write(tmp_path, STORY))

    with pytest.raises(DemoContentError, match=r"a-story\.md: links to 'older'"):
        html(story.body, path=story.path, urls={})


def test_an_author_colour_must_be_three_numbers(tmp_path):
    write(tmp_path, "---\nname: A\nposition: B\ncolour: blue\n---\n\nBio.\n", name="a.md")

    with pytest.raises(DemoContentError, match="colour must be three numbers"):
        people(tmp_path)
