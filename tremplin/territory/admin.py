from django.contrib import admin

from .models import Commune, Departement, Region, Site


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    search_fields = ["code", "name"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "departement", "population", "is_rural", "fragility_index"]
    list_filter = ["is_rural", "departement"]
    search_fields = ["code", "name"]
    list_select_related = ["departement"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["identifier", "name", "kind", "commune", "has_mediation", "has_kiosk"]
    list_filter = ["kind", "has_mediation", "has_kiosk", "has_etape_numerique", "is_qpv"]
    search_fields = ["identifier", "name", "commune__name", "postcode"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune"]
