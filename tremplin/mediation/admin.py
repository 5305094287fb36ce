from django.contrib import admin

from .models import Accompaniment, Beneficiary, Interaction, InteractionTheme


class InteractionThemeInline(admin.TabularInline):
    model = InteractionTheme
    extra = 0


class AccompanimentInline(admin.TabularInline):
    model = Accompaniment
    extra = 0
    raw_id_fields = ["beneficiary", "commune"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    """Read for support; records are written by mediators through the services."""

    list_display = ["started_at", "kind", "site", "mediator", "duration_minutes", "deleted_at"]
    list_filter = ["kind", "time_category", "deleted_at"]
    date_hierarchy = "started_at"
    raw_id_fields = ["operator", "mediator", "site", "shift"]
    inlines = [InteractionThemeInline, AccompanimentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Beneficiary)
class BeneficiaryAdmin(admin.ModelAdmin):
    """Names stay out of the admin list: support works from ids."""

    list_display = ["id", "operator", "consent_scope", "last_seen_at", "merged_into", "anonymised_at"]
    list_filter = ["consent_scope"]
    readonly_fields = [field.name for field in Beneficiary._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
