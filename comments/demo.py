"""Demo discussion for a development site: threads with replies, a held comment, a report.

Written fresh for ewview. Loaded by `manage.py seed_demo_comments` after `seed_demo`.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from articles.models import Article

from .models import Comment, CommentReport


@dataclass(frozen=True)
class _Remark:
    name: str
    email: str
    text: str
    minutes: int  # after the article appeared
    replies: tuple["_Remark", ...] = ()
    url: str = ""


DISCUSSIONS = (
    (
        _Remark(
            "Hana Qasim",
            "hana.qasim@example.org",
            "The point about the ministers meeting before the vote is the one I had missed. "
            "Does anyone know whether the opposition bloc will attend?",
            35,
            replies=(
                _Remark(
                    "Daniel Reyes",
                    "daniel.reyes@example.net",
                    "Their spokesman said on Monday they would send observers only.\n"
                    "That could change if the agenda is published in time.",
                    80,
                    replies=(
                        _Remark(
                            "Hana Qasim",
                            "hana.qasim@example.org",
                            "Thanks, that is useful. Observers only would say a lot.",
                            95,
                        ),
                    ),
                ),
            ),
        ),
        _Remark(
            "Mariam Saleh",
            "mariam.saleh@example.com",
            "A fair summary, though I think the piece underrates how much the currency has "
            "moved since the summer. The central bank's own figures are here: "
            "https://www.example.org/figures",
            140,
            url="https://mariam.example.com",
        ),
        _Remark("Tom Whitfield", "tom.w@example.org", "Clear and calm, as always. Thank you.", 300),
    ),
    (
        _Remark(
            "Yusuf Demir",
            "yusuf.demir@example.net",
            "Good to see the timeline laid out like this. The second round of talks is where "
            "the positions really hardened.",
            50,
            replies=(
                _Remark(
                    "Claire Martin",
                    "claire.martin@example.org",
                    "Agreed, although the first round set the terms everyone kept returning to.",
                    110,
                ),
            ),
        ),
    ),
)

HELD = _Remark(
    "Best Deals Online",
    "offers@spam.example",
    "Great article!!! Visit https://spam.example/offer and https://spam.example/win and "
    "https://spam.example/free for amazing prices",
    20,
)


@transaction.atomic
def demo_comments_load() -> int:
    """Add the demo discussion under the newest articles that have no comments; rows created."""
    articles = list(Article.objects.published().order_by("-published_at")[: len(DISCUSSIONS)])
    created = 0
    for article, remarks in zip(articles, DISCUSSIONS, strict=False):
        if Comment.objects.filter(object_pk=str(article.pk)).exists():
            continue
        for remark in remarks:
            created += _thread_create(article, remark, parent=None)
        _comment_create(article, HELD, parent=None, held_reasons=["links: 3"])
        reported = Comment.objects.filter(object_pk=str(article.pk), is_public=True).last()
        CommentReport.objects.create(
            comment=reported, reason="Off topic, I think.", reporter_hash="demo"
        )
        created += 1
    return created


def _thread_create(article: Article, remark: _Remark, *, parent: Comment | None) -> int:
    comment = _comment_create(article, remark, parent=parent)
    return 1 + sum(_thread_create(article, reply, parent=comment) for reply in remark.replies)


def _comment_create(article, remark: _Remark, *, parent, held_reasons=()) -> Comment:
    return Comment.objects.create(
        content_object=article,
        site_id=settings.SITE_ID,
        user_name=remark.name,
        user_email=remark.email,
        user_url=remark.url,
        comment=remark.text,
        submit_date=article.published_at + timedelta(minutes=remark.minutes),
        parent_id=parent.pk if parent else 0,
        is_public=not held_reasons,
        held_reasons=list(held_reasons),
        ip_address="127.0.0.1",
    )
