import csv

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from articles.admin import ArticlePanel, article_panel_add

from .models import Delivery, Subscriber
from .services import subscriber_erase


def subscriber_preferences(subscriber: Subscriber) -> str:
    """What the subscriber gets, in words; reads prefetched sections and authors."""
    if subscriber.all_articles:
        return "All articles"
    parts = []
    if sections := [section.name for section in subscriber.sections.all()]:
        parts.append("Sections: " + ", ".join(sections))
    if authors := [author.name for author in subscriber.authors.all()]:
        parts.append("Authors: " + ", ".join(authors))
    return "; ".join(parts) or "Nothing chosen"


class _Echo:
    """A file-like object whose write() hands back the line, for streaming csv.writer rows."""

    def write(self, value):
        return value


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = [
        "email", "state", "frequency", "preferences", "source", "created_at", "confirmed_at",
    ]  # fmt: skip
    list_filter = ["state", "frequency", "source", "sections"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    # The key is what every mailed link is checked against; staff have no use for it. Never shown.
    exclude = ["key", "confirmation_sent_at"]
    # State and address change only through the reader's own confirmed actions.
    readonly_fields = [
        "email",
        "state",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "bounce_count",
        "source",
        "imported_at",
    ]
    filter_horizontal = ["sections", "authors"]
    actions = ["export_csv", "erase_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sections", "authors")

    def has_add_permission(self, request):
        # Every subscriber comes through the double opt-in (or `import_subscribers`, from a list
        # confirmed elsewhere), never typed in by staff.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        # "Erase selected subscribers entirely" does the same through the service.
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Gets")
    def preferences(self, obj) -> str:
        return subscriber_preferences(obj)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"state_counts": self._state_counts(), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra_context)

    def _state_counts(self) -> list[tuple[str, int]]:
        counts = dict(Subscriber.objects.order_by().values_list("state").annotate(n=Count("pk")))
        return [(label, counts.get(state, 0)) for state, label in Subscriber.State.choices]

    @admin.action(description="Export selected subscribers as CSV")
    def export_csv(self, request, queryset):
        writer = csv.writer(_Echo())
        header = ["email", "state", "frequency", "preferences", "created", "confirmed", "left"]

        def rows():
            yield writer.writerow(header)
            # iterator() keeps memory flat on large lists; prefetching still works in chunks.
            for subscriber in queryset.order_by("pk").iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        _csv_cell(subscriber.email),
                        subscriber.state,
                        subscriber.frequency,
                        subscriber_preferences(subscriber),
                        _iso(subscriber.created_at),
                        _iso(subscriber.confirmed_at),
                        _iso(subscriber.unsubscribed_at),
                    ]
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        filename = f"subscribers-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(description="Erase selected subscribers entirely", permissions=["delete"])
    def erase_selected(self, request, queryset):
        if request.POST.get("confirm") == "yes":
            erased = self._erase(queryset)
            self.message_user(
                request,
                f"Erased {erased} subscriber(s) with their choices and delivery records.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Erase subscribers entirely",
            "opts": self.model._meta,
            "count": queryset.count(),
            "sample": queryset[:20],
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/subscriptions/subscriber/erase_confirmation.html", context
        )

    def delete_model(self, request, obj):
        subscriber_erase(subscriber=obj)

    def delete_queryset(self, request, queryset):
        self._erase(queryset)

    @staticmethod
    def _erase(queryset, batch: int = 500) -> int:
        # The ids first: deleting rows from a table while reading it through a cursor is unsafe.
        pks = list(queryset.values_list("pk", flat=True))
        erased = 0
        for start in range(0, len(pks), batch):
            for subscriber in Subscriber.objects.filter(pk__in=pks[start : start + batch]):
                subscriber_erase(subscriber=subscriber)
                erased += 1
        return erased


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection). A valid
# address may start with = + or -, and a reader chooses what they type.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _iso(value) -> str:
    return value.isoformat() if value else ""


# Delivery records, and what each article's email did (subscriptions.sending)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Who was sent what: read only, as the sender alone writes these."""

    list_display = ["subscriber", "about", "status", "attempts", "sent_at", "retry_or_lease"]
    list_filter = ["status", ("article", admin.RelatedOnlyFieldListFilter), "digest"]
    list_select_related = ["subscriber", "article", "digest"]
    search_fields = ["subscriber__email"]
    fields = ["subscriber", "article", "digest", "status", "attempts", "sent_at", "not_before"]
    fields += ["last_error", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Email about")
    def about(self, obj) -> str:
        return str(obj.article or obj.digest)

    @admin.display(description="Retry after or claimed until", ordering="not_before")
    def retry_or_lease(self, obj):
        return obj.not_before


def article_delivery_counts(article) -> dict[str, int]:
    """How many of the article's emails are in each delivery status, from one grouped query."""
    counts = dict(
        Delivery.objects.filter(article=article)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return {status: counts.get(status, 0) for status in Delivery.Status.values}


@admin.display(description="Email deliveries")
def email_deliveries(article, user) -> str:
    counts = article_delivery_counts(article)
    if not any(counts.values()):
        return "No subscriber emails (yet): they go out when the article becomes public."
    Status = Delivery.Status
    summary = format_html(
        "Sent (accepted by the mail server): {} · Failed: {} · Waiting or sending: {} · "
        "Skipped (no longer subscribed): {}",
        counts[Status.SENT],
        counts[Status.FAILED],
        counts[Status.PENDING] + counts[Status.SENDING],
        counts[Status.SKIPPED],
    )
    # Each delivery names its subscriber: the list is for those who may see subscribers.
    if user is None or not user.has_perm("subscriptions.view_delivery"):
        return summary
    link = reverse("admin:subscriptions_delivery_changelist") + f"?article__id__exact={article.pk}"
    return format_html('{} · <a href="{}">See each one</a>', summary, link)


# The article's change page shows what its subscriber emails did.
article_panel_add(
    ArticlePanel(title="Subscribers", name="email_deliveries", display=email_deliveries)
)
