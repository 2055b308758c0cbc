"""Reading comments: the thread on an article page, its pages, and who hears of new comments."""

from dataclasses import dataclass, field, fields
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce

from articles.models import Article

from .models import Comment, CommentReport, Linkback, threads_before


def public_comments(article: Article):
    """The comments anyone may read on `article`, in thread order."""
    return Comment.objects.filter(
        content_type=ContentType.objects.get_for_model(Article),
        object_pk=str(article.pk),
        is_public=True,
        is_removed=False,
    ).order_by("thread_id", "order")


def readable_comments():
    """Every comment anyone may read, site-wide: public, not removed, on a published article."""
    # django-comments keeps the object's key as text.
    published = Article.objects.published().values(key=Cast("pk", CharField()))
    return Comment.objects.filter(
        content_type=ContentType.objects.get_for_model(Article),
        is_public=True,
        is_removed=False,
        object_pk__in=published,
    )


@dataclass(slots=True)
class ThreadComment:
    """What the thread shows of a comment, fetched as plain values: no model instance per row."""

    pk: int
    thread_id: int
    parent_id: int
    level: int
    user_name: str
    user_email: str
    user_url: str
    submit_date: datetime
    text_html: str
    user_id: int | None


THREAD_FIELDS = [field.name for field in fields(ThreadComment)]


@dataclass
class ThreadNode:
    comment: ThreadComment
    number: int | None = None  # top-level comments are numbered 1, 2, 3…
    children: list["ThreadNode"] = field(default_factory=list)


@dataclass
class ThreadPage:
    nodes: list[ThreadNode]
    total: int
    number: int
    has_next: bool
    has_previous: bool


# The largest OFFSET PostgreSQL takes (a bigint): page numbers are typed into addresses.
MAX_OFFSET = 2**63 - 1


def comment_thread(article: Article, *, page: int = 1) -> ThreadPage:
    """One page of the article's threads, nested, in one query whatever their size."""
    per_page = settings.COMMENTS_THREADS_PER_PAGE
    if page * per_page > MAX_OFFSET:
        # Past the last page of any article, and past what the database can count to.
        page = 1
    comments = public_comments(article)
    # One thread more than the page shows, to know whether another page follows.
    page_threads = (
        comments.filter(level=0)
        .order_by("thread_id")
        .values("thread_id")[(page - 1) * per_page : page * per_page + 1]
    )
    rows = [
        ThreadComment(*values)
        for values in comments.filter(thread_id__in=page_threads).values_list(*THREAD_FIELDS)
    ]
    if not rows and page > 1:
        # Past the last page (an old link after deletions, or a typed number): the first one.
        return comment_thread(article, page=1)
    thread_ids = list(dict.fromkeys(row.thread_id for row in rows))
    has_next = len(thread_ids) > per_page
    if has_next:
        rows = [row for row in rows if row.thread_id != thread_ids[-1]]
    # On a thread that fits one page, the rows are the whole count.
    total = len(rows) if page == 1 and not has_next else comments.count()
    return ThreadPage(
        nodes=_nest(rows, first_number=(page - 1) * per_page + 1),
        total=total,
        number=page,
        has_next=has_next,
        has_previous=page > 1,
    )


def _nest(rows, *, first_number: int) -> list[ThreadNode]:
    """Nest comments given in (thread, order) order under their parents."""
    roots: list[ThreadNode] = []
    by_id: dict[int, ThreadNode] = {}
    for comment in rows:
        node = ThreadNode(comment)
        by_id[comment.pk] = node
        parent = by_id.get(comment.parent_id) if comment.parent_id != comment.pk else None
        if parent is None:
            node.number = first_number + len(roots)
            roots.append(node)
        else:
            parent.children.append(node)
    return roots


def with_page_numbers(comments):
    """`comments` knowing their page (for permalinks) without a query each, as lists need."""
    earlier = (
        threads_before(
            content_type_id=OuterRef("content_type_id"),
            object_pk=OuterRef("object_pk"),
            thread_id=OuterRef("thread_id"),
        )
        .order_by()
        .values("content_type_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return comments.annotate(threads_before=Coalesce(Subquery(earlier), 0))


def comment_followers(comment: Comment) -> list[tuple[str, str]]:
    """(email, name) of everyone following the article's comments, but not the comment's author."""
    rows = (
        Comment.objects.filter(
            content_type_id=comment.content_type_id,
            object_pk=comment.object_pk,
            is_public=True,
            is_removed=False,
            followup=True,
        )
        .exclude(user_email__iexact=comment.user_email)
        .order_by("submit_date")
        .values_list("user_email", "user_name")
    )
    followers: dict[str, tuple[str, str]] = {}
    for email, name in rows:
        followers.setdefault(email.lower(), (email, name))
    return list(followers.values())


def comment_notified_authors(comment: Comment) -> list[tuple[str, str]]:
    """(email, name) of the article's authors who asked to hear of new comments."""
    article = comment.content_object
    return [
        (author.user.email, author.name)
        for author in article.authors.filter(
            notify_of_comments=True, user__isnull=False
        ).select_related("user")
        if author.user.email and author.user.email.lower() != comment.user_email.lower()
    ]


def article_linkbacks(article: Article):
    """Published articles of ours that link to `article`."""
    return (
        Linkback.objects.filter(target=article, source__in=Article.objects.published())
        .select_related("source")
        .only("source__title", "source__slug", "source__published_at", "source__status")
        .order_by("created_at")
    )


# Held for a moderator: neither published, nor judged spam, nor taken down.
AWAITING_MODERATION = Q(is_public=False, is_spam=False, is_removed=False)


def open_reports_exist():
    """True, per comment row, when a reader's report on it is still unresolved."""
    return Exists(CommentReport.objects.filter(comment=OuterRef("pk"), resolved=False))


def moderation_counts() -> dict[str, int]:
    """How many comments await a moderator and how many readers flagged, in one query."""
    return Comment.objects.aggregate(
        awaiting=Count("pk", filter=AWAITING_MODERATION),
        flagged=Count("pk", filter=Q(open_reports_exist())),
    )
