"""The generated site `make bench` measures: articles, one long threaded discussion, linkbacks.

Every word is made up by a seeded generator, so runs are alike and nothing is copied. All rows
carry the slug prefix `bench-pages-` (comments hang off those articles); building again first
removes what an earlier or interrupted run left, and nothing else.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Article, Author, Section
from comments.models import Comment, Linkback

PREFIX = "bench-pages-"
SEED = 20240607
SECTIONS = 6
AUTHORS = 12
TAGS = 24
READERS = 40
LINKBACKS = 6
# One tag on every third article, so the tag page lists many pages of articles.
BUSY_TAG_EVERY = 3
# Comments must all be in the past, whatever --comments asks for.
DISCUSSION_SPAN = timedelta(hours=20)

_ONSETS = ("b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "kr")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou", "ea")


@dataclass(frozen=True)
class BenchSite:
    """Where the pages under test are, and what the discussion holds."""

    article_path: str
    section_path: str
    tag_path: str
    author_path: str
    archive_path: str
    articles: int
    comments: int
    threads: int
    deepest_level: int
    linkbacks: int


class _Words:
    """Made-up words and sentences from a seeded generator."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def word(self) -> str:
        syllables = self.rng.randint(1, 3)
        return "".join(
            self.rng.choice(_ONSETS) + self.rng.choice(_VOWELS) for _ in range(syllables)
        )

    def name(self, words: int = 2) -> str:
        return " ".join(self.word().capitalize() for _ in range(words))

    def sentence(self, low: int = 6, high: int = 16) -> str:
        words = [self.word() for _ in range(self.rng.randint(low, high))]
        return " ".join(words).capitalize() + "."

    def paragraph(self, low: int = 3, high: int = 6) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))


@transaction.atomic
def site_build(*, articles: int, comments: int) -> BenchSite:
    """Replace the bench rows with `articles` articles, the newest carrying `comments` comments."""
    site_remove()
    words = _Words(SEED)
    sections = _sections_create(words)
    authors = _authors_create(words)
    tags = _tags_create(words)
    rows = _articles_create(words, articles, sections, authors, tags)
    article = rows[0]
    linkbacks = Linkback.objects.bulk_create(
        [Linkback(source=source, target=article) for source in rows[1 : 1 + LINKBACKS]]
    )
    threads, deepest = _discussion_create(words, article, comments)
    return BenchSite(
        article_path=article.get_absolute_url(),
        section_path=article.section.get_absolute_url(),
        tag_path=reverse("articles:tag", kwargs={"slug": tags[0].slug}),
        author_path=article.authors.first().get_absolute_url(),
        archive_path=f"/{timezone.localtime(article.published_at):%Y}/",
        articles=len(rows),
        comments=comments,
        threads=threads,
        deepest_level=deepest,
        linkbacks=len(linkbacks),
    )


def site_remove() -> None:
    """Delete every bench row; comments first, as their link to an article is generic."""
    articles = Article.objects.filter(slug__startswith=PREFIX)
    object_pks = [str(pk) for pk in articles.values_list("pk", flat=True)]
    Comment.objects.filter(
        content_type=ContentType.objects.get_for_model(Article), object_pk__in=object_pks
    ).delete()
    articles.delete()
    Author.objects.filter(slug__startswith=PREFIX).delete()
    Section.objects.filter(slug__startswith=PREFIX).delete()
    Tag.objects.filter(slug__startswith=PREFIX).delete()


def _unique_names(words: _Words, count: int) -> list[str]:
    names: dict[str, str] = {}
    while len(names) < count:
        name = words.name()
        names.setdefault(name.lower(), name)
    return list(names.values())


def _sections_create(words: _Words) -> list[Section]:
    return Section.objects.bulk_create(
        Section(
            name=name,
            slug=PREFIX + slugify(name),
            description=words.sentence(),
            order=100 + number,
        )
        for number, name in enumerate(_unique_names(words, SECTIONS))
    )


def _authors_create(words: _Words) -> list[Author]:
    return Author.objects.bulk_create(
        Author(
            name=name,
            slug=PREFIX + slugify(name),
            position="Staff writer",
            bio=f"<p>{words.paragraph(2, 3)}</p>",
        )
        for name in _unique_names(words, AUTHORS)
    )


def _tags_create(words: _Words) -> list[Tag]:
    return Tag.objects.bulk_create(
        Tag(name=name, slug=PREFIX + slugify(name)) for name in _unique_names(words, TAGS)
    )


def _articles_create(words, count, sections, authors, tags) -> list[Article]:
    """`count` published articles, newest first, a day old and older, without signals."""
    newest = timezone.now() - timedelta(days=1)
    rows = Article.objects.bulk_create(
        [_article(words, number, newest, sections) for number in range(count)], batch_size=500
    )
    rng = words.rng
    Article.authors.through.objects.bulk_create(
        Article.authors.through(article_id=article.pk, author_id=author.pk)
        for number, article in enumerate(rows)
        for author in rng.sample(authors, 2 if number % 5 == 0 else 1)
    )
    content_type = ContentType.objects.get_for_model(Article)
    Article.tags.through.objects.bulk_create(
        Article.tags.through(tag_id=tag.pk, content_type=content_type, object_id=article.pk)
        for number, article in enumerate(rows)
        for tag in _article_tags(rng, number, tags)
    )
    return rows


def _article(words: _Words, number: int, newest, sections) -> Article:
    title = words.sentence(4, 9).rstrip(".").title()
    body = "".join(f"<p>{words.paragraph()}</p>" for _ in range(words.rng.randint(6, 9)))
    return Article(
        title=title,
        slug=f"{PREFIX}{number:05d}-{slugify(title)[:60].strip('-')}",
        section=sections[number % len(sections)],
        standfirst=" ".join(words.sentence() for _ in range(2)),
        body=body,
        status=Article.Status.PUBLISHED,
        published_at=newest - timedelta(minutes=37 * number),
    )


def _article_tags(rng: random.Random, number: int, tags: list[Tag]) -> list[Tag]:
    busy = [tags[0]] if number % BUSY_TAG_EVERY == 0 else []
    return busy + rng.sample(tags[1:], 2)


def _discussion_create(words: _Words, article: Article, count: int) -> tuple[int, int]:
    """`count` comments in threads that each reach the deepest level replies may take.

    Saved one by one: django-comments-xtd works out thread, level and order on save.
    Returns the number of threads and the deepest level reached.
    """
    max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
    spacing = min(timedelta(minutes=4), DISCUSSION_SPAN / max(count, 1))
    readers = _unique_names(words, READERS)
    thread: list[Comment] = []
    thread_size, threads, deepest = 0, 0, 0
    for number in range(count):
        if len(thread) >= thread_size:
            thread, thread_size, threads = [], words.rng.randint(5, 11), threads + 1
        parent = _parent_pick(words.rng, thread, max_level)
        comment = _comment(words, number, article, parent, readers)
        comment.submit_date = article.published_at + spacing * (number + 1)
        comment.save()
        thread.append(comment)
        deepest = max(deepest, comment.level)
    return threads, deepest


def _parent_pick(rng: random.Random, thread: list[Comment], max_level: int) -> Comment | None:
    if not thread:
        return None
    # A chain first, each reply answering the one before, down to the deepest level.
    if len(thread) <= max_level:
        return thread[-1]
    return rng.choice([comment for comment in thread if comment.level < max_level])


def _comment(words: _Words, number: int, article: Article, parent, readers) -> Comment:
    reader = readers[number % len(readers)]
    handle = slugify(reader).replace("-", ".")
    paragraphs = [words.paragraph(1, 3) for _ in range(1 + (number % 4 == 0))]
    if number % 6 == 0:
        paragraphs[-1] += f" See https://example.org/{words.word()}/{words.word()} for more."
    return Comment(
        content_object=article,
        site_id=settings.SITE_ID,
        parent_id=parent.pk if parent else 0,
        user_name=reader,
        user_email=f"{handle}@example.org",
        user_url=f"https://{handle}.example.net/" if number % 9 == 0 else "",
        comment="\n\n".join(paragraphs),
        ip_address="127.0.0.1",
        is_public=True,
    )
