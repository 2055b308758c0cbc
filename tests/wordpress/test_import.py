"""`manage.py import_wordpress`: what a newsroom's old site becomes here, and what it never does."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import OutputWrapper
from django.test import Client
from PIL import Image
from taggit.models import Tag

from articles.body import body_for_readers
from articles.models import Article, Author, LibraryImage, Page, Section
from comments import policy
from comments.models import Comment, Linkback
from subscriptions.models import Delivery, Subscriber
from tests.wordpress.conftest import run_import
from tests.wordpress.exports import SITE, comment, export, post, write
from wordpress import importer
from wordpress.management.commands.import_wordpress import ProgressBar
from wordpress.models import ImportedItem

pytestmark = pytest.mark.django_db


def article(slug: str) -> Article:
    return Article.objects.get(slug=slug)


def comment_by(name: str) -> Comment:
    return Comment.objects.get(user_name=name)


# Authors, sections, tags


def test_authors_come_with_display_name_and_login_as_slug_their_email_kept(imported):
    mara = Author.objects.get(slug="mara")
    jose = Author.objects.get(slug="jose-nunez")

    assert (mara.name, jose.name) == ("Mara Quill", "José Núñez")
    assert mara.bio == ""
    assert ImportedItem.objects.get(kind="author", key="1").details["email"] == (
        "mara@ledger.example.org"
    )
    assert list(article("council-budget").authors.all()) == [jose]


def test_categories_become_sections_a_subcategory_saying_where_it_was(imported):
    town = Section.objects.get(slug="town")
    council = Section.objects.get(slug="council")

    assert town.name == "Town & Country"
    assert town.description == "All about the town."
    assert council.description == "Part of Town & Country."
    # In several categories: the first one's section, the others as tags.
    ferry = article("ferry-timetable")
    assert ferry.section == council
    assert set(ferry.tags.values_list("name", flat=True)) == {"Ferries", "Town & Country"}
    assert list(article("council-budget").tags.values_list("slug", flat=True)) == ["budget"]


# Posts and pages


def test_each_post_status_becomes_ours_and_the_bin_and_auto_drafts_stay_out(imported):
    states = dict(Article.objects.values_list("slug", "status"))

    assert states == {
        "ferry-timetable": "published",
        "council-budget": "published",
        "regatta": "published",
        "draft-about-the-bridge": "draft",
        "pending-review": "draft",
        "private-note": "draft",
        "members-only": "draft",  # password-protected
    }
    assert article("regatta").state == Article.State.SCHEDULED
    assert article("ferry-timetable").is_published()
    assert "1 in the trash" in imported
    assert "1 an automatic draft nobody wrote" in imported
    assert "password-protected posts imported as drafts: 1" in imported


def test_dates_come_from_the_gmt_column_as_utc(imported):
    # Its local time was 10:00 (+01:00); the GMT column says 09:00.
    assert article("council-budget").published_at == datetime(2019, 4, 2, 9, 0, tzinfo=UTC)
    assert article("council-budget").get_absolute_url() == "/2019/04/02/council-budget/"


def test_bodies_get_paragraphs_and_are_sanitised_titles_and_excerpts_read_as_text(imported):
    ferry = article("ferry-timetable")

    assert ferry.title == "Ferry timetable changes – what riders need to know"
    assert ferry.standfirst == "New times from April."
    assert ferry.body.startswith(
        "<p>The ferry company announced new times on Wednesday.<br>\nCrossings start earlier.</p>"
    )
    assert "<script" not in ferry.body
    assert "<p>See you on the water.</p>" in ferry.body
    assert "Ünïcödé text: 東京, القاهرة, Zürich." in article("council-budget").body


def test_captions_become_figures_and_other_shortcodes_are_kept_and_reported(imported):
    ferry = article("ferry-timetable")

    assert "<figcaption>The pier, seen from the water</figcaption></figure>" in ferry.body
    assert '<p>[gallery ids="20,21"]</p>' in ferry.body
    assert "Shortcodes kept as text: [gallery] ×1 (WordPress posts 10)" in imported


def test_inline_images_are_copied_into_the_library_and_served_responsive(imported):
    image = LibraryImage.objects.get()
    ferry = article("ferry-timetable")

    # The resized copy and the original are one image, under its new site-relative address.
    assert ferry.body.count(f'src="{image.address}"') == 2
    assert image.address.startswith("/media/library/")
    assert image.alt == "The pier at dawn"
    assert "wp-content/uploads/2019/03/pier" not in ferry.body
    html = body_for_readers(ferry.body)
    assert 'srcset="' in html
    assert ".w960.jpg 960w" in html


def test_a_missing_media_file_is_reported_and_its_image_left_as_it_was(imported):
    assert "Media files not found: 1 (2019/03/lost.jpg)" in imported
    assert (
        'src="https://ledger.example.org/wp-content/uploads/2019/03/lost.jpg"'
        in article("ferry-timetable").body
    )


def test_the_featured_image_comes_from_the_thumbnail_attachment_with_renditions(imported):
    ferry = article("ferry-timetable")

    assert ferry.image.name.startswith("articles/")
    assert (ferry.image_width, ferry.image_height) == (1200, 800)
    assert ferry.image_alt == "Pier at dawn"
    assert ".w960.jpg 960w" in ferry.image_srcset
    assert ferry.image.storage.exists(ferry.image_srcset.split()[0].removeprefix("/media/"))


def test_published_pages_become_static_pages_drafts_do_not(imported):
    page = Page.objects.get()

    assert (page.title, page.slug) == ("About the Ledger", "about-us")
    assert page.body == "<p>We report on the town.</p>\n<p>Write to us.</p>"
    assert "1 not public (static pages here always are)" in imported
    assert "1 on static pages (ewview's pages take none)" in imported


# Comments


def test_comments_keep_their_threading_author_address_ip_and_date(imported):
    thread = comment_by("Zoë Ærø").thread_id
    top, reply, reply_to_reply = Comment.objects.filter(thread_id=thread).order_by("order")

    assert (top.user_name, reply.user_name, reply_to_reply.user_name) == (
        "Regular Reader",
        "Zoë Ærø",
        "Regular Reader",
    )
    assert (top.level, reply.level, reply_to_reply.level) == (0, 1, 2)
    assert reply.parent_id == top.pk and reply_to_reply.parent_id == reply.pk
    assert top.nested_count == 2
    assert top.user_url == "https://regular.example.net"
    assert top.ip_address == "198.51.100.7"
    assert reply.ip_address == "2001:db8::5"
    assert top.submit_date == datetime(2019, 3, 14, 10, 0, tzinfo=UTC)
    # WordPress's links in a comment become text with the address, in our plain-text comments.
    assert (
        reply.comment
        == "Not for the night shift, sadly. The times (https://ferry.example.com/times)"
    )


def test_comment_states_public_held_spam_and_the_bin_left_out(imported):
    assert comment_by("Early Bird").is_public
    walter = comment_by("Waiting Walter")
    assert (walter.is_public, walter.is_spam) == (False, False)
    assert walter.held_reasons == ["imported: waiting for moderation on WordPress"]
    spam = comment_by("Cheap Pills")
    assert (spam.is_public, spam.is_spam) == (False, True)
    assert not Comment.objects.filter(user_name="Binned").exists()
    # Its reply is kept, starting a thread of its own.
    assert comment_by("Orphan Reply").level == 0
    assert article("ferry-timetable").comment_count == 5


def test_the_thread_shows_on_the_article_page_in_order(imported):
    page = Client().get(article("ferry-timetable").get_absolute_url()).content.decode()

    names = ["Early Bird", "Finally! Earlier boats", "Zoë Ærø", "True, the 23:00", "Orphan Reply"]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
    assert "Waiting Walter" not in page and "Cheap Pills" not in page


def test_a_pingback_from_our_own_post_becomes_a_linkback_others_are_left_out(imported):
    linkback = Linkback.objects.get()

    assert (linkback.source.slug, linkback.target.slug) == ("council-budget", "ferry-timetable")
    assert "1 from other sites (ewview lists only its own)" in imported
    assert not Comment.objects.filter(user_name__in=["Other Blog"]).exists()


def test_imported_approved_comments_count_as_the_addresses_earlier_comments(imported):
    def reasons(email):
        return policy.hold_reasons(text="Again.", email=email, url="", ip="192.0.2.1")

    assert reasons("regular@readers.example.net") == []
    assert reasons("REGULAR@readers.example.net") == []
    # Held or spam on WordPress: not a regular commenter yet.
    assert reasons("walter@readers.example.net") == ["first comment"]
    assert reasons("pills@spam.example.com") == ["first comment"]


def test_replies_deeper_than_our_threads_join_the_deepest_level(settings, tmp_path):
    chain = "".join(comment(n, parent=n - 1 if n > 1 else 0) for n in range(1, 8))
    path = write(tmp_path, export(post(1, comments=chain)))

    run_import(path)

    levels = list(Comment.objects.order_by("submit_date").values_list("level", flat=True))
    deepest = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
    assert levels == [min(n, deepest) for n in range(7)]
    assert Comment.objects.get(comment="Comment 1.").nested_count == 6


# Running it again, and a newer export


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Article, Author, Section, Tag, Page, Comment, LibraryImage, Linkback)
    } | {"mapped": ImportedItem.objects.count()}


def test_running_the_same_import_again_changes_nothing(imported, media_dir):
    before = _counts()
    bodies = dict(Article.objects.values_list("slug", "body"))

    again = run_import(SITE, "--media-dir", str(media_dir))

    assert _counts() == before
    assert dict(Article.objects.values_list("slug", "body")) == bodies
    assert "posts: 0 new, 7 already imported" in again
    assert "comments: 0 new, 7 already imported" in again


def test_a_newer_export_adds_only_its_new_posts_and_comments(tmp_path):
    first = export(post(1, comments=comment(11) + comment(12, parent=11)))
    run_import(write(tmp_path, first, "first.xml"))
    before = _counts()

    newer = export(
        post(1, comments=comment(11) + comment(12, parent=11) + comment(13, parent=12)),
        post(2, title="Second", comments=comment(21)),
    )
    output = run_import(write(tmp_path, newer, "newer.xml"))

    after = _counts()
    assert after["Article"] == before["Article"] + 1
    assert after["Comment"] == before["Comment"] + 2
    assert "posts: 1 new, 1 already imported" in output
    assert "comments: 2 new, 2 already imported" in output
    # The new reply sits under its parent in the old thread.
    reply = Comment.objects.get(comment="Comment 13.")
    parent = Comment.objects.get(comment="Comment 12.")
    assert (reply.parent_id, reply.thread_id, reply.level) == (parent.pk, parent.thread_id, 2)
    assert Article.objects.get(slug="post-1").comment_count == 3


def test_dry_run_says_what_would_happen_and_changes_nothing(media_dir, settings):
    output = run_import(SITE, "--media-dir", str(media_dir), "--dry-run")

    assert "Would import from Lakeside Ledger:" in output
    assert "posts: 7 new, 0 already imported" in output
    assert "uploaded files: 1 new" in output
    assert "Nothing changed (dry run)." in output
    assert _counts() == dict.fromkeys(_counts(), 0)
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.jpg"))


def test_the_summary_counts_each_kind_and_what_was_left_out_and_why(imported):
    assert "Imported from Lakeside Ledger:" in imported
    for line in (
        "authors: 2 new",
        "categories: 3 new",  # with "Uncategorized" for the draft without one
        "posts: 7 new",
        "pages: 1 new",
        "comments: 7 new",
        "pingbacks between the site's own posts: 1",
        "wpcf7_contact_form items: 1 (a post type ewview has no counterpart for)",
        "1 scheduled article(s) will appear at their time",
    ):
        assert line in imported


# Nobody is emailed


@pytest.mark.django_db(transaction=True)
def test_an_import_emails_no_subscriber_commenter_or_author(
    run_tasks, smtp_inbox, media_dir, tmp_path
):
    Subscriber.objects.create(email="reader@example.org", state=Subscriber.State.ACTIVE)
    followed = export(post(3, comments=comment(31) + comment(32, parent=31)))

    run_tasks(lambda: run_import(SITE, "--media-dir", str(media_dir)))
    run_tasks(lambda: run_import(write(tmp_path, followed)))

    assert Article.objects.published().count() == 3
    assert not Article.objects.published().filter(announced_at__isnull=True).exists()
    assert not Delivery.objects.exists()
    assert smtp_inbox.messages == []
    assert mail.outbox == []


def test_a_non_latin_slug_gets_a_plain_one_and_its_old_address_redirects(tmp_path, client):
    persian = "%d8%b3%d9%84%d8%a7%d9%85"  # "سلام", as WordPress writes it in post_name and links
    run_import(write(tmp_path, export(post(7, title="سلام", slug=persian))))

    article = Article.objects.get()
    assert (article.title, article.slug) == ("سلام", "post-7")
    response = client.get(f"/2020/01/02/{persian}/")
    assert response.status_code == 301
    assert response.headers["Location"] == article.get_absolute_url()


def test_an_article_deleted_after_the_import_is_not_brought_back_or_commented(tmp_path):
    path = write(tmp_path, export(post(1, comments=comment(11))))
    run_import(path)
    Article.objects.get().delete()

    newer = export(post(1, comments=comment(11) + comment(12)))
    output = run_import(write(tmp_path, newer, "newer.xml"))

    assert not Article.objects.exists()
    assert not Comment.objects.filter(comment="Comment 12.").exists()
    assert "posts: 0 new, 1 already imported" in output


def test_links_on_the_old_host_with_www_count_as_the_sites_own(tmp_path, client):
    item = post(8, slug="harbour").replace(
        "https://times.example.org/2020/", "http://www.times.example.org/2020/"
    )
    run_import(write(tmp_path, export(item)))

    assert client.get("/2020/01/02/harbour/").status_code == 200
    assert ImportedItem.objects.get(kind="post").old_path == "/2020/01/02/harbour/"


def test_the_progress_bar_shows_only_on_a_terminal():
    class Terminal(StringIO):
        def isatty(self):
            return True

    assert "\r[" not in run_import(SITE)  # captured output is no terminal
    screen = Terminal()
    bar = ProgressBar(OutputWrapper(screen))
    bar(13, 13)
    bar.close()
    assert screen.getvalue().startswith("\r[" + "#" * 30 + "] 13/13 items")


def test_an_author_and_section_deleted_since_are_made_again_for_new_posts(tmp_path):
    run_import(write(tmp_path, export(post(1))))
    Article.objects.get().delete()
    Author.objects.get(slug="editor").delete()
    Section.objects.get(slug="news").delete()

    run_import(write(tmp_path, export(post(1), post(2)), "newer.xml"))

    article = Article.objects.get()
    assert article.slug == "post-2"
    assert article.section.slug == "news"
    assert [a.slug for a in article.authors.all()] == ["editor"]


def test_an_unreadable_image_and_files_outside_the_media_dir_are_reported_not_imported(
    tmp_path, media_dir
):
    Image.new("RGB", (10, 10)).save(tmp_path / "secret.jpg")
    (media_dir / "2019" / "03" / "broken.jpg").write_text("not an image")
    body = (
        '<img src="https://times.example.org/wp-content/uploads/../secret.jpg" alt="">\n\n'
        '<img src="https://times.example.org/wp-content/uploads//' + str(tmp_path) + '/secret.jpg">'
        '\n\n<img src="https://times.example.org/wp-content/uploads/2019/03/broken.jpg">'
    )
    output = run_import(
        write(tmp_path, export(post(1, content=body))), "--media-dir", str(media_dir)
    )

    assert not LibraryImage.objects.exists()
    assert "Media files not found: 2 (../secret.jpg, /" in output
    assert "media files: 1 not readable as images" in output
    assert Article.objects.get().body.count("wp-content/uploads") == 3


def test_documents_linked_from_a_body_are_copied_and_their_old_addresses_redirect(
    tmp_path, media_dir, settings
):
    (media_dir / "2019" / "03" / "budget report.pdf").write_bytes(b"%PDF-1.4 the budget")
    (media_dir / "2019" / "03" / "page.html").write_text("<script>alert(1)</script>")
    (media_dir / "2019" / "03" / "plan.pdf").write_bytes(b"%PDF-1.4 another document")
    Image.new("RGB", (10, 10)).save(media_dir / "2019" / "03" / "chart.png")
    uploads = "https://times.example.org/wp-content/uploads/2019/03"
    body = (
        f'<a href="{uploads}/budget%20report.pdf">the report</a>, '
        f'<a href="{uploads}/page.html">a page</a>, '
        f'<a href="{uploads}/missing.pdf">a lost file</a>, '
        f'<a href="{uploads}/plan-1x2.pdf">a lost one named like a resized copy</a> and '
        f'<img src="{uploads}/chart.png" alt="The chart">'
    )
    path = write(tmp_path, export(post(1, content=body)))

    dry = run_import(path, "--media-dir", str(media_dir), "--dry-run")
    assert not (settings.MEDIA_ROOT / "documents").exists()
    output = run_import(path, "--media-dir", str(media_dir))
    again = run_import(path, "--media-dir", str(media_dir))

    assert "uploaded files: 2 new" in dry
    assert "uploaded files: 2 new, 0 already imported" in output
    assert "Media files not found: 2 (2019/03/missing.pdf, 2019/03/plan-1x2.pdf)" in output
    body = Article.objects.get().body
    report = settings.MEDIA_ROOT / "documents" / "2019" / "03" / "budget report.pdf"
    assert report.read_bytes() == b"%PDF-1.4 the budget"
    assert '<a href="/media/documents/2019/03/budget%20report.pdf">the report</a>' in body
    # Files that could run script on our origin stay where they were, as do missing ones.
    assert f'href="{uploads}/page.html"' in body
    assert not (settings.MEDIA_ROOT / "documents" / "2019" / "03" / "page.html").exists()
    assert f'href="{uploads}/missing.pdf"' in body
    assert f'href="{uploads}/plan-1x2.pdf"' in body
    assert "wp-content/uploads/2019/03/chart.png" not in body
    assert Article.objects.get().body == body
    assert "posts: 0 new, 1 already imported" in again
    assert len(list(report.parent.iterdir())) == 1

    # Links to the old files from elsewhere lead to the copies.
    client = Client()
    old = client.get("/wp-content/uploads/2019/03/budget%20report.pdf")
    assert (old.status_code, old.headers["Location"]) == (
        301,
        "/media/documents/2019/03/budget%20report.pdf",
    )
    chart = client.get("/wp-content/uploads/2019/03/chart.png")
    assert chart.headers["Location"] == LibraryImage.objects.get().address
    assert client.get("/wp-content/uploads/2019/03/page.html").status_code == 404


def test_links_between_imported_posts_lead_to_their_new_addresses_and_are_linkbacks(tmp_path):
    links = (
        '<a href="https://times.example.org/2020/01/02/second/">the second</a>, '
        '<a href="http://www.times.example.org/?p=2#comments">its comments</a>, '
        '<a href="/category/news/">the section</a> and '
        '<a href="https://elsewhere.example.com/2020/01/02/second/">another site</a>.'
    )
    # The linking post comes first: the one it links to is not imported yet when it is.
    run_import(
        write(tmp_path, export(post(1, slug="first", content=links), post(2, slug="second")))
    )

    first, second = Article.objects.get(slug="first"), Article.objects.get(slug="second")
    address = second.get_absolute_url()
    assert f'<a href="{address}">the second</a>' in first.body
    assert f'<a href="{address}#comments">its comments</a>' in first.body
    assert '<a href="/section/news/">the section</a>' in first.body
    assert "https://elsewhere.example.com/2020/01/02/second/" in first.body
    assert [(lb.source, lb.target) for lb in Linkback.objects.all()] == [(first, second)]
    # An editor's later save keeps it: the body links the article's own address.
    first.save()
    assert Linkback.objects.filter(source=first, target=second).exists()


def test_an_import_stopped_part_way_keeps_its_batches_and_a_second_run_finishes_it(
    monkeypatch, media_dir
):
    monkeypatch.setattr(importer, "BATCH_ITEMS", 2)
    save_posts = importer._Import.save_posts
    calls = []

    def lost_connection_at_the_third_batch(self, posts):
        calls.append(len(posts))
        if len(calls) == 3:
            raise ConnectionError("database went away")
        return save_posts(self, posts)

    monkeypatch.setattr(importer._Import, "save_posts", lost_connection_at_the_third_batch)
    err = StringIO()
    with pytest.raises(ConnectionError):
        call_command("import_wordpress", str(SITE), "--media-dir", str(media_dir), stderr=err)
    assert "run the same command again to carry on" in err.getvalue()
    assert 0 < Article.objects.count() < 7

    monkeypatch.setattr(importer._Import, "save_posts", save_posts)
    output = run_import(SITE, "--media-dir", str(media_dir))

    assert Article.objects.count() == 7
    assert Comment.objects.count() == 7
    assert "posts: 0 new" not in output and "already imported" in output
    assert article("ferry-timetable").comment_count == 5
