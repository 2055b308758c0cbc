"""Admin → WordPress imports: a superuser uploads an export; a worker imports it, and the page
shows its progress and then the same summary the command prints."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from .models import ImportRun
from .uploads import import_run_start


class ImportRunForm(forms.ModelForm):
    export = forms.FileField(
        label="WordPress export",
        help_text=(
            "The file WordPress's Tools → Export → All content writes (WXR). Images are not in it:"
            " bring them with `manage.py import_wordpress --media-dir`, which also takes files"
            " larger than admin's upload limit."
        ),
    )

    class Meta:
        model = ImportRun
        fields = ["dry_run"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    form = ImportRunForm
    list_display = ["file_name", "state", "progress", "dry_run", "created_by", "created_at"]
    list_select_related = ["created_by"]
    readonly_fields = [
        "file_name", "dry_run", "state", "progress", "report", "created_by", "created_at",
        "finished_at",
    ]  # fmt: skip
    # While it runs, the page reloads itself to show how far it got.
    change_form_template = "admin/wordpress/importrun/change_form.html"

    # Only superusers: an import writes everything, everyone's comments included.
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_fields(self, request, obj=None):
        return ["export", "dry_run"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        run = import_run_start(
            upload=form.cleaned_data["export"], dry_run=obj.dry_run, user=request.user
        )
        # The admin's "added" message and redirect refer to the run the service made.
        obj.pk, obj.file_name = run.pk, run.file_name

    def save_related(self, request, form, formsets, change):
        pass

    @admin.display(description="Summary")
    def report(self, obj) -> str:
        text = obj.error or obj.summary
        return format_html("<pre>{}</pre>", text) if text else "—"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        running = obj is not None and obj.state in {ImportRun.State.QUEUED, ImportRun.State.RUNNING}
        context["refresh_seconds"] = 5 if running else None
        return super().render_change_form(request, context, add, change, form_url, obj)
