import secrets

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from articles.models import Article, Author, Section
from core.models import QueuedEmail


def new_key() -> str:
    return secrets.token_urlsafe(16)


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        """Subscribers we may send articles and digests to."""
        return self.filter(state=Subscriber.State.ACTIVE)

    def with_email(self, email: str):
        return self.filter(email__iexact=email.strip())

    def wanting(self, articles: models.QuerySet, *, frequency: str):
        """Active subscribers of `frequency` whom one of `articles` interests, each once.

        The database twin of `Subscriber.wants`, for instant emails and digests alike.
        """
        by_section = Subscriber.sections.through.objects.filter(
            section_id__in=articles.values("section_id")
        )
        by_author = Subscriber.authors.through.objects.filter(
            author_id__in=Article.authors.through.objects.filter(
                article_id__in=articles.values("pk")
            ).values("author_id")
        )
        return (
            self.active()
            .filter(frequency=frequency)
            .filter(
                Q(all_articles=True)
                | Q(pk__in=by_section.values("subscriber_id"))
                | Q(pk__in=by_author.values("subscriber_id"))
            )
        )


class Subscriber(models.Model):
    """One email address and what it wants from us. The address is unique whatever its case."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        ACTIVE = "active", "Active"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCING = "bouncing", "Bouncing (suppressed)"

    class Source(models.TextChoices):
        SIGNUP = "", "Signed up here"
        MAILCHIMP = "mailchimp", "Imported from Mailchimp"
        SUBSTACK = "substack", "Imported from Substack"
        GHOST = "ghost", "Imported from Ghost"
        JETPACK = "jetpack", "Imported from Jetpack (WordPress.com)"
        CSV = "csv", "Imported from a CSV file"

    class Frequency(models.TextChoices):
        INSTANT = "instant", "Each article as it is published"
        DAILY = "daily", "A daily digest"
        WEEKLY = "weekly", "A weekly digest"

    email = models.EmailField(max_length=254)
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.PENDING, db_index=True
    )
    frequency = models.CharField(
        max_length=8, choices=Frequency.choices, default=Frequency.INSTANT, db_index=True
    )
    all_articles = models.BooleanField(
        default=True,
        help_text="Everything we publish; otherwise only the chosen sections and authors.",
    )
    sections = models.ManyToManyField(Section, blank=True, related_name="subscribers")
    authors = models.ManyToManyField(Author, blank=True, related_name="subscribers")
    # Part of every signed link: a new key voids every link mailed before (re-joining, erasure).
    key = models.CharField(max_length=32, default=new_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Subscribers brought over from another service (subscriptions.imports) confirmed there: they
    # come in active without a new confirmation, and this says where and when they came from.
    source = models.CharField(
        max_length=10, choices=Source.choices, default=Source.SIGNUP, blank=True, db_index=True
    )
    imported_at = models.DateTimeField(null=True, blank=True)
    # Permanent delivery failures in a row; past SUBSCRIPTIONS_BOUNCE_LIMIT the address bounces.
    bounce_count = models.PositiveSmallIntegerField(default=0)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="unique_subscriber_email_ci"),
        ]

    def __str__(self):
        return self.email

    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    def wants(self, article: Article, *, sections: set[int], authors: set[int]) -> bool:
        """Whether `article` interests the subscriber, given the ids of the sections and authors
        they chose: the in-memory twin of `SubscriberQuerySet.wanting`, for a batch in hand."""
        if self.all_articles:
            return True
        return article.section_id in sections or any(a.pk in authors for a in article.authors.all())


class Digest(models.Model):
    """One period's digest of a frequency (daily or weekly): sent once per subscriber."""

    frequency = models.CharField(max_length=8, choices=Subscriber.Frequency.choices)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["frequency", "period_start"], name="one_digest_per_period"
            ),
            models.CheckConstraint(
                condition=~Q(frequency=Subscriber.Frequency.INSTANT), name="digest_not_instant"
            ),
        ]

    def __str__(self):
        return f"{self.get_frequency_display()} from {self.period_start:%Y-%m-%d}"

    def articles(self):
        return Article.objects.published().filter(
            published_at__gte=self.period_start, published_at__lt=self.period_end
        )


class Delivery(QueuedEmail):
    """One email to one subscriber about one article or one digest: the guard against doubles.

    Sent through the site's mail queue (core.mailqueue): claimed before its message goes out and
    marked SENT as soon as the mail server accepts it, so nothing accepted is sent twice.
    """

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "article"],
                condition=Q(article__isnull=False),
                name="one_delivery_per_article",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "digest"],
                condition=Q(digest__isnull=False),
                name="one_delivery_per_digest",
            ),
            models.CheckConstraint(
                condition=Q(article__isnull=False, digest__isnull=True)
                | Q(article__isnull=True, digest__isnull=False),
                name="delivery_of_article_or_digest",
            ),
        ]
        indexes = [models.Index(fields=["status", "not_before"], name="delivery_queue")]

    def __str__(self):
        return f"{self.get_status_display()}: {self.article or self.digest} to {self.subscriber_id}"
