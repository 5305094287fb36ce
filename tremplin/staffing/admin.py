"""The staffing models in the Django admin, for platform staff.

The pages of the application write through the services (validation, journal); the admin is for
reading and for the odd repair. Worked shifts and their corrections are the hours reported to
clients, so they are read-only here: they change only through a journaled correction.
"""

from django.contrib import admin

from .models import (
    Absence,
    Certification,
    Contract,
    ContractSite,
    MediatorProfile,
    Replacement,
    Rotation,
    Shift,
    ShiftCorrection,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ContractSiteInline(admin.TabularInline):
    model = ContractSite
    extra = 0
    autocomplete_fields = ["site"]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "operator", "client", "starts_on", "ends_on", "status"]
    list_filter = ["status", "reporting_period", "operator"]
    search_fields = ["reference", "title", "operator__name", "client__name"]
    list_select_related = ["operator", "client"]
    autocomplete_fields = ["operator", "client"]
    date_hierarchy = "starts_on"
    inlines = [ContractSiteInline]


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


@admin.register(MediatorProfile)
class MediatorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "operator", "languages", "active_from", "active_until"]
    list_filter = ["operator"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user", "operator"]
    autocomplete_fields = ["user", "operator"]
    inlines = [CertificationInline]


@admin.register(Rotation)
class RotationAdmin(admin.ModelAdmin):
    list_display = [
        "contract",
        "mediator",
        "site",
        "weekday",
        "starts_at",
        "ends_at",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["weekday", "contract__operator"]
    search_fields = ["contract__reference", "site__name", "mediator__user__email"]
    list_select_related = ["contract", "mediator__user", "site"]
    raw_id_fields = ["contract", "mediator", "site"]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["mediator", "starts_on", "ends_on", "reason"]
    list_filter = ["reason"]
    search_fields = ["mediator__user__email", "mediator__user__last_name"]
    list_select_related = ["mediator__user"]
    raw_id_fields = ["mediator"]
    date_hierarchy = "starts_on"


@admin.register(Replacement)
class ReplacementAdmin(admin.ModelAdmin):
    list_display = ["rotation", "date", "replacement"]
    search_fields = ["rotation__contract__reference", "rotation__site__name"]
    list_select_related = ["rotation__site", "replacement__user"]
    raw_id_fields = ["rotation", "replacement"]
    date_hierarchy = "date"


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    list_display = ["mediator", "site", "contract", "started_at", "ended_at", "minutes", "end_was_forgotten"]
    list_filter = ["end_was_forgotten", "operator"]
    search_fields = ["mediator__user__email", "site__name", "contract__reference"]
    list_select_related = ["mediator__user", "site", "contract"]
    date_hierarchy = "started_at"


@admin.register(ShiftCorrection)
class ShiftCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["shift", "corrected_by", "at", "reason"]
    search_fields = ["reason", "shift__mediator__user__email"]
    list_select_related = ["shift__mediator__user", "shift__site", "corrected_by"]
    date_hierarchy = "at"
