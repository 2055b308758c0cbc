"""Reading what the article page shows besides the article's own fields."""

from django.db.models import Prefetch, prefetch_related_objects

from .models import Article, Author


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
