from django.contrib import admin

from .models import ReaderProfile


@admin.register(ReaderProfile)
class ReaderProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "website", "created_at"]
    list_select_related = ["user"]
    search_fields = ["display_name", "user__email"]
    raw_id_fields = ["user"]
