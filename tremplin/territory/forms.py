from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Site


class SiteFilterForm(forms.Form):
    departement = forms.ModelChoiceField(
        label=_("Département"), queryset=None, required=False, empty_label=_("Tous")
    )
    commune = forms.CharField(
        label=_("Commune"),
        required=False,
        max_length=150,
        help_text=_("Nom, code INSEE ou code postal."),
    )
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous"))] + list(Site.Kind.choices)
    )
    has_mediation = forms.ChoiceField(
        label=_("Médiation"),
        required=False,
        choices=[("", _("Tous les sites")), ("1", _("Avec médiation")), ("0", _("Sans médiation"))],
    )

    def __init__(self, *args, departements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].queryset = departements

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        mediation = {"1": True, "0": False}.get(data.get("has_mediation") or "")
        return {
            "departement": data.get("departement"),
            "commune": data.get("commune") or "",
            "kind": data.get("kind") or "",
            "has_mediation": mediation,
        }
