"""Bringing a WordPress site in from its export: authors, categories, tags, posts, pages,
their images and comments, each remembered with its WordPress id (wordpress.models.ImportedItem).

How an import runs:
- The whole file is read once first, writing nothing: a malformed or truncated file stops the
  import there, with the database as it was. That pass also notes the attachments (featured
  images may be listed after the posts that use them) and counts the items for the progress bar.
- Then the items are imported in batches of `BATCH_ITEMS`, each batch in its own transaction,
  so memory and the work queued for after each commit stay flat. If something stops the import
  part-way (a lost database connection), the batches before stay; running the same command
  again resumes, because everything already imported is found by its WordPress id and left as it
  is. For the same reason a second, newer export adds only what is new.
- `dry_run` runs everything in one transaction that is rolled back, and copies no files.

What an import never does: email anyone. Imported articles are marked as announced (no
subscriber emails, scheduled ones included), and comments are written directly, not posted, so
no confirmation or follower email is sent. Imported public comments count as their addresses'
approved comments, so regular commenters are not held again as first-timers.
"""

import html
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from ipaddress import ip_address
from pathlib import Path, PurePosixPath
from typing import IO
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.text import slugify
from django_comments.models import Comment as BaseComment
from django_comments_xtd.models import XtdComment
from taggit.models import Tag, TaggedItem

from articles.cache import article_pages_changed, comment_counts_changed, published_changed
from articles.models import RESERVED_PAGE_SLUGS, Article, Author, LibraryImage, Page, Section
from articles.search import search_vectors_rebuild
from comments.counts import comment_count_refresh
from comments.display import comment_html
from comments.linkbacks import linked_article_slugs
from comments.models import Comment, Linkback

from . import wxr
from .content import body_html
from .models import ImportedItem
from .redirects import path_target, query_target

Kind = ImportedItem.Kind
BATCH_ITEMS = 100
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
# Other uploads a body may link to (reports, spreadsheets, recordings), copied to our media so the
# links outlive the old site. Never HTML, SVG or XML: served from our own origin, they could run
# script there.
DOCUMENT_EXTENSIONS = {
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt", ".csv", ".xls", ".xlsx", ".ods",
    ".ppt", ".pptx", ".odp", ".epub", ".zip", ".mp3", ".m4a", ".ogg", ".wav", ".mp4", ".m4v",
    ".webm",
}  # fmt: skip
DOCUMENTS_FOLDER = "documents"
UPLOADS = "/wp-content/uploads/"
# A resized copy WordPress made of an upload: "photo-300x200.jpg" of "photo.jpg".
_RESIZED = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
_MEDIA_ATTRIBUTE = re.compile(r'(?P<name>src|href)="(?P<url>[^"]+)"')
_IMG = re.compile(r"<img\b[^>]*>")
_HREF = re.compile(r'href="(?P<url>[^"]+)"')
HELD_ON_WORDPRESS = "imported: waiting for moderation on WordPress"
# WordPress post statuses, as ours: None means not imported (and why).
POST_STATUS = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
}
NOT_IMPORTED_STATUS = {
    "trash": "in the trash",
    "auto-draft": "an automatic draft nobody wrote",
    "inherit": "a revision",
}


@dataclass
class ImportReport:
    """What an import did, or with `dry_run` would do, per kind of thing."""

    site: str = ""
    dry_run: bool = False
    imported: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # (kind, reason) -> count
    shortcodes: Counter = field(default_factory=Counter)
    shortcode_posts: set[int] = field(default_factory=set)
    missing_media: list[str] = field(default_factory=list)
    missing_media_count: int = 0
    scheduled: int = 0
    notes: Counter = field(default_factory=Counter)

    def skip(self, kind: str, reason: str, count: int = 1) -> None:
        self.skipped[(kind, reason)] += count

    def media_missing(self, path: str) -> None:
        self.missing_media_count += 1
        if len(self.missing_media) < 20 and path not in self.missing_media:
            self.missing_media.append(path)

    def lines(self) -> list[str]:
        """The summary as lines of text, for the command and admin."""
        verb = "Would import" if self.dry_run else "Imported"
        lines = [f"{verb} from {self.site or 'the export'}:"]
        for kind in Kind:
            new, old = self.imported[kind.value], self.existing[kind.value]
            if new or old:
                lines.append(f"  {_plural(kind.label.lower())}: {new} new, {old} already imported")
        if self.imported["linkback"]:
            lines.append(f"  pingbacks between the site's own posts: {self.imported['linkback']}")
        for note, count in sorted(self.notes.items()):
            lines.append(f"  {note}: {count}")
        if self.skipped:
            lines.append("Not imported:")
            for (kind, reason), count in sorted(self.skipped.items()):
                lines.append(f"  {kind}: {count} {reason}")
        if self.scheduled:
            lines.append(
                f"{self.scheduled} scheduled article(s) will appear at their time; like every"
                " imported article they are not emailed to subscribers."
            )
        if self.shortcodes:
            codes = ", ".join(f"[{name}] ×{n}" for name, n in self.shortcodes.most_common())
            posts = ", ".join(str(pk) for pk in sorted(self.shortcode_posts)[:20])
            lines.append(f"Shortcodes kept as text: {codes} (WordPress posts {posts})")
        if self.missing_media_count:
            shown = ", ".join(self.missing_media)
            lines.append(f"Media files not found: {self.missing_media_count} ({shown})")
        return lines


def _plural(noun: str) -> str:
    return f"{noun[:-1]}ies" if noun.endswith("y") else f"{noun}s"


@dataclass
class Attachment:
    url: str
    parent: int
    title: str
    # WordPress's alternative text, caption (the excerpt) and description (the content), which
    # is where ewview's own export puts an image's credit.
    alt: str = ""
    caption: str = ""
    description: str = ""
    # The file's path under the uploads folder, as WordPress records it beside the address.
    file: str = ""


@dataclass
class Inventory:
    """What the first reading of the file found: enough to import items in any order."""

    site: wxr.Site | None = None
    items: int = 0
    attachments: dict[int, Attachment] = field(default_factory=dict)


Source = str | Path | IO[bytes]


def wordpress_import(
    *,
    source: Source,
    media_dir: Path | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import the export at `source` (raises wxr.WXRError, before writing anything, if it cannot
    be read to its end); `progress(done, total)` is called after each item."""
    inventory = export_inventory(source=source)
    report = ImportReport(site=inventory.site.title if inventory.site else "", dry_run=dry_run)
    run = _Import(inventory=inventory, media_dir=media_dir, report=report, dry_run=dry_run)
    done = 0
    if dry_run:
        with transaction.atomic():
            for batch in _batches(wxr.read(_reopen(source))):
                done = run.batch(batch, done=done, progress=progress)
            run.finish()
            transaction.set_rollback(True)
        return report
    for batch in _batches(wxr.read(_reopen(source))):
        with transaction.atomic():
            done = run.batch(batch, done=done, progress=progress)
    with transaction.atomic():
        run.finish()
    return report


def export_inventory(*, source: Source) -> Inventory:
    """Read the whole export without writing anything; raises wxr.WXRError if it cannot be."""
    inventory = Inventory()
    for entry in wxr.read(_reopen(source)):
        if isinstance(entry, wxr.Site):
            inventory.site = entry
        elif isinstance(entry, wxr.Item):
            inventory.items += 1
            if entry.type == "attachment":
                inventory.attachments[entry.id] = Attachment(
                    url=entry.attachment_url,
                    parent=entry.parent,
                    title=entry.title,
                    alt=entry.meta.get("_wp_attachment_image_alt", ""),
                    caption=_plain(entry.excerpt),
                    description=_plain(entry.content),
                    file=entry.meta.get("_wp_attached_file", "").strip(),
                )
    return inventory


def _reopen(source: Source) -> Source:
    if hasattr(source, "seek"):
        source.seek(0)
    return source


def _batches(entries: Iterable[wxr.Entry]) -> Iterator[list[wxr.Entry]]:
    batch: list[wxr.Entry] = []
    items = 0
    for entry in entries:
        batch.append(entry)
        items += isinstance(entry, wxr.Item)
        if items >= BATCH_ITEMS:
            yield batch
            batch, items = [], 0
    if batch:
        yield batch


class _Import:
    """One run of an import; keeps only small maps (authors, terms by slug) between items."""

    def __init__(self, *, inventory, media_dir, report, dry_run):
        self.inventory = inventory
        self.media_dir = Path(media_dir) if media_dir else None
        self.report = report
        self.dry_run = dry_run
        self.authors: dict[str, int] = {}
        self.sections: dict[str, int] = {}
        self.tags: dict[str, Tag] = {}
        self.categories: dict[str, wxr.Category] = {}
        self.pending_linkbacks: list[tuple[str, int]] = []
        self.dry_run_files: set[str] = set()
        site = inventory.site
        links = [site.link, site.base_site_url, site.base_blog_url] if site else []
        self.old_hosts = {_host(urlsplit(link).netloc) for link in links if link}
        self.own_host = _host(urlsplit(settings.SITE_URL).netloc)
        self.article_type = ContentType.objects.get_for_model(Article)
        self.max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL

    def batch(self, entries, *, done: int, progress) -> int:
        post_ids = [str(e.id) for e in entries if isinstance(e, wxr.Item) and e.type == "post"]
        known = dict(
            ImportedItem.objects.filter(kind=Kind.POST, key__in=post_ids).values_list(
                "key", "object_id"
            )
        )
        # An article deleted since the import stays deleted, and takes no new comments.
        kept = set(Article.objects.filter(pk__in=known.values()).values_list("pk", flat=True))
        self.known_posts = {key: pk if pk in kept else None for key, pk in known.items()}
        new_posts: list[tuple[wxr.Item, Article]] = []
        for entry in entries:
            if isinstance(entry, wxr.Author):
                self.author(entry)
            elif isinstance(entry, wxr.Category):
                self.category(entry)
            elif isinstance(entry, wxr.Tag):
                self.tag(entry)
            elif isinstance(entry, wxr.Item):
                if entry.type == "post":
                    if (article := self.post(entry)) is not None:
                        new_posts.append((entry, article))
                else:
                    self.item(entry)
                done += 1
                if progress:
                    progress(done, self.inventory.items)
        self.save_posts(new_posts)
        # Pages showing what was imported are out of date once this batch commits.
        published_changed()
        return done

    def finish(self) -> None:
        """Links between imported posts made the site's own, pingbacks whose source post came
        later in the file than the post they link to, and the search index of what the batches
        wrote in bulk."""
        self.own_links()
        for source_path, target_id in self.pending_linkbacks:
            if not self._linkback(source_path, target_id):
                self.report.skip("pingbacks", "from a post that is not in the export")
        if self.report.imported[Kind.POST] or self.report.existing[Kind.POST]:
            # Also after a run that only found what an interrupted one wrote.
            search_vectors_rebuild()
        comment_counts_changed()

    def own_links(self) -> None:
        """Links in imported articles to the old site's posts, pages and archives lead to their
        new addresses (site-relative), so they work wherever the site lives, and links between
        articles show as linkbacks, as for any article linking another."""
        hosts = Q(body__contains='href="/')
        for host in self.old_hosts:
            hosts |= Q(body__icontains=host)
        imported = ImportedItem.objects.filter(kind=Kind.POST).values("object_id")
        articles = Article.objects.filter(hosts, pk__in=imported).only("pk", "slug", "body")
        found: dict[str, str | None] = {}
        for article in articles.iterator(chunk_size=200):
            body = _HREF.sub(lambda match: self._own_link(match, found), article.body)
            if body == article.body:
                continue
            Article.objects.filter(pk=article.pk).update(body=body)
            targets = Article.objects.filter(slug__in=linked_article_slugs(body)).exclude(
                pk=article.pk
            )
            Linkback.objects.bulk_create(
                [Linkback(source_id=article.pk, target=target) for target in targets],
                ignore_conflicts=True,
            )

    def _own_link(self, match: re.Match, found: dict[str, str | None]) -> str:
        url = html.unescape(match["url"])
        parts = urlsplit(url)
        if parts.netloc and _host(parts.netloc) not in self.old_hosts:
            return match[0]
        if not parts.netloc and not url.startswith("/"):
            return match[0]
        path = unquote(parts.path) or "/"
        key = f"{path}?{parts.query}"
        if key not in found:
            if path == "/" and parts.query:
                found[key] = query_target(QueryDict(parts.query))
            elif path != "/":
                found[key] = path_target(path, unchanged=True)
            else:
                found[key] = None
        if found[key] is None:
            # Nothing imported lives there. On this very site's own address (coming back from
            # an export of ours), the link is the site's own: kept site-relative, as editors'.
            if parts.netloc and _host(parts.netloc) == self.own_host:
                return f'href="{escape(urlsplit(url)._replace(scheme="", netloc="").geturl())}"'
            return match[0]
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return f'href="{escape(found[key] + fragment)}"'

    # Old addresses

    def old_path(self, link: str) -> str:
        """The path of an address on the old site, as requests will ask for it; "" otherwise."""
        parts = urlsplit(link)
        if parts.netloc and _host(parts.netloc) not in self.old_hosts:
            return ""
        path = unquote(parts.path)
        return "" if path in {"", "/"} or parts.query else path

    # Authors and terms

    def author(self, entry: wxr.Author) -> int:
        key = str(entry.id) if entry.id is not None else f"login:{entry.login}"
        found = _mapped(Kind.AUTHOR, key, Author)
        if found is not None:
            self.report.existing[Kind.AUTHOR] += 1
            self.authors[entry.login] = found
            return found
        # WordPress's author URLs use the login made into a slug, its dots made dashes: the same
        # here, so that old author pages are found at the same address.
        slug = slugify(entry.login.replace(".", "-")) or f"author-{entry.id}"
        author = Author.objects.filter(slug=slug).first()
        if author is None:
            name = html.unescape(entry.display_name or entry.login)[:150]
            author = Author.objects.create(name=name or slug, slug=slug)
        _remember(
            Kind.AUTHOR, key, author, old_path=f"/author/{slug}/",
            details={"login": entry.login, "email": entry.email},
        )  # fmt: skip
        self.report.imported[Kind.AUTHOR] += 1
        self.authors[entry.login] = author.pk
        return author.pk

    def _byline(self, item: wxr.Item) -> list[int]:
        """The post's authors: WordPress has one; ewview's own export lists a whole byline, in
        order, in `ewview_authors` (logins the export describes)."""
        logins = [login for login in item.meta.get("ewview_authors", "").split(",") if login]
        known = [login for login in logins if login in self.authors]
        return list(dict.fromkeys(self._author_for(login) for login in known or [item.creator]))

    def _author_for(self, login: str) -> int:
        if login not in self.authors:
            # Posts by someone the export lists no <wp:author> for (an export of one author's
            # posts lists only them).
            self.author(wxr.Author(id=None, login=login or "wordpress", email="", display_name=""))
        return self.authors[login]

    def category(self, entry: wxr.Category) -> int:
        self.categories.setdefault(entry.slug, entry)
        key = str(entry.term_id) if entry.term_id is not None else f"slug:{entry.slug}"
        found = _mapped(Kind.CATEGORY, key, Section)
        if found is not None:
            self.report.existing[Kind.CATEGORY] += 1
            self.sections[entry.slug] = found
            return found
        slug = slugify(unquote(entry.slug)) or f"category-{entry.term_id}"
        section = Section.objects.filter(slug=slug).first()
        if section is None:
            section = Section.objects.create(
                name=self._section_name(entry, slug),
                slug=slug,
                description=self._section_description(entry),
            )
        _remember(Kind.CATEGORY, key, section, old_path=f"/category/{self._category_path(entry)}/")
        self.report.imported[Kind.CATEGORY] += 1
        self.sections[entry.slug] = section.pk
        return section.pk

    def _section_name(self, entry: wxr.Category, slug: str) -> str:
        name = html.unescape(entry.name).strip()[:100] or slug
        if not Section.objects.filter(name=name).exists():
            return name
        # Sections are one flat list: "News" under two parents needs telling apart.
        parent = self.categories.get(entry.parent_slug)
        return f"{name} ({html.unescape(parent.name) if parent else slug})"[:100]

    def _section_description(self, entry: wxr.Category) -> str:
        # ewview's sections do not nest: a subcategory becomes a section of its own, which says
        # where it was.
        description = html.unescape(strip_tags(entry.description)).strip()
        parent = self.categories.get(entry.parent_slug)
        if parent is not None:
            note = f"Part of {html.unescape(parent.name)}."
            description = f"{description}\n\n{note}" if description else note
        return description

    def _category_path(self, entry: wxr.Category) -> str:
        slugs, seen = [unquote(entry.slug)], {entry.slug}
        parent = self.categories.get(entry.parent_slug)
        while parent is not None and parent.slug not in seen:
            slugs.insert(0, unquote(parent.slug))
            seen.add(parent.slug)
            parent = self.categories.get(parent.parent_slug)
        return "/".join(slugs)

    def _section_for(self, categories: list[tuple[str, str]]) -> int:
        for slug, name in categories:
            if slug not in self.sections:
                self.category(wxr.Category(term_id=None, slug=slug, parent_slug="", name=name))
            return self.sections[slug]
        if "uncategorized" not in self.sections:
            entry = wxr.Category(None, "uncategorized", "", "Uncategorized")
            self.category(entry)
        return self.sections["uncategorized"]

    def tag(self, entry: wxr.Tag) -> Tag:
        key = str(entry.term_id) if entry.term_id is not None else f"slug:{entry.slug}"
        if (found := _mapped(Kind.TAG, key, Tag)) is not None:
            self.report.existing[Kind.TAG] += 1
            self.tags[entry.slug] = Tag.objects.get(pk=found)
            return self.tags[entry.slug]
        name = html.unescape(entry.name).strip()[:100] or entry.slug
        slug = slugify(unquote(entry.slug)) or slugify(name) or f"tag-{entry.term_id}"
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name, slug=slug)
        _remember(Kind.TAG, key, tag, old_path=f"/tag/{unquote(entry.slug)}/")
        self.report.imported[Kind.TAG] += 1
        self.tags[entry.slug] = tag
        return tag

    def _tags_for(self, pairs: list[tuple[str, str]]) -> list[Tag]:
        return [
            self.tags.get(slug) or self.tag(wxr.Tag(term_id=None, slug=slug, name=name))
            for slug, name in pairs
        ]

    # Items

    def item(self, item: wxr.Item) -> None:
        if item.type == "post":
            self.post(item)
        elif item.type == "page":
            self.page(item)
        elif item.type == "attachment":
            self.attachment(item)
        elif item.type not in {"revision", "nav_menu_item", "customize_changeset"}:
            self.report.skip(f"{item.type} items", "(a post type ewview has no counterpart for)")

    def post(self, item: wxr.Item) -> Article | None:
        """The article for a new post, not saved yet (see save_posts); None otherwise."""
        found = self.known_posts.get(str(item.id))
        if str(item.id) in self.known_posts:
            self.report.existing[Kind.POST] += 1
            if found is not None:
                self.comments(item, article_id=found)
            return None
        if item.status in NOT_IMPORTED_STATUS or item.status not in POST_STATUS:
            reason = NOT_IMPORTED_STATUS.get(item.status, f"with status “{item.status}”")
            self.report.skip("posts", reason)
            return None
        status = POST_STATUS[item.status]
        if item.password:
            # WordPress showed it only to those with the password; here nobody, until an editor
            # decides.
            status = Article.Status.DRAFT
            self.report.notes["password-protected posts imported as drafts"] += 1
        published_at = _post_time(item) if status == Article.Status.PUBLISHED else None
        if status == Article.Status.PUBLISHED and published_at is None:
            published_at = timezone.now()
        if published_at and published_at > timezone.now():
            self.report.scheduled += 1
        article = Article(
            title=_title(item.title)[:250],
            slug=(slugify(unquote(item.name or item.title)) or f"post-{item.id}")[:90],
            section_id=self._section_for(item.categories),
            standfirst=html.unescape(strip_tags(item.excerpt)).strip(),
            body=self.body(item),
            status=status,
            published_at=published_at,
            # Back-issues are not news: no import ever emails subscribers (see the module).
            announced_at=timezone.now() if status == Article.Status.PUBLISHED else None,
            comments_open=item.comment_status == "open",
            # Its comments are all new, written below in bulk: counted here, not recounted.
            comment_count=sum(_reader_comment(c) and c.approved == "1" for c in item.comments),
        )
        self.featured_image(article, item)
        return article

    def save_posts(self, posts: list[tuple[wxr.Item, Article]]) -> None:
        """Write a batch's new articles, their authors, tags and comments in a few statements."""
        if not posts:
            return
        self._unique_slugs([article for _, article in posts])
        for _, article in posts:
            if article.image:
                self._save_with_image(article)
            else:
                article.derive_fields()
        Article.objects.bulk_create([article for _, article in posts if article.pk is None])
        through = Article.authors.through
        through.objects.bulk_create(
            [
                through(article_id=article.pk, author_id=author_id)
                for item, article in posts
                for author_id in self._byline(item)
            ]
        )
        tagged = []
        for item, article in posts:
            # A post in several categories is in the first one's section, tagged with the others.
            tags = {tag.pk: tag for tag in self._tags_for(item.tags + item.categories[1:])}
            tagged += [
                TaggedItem(tag=tag, content_type=self.article_type, object_id=article.pk)
                for tag in tags.values()
            ]
        TaggedItem.objects.bulk_create(tagged)
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(
                    kind=Kind.POST,
                    key=str(item.id),
                    old_path=self.old_path(item.link)[:500],
                    content_type=self.article_type,
                    object_id=article.pk,
                )
                for item, article in posts
            ]
        )
        self.report.imported[Kind.POST] += len(posts)
        threads, parents, articles = [], {}, {}
        for item, article in posts:
            new, item_parents = self.classify_comments(item, existing={}, article_id=article.pk)
            threads += new.values()
            parents |= item_parents
            articles |= dict.fromkeys(new, article.pk)
        created = self.new_threads(threads, parents, articles=articles)
        self._remember_comments(created)

    def _save_with_image(self, article: Article) -> None:
        """Saved one by one: the featured image's renditions are made on save."""
        try:
            with transaction.atomic():
                article.save()
        except ValidationError:
            self.report.skip("media files", "not readable as images")
            article.image = None
            article.save()

    def _unique_slugs(self, articles: list[Article]) -> None:
        taken = set(
            Article.objects.filter(slug__in=[a.slug for a in articles]).values_list(
                "slug", flat=True
            )
        )
        for article in articles:
            base, n = article.slug, 1
            while article.slug in taken or (
                n > 1 and Article.objects.filter(slug=article.slug).exists()
            ):
                n += 1
                article.slug = f"{base}-{n}"
            taken.add(article.slug)

    def page(self, item: wxr.Item) -> None:
        if _mapped(Kind.PAGE, str(item.id)) is not None:
            self.report.existing[Kind.PAGE] += 1
            return
        if item.status != "publish" or item.password:
            reason = NOT_IMPORTED_STATUS.get(
                item.status, "not public (static pages here always are)"
            )
            self.report.skip("pages", reason)
            return
        slug = _unique_slug(Page, item.name or item.title, fallback=f"page-{item.id}")
        if slug in RESERVED_PAGE_SLUGS or (slug.isdigit() and len(slug) == 4):
            slug = _unique_slug(Page, f"{slug}-page", fallback=f"page-{item.id}")
        page = Page(title=_title(item.title)[:200], slug=slug[:100], body=self.body(item))
        page.save()
        _remember(Kind.PAGE, str(item.id), page, old_path=self.old_path(item.link))
        self.report.imported[Kind.PAGE] += 1
        if comments := [c for c in item.comments if c.approved not in {"trash", "post-trashed"}]:
            self.report.skip(
                "comments", "on static pages (ewview's pages take none)", len(comments)
            )

    def attachment(self, item: wxr.Item) -> None:
        """Kept for its old page's address, which leads to the post it belonged to."""
        if _mapped(Kind.ATTACHMENT, str(item.id)) is not None:
            self.report.existing[Kind.ATTACHMENT] += 1
            return
        ImportedItem.objects.create(
            kind=Kind.ATTACHMENT,
            key=str(item.id),
            old_path=self.old_path(item.link),
            details={"parent": item.parent, "url": item.attachment_url},
        )
        self.report.imported[Kind.ATTACHMENT] += 1

    # Bodies and images

    def body(self, item: wxr.Item) -> str:
        shortcodes = Counter()
        text = body_html(item.content, unrendered=shortcodes)
        if shortcodes:
            self.report.shortcodes.update(shortcodes)
            self.report.shortcode_posts.add(item.id)
        return self.inline_images(text)

    def inline_images(self, text: str) -> str:
        """Images from the old site's uploads, copied into the image library and referred to by
        their new address (articles.body then serves them responsive); documents linked from the
        text copied to our media, so that the links outlive the old site."""
        if UPLOADS not in text:
            return text
        alts = {
            m["url"]: _attribute(tag, "alt")
            for tag in _IMG.findall(text)
            for m in _MEDIA_ATTRIBUTE.finditer(tag)
        }

        def replace(match: re.Match) -> str:
            relative = self.uploaded_path(match["url"])
            if relative is None:
                return match[0]
            extension = PurePosixPath(relative).suffix.lower()
            if extension in IMAGE_EXTENSIONS:
                address = self.library_image(relative, alt=alts.get(match["url"], ""))
            elif extension in DOCUMENT_EXTENSIONS and match["name"] == "href":
                address = self.document(relative)
            else:
                return match[0]
            return f'{match["name"]}="{address}"' if address else match[0]

        return _MEDIA_ATTRIBUTE.sub(replace, text)

    def upload_path(self, url: str) -> str | None:
        """ "2019/03/photo.jpg" for an image among the old site's uploads; None otherwise."""
        relative = self.uploaded_path(url)
        if relative is None or PurePosixPath(relative).suffix.lower() not in IMAGE_EXTENSIONS:
            return None
        return relative

    def uploaded_path(self, url: str) -> str | None:
        """ "2019/03/report.pdf" for a file among the old site's uploads; None otherwise."""
        parts = urlsplit(html.unescape(url))
        if parts.netloc and _host(parts.netloc) not in self.old_hosts:
            return None
        path = unquote(parts.path)
        if UPLOADS not in path:
            return None
        return path.split(UPLOADS, 1)[1]

    def attached_file(self, attachment: Attachment) -> str | None:
        """The recorded path of an image on the old site kept elsewhere than wp-content/uploads
        (ewview's own exports keep it under /media/)."""
        if PurePosixPath(attachment.file).suffix.lower() not in IMAGE_EXTENSIONS:
            return None
        return attachment.file

    def media_file(self, relative: str, *, resized: bool = True) -> Path | None:
        """The file under --media-dir, or (`resized`: an image's) the original of a resized
        copy; None when missing."""
        if self.media_dir is not None:
            folder = self.media_dir.resolve()
            candidates = (relative, _RESIZED.sub("", relative)) if resized else (relative,)
            for candidate in candidates:
                path = (folder / candidate.lstrip("/")).resolve()
                # The export names the file: never one outside --media-dir.
                if path.is_relative_to(folder) and path.is_file():
                    return path
        self.report.media_missing(relative)
        return None

    def library_image(self, relative: str, *, alt: str) -> str | None:
        original = _RESIZED.sub("", relative)
        mapping = ImportedItem.objects.filter(kind=Kind.FILE, key=original).first()
        if mapping is not None:
            return mapping.address
        path = self.media_file(relative)
        if path is None:
            return None
        if self.dry_run:
            self._count_once(original)
            return None
        image = LibraryImage(alt=(alt or PurePosixPath(original).stem)[:250])
        try:
            with path.open("rb") as file:
                image.file = File(file, name=path.name)
                image.save()
        except ValidationError:
            self.report.skip("media files", "not readable as images")
            return None
        _remember(Kind.FILE, original, image, old_path=UPLOADS + original, address=image.address)
        self.report.imported[Kind.FILE] += 1
        return image.address

    def _count_once(self, key: str) -> None:
        """A dry run's count of the files it would copy: each once, however many links."""
        if key not in self.dry_run_files:
            self.dry_run_files.add(key)
            self.report.imported[Kind.FILE] += 1

    def document(self, relative: str) -> str | None:
        """A document from the old site's uploads, stored as it was under our media's
        documents/ folder; its address there, or None when --media-dir lacks it."""
        mapping = ImportedItem.objects.filter(kind=Kind.FILE, key=relative).first()
        if mapping is not None:
            return mapping.address
        if len(relative) > 250:
            self.report.skip("media files", "with a path too long to keep")
            return None
        # "plan-1x2.pdf" is a name of its own, not a resized copy of "plan.pdf".
        path = self.media_file(relative, resized=False)
        if path is None:
            return None
        if self.dry_run:
            self._count_once(relative)
            return None
        # Named as it lies under --media-dir: an export's "2019/../a.pdf" is stored as "a.pdf".
        inside = path.relative_to(self.media_dir.resolve()).as_posix()
        with path.open("rb") as file:
            name = default_storage.save(f"{DOCUMENTS_FOLDER}/{inside}", File(file))
        address = default_storage.url(name)
        ImportedItem.objects.create(
            kind=Kind.FILE, key=relative, old_path=UPLOADS + relative, address=address
        )
        self.report.imported[Kind.FILE] += 1
        return address

    def featured_image(self, article: Article, item: wxr.Item) -> None:
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        attachment = self.inventory.attachments.get(int(thumbnail) if thumbnail.isdigit() else 0)
        if attachment is None:
            return
        relative = self.upload_path(attachment.url) or self.attached_file(attachment)
        path = self.media_file(relative) if relative else None
        if path is None or self.dry_run:
            return
        article.image_alt = (_plain(attachment.alt) or _title(attachment.title))[:250]
        article.image_caption = attachment.caption[:300]
        # Only a short description reads as a credit line; a long one is an essay about the image.
        if len(attachment.description) <= 150:
            article.image_credit = attachment.description
        # Read into memory: the file must stay readable until the article is saved.
        with path.open("rb") as file:
            article.image = ContentFile(file.read(), name=path.name)

    # Comments

    def comments(self, item: wxr.Item, *, article_id: int) -> None:
        """New comments on a post imported before (a newer export)."""
        if not item.comments:
            return
        existing = dict(
            ImportedItem.objects.filter(
                kind=Kind.COMMENT, key__in=[str(c.id) for c in item.comments]
            ).values_list("key", "object_id")
        )
        new, parents = self.classify_comments(item, existing=existing, article_id=article_id)
        if not new:
            return
        fresh = [c for c in new.values() if not _under_existing(c.id, parents, new)]
        replies = [c for c in new.values() if _under_existing(c.id, parents, new)]
        created = self.new_threads(fresh, parents, articles=dict.fromkeys(new, article_id))
        created |= self.replies_to_existing(replies, parents, existing, article_id=article_id)
        self._remember_comments(created)
        comment_count_refresh(article_id=article_id)
        article_pages_changed(article_ids=[article_id])

    def classify_comments(self, item: wxr.Item, *, existing: dict, article_id: int):
        """The item's comments to import, by WordPress id, and the parent each will have: a
        reply to one not imported (the bin, a pingback) joins the nearest one that is."""
        by_id = {c.id: c for c in item.comments}
        new: dict[int, wxr.Comment] = {}
        for comment in item.comments:
            if str(comment.id) in existing:
                self.report.existing[Kind.COMMENT] += 1
            elif comment.approved in {"trash", "post-trashed"}:
                self.report.skip("comments", "in the trash")
            elif comment.type in {"pingback", "trackback"}:
                self.pingback(comment, article_id=article_id)
            elif not _reader_comment(comment):
                self.report.skip("comments", f"of type “{comment.type}”")
            else:
                new[comment.id] = comment
        parents: dict[int, int] = {}
        for comment in new.values():
            parent, seen = comment.parent, set()
            while parent and parent not in new and str(parent) not in existing:
                seen.add(parent)
                parent = by_id[parent].parent if parent in by_id else 0
                if parent in seen:
                    parent = 0
            parents[comment.id] = parent
        return new, parents

    def _remember_comments(self, created: dict[int, int]) -> None:
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(
                    kind=Kind.COMMENT,
                    key=str(wp_id),
                    content_type_id=self._comment_type_id,
                    object_id=pk,
                )
                for wp_id, pk in created.items()
            ]
        )
        self.report.imported[Kind.COMMENT] += len(created)

    @property
    def _comment_type_id(self) -> int:
        return ContentType.objects.get_for_model(Comment).pk

    def _comment(self, wp: wxr.Comment, *, article_id: int) -> Comment:
        """Our comment for `wp`, not saved; its state as it was on WordPress."""
        public = wp.approved == "1"
        spam = wp.approved == "spam"
        return Comment(
            content_type_id=self.article_type.pk,
            object_pk=str(article_id),
            site_id=settings.SITE_ID,
            user_name=html.unescape(wp.author).strip()[:50] or "Anonymous",
            user_email=wp.email[:254],
            user_url=wp.url if len(wp.url) <= 200 and wp.url.startswith("http") else "",
            comment=_comment_text(wp.content),
            submit_date=_comment_time(wp),
            ip_address=_ip(wp.ip),
            is_public=public,
            is_removed=False,
            is_spam=spam,
            held_reasons=[] if public or spam else [HELD_ON_WORDPRESS],
            # Nobody is told about comments that were public years ago.
            notified_at=timezone.now() if public else None,
            followup=False,
        )

    def new_threads(self, comments, parents, *, articles: dict[int, int]) -> dict[int, int]:
        """Whole new threads, written in bulk with their threading worked out here as
        django-comments-xtd would (thread, level, order, count of replies below)."""
        if not comments:
            return {}
        ordered = sorted(comments, key=lambda c: (_comment_time(c), c.id))
        ids = {c.id for c in comments}
        # Deeper than our threads go, a reply joins its parent's own conversation (as on the
        # site, see comments.services.moderator_reply).
        level: dict[int, int] = {}
        effective: dict[int, int] = {}
        for wp in _parents_first(ordered, parents):
            parent = parents[wp.id] if parents[wp.id] in ids else 0
            while parent and level[parent] >= self.max_level:
                parent = effective[parent]
            effective[wp.id] = parent
            level[wp.id] = level[parent] + 1 if parent else 0
        objects = {wp.id: self._comment(wp, article_id=articles[wp.id]) for wp in ordered}
        base = [_base_row(objects[wp.id]) for wp in ordered]
        BaseComment.objects.bulk_create(base)
        for wp, row in zip(ordered, base, strict=True):
            obj = objects[wp.id]
            obj.id = obj.comment_ptr_id = obj.xtdcomment_ptr_id = row.pk
            obj.text_html = comment_html(obj.comment)
        children: dict[int, list[int]] = {}
        for wp in ordered:
            children.setdefault(effective[wp.id], []).append(wp.id)
        for root in children.get(0, []):
            # Depth first, replies in time order: the order django-comments-xtd gives them.
            stack, order = [root], 0
            while stack:
                wp_id = stack.pop()
                order += 1
                obj = objects[wp_id]
                obj.thread_id = objects[root].pk
                obj.parent_id = objects[effective[wp_id]].pk if effective[wp_id] else obj.pk
                obj.level = level[wp_id]
                obj.order = order
                obj.nested_count = 0
                stack.extend(reversed(children.get(wp_id, [])))
            for wp_id in reversed(list(_descendants(root, children))):
                if effective[wp_id]:
                    objects[effective[wp_id]].nested_count += objects[wp_id].nested_count + 1
        _insert_local_rows(XtdComment, objects.values())
        _insert_local_rows(Comment, objects.values())
        return {wp_id: obj.pk for wp_id, obj in objects.items()}

    def replies_to_existing(self, comments, parents, existing, *, article_id) -> dict[int, int]:
        """New replies within threads imported before (a newer export): saved one by one, so
        that django-comments-xtd places them in the thread."""
        created: dict[int, int] = {}
        known = {int(k): v for k, v in existing.items()}
        for wp in _parents_first(sorted(comments, key=lambda c: (_comment_time(c), c.id)), parents):
            comment = self._comment(wp, article_id=article_id)
            parent_pk = created.get(parents[wp.id]) or known.get(parents[wp.id])
            parent = Comment.objects.filter(pk=parent_pk).first()
            while parent is not None and parent.level >= self.max_level:
                parent = Comment.objects.filter(pk=parent.parent_id).first()
            comment.parent_id = parent.pk if parent else 0
            comment.save()
            created[wp.id] = comment.pk
        return created

    def pingback(self, wp: wxr.Comment, *, article_id: int) -> None:
        """A pingback from one of the site's own posts is a linkback; from elsewhere, nothing
        here shows it, so it is not imported."""
        path = self.old_path(wp.url)
        if not path or not wp.url.startswith("http"):
            self.report.skip("pingbacks", "from other sites (ewview lists only its own)")
        elif not self._linkback(path, article_id):
            # The linking post may come later in the file.
            self.pending_linkbacks.append((path, article_id))

    def _linkback(self, source_path: str, target_id: int) -> bool:
        source = ImportedItem.objects.filter(kind=Kind.POST, old_path=source_path).first()
        if source is None or source.object_id is None:
            return False
        if source.object_id != target_id:
            _, created = Linkback.objects.get_or_create(
                source_id=source.object_id, target_id=target_id
            )
            self.report.imported["linkback"] += created
        return True


def _mapped(kind: str, key: str, model=None) -> int | None:
    """Our object's id for a WordPress item imported before, or None. With `model`, one deleted
    here since (an author, an empty section) counts as not imported: its record goes, and the
    item is imported afresh when something needs it."""
    found = ImportedItem.objects.filter(kind=kind, key=key).values_list("pk", "object_id").first()
    if found is None:
        return None
    pk, object_id = found
    if model is not None and not model.objects.filter(pk=object_id).exists():
        ImportedItem.objects.filter(pk=pk).delete()
        return None
    return object_id if object_id is not None else 0


def _remember(kind, key, target, *, old_path="", address="", details=None) -> ImportedItem:
    return ImportedItem.objects.create(
        kind=kind,
        key=key,
        old_path=old_path[:500],
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        address=address,
        details=details or {},
    )


def _host(netloc: str) -> str:
    """The old site's host as links name it, with or without "www." and a port."""
    return netloc.lower().split(":")[0].removeprefix("www.")


def _plain(text: str) -> str:
    return html.unescape(strip_tags(text)).strip()


def _title(text: str) -> str:
    return html.unescape(strip_tags(text)).strip() or "(untitled)"


def _unique_slug(model, text: str, *, fallback: str) -> str:
    base = (slugify(unquote(text)) or slugify(text) or fallback)[:90]
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _aware(gmt: datetime | None, local: datetime | None) -> datetime | None:
    """A WordPress time: its GMT column when set, else the local one in our TIME_ZONE."""
    if gmt is not None:
        return gmt.replace(tzinfo=UTC)
    if local is not None:
        return timezone.make_aware(local)
    return None


def _post_time(item: wxr.Item) -> datetime | None:
    return _aware(item.date_gmt, item.date)


def _comment_time(comment: wxr.Comment) -> datetime:
    return _aware(comment.date_gmt, comment.date) or datetime(1970, 1, 1, tzinfo=UTC)


def _comment_text(content: str) -> str:
    """WordPress keeps a comment's few tags (<a>, <em>); ours are plain text, links as written."""
    text = re.sub(r"<br\s*/?>", "\n", content)
    text = re.sub(r'<a\b[^>]*href="([^"]*)"[^>]*>(.*?)</a>', _link_text, text, flags=re.S)
    return html.unescape(strip_tags(text)).strip()


def _link_text(match: re.Match) -> str:
    href, text = match[1], strip_tags(match[2])
    return text if text.strip() == href.strip() else f"{text} ({href})"


def _reader_comment(comment: wxr.Comment) -> bool:
    """A reader's comment to import: not in the bin, not a pingback or a plugin's note."""
    return comment.approved not in {"trash", "post-trashed"} and comment.type in {"", "comment"}


def _ip(value: str) -> str | None:
    try:
        return str(ip_address(value.strip()))
    except ValueError:
        return None


def _attribute(tag: str, name: str) -> str:
    match = re.search(rf'\b{name}="([^"]*)"', tag)
    return html.unescape(match[1]) if match else ""


def _under_existing(wp_id: int, parents: dict[int, int], new: dict) -> bool:
    """True when the comment's thread was imported before (its top is not new)."""
    seen = set()
    while parents.get(wp_id):
        if wp_id in seen:
            return False
        seen.add(wp_id)
        wp_id = parents[wp_id]
        if wp_id not in new:
            return True
    return False


def _descendants(root: int, children: dict[int, list[int]]) -> Iterator[int]:
    """`root` and every reply below it, each after its parent."""
    stack = [root]
    while stack:
        wp_id = stack.pop()
        yield wp_id
        stack.extend(children.get(wp_id, []))


def _parents_first(comments: list[wxr.Comment], parents: dict[int, int]) -> list[wxr.Comment]:
    """The comments ordered so that each comes after its parent, otherwise as given."""
    ids = {c.id for c in comments}
    placed: set[int] = set()
    result: list[wxr.Comment] = []
    waiting = list(comments)
    while waiting:
        still = []
        for comment in waiting:
            parent = parents[comment.id]
            if parent not in ids or parent in placed:
                result.append(comment)
                placed.add(comment.id)
            else:
                still.append(comment)
        if len(still) == len(waiting):
            # A loop of parents (a broken export): the rest start their own threads.
            for comment in still:
                parents[comment.id] = 0
        waiting = still
    return result


def _base_row(comment: Comment) -> BaseComment:
    return BaseComment(
        **{f.attname: getattr(comment, f.attname) for f in BaseComment._meta.concrete_fields}
    )


def _insert_local_rows(model, objects: Iterable) -> None:
    """INSERT each object's row of `model`'s own table (a multi-table model's other tables
    were written already): Django's bulk_create does not take such models."""
    fields = model._meta.local_concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})", rows
        )
