"""Forms of the mediator's queue screen: an arrival, where a visit is sent, a site's reasons."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Route
from .services import MAX_GROUP_SIZE

#: Where the mediator may send a visit from the queue (« parti » has its own button).
ROUTE_CHOICES = [(code, label) for code, label in Route.choices if code != Route.LEFT]
STALE = _("Le formulaire n'était plus valable : recommencez.")


class VisitAddForm(forms.Form):
    """An arrival: one tap on a reason sends only `reasons` and the page's UUID; the fuller form adds
    several reasons, a first name to call the person and the size of the group."""

    client_uuid = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": STALE, "invalid": STALE}
    )
    reasons = forms.MultipleChoiceField(
        label=_("Motifs"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choisissez au moins un motif."),
            "invalid_choice": _("Ce motif n'est pas proposé sur ce site."),
        },
    )
    first_name = forms.CharField(
        label=_("Prénom pour l'appeler"),
        max_length=30,
        required=False,
        help_text=_("Facultatif : le prénom seul, jamais le nom."),
        error_messages={"max_length": _("Le prénom tient en 30 caractères au plus.")},
    )
    group_size = forms.IntegerField(
        label=_("Nombre de personnes"),
        min_value=1,
        max_value=MAX_GROUP_SIZE,
        initial=1,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Le nombre de personnes doit être compris entre 1 et 20."),
            "min_value": _("Le nombre de personnes doit être compris entre 1 et 20."),
            "max_value": _("Le nombre de personnes doit être compris entre 1 et 20."),
        },
    )

    def __init__(self, *args, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reasons"].choices = [(item.reason, item.get_reason_display()) for item in catalogue]

    def clean_group_size(self):
        return self.cleaned_data.get("group_size") or 1


class RouteForm(forms.Form):
    route = forms.ChoiceField(
        label=_("Orienter vers"),
        choices=ROUTE_CHOICES,
        error_messages={
            "required": _("Choisissez où la personne a été orientée."),
            "invalid_choice": _("Choisissez où la personne a été orientée."),
        },
    )


class SiteReasonForm(forms.Form):
    """One reason of a site's catalogue, as the coordinator sets it: its order, its route, offered or not."""

    position = forms.IntegerField(
        label=_("Ordre"),
        min_value=0,
        max_value=99,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Indiquez l'ordre (0 en premier)."),
            "invalid": _("Indiquez l'ordre par un nombre entre 0 et 99."),
            "min_value": _("Indiquez l'ordre par un nombre entre 0 et 99."),
            "max_value": _("Indiquez l'ordre par un nombre entre 0 et 99."),
        },
    )
    default_route = forms.ChoiceField(
        label=_("Orientation par défaut"),
        choices=ROUTE_CHOICES,
        error_messages={"invalid_choice": _("Choisissez une orientation par défaut.")},
    )
    is_active = forms.BooleanField(label=_("Proposé sur l'écran"), required=False)

    def __init__(self, *args, site_reason, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "position": site_reason.position,
                "default_route": site_reason.default_route,
                "is_active": site_reason.is_active,
            },
        )
        super().__init__(*args, prefix=site_reason.reason, **kwargs)
        self.site_reason = site_reason
