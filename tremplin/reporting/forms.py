"""Forms of the reporting pages: an objective, a share link, a report comment, an export."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tremplin.core.roles import Role
from tremplin.core.tenancy import Viewer

from .models import Metric, ScopeKind
from .periods import MonthField, PeriodForm
from .scopes import NATION, Scope, scope_for


def scope_choices(viewer: Viewer) -> list[tuple[str, str]]:
    """The scopes a viewer may aim an objective or a share link at, as "kind:id" choices."""
    from tremplin.staffing.selectors import contracts_visible_to
    from tremplin.territory.models import Departement

    choices = []
    if scope_for(viewer, ScopeKind.NATION, None) is not None:
        choices.append((ScopeKind.NATION, NATION.label(viewer)))
    if viewer.is_funder or viewer.is_platform_admin:
        departements = Departement.objects.order_by("code")
        if not (viewer.is_national or viewer.is_platform_admin):
            departements = departements.filter(pk__in=viewer.departement_ids)
        choices += [(f"{ScopeKind.DEPARTEMENT}:{d.pk}", f"{d.code} – {d.name}") for d in departements]
    if (viewer.is_(Role.COORDINATOR, Role.ADMIN) or viewer.is_platform_admin) and viewer.operator_id:
        from tremplin.accounts.models import Operator

        operator = Operator.objects.filter(pk=viewer.operator_id).first()
        if operator is not None:
            choices.append((f"{ScopeKind.OPERATOR}:{operator.pk}", str(operator)))
    if not viewer.is_(Role.MEDIATOR):
        choices += [
            (f"{ScopeKind.CONTRACT}:{c.pk}", _("Contrat %(reference)s") % {"reference": c.reference})
            for c in contracts_visible_to(viewer).order_by("reference")
        ]
    return choices


def parse_scope(viewer: Viewer, value: str) -> Scope | None:
    kind, _sep, pk = value.partition(":")
    try:
        return scope_for(viewer, kind, int(pk) if pk else None)
    except ValueError:
        return None


class ScopeChoiceMixin:
    def _setup_scope(self, viewer: Viewer):
        self.viewer = viewer
        self.fields["scope"].choices = scope_choices(viewer)

    def clean_scope(self):
        scope = parse_scope(self.viewer, self.cleaned_data["scope"])
        if scope is None:
            raise forms.ValidationError(_("Choisissez un périmètre que vous pouvez consulter."))
        return scope


class ObjectiveForm(ScopeChoiceMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Intitulé"), max_length=200)
    metric = forms.ChoiceField(label=gettext_lazy("Indicateur"), choices=Metric.choices)
    scope = forms.ChoiceField(label=gettext_lazy("Périmètre"))
    target = forms.IntegerField(label=gettext_lazy("Cible"), min_value=1, max_value=10**9)
    starts_on = forms.DateField(
        label=gettext_lazy("À partir du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Échéance"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_scope(viewer)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("L'échéance doit suivre le début."))
        return data


class ShareLinkForm(ScopeChoiceMixin, PeriodForm):
    label = forms.CharField(
        label=gettext_lazy("Intitulé"),
        max_length=200,
        help_text=gettext_lazy("Pour vous y retrouver ; il s'affiche en haut de la page partagée."),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Périmètre"))
    du = MonthField(label=gettext_lazy("Du mois"))
    au = MonthField(label=gettext_lazy("au mois"))

    field_order = ["label", "scope", "du", "au"]

    def __init__(self, *args, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_scope(viewer)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Commentaire du coordinateur"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Imprimé dans le compte rendu ; pas de nom ni de donnée personnelle."),
    )


class ExportForm(ScopeChoiceMixin, PeriodForm):
    scope = forms.ChoiceField(label=gettext_lazy("Périmètre"))
    export_format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=[("xlsx", "XLSX (Excel)"), ("csv", "CSV")]
    )
    field_order = ["scope", "du", "au", "export_format"]

    def __init__(self, *args, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_scope(viewer)
