"""Reading what the article page shows besides the article's own fields."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Prefetch, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from taggit.models import TaggedItem

from .models import Article, Author, Section


def article_authors_and_tags(article: Article) -> None:
    """Read the article's authors (by name) and tags once, for everything on its page that shows
    them: a second call on the same article costs no query."""
    prefetch_related_objects(
        [article], Prefetch("authors", queryset=Author.objects.order_by("name")), "tags"
    )


def article_surroundings(article: Article) -> dict:
    """The article's authors and tags, related articles, and the previous and next ones."""
    article_authors_and_tags(article)
    published = Article.objects.published()
    tag_ids = [tag.pk for tag in article.tags.all()]
    neighbours = published.only("title", "slug", "published_at", "status")
    previous_article = next_article = None
    if article.is_published():
        previous_article = (
            neighbours.filter(published_at__lt=article.published_at)
            .order_by("-published_at")
            .first()
        )
        next_article = (
            neighbours.filter(published_at__gt=article.published_at)
            .order_by("published_at")
            .first()
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


def archive_months() -> list[ArchiveYear]:
    """Every month with a published article, newest first, grouped by year (local time)."""
    years: dict[int, ArchiveYear] = {}
    for month in Article.objects.published().datetimes("published_at", "month", order="DESC"):
        years.setdefault(month.year, ArchiveYear(month, [])).months.append(month)
    return list(years.values())


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
