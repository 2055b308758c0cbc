"""Reading what the article page shows besides the article's own fields."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Prefetch, Q, Subquery, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from taggit.models import TaggedItem

from .models import Article, Author, Section


def article_authors_and_tags(article: Article) -> None:
    """Read the article's authors (by name) and tags once, for everything on its page that shows
    them: a second call on the same article costs no query."""
    prefetch_related_objects(
        [article], Prefetch("authors", queryset=Author.objects.order_by("name")), "tags"
    )


def article_neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """The published articles just before and just after this one, in one query."""
    published = Article.objects.published()
    before = published.filter(published_at__lt=article.published_at).order_by("-published_at")
    after = published.filter(published_at__gt=article.published_at).order_by("published_at")
    both = published.filter(
        Q(pk=Subquery(before.values("pk")[:1])) | Q(pk=Subquery(after.values("pk")[:1]))
    ).only("title", "slug", "published_at", "status")
    previous_article = next_article = None
    for neighbour in both:
        if neighbour.published_at < article.published_at:
            previous_article = neighbour
        else:
            next_article = neighbour
    return previous_article, next_article


def article_surroundings(article: Article) -> dict:
    """The article's authors and tags, related articles, and the previous and next ones."""
    article_authors_and_tags(article)
    published = Article.objects.published()
    tag_ids = [tag.pk for tag in article.tags.all()]
    previous_article, next_article = (
        article_neighbours(article) if article.is_published() else (None, None)
    )
    related = (
        published.related_to(article, tag_ids=tag_ids)
        .select_related("section")
        # DISTINCT compares every selected column: not the bodies.
        .only("title", "slug", "published_at", "status", "section__name", "section__slug")
    )
    return {
        "article": article,
        "related_articles": related[:4],
        "previous_article": previous_article,
        "next_article": next_article,
    }


# What a one-line card (title, time, comments) needs, and its section.
CARD_LINE_FIELDS = (
    "title", "slug", "published_at", "status", "comment_count", "section__name",
    "section__slug", "section__order",
)  # fmt: skip


@dataclass
class SectionBlock:
    """A section on the front page with its latest articles."""

    section: Section
    articles: list[Article]


def front_page_sections(*, shown: list[Article], per_section: int) -> list[SectionBlock]:
    """Each section's latest `per_section` articles not already `shown`, in one query."""
    latest_first = Window(
        RowNumber(), partition_by=F("section_id"), order_by=F("published_at").desc()
    )
    rows = (
        Article.objects.published()
        .exclude(pk__in=[article.pk for article in shown])
        .select_related("section")
        .only(*CARD_LINE_FIELDS)
        .annotate(rank=latest_first)
        .filter(rank__lte=per_section)
        .order_by("section__order", "section__name", "rank")
    )
    blocks: dict[int, SectionBlock] = {}
    for article in rows:
        block = blocks.setdefault(article.section_id, SectionBlock(article.section, []))
        block.articles.append(article)
    return list(blocks.values())


@dataclass
class ArchiveYear:
    year: date
    months: list[date]


@dataclass(frozen=True)
class Timeline:
    """Every month with a published article (local time, newest first), and when the next
    scheduled article becomes public: both change only when published content does."""

    months: tuple[date, ...]
    next_due: datetime | None

    @property
    def years(self) -> list[ArchiveYear]:
        """The months grouped by year, newest first."""
        years: dict[int, ArchiveYear] = {}
        for month in self.months:
            years.setdefault(month.year, ArchiveYear(month, [])).months.append(month)
        return list(years.values())

    def months_in(self, year: int) -> list[date]:
        """The months of `year` with articles, January first."""
        return [month for month in reversed(self.months) if month.year == year]

    def has_month(self, month: date) -> bool:
        return month in self.months

    def year_before(self, year: int) -> date | None:
        return next((date(m.year, 1, 1) for m in self.months if m.year < year), None)

    def year_after(self, year: int) -> date | None:
        return next((date(m.year, 1, 1) for m in reversed(self.months) if m.year > year), None)

    def month_before(self, month: date) -> date | None:
        return next((m for m in self.months if m < month), None)

    def month_after(self, month: date) -> date | None:
        return next((m for m in reversed(self.months) if m > month), None)


def published_timeline() -> Timeline:
    """The archive's months and the next publication, read in one query."""
    rows = list(Article.objects.timeline())
    return Timeline(
        months=tuple(row["month"].date() for row in rows if row["public"]),
        next_due=min((row["due"] for row in rows if row["due"]), default=None),
    )


def with_tag_names(articles: list[Article]) -> list[Article]:
    """`articles`, each given `tag_names` (A to Z), read in one query.

    taggit's own prefetch builds a query for every article as it hands the tags out, which costs
    more than everything else in a feed.
    """
    names = defaultdict(list)
    tagged = (
        TaggedItem.objects.filter(
            content_type__app_label="articles",
            content_type__model="article",
            object_id__in=[article.pk for article in articles],
        )
        .order_by("tag__name")
        .values_list("object_id", "tag__name")
    )
    for article_id, name in tagged:
        names[article_id].append(name)
    for article in articles:
        article.tag_names = names[article.pk]
    return articles
