"""Reading WordPress exports: every version's namespaces, and files that cannot be read."""

import io
import tracemalloc

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Author, Section
from bench.wordpress_import import write_export
from comments.models import Comment
from tests.wordpress.exports import SITE, comment, export, post, write
from wordpress import wxr
from wordpress.models import ImportedItem


def test_the_fixture_site_reads_as_authors_terms_and_items_in_file_order():
    entries = list(wxr.read(str(SITE)))

    site = entries[0]
    assert isinstance(site, wxr.Site)
    assert (site.title, site.version, site.link) == (
        "Lakeside Ledger",
        "1.2",
        "https://ledger.example.org",
    )
    authors = [e for e in entries if isinstance(e, wxr.Author)]
    assert [(a.id, a.login, a.display_name) for a in authors] == [
        (1, "mara", "Mara Quill"),
        (2, "jose.nunez", "José Núñez"),
    ]
    categories = [e for e in entries if isinstance(e, wxr.Category)]
    assert [(c.slug, c.parent_slug) for c in categories] == [("town", ""), ("council", "town")]
    # <wp:tag> and <wp:term> of the post_tag taxonomy; a menu's term is not a tag.
    assert [t.slug for t in entries if isinstance(t, wxr.Tag)] == ["ferries", "budget"]
    first = next(e for e in entries if isinstance(e, wxr.Item))
    assert first.id == 10
    assert first.meta["_thumbnail_id"] == "20"
    assert first.categories[0] == ("council", "Council")
    assert [c.id for c in first.comments][:3] == [100, 101, 102]
    assert first.comments[1].author == "Zoë Ærø"
    assert first.comments[1].parent == 100


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_wxr_1_1_and_1_2_namespaces_read_alike(version):
    text = export(post(5, title="Ünïcode ✓", comments=comment(9)), version=version)

    entries = list(wxr.read(io.BytesIO(text.encode())))

    item = entries[-1]
    assert (item.id, item.title, item.status, item.type) == (5, "Ünïcode ✓", "publish", "post")
    assert item.comments[0].content == "Comment 9."


def test_a_file_that_is_not_an_export_is_refused():
    with pytest.raises(wxr.WXRError, match="not a WordPress export"):
        list(wxr.read(io.BytesIO(b"<html><body>hi</body></html>")))


def test_entity_declarations_are_refused_before_anything_is_expanded():
    laughs = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<rss><channel><title>&b;</title></channel></rss>"""

    with pytest.raises(wxr.WXRError, match="DTD"):
        list(wxr.read(io.BytesIO(laughs)))


@pytest.mark.django_db
def test_a_malformed_file_stops_with_its_line_and_imports_nothing(tmp_path):
    lines = SITE.read_text().splitlines()
    broken_line = next(n for n, line in enumerate(lines) if "<wp:post_id>30<" in line)
    lines[broken_line] = "<wp:post_id>30</wp:post_idd>"
    path = write(tmp_path, "\n".join(lines))

    with pytest.raises(CommandError) as error:
        call_command("import_wordpress", str(path))

    assert f"line {broken_line + 1}:" in str(error.value)
    assert "not well-formed" in str(error.value)
    assert "Nothing was imported" in str(error.value)
    # Items before the broken one were readable, and still nothing was written.
    assert not Article.objects.exists()
    assert not Author.objects.exists()
    assert not Section.objects.exists()
    assert not Comment.objects.exists()
    assert not ImportedItem.objects.exists()


@pytest.mark.django_db
def test_a_truncated_file_says_so_with_the_line_and_imports_nothing(tmp_path):
    text = SITE.read_text()
    cut = text[: text.index("<title><![CDATA[Draft about the bridge")]
    path = write(tmp_path, cut)

    with pytest.raises(CommandError) as error:
        call_command("import_wordpress", str(path))

    assert "truncated" in str(error.value)
    assert f"line {cut.count(chr(10)) + 1}:" in str(error.value)
    assert not Article.objects.exists()
    assert not ImportedItem.objects.exists()


def _reading_peak(path) -> int:
    tracemalloc.start()
    for _ in wxr.read(str(path)):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_reading_streams_memory_stays_flat_as_the_export_grows(tmp_path):
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    write_export(small, posts=100, comments=500)
    write_export(large, posts=2000, comments=10000)

    small_peak, large_peak = _reading_peak(small), _reading_peak(large)

    assert large.stat().st_size > 15 * small.stat().st_size
    assert large_peak < 2 * small_peak + 200_000
