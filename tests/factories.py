from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, Author, Page, Section
from comments.forms import CommentForm
from comments.models import Comment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Writer {n}")
    slug = factory.Sequence(lambda n: f"writer-{n}")
    position = "Staff writer"
    bio = "<p>Writes about the region.</p>"


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article from an hour ago; use `draft=True` or `scheduled=True` traits."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    section = factory.SubFactory(SectionFactory)
    standfirst = "A short summary of the piece."
    body = "<p>The body of the article.</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
        )

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create:
            return
        self.authors.set(extracted if extracted is not None else [AuthorFactory()])

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = "<p>About us.</p>"


class CommentFactory(factory.django.DjangoModelFactory):
    """A public comment on a new article; `parent=<comment>` makes it a reply in that thread."""

    class Meta:
        model = Comment

    class Params:
        parent = None
        # Waiting for a moderator, with the reason the policy gave.
        held = factory.Trait(is_public=False, held_reasons=["first comment"])

    # A reply lives on its parent's article; xtd works out thread, level and order on save.
    content_object = factory.Maybe(
        "parent",
        yes_declaration=factory.LazyAttribute(lambda c: c.parent.content_object),
        no_declaration=factory.SubFactory(ArticleFactory),
    )
    parent_id = factory.LazyAttribute(lambda c: c.parent.pk if c.parent else 0)
    site_id = 1
    user_name = factory.Sequence(lambda n: f"Reader {n}")
    user_email = factory.LazyAttributeSequence(lambda c, n: f"reader{n}@example.org")
    user_url = ""
    comment = factory.Sequence(lambda n: f"Comment number {n}.")
    submit_date = factory.LazyFunction(timezone.now)
    is_public = True


def comment_post_data(article, **fields) -> dict:
    """Valid comment-form data for an article, as the article page's form sends it."""
    data = CommentForm(article).generate_security_data()
    data.update(
        name="Rana Haddad",
        email="rana@example.org",
        url="",
        comment="A thoughtful point about the talks.",
        reply_to="0",
        honeypot="",
        next="/comments/sent/",
    )
    data.update({key: str(value) for key, value in fields.items()})
    return data
