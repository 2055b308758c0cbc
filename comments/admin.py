"""The moderators' admin: a queue of held and reported comments, the blocklist, pending comments.

Moderating is changing a comment (`comments.change_comment`); blocking a sender also needs
`comments.add_blockeditem`. Every action goes through comments.services, so approving in bulk
notifies followers exactly as a comment published at once would.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from .models import BlockedItem, Comment, CommentReport, PendingComment
from .notifications import approval_notice_queue
from .selectors import AWAITING_MODERATION, open_reports_exist
from .services import (
    CommentsClosed,
    comment_published,
    commenter_identity,
    comments_approve,
    comments_mark_spam,
    moderator_reply,
)

AWAITING = "awaiting"


def _comments(count: int) -> str:
    return f"{count} comment" if count == 1 else f"{count} comments"


def _reports(count: int) -> str:
    return f"{count} reader report" if count == 1 else f"{count} reader reports"


class ModerationFilter(admin.SimpleListFilter):
    """The queue by default: moderators land on what waits for them, "All comments" is a choice."""

    title = "moderation"
    parameter_name = "moderation"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.used_parameters.setdefault(self.parameter_name, AWAITING)

    def lookups(self, request, model_admin):
        return [
            (AWAITING, "Awaiting moderation"),
            ("flagged", "Flagged by readers"),
            ("spam", "Spam"),
            ("public", "Public"),
            ("all", "All comments"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == AWAITING:
            return queryset.filter(AWAITING_MODERATION)
        if value == "flagged":
            return queryset.filter(open_reports_exist())
        if value == "spam":
            return queryset.filter(is_spam=True)
        if value == "public":
            return queryset.filter(is_public=True, is_removed=False, is_spam=False)
        return queryset

    def choices(self, changelist):
        # Django's own "All" link drops the parameter, which here means the queue itself.
        choices = super().choices(changelist)
        next(choices)
        yield from choices


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    fields = ["reason", "user", "created_at", "resolved"]
    readonly_fields = ["reason", "user", "created_at"]
    extra = 0
    can_delete = False
    verbose_name = "reader report"

    def has_add_permission(self, request, obj=None):
        return False  # reports come from readers on the site


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # Few, short columns: at 1280 px, and on a phone, the state and reasons must stay in view.
    list_display = ["commenter", "excerpt", "article_link", "submit_date", "moderation"]
    list_display_links = ["excerpt"]
    list_filter = [ModerationFilter]
    search_fields = ["user_name", "user_email", "comment", "ip_address"]
    date_hierarchy = "submit_date"
    ordering = ["-submit_date"]
    list_per_page = 50
    readonly_fields = [
        "article_link",
        "in_reply_to",
        "state",
        "held_because",
        "user",
        "ip_address",
        "submit_date",
    ]
    fieldsets = [
        (None, {"fields": ["article_link", "in_reply_to", "state"]}),
        ("Commenter", {"fields": ["user_name", "user_email", "user_url", "user", "ip_address"]}),
        ("Comment", {"fields": ["comment", "submit_date", "followup"]}),
        ("Moderation", {"fields": ["held_because", "is_public", "is_spam", "is_removed"]}),
    ]
    inlines = [CommentReportInline]
    actions = ["approve_selected", "mark_spam", "mark_spam_and_block"]
    change_form_template = "admin/comments/comment/change_form.html"

    def get_queryset(self, request):
        # The article and the answered commenter of every row in one query, whatever the
        # page's length. (django-comments-xtd gives a thread's first comment its own id as
        # parent.)
        parent = Comment.objects.filter(pk=OuterRef("parent_id")).exclude(pk=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .prefetch_related("content_object")
            .annotate(
                open_reports=Count("reports", filter=Q(reports__resolved=False)),
                parent_name=Subquery(parent.values("user_name")[:1]),
            )
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        name, _ = commenter_identity(request.user)
        extra_context = {**(extra_context or {}), "reply_name": name}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        reply = self.admin_site.admin_view(require_POST(self.reply_view))
        return [
            path("<int:object_id>/reply/", reply, name="comments_comment_reply"),
            *super().get_urls(),
        ]

    def reply_view(self, request, object_id):
        """Publish a moderator's reply to this comment, under their own name."""
        comment = get_object_or_404(Comment, pk=object_id)
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        text = request.POST.get("reply", "").strip()
        change_page = reverse("admin:comments_comment_change", args=[comment.pk])
        if not text:
            self.message_user(request, "Write a reply before sending it.", messages.ERROR)
            return redirect(change_page)
        try:
            reply = moderator_reply(parent=comment, user=request.user, text=text)
        except CommentsClosed:
            self.message_user(
                request,
                "Comments on this article are closed: no reply was published.",
                messages.ERROR,
            )
            return redirect(change_page)
        self.message_user(
            request,
            format_html(
                'Your reply is published: <a href="{}">see it on the site</a>.',
                reply.get_absolute_url(),
            ),
            messages.SUCCESS,
        )
        return redirect(change_page)

    def has_add_permission(self, request):
        return False  # comments are written by readers, under an article

    def has_block_permission(self, request) -> bool:
        return self.has_change_permission(request) and request.user.has_perm(
            "comments.add_blockeditem"
        )

    # Columns and read-only fields

    @admin.display(description="Commenter", ordering="user_name")
    def commenter(self, obj) -> str:
        return format_html("{}<br><small>{}</small>", obj.user_name, obj.user_email)

    @admin.display(description="Article")
    def article_link(self, obj) -> str:
        article = obj.content_object
        if article is None:
            return "—"
        return format_html('<a href="{}">{}</a>', article.get_absolute_url(), article)

    @admin.display(description="Comment")
    def excerpt(self, obj) -> str:
        # The whole text on hover; the change page has it too.
        text = format_html(
            '<span title="{}">{}</span>', obj.comment, Truncator(obj.comment).chars(80)
        )
        if getattr(obj, "parent_name", None):
            return format_html("<small>↳ reply to {}</small><br>{}", obj.parent_name, text)
        return text

    @admin.display(description="In reply to")
    def in_reply_to(self, obj) -> str:
        if obj.parent_id in (None, 0, obj.pk):
            return "— (starts a thread)"
        parent = Comment.objects.filter(pk=obj.parent_id).first()
        if parent is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> ({}): <q>{}</q>',
            reverse("admin:comments_comment_change", args=[parent.pk]),
            parent.user_name,
            self.state(parent).lower(),
            Truncator(parent.comment).chars(300),
        )

    @admin.display(description="State")
    def state(self, obj) -> str:
        if obj.is_removed:
            return "Removed"
        if obj.is_spam:
            return "Spam"
        return "Public" if obj.is_public else "Held"

    @admin.display(description="Held because")
    def held_because(self, obj) -> str:
        return ", ".join(obj.held_reasons) or "—"

    @admin.display(description="Reports", ordering="open_reports")
    def open_reports(self, obj) -> int:
        return obj.open_reports

    @admin.display(description="State")
    def moderation(self, obj) -> str:
        """The state, why it was held and the readers' reports, in one short column."""
        parts = [self.state(obj)]
        if not obj.is_public and obj.held_reasons:
            parts.append(self.held_because(obj))
        if getattr(obj, "open_reports", 0):
            parts.append(_reports(obj.open_reports))
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts))

    # Saving

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Ticking "public" by hand tells followers, like the approve action (and only once),
        # and the commenter whose held comment it was.
        if "is_public" in form.changed_data and obj.is_public:
            comment_published(comment=obj)
            if not form.initial.get("is_spam") and not obj.is_removed:
                approval_notice_queue(comment=obj)

    # Actions

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve_selected(self, request, queryset):
        comments = list(queryset)
        reports = sum(comment.open_reports for comment in comments)
        approved = comments_approve(comments=comments)
        message = f"Approved {_comments(approved)}."
        if reports:
            message += f" Resolved {_reports(reports)}."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        count = comments_mark_spam(comments=list(queryset))
        self.message_user(request, f"Marked {_comments(count)} as spam.", messages.SUCCESS)

    @admin.action(description="Mark as spam and block the senders", permissions=["block"])
    def mark_spam_and_block(self, request, queryset):
        count = comments_mark_spam(comments=list(queryset), block_sender=True)
        self.message_user(
            request,
            f"Marked {_comments(count)} as spam; their senders' email addresses and IP "
            "addresses are on the blocklist.",
            messages.SUCCESS,
        )


@admin.register(BlockedItem)
class BlockedItemAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
    fields = ["kind", "value", "note"]


@admin.register(PendingComment)
class PendingCommentAdmin(admin.ModelAdmin):
    """Guests' comments waiting for their confirmation link: to look at, not to edit."""

    list_display = ["email", "created_at", "confirmed"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = ["email", "created_at", "comment", "data"]
    readonly_fields = fields

    @admin.display(description="Confirmed", boolean=True)
    def confirmed(self, obj) -> bool:
        return obj.comment_id is not None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
