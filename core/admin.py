from django.contrib import admin

from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The emails readers waited for and what became of them: read only, as the mail queue alone
    writes these. Their text holds live links, so it is not shown."""

    list_display = ["created_at", "kind", "to", "status", "attempts", "sent_at", "not_before"]
    list_filter = ["status", "kind"]
    search_fields = ["to"]
    fields = ["kind", "to", "subject", "status", "attempts", "not_before", "last_error"]
    fields += ["created_at", "sent_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
