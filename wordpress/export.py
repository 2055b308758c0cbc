"""The whole site as a WordPress eXtended RSS (WXR 1.2) file, as WordPress's Tools → Export writes
it, for WordPress's own importer (the wordpress-importer plugin) and for ours.

What goes where:
- authors → `wp:author`, login = our slug, `wp:author_id` = our pk, email = their user's;
- sections → `wp:category` (term id = pk), tags → `wp:tag` (term id = TAG_TERM_ID_OFFSET + pk);
- articles → `post` items (post id = pk): published → publish, scheduled → future, draft → draft;
  `dc:creator` is the first author of the byline, and the whole byline, in order, is in the
  `ewview_authors` postmeta (WordPress has one author per post); excerpt = standfirst; the body
  with every address made absolute, so WordPress can fetch and re-point its images;
- featured images → `attachment` items (post id = ATTACHMENT_ID_OFFSET + the article's pk) with
  the article as parent and `_thumbnail_id` on the article: title and `_wp_attachment_image_alt`
  = the description, excerpt = caption, content = credit, `_wp_attached_file` = the path under
  MEDIA_ROOT, `wp:attachment_url` absolute through SITE_URL;
- static pages → `page` items (post id = PAGE_ID_OFFSET + pk);
- images of the image library, which bodies show, → `attachment` items without a parent (post id
  = LIBRARY_ID_OFFSET + pk), described as featured images are: WordPress's importer fetches them
  and re-points the bodies' addresses to its copies;
- comments → `wp:comment` (comment id = pk, `wp:comment_parent` = the parent's pk or 0),
  approved 1 (public), 0 (held), spam, or trash (removed by a moderator);
- linkbacks → `pingback` comments on the linked article (comment id = PINGBACK_ID_OFFSET + pk).

Plain text of ours (titles, names, standfirsts, captions, comments) goes out HTML-escaped, as
WordPress keeps such fields; bodies go out as the HTML they are.

Posts, pages and attachments share WordPress's one post-id space, categories and tags its one
term-id space, comments and pingbacks its comment-id space: the fixed offsets keep every id
distinct and the same from one export to the next, so re-importing a later export matches the
earlier one item by item.

Written line by line as WordPress writes it (its importer's fallback parser reads lines), from
keyset-paged queries inside one read-only snapshot: memory stays flat whatever the site's size,
and the file is consistent even while editors work. It holds commenters' emails and IP
addresses: it is for the site's owner.
"""

import html
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TextIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import BigIntegerField, F, Prefetch
from django.db.models.functions import Cast
from django.utils import timezone
from taggit.models import Tag

from articles.html import absolute_html
from articles.models import Article, Author, LibraryImage, Page, Section
from comments.models import Comment, Linkback
from core.identity import absolute_url
from core.text import xml_safe

WXR_VERSION = "1.2"
NAMESPACES = {
    "excerpt": f"http://wordpress.org/export/{WXR_VERSION}/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": f"http://wordpress.org/export/{WXR_VERSION}/",
}
PAGE_ID_OFFSET = 1_000_000_000
ATTACHMENT_ID_OFFSET = 2_000_000_000
LIBRARY_ID_OFFSET = 3_000_000_000
TAG_TERM_ID_OFFSET = 1_000_000_000
PINGBACK_ID_OFFSET = 1_000_000_000
# Articles read per query, with their comments and linkbacks: what is held in memory at once.
CHUNK = 100
# Comments fetched per round trip while streaming an article chunk's discussions.
COMMENT_CHUNK = 2000

# WordPress's status for each of ours.
POST_STATUS = {
    Article.State.PUBLISHED: "publish",
    Article.State.SCHEDULED: "future",
    Article.State.DRAFT: "draft",
}
# WordPress's date for "not yet published" (its drafts carry it as their GMT date).
NO_DATE = "0000-00-00 00:00:00"


@dataclass
class ExportReport:
    authors: int = 0
    categories: int = 0
    tags: int = 0
    posts: int = 0
    attachments: int = 0
    pages: int = 0
    comments: int = 0
    pingbacks: int = 0


def site_export(*, out: TextIO) -> ExportReport:
    """Write every author, section, tag, article, featured image, page, comment and linkback to
    `out` as WXR 1.2; what was written, counted."""
    if connection.in_atomic_block:
        return _Exporter(out).write()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One snapshot for every query: an article saved mid-export is in or out, whole.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return _Exporter(out).write()


def post_id(obj: Article | Page) -> int:
    """The WordPress post id of an article or page in our exports."""
    return obj.pk + PAGE_ID_OFFSET if isinstance(obj, Page) else obj.pk


def attachment_id(article: Article) -> int:
    """The WordPress post id of an article's featured image in our exports."""
    return article.pk + ATTACHMENT_ID_OFFSET


def cdata(text: str) -> str:
    """`text` as CDATA, split around each "]]>" as WordPress does (wxr_cdata)."""
    return "<![CDATA[" + xml_safe(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(value) -> str:
    return escape(xml_safe(str(value)))


def _attribute(value: str) -> str:
    return escape(xml_safe(value), {'"': "&quot;"})


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else NO_DATE


def _gmt(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if moment else NO_DATE


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC))


class _Exporter:
    def __init__(self, out: TextIO):
        self.out = out
        self.report = ExportReport()
        self.article_type = ContentType.objects.get_for_model(Article)

    def line(self, indent: int, text: str) -> None:
        self.out.write("\t" * indent + text + "\n")

    def element(self, indent: int, name: str, value="", *, as_cdata: bool = False) -> None:
        self.line(indent, _element(name, value, as_cdata=as_cdata))

    def write(self) -> ExportReport:
        self._head()
        self._authors()
        self._terms()
        for articles in _keyset_chunks(_articles(), CHUNK):
            self._articles(articles)
        for page in Page.objects.order_by("pk").iterator(chunk_size=CHUNK):
            self._page(page)
        for image in LibraryImage.objects.order_by("pk").iterator(chunk_size=CHUNK):
            self._library_image(image)
        self.line(0, "</channel>")
        self.line(0, "</rss>")
        return self.report

    def _head(self) -> None:
        self.line(0, '<?xml version="1.0" encoding="UTF-8" ?>')
        self.line(0, "<!-- A WordPress eXtended RSS file: the whole site, exported by ewview. -->")
        self.line(0, "<!-- Import it in WordPress with Tools → Import → WordPress. -->")
        self.line(0, "<!-- It holds commenters' email and IP addresses: keep it private. -->")
        self.line(0, '<rss version="2.0"')
        for prefix, uri in NAMESPACES.items():
            self.line(1, f'xmlns:{prefix}="{uri}"')
        self.line(0, ">")
        self.line(0, "<channel>")
        self.element(1, "title", settings.SITE_NAME)
        self.element(1, "link", settings.SITE_URL)
        self.element(1, "description", settings.SITE_TAGLINE)
        self.element(1, "pubDate", _rfc822(timezone.now()))
        self.element(1, "language", settings.LANGUAGE_CODE)
        self.element(1, "wp:wxr_version", WXR_VERSION)
        self.element(1, "wp:base_site_url", settings.SITE_URL)
        self.element(1, "wp:base_blog_url", settings.SITE_URL)
        self.element(1, "generator", "ewview")

    def _authors(self) -> None:
        # One line each: WordPress's line-based parser reads an author only from a single line.
        for author in Author.objects.select_related("user").order_by("pk").iterator(CHUNK):
            email = author.user.email if author.user else ""
            self.line(
                1,
                "<wp:author>"
                + _element("wp:author_id", author.pk)
                + _element("wp:author_login", author.slug, as_cdata=True)
                + _element("wp:author_email", email, as_cdata=True)
                + _element("wp:author_display_name", _html(author.name), as_cdata=True)
                + _element("wp:author_first_name", "", as_cdata=True)
                + _element("wp:author_last_name", "", as_cdata=True)
                + "</wp:author>",
            )
            self.report.authors += 1

    def _terms(self) -> None:
        for section in Section.objects.order_by("pk").iterator(CHUNK):
            self.line(
                1,
                "<wp:category>"
                + _element("wp:term_id", section.pk)
                + _element("wp:category_nicename", section.slug, as_cdata=True)
                + _element("wp:category_parent", "", as_cdata=True)
                + _element("wp:cat_name", _html(section.name), as_cdata=True)
                + _element("wp:category_description", _html(section.description), as_cdata=True)
                + "</wp:category>",
            )
            self.report.categories += 1
        for tag in Tag.objects.order_by("pk").iterator(CHUNK):
            self.line(
                1,
                "<wp:tag>"
                + _element("wp:term_id", tag.pk + TAG_TERM_ID_OFFSET)
                + _element("wp:tag_slug", tag.slug, as_cdata=True)
                + _element("wp:tag_name", _html(tag.name), as_cdata=True)
                + "</wp:tag>",
            )
            self.report.tags += 1

    def _articles(self, articles: list[Article]) -> None:
        # Comments stream in article order beside the articles: a discussion of any length is
        # never held in memory whole.
        keys = [str(article.pk) for article in articles]
        comments = (
            Comment.objects.filter(content_type=self.article_type, object_pk__in=keys)
            .annotate(
                article_id=Cast("object_pk", BigIntegerField()),
                # The commenter's author id, if they write here: WordPress links the comment
                # to the user it makes of that author.
                commenter_author_id=F("user__author_profile__pk"),
            )
            .order_by("article_id", "pk")
            .iterator(chunk_size=COMMENT_CHUNK)
        )
        threads = itertools.groupby(comments, key=lambda comment: comment.article_id)
        linkbacks = _grouped(
            Linkback.objects.filter(target__in=articles, source__in=Article.objects.published())
            .select_related("source")
            .order_by("pk"),
            key=lambda linkback: linkback.target_id,
        )
        thread = next(threads, None)
        for article in articles:
            if thread is not None and thread[0] == article.pk:
                self._article(article, thread[1], linkbacks[article.pk])
                thread = next(threads, None)
            else:
                self._article(article, (), linkbacks[article.pk])
            if article.image:
                self._attachment(article)

    def _article(
        self, article: Article, comments: Iterable[Comment], linkbacks: list[Linkback]
    ) -> None:
        authors = list(article.authors.all())
        state = article.state
        published = article.published_at if state != Article.State.DRAFT else None
        url = absolute_url(article.get_absolute_url()) if published else _post_link(article)
        self.line(1, "<item>")
        self.element(2, "title", _html(article.title), as_cdata=True)
        self.element(2, "link", url)
        self.element(2, "pubDate", _rfc822(article.published_at or article.created_at))
        self.element(2, "dc:creator", authors[0].slug if authors else "", as_cdata=True)
        self.line(2, f'<guid isPermaLink="false">{_text(_post_link(article))}</guid>')
        self.element(2, "description")
        self.element(2, "content:encoded", absolute_html(article.body, base_url=url), as_cdata=True)
        self.element(2, "excerpt:encoded", _html(article.standfirst), as_cdata=True)
        self._post_fields(
            post_id=post_id(article),
            date=article.published_at or article.created_at,
            date_gmt=published,
            modified=article.updated_at,
            comment_status="open" if article.comments_open else "closed",
            name=article.slug,
            status=POST_STATUS[state],
            post_type="post",
        )
        if article.section_id:
            section = article.section
            self._term("category", section.slug, _html(section.name))
        for tag in article.tags.all():
            self._term("post_tag", tag.slug, _html(tag.name))
        if article.image:
            self._meta("_thumbnail_id", str(attachment_id(article)))
        if len(authors) > 1:
            self._meta("ewview_authors", ",".join(author.slug for author in authors))
        for comment in comments:
            self._comment(comment)
        for linkback in linkbacks:
            self._pingback(linkback)
        self.line(1, "</item>")
        self.report.posts += 1

    def _attachment(self, article: Article) -> None:
        authors = list(article.authors.all())
        self._attachment_item(
            attachment_id=attachment_id(article),
            parent=post_id(article),
            fieldfile=article.image,
            alt=article.image_alt,
            caption=article.image_caption,
            credit=article.image_credit,
            date=article.published_at or article.created_at,
            modified=article.updated_at,
            creator=authors[0].slug if authors else "",
            name=f"{article.slug}-image",
        )

    def _library_image(self, image: LibraryImage) -> None:
        # WordPress fetches each attachment and re-points the bodies that show it.
        self._attachment_item(
            attachment_id=image.pk + LIBRARY_ID_OFFSET,
            parent=0,
            fieldfile=image.file,
            alt=image.alt,
            caption=image.caption,
            credit=image.credit,
            date=image.created_at,
            modified=image.created_at,
            creator="",
            name=f"library-{image.pk}",
        )

    def _attachment_item(
        self,
        *,
        attachment_id: int,
        parent: int,
        fieldfile,
        alt: str,
        caption: str,
        credit: str,
        date: datetime,
        modified: datetime,
        creator: str,
        name: str,
    ) -> None:
        url = absolute_url(fieldfile.url)
        self.line(1, "<item>")
        self.element(2, "title", _html(alt or _stem(fieldfile.name)), as_cdata=True)
        self.element(2, "link", f"{settings.SITE_URL}/?attachment_id={attachment_id}")
        self.element(2, "pubDate", _rfc822(date))
        self.element(2, "dc:creator", creator, as_cdata=True)
        self.line(2, f'<guid isPermaLink="false">{_text(url)}</guid>')
        self.element(2, "description")
        self.element(2, "content:encoded", _html(credit), as_cdata=True)
        self.element(2, "excerpt:encoded", _html(caption), as_cdata=True)
        self._post_fields(
            post_id=attachment_id,
            date=date,
            date_gmt=date,
            modified=modified,
            comment_status="closed",
            name=name,
            status="inherit",
            post_type="attachment",
            parent=parent,
        )
        self.element(2, "wp:attachment_url", url, as_cdata=True)
        self._meta("_wp_attached_file", fieldfile.name)
        if alt:
            self._meta("_wp_attachment_image_alt", alt)
        self.line(1, "</item>")
        self.report.attachments += 1

    def _page(self, page: Page) -> None:
        self.line(1, "<item>")
        self.element(2, "title", _html(page.title), as_cdata=True)
        url = absolute_url(page.get_absolute_url())
        self.element(2, "link", url)
        self.element(2, "pubDate", _rfc822(page.updated_at))
        # Pages have no author here; WordPress gives them to whoever runs its import.
        self.element(2, "dc:creator", "", as_cdata=True)
        link = f"{settings.SITE_URL}/?page_id={post_id(page)}"
        self.line(2, f'<guid isPermaLink="false">{_text(link)}</guid>')
        self.element(2, "description")
        self.element(2, "content:encoded", absolute_html(page.body, base_url=url), as_cdata=True)
        self.element(2, "excerpt:encoded", "", as_cdata=True)
        self._post_fields(
            post_id=post_id(page),
            date=page.updated_at,
            date_gmt=page.updated_at,
            modified=page.updated_at,
            comment_status="closed",
            name=page.slug,
            status="publish",
            post_type="page",
        )
        self.line(1, "</item>")
        self.report.pages += 1

    def _post_fields(
        self,
        *,
        post_id: int,
        date: datetime,
        date_gmt: datetime | None,
        modified: datetime,
        comment_status: str,
        name: str,
        status: str,
        post_type: str,
        parent: int = 0,
    ) -> None:
        # In WordPress's order: its line-based parser finds `wp:post_date` before
        # `wp:post_date_gmt` only because the former comes first.
        self.element(2, "wp:post_id", post_id)
        self.element(2, "wp:post_date", _local(date), as_cdata=True)
        self.element(2, "wp:post_date_gmt", _gmt(date_gmt), as_cdata=True)
        self.element(2, "wp:post_modified", _local(modified), as_cdata=True)
        self.element(2, "wp:post_modified_gmt", _gmt(modified), as_cdata=True)
        self.element(2, "wp:comment_status", comment_status, as_cdata=True)
        self.element(2, "wp:ping_status", "closed", as_cdata=True)
        self.element(2, "wp:post_name", name, as_cdata=True)
        self.element(2, "wp:status", status, as_cdata=True)
        self.element(2, "wp:post_parent", parent)
        self.element(2, "wp:menu_order", 0)
        self.element(2, "wp:post_type", post_type, as_cdata=True)
        self.element(2, "wp:post_password", "", as_cdata=True)
        self.element(2, "wp:is_sticky", 0)

    def _term(self, domain: str, slug: str, name: str) -> None:
        self.line(
            2, f'<category domain="{domain}" nicename="{_attribute(slug)}">{cdata(name)}</category>'
        )

    def _meta(self, key: str, value: str) -> None:
        self.line(2, "<wp:postmeta>")
        self.element(3, "wp:meta_key", key, as_cdata=True)
        self.element(3, "wp:meta_value", value, as_cdata=True)
        self.line(2, "</wp:postmeta>")

    def _comment(self, comment: Comment) -> None:
        # django-comments-xtd makes a thread's first comment its own parent.
        parent = comment.parent_id if comment.parent_id != comment.pk else 0
        self._comment_fields(
            comment_id=comment.pk,
            author=comment.user_name,
            email=comment.user_email,
            url=comment.user_url,
            ip=comment.ip_address or "",
            date=comment.submit_date,
            content=comment.comment,
            approved=_approved(comment),
            comment_type="comment",
            parent=parent,
            user_id=comment.commenter_author_id or 0,
        )
        self.report.comments += 1

    def _pingback(self, linkback: Linkback) -> None:
        source = linkback.source
        self._comment_fields(
            comment_id=linkback.pk + PINGBACK_ID_OFFSET,
            author=source.title,
            email="",
            url=absolute_url(source.get_absolute_url()),
            ip="",
            date=linkback.created_at,
            content=source.standfirst or source.title,
            approved="1",
            comment_type="pingback",
            parent=0,
            user_id=0,
        )
        self.report.pingbacks += 1

    def _comment_fields(
        self,
        *,
        comment_id: int,
        author: str,
        email: str,
        url: str,
        ip: str,
        date: datetime,
        content: str,
        approved: str,
        comment_type: str,
        parent: int,
        user_id: int,
    ) -> None:
        self.line(2, "<wp:comment>")
        self.element(3, "wp:comment_id", comment_id)
        self.element(3, "wp:comment_author", _html(author), as_cdata=True)
        self.element(3, "wp:comment_author_email", email, as_cdata=True)
        self.element(3, "wp:comment_author_url", url, as_cdata=True)
        self.element(3, "wp:comment_author_IP", ip, as_cdata=True)
        self.element(3, "wp:comment_date", _local(date), as_cdata=True)
        self.element(3, "wp:comment_date_gmt", _gmt(date), as_cdata=True)
        self.element(3, "wp:comment_content", _html(content), as_cdata=True)
        self.element(3, "wp:comment_approved", approved, as_cdata=True)
        self.element(3, "wp:comment_type", comment_type, as_cdata=True)
        self.element(3, "wp:comment_parent", parent)
        self.element(3, "wp:comment_user_id", user_id)
        self.line(2, "</wp:comment>")


def _element(name: str, value="", *, as_cdata: bool = False) -> str:
    inner = cdata(str(value)) if as_cdata else _text(value)
    return f"<{name}>{inner}</{name}>"


def _html(text: str) -> str:
    """Our plain text (titles, names, standfirsts, comments) as the HTML WordPress keeps in those
    fields: it shows them unescaped, and its importers, ours too, unescape them."""
    return html.escape(text, quote=False)


def _stem(name: str) -> str:
    """A file's name without folder or extension, as WordPress titles an upload by default."""
    return name.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _post_link(article: Article) -> str:
    """WordPress's address of a post by id, which always works (and our redirects keep)."""
    return f"{settings.SITE_URL}/?p={post_id(article)}"


def _approved(comment: Comment) -> str:
    if comment.is_spam:
        return "spam"
    if comment.is_removed:
        return "trash"
    return "1" if comment.is_public else "0"


def _articles():
    return (
        Article.objects.select_related("section")
        .prefetch_related("tags", Prefetch("authors", queryset=Author.objects.order_by("name")))
        .order_by("pk")
    )


def _keyset_chunks(queryset, size: int) -> Iterator[list]:
    """The queryset (ordered by pk) in lists of `size`, each read by its own query after the
    last pk of the one before: no offset scans, no cursor held open."""
    last = 0
    while chunk := list(queryset.filter(pk__gt=last)[:size]):
        yield chunk
        last = chunk[-1].pk


def _grouped(rows: Iterable, *, key) -> defaultdict:
    groups = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return groups
