"""The newsroom's admin: articles written as drafts, published or scheduled by editors.

Publishing is a permission (`articles.publish_article`, held by the Editor group). Staff without
it (the Author group) see only the articles they created and may change only their drafts; what
they save stays a draft whatever they post.
"""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import ClassVar

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from django_prose_editor.fields import ProseEditorField
from reversion.admin import VersionAdmin

from core.dates import datetime_shown

from .cache import article_pages_changed
from .forms import ArticleAdminForm, AuthorAdminForm, LibraryImageAdminForm
from .html import EDITOR_CONFIG_WITHOUT_LIBRARY
from .models import Article, Author, LibraryImage, Page, Section
from .publication import article_publish, article_unpublish, publication_schedule
from .revisions import version_diff, version_restore, versions

# Names of the submit buttons in templates/admin/articles/article/submit_line.html.
SAVE_DRAFT = "_save_draft"
PUBLISH = "_publish"
# How many of the newest matching images the body editor's library shows at a time.
LIBRARY_CHOICES = 24


LIBRARY_PERMISSIONS = ("articles.add_libraryimage", "articles.view_libraryimage")


class BodyEditorMixin:
    """Body editors offer upload and the image library only to staff allowed both: for anyone
    else those buttons would be dead ends."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, ProseEditorField) and not request.user.has_perms(
            LIBRARY_PERMISSIONS
        ):
            kwargs["config"] = EDITOR_CONFIG_WITHOUT_LIBRARY
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class EditorMedia:
    """What a change form with a body editor adds: the editor's image dialogs' styles, and
    autosave of what is typed to the browser's storage."""

    css = {"all": ["css/admin-editor.css"]}
    js = ["js/admin-autosave.js"]


def _for_viewer(display):
    """`display(article, user)` as the admin calls a read-only field: with the article alone."""

    def shown(article):
        return display(article, _viewer.get())

    shown.short_description = getattr(display, "short_description", display.__name__)
    return shown


def _site_url(article: Article) -> str:
    """Where staff read the article: its public page once public, the preview until then."""
    if article.is_published():
        return article.get_absolute_url()
    # A scheduled article's dated URL is not public yet, so it would be a 404.
    return reverse("articles:preview", kwargs={"pk": article.pk})


def _short_datetime(value) -> str:
    return datetime_shown(value)


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Article.State.choices

    def queryset(self, request, queryset):
        # The same rules as the public site's, from the queryset methods.
        if self.value() == Article.State.DRAFT:
            return queryset.drafts()
        if self.value() == Article.State.SCHEDULED:
            return queryset.scheduled()
        if self.value() == Article.State.PUBLISHED:
            return queryset.published()
        return queryset


@dataclass(frozen=True)
class ArticlePanel:
    """A read-only section another app adds to an article's change page (`article_panel_add`)."""

    title: str
    # Shown as a read-only field of this name: an `admin.display`-decorated
    # function(article, user), the user so that it links only where they may go.
    name: str
    display: Callable[[Article, object], str]


# Who is looking at the change page now: a panel's display gets it (ModelAdmins are shared).
_viewer: ContextVar = ContextVar("article_admin_viewer", default=None)


def article_panel_add(panel: ArticlePanel) -> None:
    """Show `panel` on every saved article's change page, below the article's own sections."""
    ArticleAdmin.panels = [*ArticleAdmin.panels, panel]


class RevisionsMixin:
    """Earlier versions on the change page (django-reversion's VersionAdmin keeps them): who
    saved each and when, a comparison with the current text, and a way to restore one."""

    def _url_name(self, view: str) -> str:
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        compare = self.admin_site.admin_view(self.compare_view)
        restore = self.admin_site.admin_view(require_POST(self.restore_view))
        route = "<path:object_id>/history/<int:version_id>/"
        return [
            path(f"{route}compare/", compare, name=self._url_name("compare")[6:]),
            path(f"{route}restore/", restore, name=self._url_name("restore")[6:]),
            *super().get_urls(),
        ]

    @admin.display(description="Earlier versions")
    def revisions(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "—"
        rows = [
            (
                datetime_shown(version.revision.date_created),
                version.revision.user or "someone",
                reverse(self._url_name("compare"), args=[obj.pk, version.pk]),
            )
            for version in versions(obj)
        ]
        if not rows:
            return "None yet: each save from now on keeps one."
        items = format_html_join(
            "", '<li>{} by {} · <a href="{}">compare with now, or restore</a></li>', rows
        )
        return format_html('<ul class="revisions">{}</ul>', items)

    def _version(self, request, object_id, version_id, *, change: bool):
        obj = self.get_object(request, unquote(object_id))
        allowed = self.has_change_permission if change else self.has_view_or_change_permission
        if obj is None or not allowed(request, obj):
            raise PermissionDenied
        return obj, get_object_or_404(versions(obj, most=None), pk=version_id)

    def compare_view(self, request, object_id, version_id):
        obj, version = self._version(request, object_id, version_id, change=False)
        saved = datetime_shown(version.revision.date_created)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "version": version,
            "diffs": version_diff(obj, version),
            "title": f"“{obj}” now, against the version of {saved}",
            "restore_url": reverse(self._url_name("restore"), args=[obj.pk, version.pk]),
            "can_restore": self.has_change_permission(request, obj),
        }
        return TemplateResponse(request, "admin/articles/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        """Put the version's text back; the article keeps its state (a draft stays a draft,
        a published article is updated), and the restore is itself a new version."""
        obj, version = self._version(request, object_id, version_id, change=True)
        saved = datetime_shown(version.revision.date_created)
        with reversion.create_revision():
            version_restore(obj, version)
            reversion.set_user(request.user)
            reversion.set_comment(f"Restored the version of {saved}")
        self.message_user(request, f"The version of {saved} is restored.", messages.SUCCESS)
        return redirect(self._url_name("change"), obj.pk)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # django-reversion's own revert saves every field it kept, not only the writing.
        return redirect(self._url_name("compare"), object_id, version_id)


@admin.register(Article)
class ArticleAdmin(BodyEditorMixin, RevisionsMixin, VersionAdmin):
    # What other apps show about an article (subscriptions: its emails), see article_panel_add.
    panels: ClassVar[list[ArticlePanel]] = []

    form = ArticleAdminForm
    Media = EditorMedia
    # Few, short columns, so that titles keep their width at 1280 px and on a phone.
    list_display = ["title", "state_and_time", "section", "byline", "discussion"]
    list_select_related = ["section"]
    list_filter = [StateFilter, "section", "authors"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    # Drafts (no publication time yet) first on every database, then the newest.
    ordering = [F("published_at").desc(nulls_first=True), "-created_at"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["authors"]
    readonly_fields = ["state_label", "preview_link", "revisions"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "section", "authors", "tags", "standfirst", "body"]}),
        ("Featured image", {"fields": ["image", "image_alt", "image_caption", "image_credit"]}),
        ("Publication", {"fields": ["state_label", "published_at", "preview_link"]}),
        ("Discussion", {"fields": ["comments_open"]}),
        ("Revisions", {"fields": ["revisions"], "classes": ["collapse"]}),
    ]
    actions = ["publish_now", "revert_to_draft", "close_comments", "open_comments"]

    # Permissions

    def has_publish_permission(self, request) -> bool:
        codename = get_permission_codename("publish", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    def has_moderate_comments_permission(self, request) -> bool:
        """Editors and comment moderators open and close discussions; authors do not."""
        return self.has_publish_permission(request) or request.user.has_perm(
            "comments.change_comment"
        )

    def _may_edit(self, request, obj) -> bool:
        """Editors may edit any article; other staff only their own drafts."""
        if obj is None or self.has_publish_permission(request):
            return True
        return obj.created_by_id == request.user.pk and obj.status == Article.Status.DRAFT

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("authors")
        if self.has_publish_permission(request):
            return queryset
        own = Q(created_by=request.user)
        if not request.user.has_perm("articles.add_article"):
            # Staff who write nothing (moderators closing discussions, subscriber managers
            # following an article's emails): every article that is or will be public, but
            # nobody's drafts.
            return queryset.filter(own | Q(status=Article.Status.PUBLISHED))
        return queryset.filter(own)

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj)]
        if not self.has_publish_permission(request):
            fields.append("published_at")
        return [*fields, *(panel.name for panel in self.panels)]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, *((panel.title, {"fields": [panel.name]}) for panel in self.panels)]

    def __getattr__(self, name):
        # The admin finds a read-only field by name on the ModelAdmin: a panel's is its display.
        for panel in type(self).panels:
            if panel.name == name:
                return _for_viewer(panel.display)
        raise AttributeError(name)

    def changeform_view(self, request, *args, **kwargs):
        # Left set for the rest of the request: the page is rendered after this returns (and
        # django-reversion renders a version's page again with another template).
        _viewer.set(request.user)
        return super().changeform_view(request, *args, **kwargs)

    # Columns and read-only fields

    @admin.display(description="State", ordering="status")
    def state_label(self, obj) -> str:
        if obj.state == Article.State.SCHEDULED:
            return f"Scheduled for {_short_datetime(obj.published_at)}"
        return obj.state.label

    @admin.display(description="State", ordering="published_at")
    def state_and_time(self, obj) -> str:
        if obj.state == Article.State.PUBLISHED:
            return f"Published {_short_datetime(obj.published_at)}"
        return self.state_label(obj)

    @admin.display(description="Comments", boolean=True, ordering="comments_open")
    def discussion(self, obj) -> bool:
        return obj.comments_open

    @admin.display(description="Authors")
    def byline(self, obj) -> str:
        return ", ".join(author.name for author in obj.authors.all())

    @admin.display(description="Preview")
    def preview_link(self, obj) -> str:
        if obj.pk is None:
            return "Save the article to preview it."
        label = "View on site" if obj.is_published() else "Preview as readers will see it"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', _site_url(obj), label
        )

    def view_on_site(self, obj):
        # Straight to the page, without the contenttypes redirect.
        return _site_url(obj)

    # Forms and saving

    def get_changeform_initial_data(self, request):
        # A writer (no publishing) writes their own pieces: their byline comes filled in. An
        # editor often writes up a colleague's, so chooses the byline, themselves included.
        initial = super().get_changeform_initial_data(request)
        if "authors" in initial or self.has_publish_permission(request):
            return initial
        own_profile = Author.objects.filter(user=request.user).values_list("pk", flat=True)
        if own_profile:
            initial["authors"] = list(own_profile)
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_publish"] = self.has_publish_permission(request)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        pressed_publish = PUBLISH in request.POST
        if not self.has_publish_permission(request):
            if pressed_publish:
                self.message_user(
                    request, "Only editors can publish: saved as a draft.", messages.WARNING
                )
            obj.status = Article.Status.DRAFT
            super().save_model(request, obj, form, change)
        elif pressed_publish:
            article_publish(article=obj, at=obj.published_at)
            self._report_state(request, obj)
        elif SAVE_DRAFT in request.POST:
            article_unpublish(article=obj)
            self._report_state(request, obj)
        else:
            # "Update" keeps the status; a new publication time is announced when it comes.
            super().save_model(request, obj, form, change)
            publication_schedule(article=obj)

    def _report_state(self, request, obj) -> None:
        if obj.state == Article.State.SCHEDULED:
            message = format_html(
                "“{}” is scheduled for {}.", obj.title, _short_datetime(obj.published_at)
            )
        elif obj.state == Article.State.PUBLISHED:
            message = format_html(
                "“{}” is published: <a href='{}'>view it on the site</a>.",
                obj.title,
                obj.get_absolute_url(),
            )
        else:
            message = format_html("“{}” is saved as a draft.", obj.title)
        # Said instead of Django's "was added/changed successfully": one message per save.
        request._article_message = message

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        ours = getattr(request, "_article_message", None)
        if ours is not None and level == messages.SUCCESS:
            request._article_message = None
            message = ours
        super().message_user(request, message, level, *args, **kwargs)

    def _continue_after_draft(self, request):
        # "Save draft" keeps the editor on the article, like "Save and continue editing".
        if SAVE_DRAFT in request.POST and "_continue" not in request.POST:
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"
        return request

    def response_add(self, request, obj, post_url_continue=None):
        return super().response_add(self._continue_after_draft(request), obj, post_url_continue)

    def response_change(self, request, obj):
        return super().response_change(self._continue_after_draft(request), obj)

    # Actions

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish_now(self, request, queryset):
        count = 0
        for article in queryset.exclude(
            status=Article.Status.PUBLISHED, published_at__lte=timezone.now()
        ):
            article_publish(article=article)
            count += 1
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(description="Revert selected articles to draft", permissions=["publish"])
    def revert_to_draft(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            article_unpublish(article=article)
            count += 1
        self.message_user(request, f"Reverted {count} article(s) to draft.", messages.SUCCESS)

    # Not an edit of the article: its "updated" time stays.
    @admin.action(description="Close comments", permissions=["moderate_comments"])
    def close_comments(self, request, queryset):
        articles = queryset.filter(comments_open=True)
        article_pages_changed(article_ids=list(articles.values_list("pk", flat=True)))
        count = articles.update(comments_open=False)
        self.message_user(request, f"Closed comments on {count} article(s).", messages.SUCCESS)

    @admin.action(description="Open comments", permissions=["moderate_comments"])
    def open_comments(self, request, queryset):
        articles = queryset.filter(comments_open=False)
        article_pages_changed(article_ids=list(articles.values_list("pk", flat=True)))
        count = articles.update(comments_open=True)
        self.message_user(request, f"Opened comments on {count} article(s).", messages.SUCCESS)


@admin.register(Author)
class AuthorAdmin(BodyEditorMixin, admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = ["name_with_photo", "position", "user"]
    list_select_related = ["user"]
    search_fields = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "position", "user", "notify_of_comments", "photo", "bio", "website"]
    # Django 6's default; a bare "example.org" becomes an https address.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        # The bio's editor has the image buttons too; a short bio needs no autosave.
        css = EditorMedia.css

    @admin.display(description="Name", ordering="name")
    def name_with_photo(self, obj) -> str:
        if not obj.photo:
            return obj.name
        return format_html(
            '<img src="{}" width="32" height="32" alt="" loading="lazy"> {}',
            obj.photo_thumbnail_url,
            obj.name,
        )


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Page)
class PageAdmin(BodyEditorMixin, RevisionsMixin, VersionAdmin):
    Media = EditorMedia
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["revisions"]
    fields = ["title", "slug", "body", "revisions"]


@admin.register(LibraryImage)
class LibraryImageAdmin(admin.ModelAdmin):
    """Images uploaded once, each with its alternative text and credit, for any article's body.

    The body editor uploads and picks them through two JSON views here (upload_view and
    choose_view, used by static/js/editor-images.js), checked as this admin's own pages are.
    """

    form = LibraryImageAdminForm
    list_display = ["thumbnail", "alt", "credit", "size", "created_at"]
    list_display_links = ["thumbnail", "alt"]
    search_fields = ["alt", "caption", "credit", "file"]
    date_hierarchy = "created_at"
    fields = ["file", "alt", "caption", "credit", "to_insert"]
    readonly_fields = ["to_insert"]

    def get_urls(self):
        # Before the model's own routes, whose "<object_id>/" would take these paths.
        upload = self.admin_site.admin_view(require_POST(self.upload_view))
        choose = self.admin_site.admin_view(self.choose_view)
        return [
            path("upload/", upload, name="articles_libraryimage_upload"),
            path("choose/", choose, name="articles_libraryimage_choose"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def upload_view(self, request):
        """An image uploaded from the body's editor, through this admin's own form (the same
        checks as any upload): what the editor inserts, or one message saying what is wrong."""
        if not self.has_add_permission(request):
            return JsonResponse({"error": "You may not add images to the library."}, status=403)
        form = self.get_form(request)(request.POST, request.FILES)
        if not form.is_valid():
            return JsonResponse(
                {"error": _errors_in_words(form), "errors": form.errors.get_json_data()},
                status=400,
            )
        image = form.save(commit=False)
        self.save_model(request, image, form, change=False)
        self.log_addition(request, image, self.construct_change_message(request, form, None, True))
        return JsonResponse(_for_editor(image), status=201)

    def choose_view(self, request):
        """The library as the body's editor shows it: the newest images whose alternative text,
        caption, credit or file name match `q`, as the image list's search finds them."""
        if not self.has_view_permission(request):
            return JsonResponse({"error": "You may not see the image library."}, status=403)
        images, _ = self.get_search_results(
            request, self.get_queryset(request), request.GET.get("q", "").strip()
        )
        found = list(images[: LIBRARY_CHOICES + 1])
        return JsonResponse(
            {
                "images": [_for_editor(image) for image in found[:LIBRARY_CHOICES]],
                "more": len(found) > LIBRARY_CHOICES,
            }
        )

    @admin.display(description="Image")
    def thumbnail(self, obj) -> str:
        return format_html('<img src="{}" width="96" alt="" loading="lazy">', obj.thumbnail_url)

    @admin.display(description="Size")
    def size(self, obj) -> str:
        return f"{obj.width} × {obj.height}" if obj.width else "—"

    @admin.display(description="To put it in an article")
    def to_insert(self, obj) -> str:
        if obj.pk is None:
            return "Save the image first."
        return format_html(
            "In the body's editor, choose “Image library” in the toolbar and pick it (search "
            "for its description). Its address is <code>{}</code>. Readers get it at the right "
            "size for their screen.",
            obj.address,
        )


def _for_editor(image: LibraryImage) -> dict:
    """A library image as the body's editor inserts it: the site's own address, the text."""
    return {
        "id": image.pk,
        "src": image.address,
        "thumbnail": image.thumbnail_url,
        "alt": image.alt,
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
        "name": image.file.name.rsplit("/", 1)[-1],
    }


def _errors_in_words(form) -> str:
    """A form's errors as one message the editor can show: “Image: Upload a valid image…”."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)  # none for errors of the whole form
        parts.append(f"{field.label}: {' '.join(errors)}" if field else " ".join(errors))
    return " ".join(parts)
