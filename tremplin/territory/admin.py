from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .models import Commune, Departement, Region, Site
from .services import site_import

#: La Poste's national file is about 5 MB; anything far larger is not that file.
MAX_IMPORT_SIZE = 30 * 1024 * 1024
#: Line errors shown on the page; the counts above the table still cover every line.
MAX_ERRORS_SHOWN = 1000


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


class SiteImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Liste des points de contact de La Poste (données ouvertes), séparateur virgule ou "
            "point-virgule, en UTF-8 ou Latin-1."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Simulation : vérifier le fichier sans rien enregistrer"), required=False
    )
    skip_invalid = forms.BooleanField(
        label=_("Importer les lignes valides même si d'autres sont invalides"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_SIZE:
            raise forms.ValidationError(
                _("Fichier trop volumineux (%(size)s Mo au plus).")
                % {"size": MAX_IMPORT_SIZE // (1024 * 1024)}
            )
        return upload


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["identifier", "name", "kind", "commune", "has_mediation", "has_kiosk"]
    list_filter = ["kind", "has_mediation", "has_kiosk", "has_etape_numerique", "is_qpv"]
    search_fields = ["identifier", "name", "commune__name", "postcode"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune"]

    def get_urls(self):
        import_url = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name="territory_site_import",
        )
        return [import_url, *super().get_urls()]

    def has_import_permission(self, request) -> bool:
        """Importing creates and changes sites, so it takes both permissions."""
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def import_view(self, request):
        """Upload La Poste's file and show what the import did (or would do), line by line."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = SiteImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            report = site_import(
                source=form.cleaned_data["file"],
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Importer des sites"),
            "form": form,
            "report": report,
            "errors_shown": report.errors[:MAX_ERRORS_SHOWN] if report else [],
        }
        return TemplateResponse(request, "admin/territory/site/import.html", context)
