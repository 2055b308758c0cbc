"""Full-text search of published articles.

On PostgreSQL each article keeps a stored search vector (title weighted above standfirst above
body, then its authors' names and tags), renewed whenever the article, one of its authors or tags
changes, and indexed with GIN. Queries take websearch syntax ("a phrase", -word, or) plus
`word*` for a prefix, in the language of SEARCH_CONFIG; results are ranked and come with a
highlighted snippet (ts_headline).

On SQLite (development) a simpler fallback finds articles containing every word, newest first,
with the standfirst as snippet.
"""

import re
from dataclasses import dataclass
from html import unescape

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.signals import m2m_changed, post_save
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from taggit.models import Tag, TaggedItem

from .models import Article, Author

# At most this many matches, the newest, are ranked and counted.
SEARCH_CANDIDATES = 200
# Longer queries are cut here: no reader types more, and ts_query cost grows with it.
QUERY_MAX_LENGTH = 200
_PREFIX = re.compile(r"(?<![\w\"])(\w+)\*")
# Markers ts_headline puts round matches; the snippet is escaped, then they become <mark>.
_START, _STOP = "\u2060[[", "]]\u2060"


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


# Keeping the vectors current


def search_vectors_update(article_ids) -> None:
    """Recompute the stored search vectors of these articles (PostgreSQL only)."""
    if not _postgresql():
        return
    config = settings.SEARCH_CONFIG
    articles = Article.objects.filter(pk__in=list(article_ids)).prefetch_related("authors", "tags")
    for article in articles:
        parts = [
            (article.title, "A"),
            (article.standfirst, "B"),
            (unescape(strip_tags(article.body)), "C"),
            (" ".join(a.name for a in article.authors.all()), "D"),
            (" ".join(t.name for t in article.tags.all()), "D"),
        ]
        vector = None
        for text, weight in parts:
            part = SearchVector(Value(text, output_field=TextField()), weight=weight, config=config)
            vector = part if vector is None else vector + part
        Article.objects.filter(pk=article.pk).update(search_vector=vector)


# The same vector as above for every article at once, in the database: after an import, or a
# change of SEARCH_CONFIG (`manage.py search_reindex`).
_REBUILD = """
UPDATE articles_article AS a SET search_vector =
    setweight(to_tsvector(%(config)s, coalesce(a.title, '')), 'A')
    || setweight(to_tsvector(%(config)s, coalesce(a.standfirst, '')), 'B')
    || setweight(to_tsvector(%(config)s, regexp_replace(a.body, '<[^>]+>', ' ', 'g')), 'C')
    || setweight(to_tsvector(%(config)s, coalesce((
        SELECT string_agg(au.name, ' ') FROM articles_author au
        JOIN articles_article_authors aa ON aa.author_id = au.id WHERE aa.article_id = a.id
    ), '')), 'D')
    || setweight(to_tsvector(%(config)s, coalesce((
        SELECT string_agg(t.name, ' ') FROM taggit_tag t
        JOIN taggit_taggeditem ti ON ti.tag_id = t.id
        WHERE ti.content_type_id = %(article_type)s AND ti.object_id = a.id
    ), '')), 'D')
"""


def search_vectors_rebuild() -> int:
    """Recompute every article's search vector in one statement; how many (PostgreSQL only)."""
    if not _postgresql():
        return 0
    article_type = ContentType.objects.get_for_model(Article).pk
    with connection.cursor() as cursor:
        cursor.execute(_REBUILD, {"config": settings.SEARCH_CONFIG, "article_type": article_type})
        return cursor.rowcount


def _article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search_vectors_update([instance.pk])


def _authors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # an author's articles changed
        search_vectors_update(pk_set or instance.articles.values_list("pk", flat=True))
    else:
        search_vectors_update([instance.pk])


def _tags_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Article):
        search_vectors_update([instance.pk])


def _author_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search_vectors_update(instance.articles.values_list("pk", flat=True))


def _tag_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        tagged = TaggedItem.objects.filter(
            tag=instance, content_type__app_label="articles", content_type__model="article"
        )
        search_vectors_update(tagged.values_list("object_id", flat=True))


def connect() -> None:
    post_save.connect(_article_saved, sender=Article, dispatch_uid="search.article")
    post_save.connect(_author_saved, sender=Author, dispatch_uid="search.author")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid="search.tag")
    m2m_changed.connect(_authors_changed, sender=Article.authors.through, dispatch_uid="search.by")
    m2m_changed.connect(_tags_changed, sender=TaggedItem, dispatch_uid="search.tags")


# Searching


@dataclass(frozen=True)
class SearchRequest:
    """What a reader asked: the words, filters and order, cleaned of what cannot be searched."""

    text: str = ""
    section: str = ""
    author: str = ""
    year: int | None = None
    order: str = "relevance"  # or "date"
    truncated: bool = False

    @classmethod
    def from_query(cls, params) -> "SearchRequest":
        text = _clean(params.get("q", ""))
        year = params.get("year", "")
        return cls(
            text=text[:QUERY_MAX_LENGTH].strip(),
            section=_clean(params.get("section", ""))[:100],
            author=_clean(params.get("author", ""))[:150],
            year=int(year) if year.isdigit() and 1900 <= int(year) <= 2999 else None,
            order="date" if params.get("sort") == "date" else "relevance",
            truncated=len(text) > QUERY_MAX_LENGTH,
        )

    @property
    def searchable(self) -> bool:
        """Whether the words hold anything a search can match (not only punctuation)."""
        return any(ch.isalnum() for ch in self.text)


def _clean(value: str) -> str:
    # Control characters and NUL bytes match nothing and break databases and feeds.
    return "".join(ch for ch in value if ch.isprintable() or ch == " ")


def search(request: SearchRequest) -> QuerySet:
    """Published articles matching the request, best first (or newest first)."""
    articles = Article.objects.published().for_listing()
    if request.section:
        articles = articles.filter(section__slug=request.section)
    if request.author:
        articles = articles.filter(authors__slug=request.author)
    if request.year:
        articles = articles.filter(published_at__year=request.year)
    if not request.searchable:
        return articles.none()
    if _postgresql():
        return _search_postgresql(articles, request)
    return _search_fallback(articles, request)


def _search_postgresql(articles: QuerySet, request: SearchRequest) -> QuerySet:
    query = _query(request.text)
    plain_body = Func(
        F("body"), Value("<[^>]+>"), Value(" "), Value("g"), function="regexp_replace"
    )
    # Ranked among the newest SEARCH_CANDIDATES matches only: a word in most of the archive
    # would otherwise read and rank every article's vector (most of a second at 50,000).
    # Read once here: as a subquery, the page and its count would each find them again.
    newest = articles.filter(search_vector=query).order_by("-published_at", "-pk")
    candidates = list(newest.values_list("pk", flat=True)[:SEARCH_CANDIDATES])
    found = (
        Article.objects.for_listing()
        .filter(pk__in=candidates)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            headline=SearchHeadline(
                plain_body,
                query,
                config=settings.SEARCH_CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
            ),
        )
    )
    if request.order == "date":
        return found.order_by("-published_at", "-pk")
    return found.order_by("-rank", "-published_at", "-pk")


def search_capped(count: int) -> bool:
    """Whether `count` results are the cap rather than all that match."""
    return _postgresql() and count >= SEARCH_CANDIDATES


def _query(text: str) -> SearchQuery:
    """websearch_to_tsquery of the text, and a prefix match for each `word*` in it."""
    config = settings.SEARCH_CONFIG
    prefixes = _PREFIX.findall(text)
    rest = _PREFIX.sub(" ", text).strip()
    query = SearchQuery(rest, search_type="websearch", config=config) if rest else None
    for word in prefixes:
        prefix = SearchQuery(f"{word}:*", search_type="raw", config=config)
        query = prefix if query is None else query & prefix
    return query


def _search_fallback(articles: QuerySet, request: SearchRequest) -> QuerySet:
    words = [w.strip('"*') for w in request.text.split() if not w.startswith("-")]
    for word in filter(None, words):
        articles = articles.filter(
            Q(title__icontains=word) | Q(standfirst__icontains=word) | Q(body__icontains=word)
        )
    return articles.order_by("-published_at", "-pk")


def snippet(article: Article) -> SafeString:
    """The article's highlighted snippet as safe HTML: matches in <mark>, all else escaped."""
    headline = getattr(article, "headline", None)
    if not headline:
        return escape(article.standfirst)
    text = escape(" ".join(unescape(headline).split()))
    return mark_safe(text.replace(_START, "<mark>").replace(_STOP, "</mark>"))
