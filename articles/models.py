import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from core.urls import reverse_cached

from .html import EDITOR_CONFIG, media_addresses_relative, sanitize_html
from .images import Rendition, make_renditions, normalised, rendition_url, srcset

AUTHOR_PHOTO_RENDITIONS = (Rendition("sq128", 128, 128), Rendition("sq256", 256, 256))
FEATURED_IMAGE_RENDITIONS = (
    Rendition("w480", 480),
    Rendition("w960", 960),
    Rendition("w1600", 1600),
)
# Images in an article's body: JPEG for every browser, WebP for those that take it.
BODY_IMAGE_RENDITIONS = (
    *FEATURED_IMAGE_RENDITIONS,
    *(Rendition(r.label, r.width, fmt="WEBP") for r in FEATURED_IMAGE_RENDITIONS),
)
# Silent reading speed for the "N min read" line: a common estimate for news prose.
WORDS_PER_MINUTE = 230
# Top-level URL words a static page's slug must not take.
RESERVED_PAGE_SLUGS = {
    "admin", "section", "tag", "author", "search", "feed", "preview", "subscribe", "comments",
    "static", "media", "sitemap.xml", "robots.txt", "page",
}  # fmt: skip


class SectionQuerySet(models.QuerySet):
    def with_published_articles(self):
        """Sections with an article the public may see: what the menu lists, as WordPress's
        category lists leave out empty categories."""
        return self.filter(Exists(Article.objects.published().filter(section=OuterRef("pk"))))


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in the section's URL.")
    description = models.TextField(blank=True, help_text="Shown at the top of the section page.")
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Sections are listed by this number, lowest first."
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_cached("articles:section", slug=self.slug)


class Author(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True, help_text="Used in the author's URL.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The staff account that writes as this author, if any.",
    )
    position = models.CharField(
        max_length=200, blank=True, help_text="One line under the name, e.g. “Middle East editor”."
    )
    bio = ProseEditorField(
        config=EDITOR_CONFIG,
        sanitize=True,
        blank=True,
        help_text="Shown in the “About the author” box and on the author page.",
    )
    photo = models.ImageField(
        upload_to="authors/",
        blank=True,
        help_text="A portrait; large photos are scaled down and square thumbnails made.",
    )
    website = models.URLField(blank=True)
    notify_of_comments = models.BooleanField(
        "email me new comments",
        default=False,
        help_text="Send the linked user an email for each new public comment on their articles.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.bio = sanitize_html(self.bio)
        new_photo = _prepare_upload(self.photo)
        super().save(*args, **kwargs)
        if new_photo:
            make_renditions(self.photo, AUTHOR_PHOTO_RENDITIONS)

    def get_absolute_url(self):
        return reverse_cached("articles:author", slug=self.slug)

    @property
    def photo_thumbnail_url(self) -> str:
        return rendition_url(self.photo, AUTHOR_PHOTO_RENDITIONS[0]) if self.photo else ""

    @property
    def photo_srcset(self) -> str:
        return srcset(self.photo, AUTHOR_PHOTO_RENDITIONS, width=0) if self.photo else ""


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles the public may see: published, and their publication time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Articles published for a time still to come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def timeline(self):
        """One row per month (local time) with a published or scheduled article: how many are
        public (`public`) and the earliest still to come (`due`), newest month first. What the
        archive lists and when it next changes, in one pass."""
        now = timezone.now()
        return (
            self.filter(status=Article.Status.PUBLISHED)
            .values(month=TruncMonth("published_at"))
            .annotate(
                public=Count("pk", filter=Q(published_at__lte=now)),
                due=Min("published_at", filter=Q(published_at__gt=now)),
            )
            .order_by("-month")
        )

    def drafts(self):
        """Articles not yet submitted for publication."""
        return self.filter(status=Article.Status.DRAFT)

    def for_listing(self):
        """Everything a listing card shows, fetched in a fixed number of queries."""
        # Not the bodies: ten of them outweigh the rest of a listing's data many times over.
        return (
            self.select_related("section")
            .prefetch_related(models.Prefetch("authors", queryset=Author.objects.order_by("name")))
            .defer("body")
        )

    def related_to(self, article: "Article", *, tag_ids: list[int]):
        """Other articles sharing the most tags with `article`, then the same section."""
        shared = Count("tags", filter=Q(tags__in=tag_ids), distinct=True)
        return (
            self.exclude(pk=article.pk)
            .filter(Q(tags__in=tag_ids) | Q(section_id=article.section_id))
            .annotate(shared_tags=shared)
            .order_by("-shared_tags", "-published_at")
            .distinct()
        )


# What a revision keeps and restores: the writing, never the publication state or counters.
@reversion.register(
    fields=[
        "title", "slug", "section", "authors", "standfirst", "body",
        "image", "image_alt", "image_caption", "image_credit",
    ]
)  # fmt: skip
class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        # A published article whose time is still to come is "scheduled" (see `state`).
        PUBLISHED = "published", "Published"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=250)
    slug = models.SlugField(
        max_length=250, unique=True, help_text="The last part of the URL; filled from the title."
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(Author, related_name="articles")
    tags = TaggableManager(blank=True, help_text="A comma-separated list of tags.")
    standfirst = models.TextField(
        blank=True, help_text="One or two sentences under the headline; also used in listings."
    )
    body = ProseEditorField(config=EDITOR_CONFIG, sanitize=True)
    image = models.ImageField(
        "featured image",
        upload_to="articles/%Y/%m/",
        width_field="image_width",
        height_field="image_height",
        blank=True,
        help_text="Shown at the top of the article and in listings.",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        "image description", max_length=250, blank=True, help_text="For readers who can't see it."
    )
    image_caption = models.CharField(max_length=300, blank=True)
    image_credit = models.CharField(max_length=150, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        db_index=True,
        help_text="Leave empty to publish now; a time to come schedules the article.",
    )
    announced_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the site told subscribers and others that the article became public.",
    )
    comments_open = models.BooleanField(default=True)
    reading_minutes = models.PositiveSmallIntegerField(
        default=1, editable=False, help_text="Minutes a reader needs, from the body's word count."
    )
    # Kept by the comments app (comments.counts) with one UPDATE whenever a comment changes, so
    # listings show counts without a query; an article's own save never writes it (see save()).
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by articles.search on PostgreSQL (GIN-indexed there by migration 0005); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        get_latest_by = "published_at"
        permissions = [("publish_article", "Can publish and schedule articles")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="published_article_has_publication_time",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, update_fields=None, **kwargs):
        self.derive_fields()
        new_image = _prepare_upload(self.image)
        if update_fields is None and not self._state.adding:
            # An instance read before a comment arrived must not write back its older count.
            update_fields = [
                f.attname
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in _NOT_SAVED_BY_ARTICLE
            ]
        super().save(*args, update_fields=update_fields, **kwargs)
        if new_image:
            make_renditions(self.image, FEATURED_IMAGE_RENDITIONS)

    def get_absolute_url(self):
        if self.published_at is None or self.status != self.Status.PUBLISHED:
            return reverse("articles:preview", kwargs={"pk": self.pk})
        local = timezone.localtime(self.published_at)
        return reverse_cached(
            "articles:detail",
            year=f"{local.year:04d}",
            month=f"{local.month:02d}",
            day=f"{local.day:02d}",
            slug=self.slug,
        )

    def derive_fields(self) -> None:
        """What save() computes from the row itself; bulk writers (imports) call it too."""
        self.body = media_addresses_relative(sanitize_html(self.body))
        self.reading_minutes = reading_minutes(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    @property
    def state(self) -> "Article.State":
        """Draft, scheduled or published, as an editor would say it."""
        if self.status == self.Status.DRAFT:
            return self.State.DRAFT
        if self.published_at is not None and self.published_at > timezone.now():
            return self.State.SCHEDULED
        return self.State.PUBLISHED

    def is_published(self) -> bool:
        """Mirrors `ArticleQuerySet.published()` for one article already in memory."""
        return self.state == self.State.PUBLISHED

    @property
    def comment_count_label(self) -> str:
        """“1 comment”, “12 comments”, or nothing when there are none."""
        if not self.comment_count:
            return ""
        return f"{self.comment_count} comment{'' if self.comment_count == 1 else 's'}"

    @property
    def reading_time_label(self) -> str:
        return f"{self.reading_minutes} min read"

    @property
    def image_srcset(self) -> str:
        if not self.image:
            return ""
        return srcset(self.image, FEATURED_IMAGE_RENDITIONS, width=self.image_width)

    @property
    def image_card_url(self) -> str:
        if not self.image:
            return ""
        if self.image_width <= FEATURED_IMAGE_RENDITIONS[0].width:
            return self.image.url
        return rendition_url(self.image, FEATURED_IMAGE_RENDITIONS[0])


# Columns other code keeps up to date, which Article.save() leaves as they are in the database.
_NOT_SAVED_BY_ARTICLE = {"comment_count"}


def reading_minutes(body_html: str) -> int:
    """Whole minutes to read the text of `body_html`, at least one."""
    words = len(strip_tags(body_html).split())
    return max(1, round(words / WORDS_PER_MINUTE))


def validate_page_slug(value: str) -> None:
    # A four-digit slug would be hidden behind the year archive at the same address.
    if value in RESERVED_PAGE_SLUGS or (value.isdigit() and len(value) == 4):
        raise ValidationError("“%(slug)s” is used by the site itself.", params={"slug": value})


@reversion.register(fields=["title", "slug", "body"])
class Page(models.Model):
    """A static page such as “About”, “Introduction” or “Donate”, at /<slug>/."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100, unique=True, validators=[validate_page_slug], help_text="The page's URL."
    )
    body = ProseEditorField(config=EDITOR_CONFIG, sanitize=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = media_addresses_relative(sanitize_html(self.body))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_cached("articles:page", slug=self.slug)


def _prepare_upload(fieldfile) -> bool:
    """Normalise a newly assigned upload in place; True when there is a new file to process."""
    if not fieldfile or fieldfile._committed:
        return False
    replacement = normalised(fieldfile, max_px=settings.IMAGE_MAX_PX)
    setattr(fieldfile.instance, fieldfile.field.attname, replacement)
    return True


class LibraryImage(models.Model):
    """An image uploaded once and put into any article's body (admin → Image library)."""

    file = models.ImageField(
        "image",
        upload_to="library/%Y/%m/",
        width_field="width",
        height_field="height",
        help_text="Large images are scaled down; smaller copies are made for phones.",
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt = models.CharField(
        "alternative text",
        max_length=250,
        help_text="What the image shows, for readers who cannot see it.",
    )
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=150, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "library image"

    def __str__(self):
        return self.alt

    def save(self, *args, **kwargs):
        new_file = _prepare_upload(self.file)
        super().save(*args, **kwargs)
        if new_file:
            make_renditions(self.file, BODY_IMAGE_RENDITIONS)

    @property
    def address(self) -> str:
        """The site-relative address an article's body refers to it by."""
        return self.file.url

    @property
    def thumbnail_url(self) -> str:
        """The smallest JPEG there is of it, for lists and the editor's library."""
        smallest = BODY_IMAGE_RENDITIONS[0]
        if (self.width or 0) > smallest.width:
            return rendition_url(self.file, smallest)
        return self.file.url

    def srcset(self, fmt: str = "JPEG") -> str:
        renditions = tuple(r for r in BODY_IMAGE_RENDITIONS if r.fmt == fmt)
        if fmt == "JPEG":
            return srcset(self.file, renditions, width=self.width or 0)
        return ", ".join(
            f"{rendition_url(self.file, r)} {r.width}w"
            for r in renditions
            if r.width < (self.width or 0)
        )
