"""The thread under an article, as a reader sees it."""

import hashlib
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.display import AVATAR_CLASSES
from comments.models import Comment
from tests.comments.thread_html import rendered_comments
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def page(client, article, **params) -> str:
    response = client.get(article.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def heading(html: str) -> str:
    return re.search(r'<h2 id="comments-title"[^>]*>(.*?)</h2>', html, re.S).group(1).strip()


def reply_chain(root, depth: int) -> list[Comment]:
    """`root` and `depth` replies, each answering the one before."""
    chain = [root]
    for _ in range(depth):
        chain.append(CommentFactory(parent=chain[-1]))
    return chain


# Heading


def test_heading_says_no_comments_yet_without_comments(client, article):
    assert heading(page(client, article)) == "No comments yet"


def test_heading_says_one_thought_for_a_single_comment(client, article):
    CommentFactory(content_object=article)

    assert heading(page(client, article)) == "One thought on “Talks resume”"


def test_heading_counts_replies_among_the_thoughts(client, article):
    root = CommentFactory(content_object=article)
    CommentFactory(parent=root)
    CommentFactory(content_object=article)

    assert heading(page(client, article)) == "3 thoughts on “Talks resume”"


def test_held_spam_and_removed_comments_are_neither_counted_nor_shown(client, article):
    shown = CommentFactory(content_object=article, comment="Visible words.")
    CommentFactory(content_object=article, is_public=False, comment="Held words.")
    CommentFactory(content_object=article, is_public=False, is_spam=True, comment="Spam words.")
    CommentFactory(content_object=article, is_removed=True, comment="Removed words.")

    html = page(client, article)

    assert heading(html) == "One thought on “Talks resume”"
    assert list(rendered_comments(html)) == [shown.pk]
    for hidden in ("Held words.", "Spam words.", "Removed words."):
        assert hidden not in html


# Numbering and nesting


def test_top_level_comments_are_numbered_oldest_first(client, article):
    first, second, third = (CommentFactory(content_object=article) for _ in range(3))

    comments = rendered_comments(page(client, article))

    assert list(comments) == [first.pk, second.pk, third.pk]
    assert [c.number for c in comments.values()] == ["1.", "2.", "3."]


def test_replies_are_nested_under_their_parents_and_not_numbered(client, article):
    first = CommentFactory(content_object=article)
    second = CommentFactory(content_object=article)
    reply = CommentFactory(parent=first)
    reply_to_reply = CommentFactory(parent=reply)

    comments = rendered_comments(page(client, article))

    assert comments[reply.pk].parent == first.pk
    assert comments[reply_to_reply.pk].parent == reply.pk
    assert comments[reply.pk].in_children_list and comments[reply_to_reply.pk].in_children_list
    assert comments[second.pk].parent is None and comments[second.pk].number == "2."
    assert comments[reply.pk].number == ""


def test_a_later_reply_to_an_early_comment_stays_in_that_thread(client, article):
    first = CommentFactory(content_object=article)
    second = CommentFactory(content_object=article)
    late_reply = CommentFactory(parent=first)

    comments = rendered_comments(page(client, article))

    assert list(comments) == [first.pk, late_reply.pk, second.pk]


def test_comments_deeper_than_the_limit_offer_no_reply_link(client, article):
    root = CommentFactory(content_object=article)
    chain = reply_chain(root, 3)  # levels 0..3: the default depth of four

    html = page(client, article)

    for comment in chain[:3]:
        assert f'href="/comments/reply/{comment.pk}/"' in html
    assert f'href="/comments/reply/{chain[3].pk}/"' not in html


def test_a_reply_to_the_deepest_level_joins_its_parents_thread(
    client, article, post_data, run_tasks
):
    deepest = reply_chain(CommentFactory(content_object=article), 3)[-1]
    # A moderator, whose comment is published at once: other staff are held like anyone.
    moderator = UserFactory(is_staff=True)
    moderator.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="change_comment")
    )
    client.force_login(moderator)

    data = post_data(article, name="", email="", comment="Deeper still.", reply_to=deepest.pk)
    run_tasks(lambda: client.post("/comments/post/", data))

    reply = Comment.objects.get(comment="Deeper still.")
    assert reply.parent_id == deepest.parent_id
    assert reply.level == deepest.level
    assert rendered_comments(page(client, article))[reply.pk].parent == deepest.parent_id


# One comment


def test_name_links_to_the_commenters_website_marked_as_user_content(client, article):
    CommentFactory(content_object=article, user_name="Rana", user_url="https://rana.example/")

    html = page(client, article)

    link = re.search(r'<a href="https://rana.example/"[^>]*>Rana</a>', html).group(0)
    assert re.search(r'rel="[^"]*nofollow ugc', link)


def test_name_without_website_is_plain_text(client, article):
    CommentFactory(content_object=article, user_name="Rana", user_url="")

    assert '<span class="comment-author">Rana</span>' in page(client, article)


def test_avatar_is_initials_by_default_and_the_page_asks_nothing_of_gravatar(client, article):
    CommentFactory(content_object=article, user_name="Rana Haddad")

    html = page(client, article)

    assert re.search(r'<span class="avatar avatar-[0-6]" aria-hidden="true">RH</span>', html)
    assert "gravatar.com" not in html


def test_avatar_colour_is_a_class_not_an_inline_style(client, article):
    """A strict Content-Security-Policy refuses style attributes."""
    for n in range(20):
        CommentFactory(content_object=article, user_email=f"reader{n}@example.org")

    html = page(client, article)

    avatars = re.findall(r'<span class="avatar( avatar-\d)?"[^>]*>', html)
    assert len(avatars) == 20 and all(avatars)
    assert len(set(avatars)) > 1  # the colour follows the address
    thread = html[html.index('<section id="comments"') :]
    assert "style=" not in thread


def contrast_with_white(hex_colour: str) -> float:
    """WCAG 2 contrast ratio of white text on `hex_colour`."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return 1.05 / (luminance + 0.05)


def test_every_avatar_colour_keeps_white_initials_readable():
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    colours = dict(re.findall(r"\.(avatar-\d+) \{ background: (#[0-9a-fA-F]{6}); \}", css))

    for class_name in AVATAR_CLASSES:
        assert class_name.split()[0] == "avatar"
        colour = colours[class_name.split()[1]]
        assert contrast_with_white(colour) >= 4.5, (class_name, colour)


def test_avatar_comes_from_gravatar_when_the_site_chooses_it(client, article, settings):
    settings.COMMENTS_AVATARS = "gravatar"
    CommentFactory(content_object=article, user_email="Rana@Example.org ")

    html = page(client, article)

    # Gravatar's address is the MD5 of the trimmed, lower-cased email.
    digest = hashlib.md5(b"rana@example.org").hexdigest()
    assert f'<img class="avatar" src="https://www.gravatar.com/avatar/{digest}?' in html


def test_date_and_time_are_shown_in_the_sites_time_zone(client, article, settings):
    settings.TIME_ZONE = "Europe/London"
    CommentFactory(content_object=article, submit_date=datetime(2025, 7, 1, 23, 30, tzinfo=UTC))

    html = page(client, article)

    assert "2 July 2025, 00:30" in html
    assert 'datetime="2025-07-02T00:30:00+01:00"' in html


def test_each_comment_has_a_permalink_anchor(client, article):
    comment = CommentFactory(content_object=article)

    html = page(client, article)

    assert f'id="c{comment.pk}"' in html
    assert f'class="comment-permalink" href="#c{comment.pk}"' in html


def test_each_comment_has_a_subject_line_and_a_reply_link(client, article):
    comment = CommentFactory(content_object=article)

    html = page(client, article)

    assert "Re: Talks resume" in html
    assert re.search(
        rf'<a class="comment-reply" href="/comments/reply/{comment.pk}/"[^>]*>'
        r"Reply to this comment</a>",
        html,
    )


def test_comment_text_is_escaped_with_line_breaks_kept(client, article):
    CommentFactory(content_object=article, comment="Tom & <b>Jerry</b>\nsecond line")

    html = page(client, article)

    assert "Tom &amp; &lt;b&gt;Jerry&lt;/b&gt;<br>second line" in html
    assert "<b>Jerry</b>" not in html


def test_urls_in_comment_text_become_links_marked_as_user_content(client, article):
    CommentFactory(content_object=article, comment="See https://news.example/story for more")

    html = page(client, article)

    assert '<a href="https://news.example/story" rel="nofollow ugc">' in html


# Queries


def build_deep_threads(article, *, threads: int) -> None:
    """Threads of ten comments each, reaching the deepest level."""
    for _ in range(threads):
        root = CommentFactory(content_object=article)
        chain = reply_chain(root, 3)
        for parent in chain[:3]:
            CommentFactory(parent=parent)
            CommentFactory(parent=parent)


def count_queries(client, article) -> int:
    cache.clear()  # the same cached fragments (section nav, recent articles) for both pages
    with CaptureQueriesContext(connection) as queries:
        page(client, article)
    return len(queries)


def test_article_page_queries_do_not_grow_with_200_comments_in_deep_threads(client):
    small, large = ArticleFactory(), ArticleFactory()
    root = CommentFactory(content_object=small)
    CommentFactory(parent=root)
    build_deep_threads(large, threads=20)
    assert Comment.objects.filter(object_pk=str(large.pk)).count() == 200

    assert count_queries(client, large) == count_queries(client, small)


# Long threads


@pytest.fixture
def seven_threads(article, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 3
    return [CommentFactory(content_object=article) for _ in range(7)]


def test_first_page_shows_the_first_threads_and_a_link_to_newer_comments(
    client, article, seven_threads
):
    html = page(client, article)

    comments = rendered_comments(html)
    assert list(comments) == [c.pk for c in seven_threads[:3]]
    # Threads run oldest first: the next page holds newer ones, and the link says so.
    assert re.search(
        r'<a href="\?cpage=2#comments" rel="next" data-newer-comments>Newer comments</a>', html
    )
    assert "Older comments" not in html


def test_a_middle_page_links_to_older_comments_above_and_newer_comments_below(
    client, article, seven_threads
):
    html = page(client, article, cpage=2)

    older = re.search(r'<a href="\?cpage=1#comments">Older comments</a>', html)
    newer = re.search(r'<a href="\?cpage=3#comments"[^>]*>Newer comments</a>', html)
    first_comment = html.index(f'id="c{seven_threads[3].pk}"')
    last_comment = html.index(f'id="c{seven_threads[5].pk}"')
    assert older and newer
    assert older.start() < first_comment < last_comment < newer.start()
    # Their threads are indeed older and newer than this page's.
    assert seven_threads[2].submit_date < seven_threads[3].submit_date
    assert seven_threads[5].submit_date < seven_threads[6].submit_date


def test_second_page_continues_the_numbering(client, article, seven_threads):
    comments = rendered_comments(page(client, article, cpage=2))

    assert list(comments) == [c.pk for c in seven_threads[3:6]]
    assert [c.number for c in comments.values()] == ["4.", "5.", "6."]


def test_last_page_has_no_link_to_more(client, article, seven_threads):
    html = page(client, article, cpage=3)

    comments = rendered_comments(html)
    assert list(comments) == [seven_threads[6].pk]
    assert comments[seven_threads[6].pk].number == "7."
    assert "Newer comments" not in html
    assert "data-newer-comments" not in html
    assert re.search(r'<a href="\?cpage=2#comments">Older comments</a>', html)


def test_heading_counts_every_public_comment_not_just_this_page(client, article, seven_threads):
    CommentFactory(parent=seven_threads[0])

    assert heading(page(client, article, cpage=3)) == "8 thoughts on “Talks resume”"


def test_a_nonsense_page_number_shows_the_first_page(client, article, seven_threads):
    comments = rendered_comments(page(client, article, cpage="x"))

    assert list(comments) == [c.pk for c in seven_threads[:3]]


@pytest.mark.parametrize(
    "cpage", ["-3", "0", "abc", "1e400", "999999999999999999", "99999999999999999999999"]
)
def test_a_typed_page_number_out_of_any_range_shows_the_first_page(
    client, article, seven_threads, cpage
):
    comments = rendered_comments(page(client, article, cpage=cpage))

    assert list(comments) == [c.pk for c in seven_threads[:3]]


def test_a_huge_page_number_shows_the_first_page_at_the_default_page_size(client, article):
    comment = CommentFactory(content_object=article)

    assert list(rendered_comments(page(client, article, cpage="999999999999999999"))) == [
        comment.pk
    ]


def test_a_page_past_the_last_shows_the_first_page(client, article, seven_threads):
    comments = rendered_comments(page(client, article, cpage=99))

    assert list(comments) == [c.pk for c in seven_threads[:3]]


def test_permalinks_on_a_later_page_keep_its_page_number(client, article, seven_threads):
    html = page(client, article, cpage=2)

    first_on_page = seven_threads[3]
    assert f'class="comment-permalink" href="?cpage=2#c{first_on_page.pk}"' in html


def test_permalink_of_a_reply_on_a_later_page_lands_on_it(client, article, seven_threads):
    reply = CommentFactory(parent=seven_threads[6])

    url = reply.get_absolute_url()

    assert url == f"{article.get_absolute_url()}?cpage=3#c{reply.pk}"
    path, _, anchor = url.partition("#")
    assert f'id="{anchor}"' in client.get(path).content.decode()


def test_permalink_of_a_comment_on_the_first_page_has_no_page_number(
    client, article, seven_threads
):
    assert seven_threads[0].get_absolute_url() == (
        f"{article.get_absolute_url()}#c{seven_threads[0].pk}"
    )


# Replying without JavaScript


def test_reply_page_shows_the_comment_and_a_form_replying_to_it(client, article):
    parent = CommentFactory(content_object=article, user_name="Rana", comment="Original point.")

    response = client.get(f"/comments/reply/{parent.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Reply to Rana" in html and "Original point." in html
    assert f'name="reply_to" value="{parent.pk}"' in html


def test_reply_page_of_a_deepest_comment_leads_to_its_parents(client, article):
    chain = reply_chain(CommentFactory(content_object=article), 3)

    response = client.get(f"/comments/reply/{chain[3].pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/comments/reply/{chain[2].pk}/"


def test_reply_page_on_an_article_closed_to_comments_offers_no_form(client, article):
    parent = CommentFactory(content_object=article)
    article.comments_open = False
    article.save()

    response = client.get(f"/comments/reply/{parent.pk}/", follow=True)

    html = response.content.decode()
    assert 'name="comment"' not in html
    assert "Comments are closed." in html


def test_reply_page_of_a_held_comment_is_not_found(client, article):
    held = CommentFactory(content_object=article, is_public=False)

    assert client.get(f"/comments/reply/{held.pk}/").status_code == 404


def test_reply_posted_from_the_reply_page_is_nested_under_its_parent(
    client, article, post_data, run_tasks
):
    parent = CommentFactory(content_object=article)
    user = UserFactory(email="omar@example.org")
    CommentFactory(content_object=ArticleFactory(), user_email="omar@example.org")  # approved
    client.force_login(user)

    data = post_data(article, name="", email="", comment="My answer.", reply_to=parent.pk)
    response = run_tasks(lambda: client.post("/comments/post/", data))

    reply = Comment.objects.get(comment="My answer.")
    assert response.status_code == 302 and reply.is_public
    comments = rendered_comments(page(client, article))
    assert comments[reply.pk].parent == parent.pk
    assert comments[reply.pk].in_children_list


def test_the_form_asks_for_name_email_website_and_comment(client):
    article = ArticleFactory()

    page = client.get(article.get_absolute_url()).content.decode()

    for label in ("Name", "Email", "Website", "Comment"):
        assert f'>{label} <span class="required"' in page or f">{label}</label>" in page


class _FormFields(HTMLParser):
    """Each element's id and aria-describedby inside the page's comment form."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.ids: dict[str, str] = {}  # id -> tag
        self.described: dict[str, list[str]] = {}  # field name -> ids describing it

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "comment-form" in (attrs.get("class") or ""):
            self.in_form = True
        if not self.in_form:
            return
        if attrs.get("id"):
            self.ids[attrs["id"]] = tag
        if attrs.get("aria-describedby"):
            self.described[attrs["name"]] = attrs["aria-describedby"].split()

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def form_fields(html: str) -> _FormFields:
    parser = _FormFields()
    parser.feed(html)
    return parser


def test_each_fields_help_text_is_the_element_its_aria_describedby_names(client, article):
    form = form_fields(page(client, article))

    assert form.described == {
        "email": ["id_email_helptext"],
        "url": ["id_url_helptext"],
        "comment": ["id_comment_helptext"],
    }
    for ids in form.described.values():
        assert all(form.ids.get(i) == "small" for i in ids)


def test_a_fields_errors_are_the_element_its_aria_describedby_names(client, article, post_data):
    data = post_data(article, email="not-an-address")

    response = client.post("/comments/post/", data)

    form = form_fields(response.content.decode())
    assert form.described["email"] == ["id_email_helptext", "id_email_error"]
    for ids in form.described.values():
        assert all(i in form.ids for i in ids)
