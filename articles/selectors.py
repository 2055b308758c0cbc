"""Reading what the article page shows besides the article's own fields."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Prefetch, Q, Subquery, Window, prefetch_related_objects
from django.db.models.functions import RowNumber, TruncMonth
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
    year: datetime
    months: list[datetime]


@dataclass
class Overview:
    """What every page's sidebar and footer show of the published articles: the latest ones,
    and every month with an article (local time), newest first, grouped by year."""

    latest: list[Article]
    years: list[ArchiveYear]

    def months_in(self, year: int) -> list[datetime]:
        """The months of `year` with articles, January first."""
        found = next((entry.months for entry in self.years if entry.year.year == year), [])
        return found[::-1]

    def has_month(self, month: date) -> bool:
        return month in self._months()

    def year_before(self, year: int) -> date | None:
        return next((date(y, 1, 1) for y in self._years() if y < year), None)

    def year_after(self, year: int) -> date | None:
        return next((date(y, 1, 1) for y in reversed(self._years()) if y > year), None)

    def month_before(self, month: date) -> date | None:
        return next((m for m in self._months() if m < month), None)

    def month_after(self, month: date) -> date | None:
        return next((m for m in reversed(self._months()) if m > month), None)

    def _years(self) -> list[int]:
        return [entry.year.year for entry in self.years]

    def _months(self) -> list[date]:
        return [month.date() for entry in self.years for month in entry.months]


# Latest articles in the sidebar.
OVERVIEW_LATEST = 5


def published_overview(request=None) -> Overview:
    """The latest published articles and the archive's months, in one query, once per request.

    Both go out of date together (when published content changes), so the sidebar's and the
    footer's fragments, and the archive pages, read them together: the newest articles, and
    the newest article of each month, in one pass over published articles.
    """
    if request is not None and hasattr(request, "published_overview"):
        return request.published_overview
    month = TruncMonth("published_at")
    newest_first = [F("published_at").desc(), F("created_at").desc()]
    rows = (
        Article.objects.published()
        .only("title", "slug", "published_at", "status")
        .annotate(
            month=month,
            place=Window(RowNumber(), order_by=newest_first),
            place_in_month=Window(RowNumber(), partition_by=month, order_by=newest_first),
        )
        .filter(Q(place__lte=OVERVIEW_LATEST) | Q(place_in_month=1))
        .order_by("place")
    )
    latest, years = [], {}
    for article in rows:
        if article.place <= OVERVIEW_LATEST:
            latest.append(article)
        if article.place_in_month == 1:
            years.setdefault(article.month.year, ArchiveYear(article.month, []))
            years[article.month.year].months.append(article.month)
    overview = Overview(latest=latest, years=list(years.values()))
    if request is not None:
        request.published_overview = overview
    return overview


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
