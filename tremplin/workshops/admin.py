"""Read-only views for support: workshops are written by coordinators and mediators through the app."""

from django.contrib import admin

from .models import (
    ExtraParticipants,
    Pathway,
    PathwayStep,
    Registration,
    RegistrationMessage,
    Session,
    Workshop,
    WorkshopTheme,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WorkshopThemeInline(admin.TabularInline):
    model = WorkshopTheme
    extra = 0


@admin.register(Workshop)
class WorkshopAdmin(ReadOnlyAdmin):
    list_display = ["title", "operator", "level", "duration_minutes", "max_participants", "is_active"]
    list_filter = ["level", "is_active"]
    inlines = [WorkshopThemeInline]


class PathwayStepInline(admin.TabularInline):
    model = PathwayStep
    extra = 0


@admin.register(Pathway)
class PathwayAdmin(ReadOnlyAdmin):
    list_display = ["title", "operator"]
    inlines = [PathwayStepInline]


class ExtraParticipantsInline(admin.TabularInline):
    model = ExtraParticipants
    extra = 0


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["starts_at", "workshop", "site", "venue", "capacity", "status", "is_published"]
    list_filter = ["status", "venue", "is_published"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["operator", "workshop", "series", "site", "venue_commune", "interaction"]
    inlines = [ExtraParticipantsInline]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    """Names and contacts stay out of the list: support works from ids."""

    list_display = ["id", "session", "status", "source", "attended", "created_at"]
    list_filter = ["status", "source", "attended"]
    exclude = ["first_name", "phone", "email"]
    raw_id_fields = ["operator", "session", "beneficiary", "registered_by"]


@admin.register(RegistrationMessage)
class RegistrationMessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "registration", "kind", "channel", "due_at", "status", "attempts", "error"]
    list_filter = ["kind", "channel", "status"]
    raw_id_fields = ["registration"]
