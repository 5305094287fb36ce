"""The filters of the interaction list, shared by the page and its CSV and XLSX exports.

A filter the viewer got wrong is an error on the form and an empty list, never the whole list: an
export of "everything" because a date was mistyped would leave the app with more than was asked."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.core.roles import Role
from tremplin.core.tenancy import Viewer
from tremplin.staffing.models import ContractSite, MediatorProfile
from tremplin.territory.models import Site

from . import selectors
from .models import Accompaniment, InteractionTheme
from .vocabularies import POSTAL_DOMAINS, PROCEDURE_THEMES, ActionKind, Domain, Theme, TimeCategory

#: Dates outside these years are typing mistakes (and would overflow the time-zone conversion).
FIRST_YEAR, LAST_YEAR = 2000, 2099

ALL = _("Tous")
YES_NO = [("", ALL), ("1", _("Oui")), ("0", _("Non"))]
FOLLOWED = "suivi"
ANONYMOUS = "anonyme"

#: Query parameters of the filters, in the order of the form (also what an export's journal records).
FILTER_NAMES = (
    "start",
    "end",
    "site",
    "mediator",
    "kind",
    "time_category",
    "domain",
    "theme",
    "oriented",
    "beneficiary",
)


def _choices(choices):
    return [("", ALL), *choices]


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, site):
        return f"{site.name} — {site.commune.name}"


class MediatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, profile):
        return profile.user.get_full_name() or profile.user.email


class InteractionFilterForm(forms.Form):
    """Period, place, person and content of the interactions listed; every field optional."""

    start = forms.DateField(label=_("Du"), required=False, widget=_date_input())
    end = forms.DateField(label=_("Au"), required=False, widget=_date_input())
    site = SiteChoiceField(
        label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("Tous")
    )
    mediator = MediatorChoiceField(
        label=_("Médiateur"), queryset=MediatorProfile.objects.none(), required=False, empty_label=_("Tous")
    )
    kind = forms.ChoiceField(label=_("Type d'action"), required=False, choices=_choices(ActionKind.choices))
    time_category = forms.ChoiceField(
        label=_("Catégorie de temps"), required=False, choices=_choices(TimeCategory.choices)
    )
    domain = forms.ChoiceField(
        label=_("Domaine"),
        required=False,
        choices=_choices(
            [
                (_("Offres postales"), [(c.value, c.label) for c in Domain if c in POSTAL_DOMAINS]),
                (_("Hors offres postales"), [(c.value, c.label) for c in Domain if c not in POSTAL_DOMAINS]),
            ]
        ),
    )
    theme = forms.ChoiceField(
        label=_("Thématique"),
        required=False,
        choices=_choices(
            [
                (_("Thématiques"), [(c.value, c.label) for c in Theme if c not in PROCEDURE_THEMES]),
                (_("Démarches"), [(c.value, c.label) for c in Theme if c in PROCEDURE_THEMES]),
            ]
        ),
    )
    oriented = forms.ChoiceField(label=_("Orientation"), required=False, choices=YES_NO)
    beneficiary = forms.ChoiceField(
        label=_("Bénéficiaire"),
        required=False,
        choices=[("", _("Tous")), (FOLLOWED, _("Suivi")), (ANONYMOUS, _("Anonyme"))],
    )

    def __init__(self, data=None, *, viewer: Viewer, **kwargs):
        super().__init__(data, **kwargs)
        self.viewer = viewer
        invalid_choice = _("Ce choix n'est pas proposé : choisissez dans la liste.")
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = invalid_choice
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = _(
                "Saisissez une date valide, par exemple 31/01/2026."
            )
        self.fields["site"].queryset = sites_for_filter(viewer)
        if shows_mediators(viewer):
            self.fields["mediator"].queryset = mediators_for_filter(viewer)
        else:
            del self.fields["mediator"]

    def _clean_day(self, name):
        day = self.cleaned_data.get(name)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Choisissez une date entre %(first)s et %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return day

    def clean_start(self):
        return self._clean_day("start")

    def clean_end(self):
        return self._clean_day("end")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("La fin de la période doit suivre son début."))
        return data

    def filters(self) -> dict | None:
        """The filters asked for, or None when the form is invalid (then nothing is listed)."""
        if not self.is_valid():
            return None
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def codes(self) -> dict:
        """The filters as codes and ids, for the journal: nothing personal."""
        return {
            name: getattr(value, "pk", value.isoformat() if hasattr(value, "isoformat") else value)
            for name, value in (self.filters() or {}).items()
        }


def shows_mediators(viewer: Viewer) -> bool:
    """Coordinators and administrators list every mediator's records; a mediator only their own."""
    return viewer.is_(Role.COORDINATOR, Role.ADMIN) or (viewer.is_platform_admin and not viewer.has_role)


def sites_for_filter(viewer: Viewer):
    """The sites of the viewer's records, and where they (or their operator's mediators) record."""
    recorded = Q(pk__in=selectors.interactions_visible_to(viewer).values("site_id"))
    if viewer.is_(Role.MEDIATOR):
        profile = selectors.mediator_profile_for(viewer)
        if profile is not None:
            recorded |= Q(pk__in=selectors.recording_sites_for(profile).values("pk"))
    elif viewer.operator_id is not None:
        recorded |= Q(
            pk__in=ContractSite.objects.filter(contract__operator_id=viewer.operator_id).values("site_id")
        )
    return Site.objects.filter(recorded).select_related("commune").order_by("name", "pk")


def mediators_for_filter(viewer: Viewer):
    profiles = MediatorProfile.objects.select_related("user").order_by(
        "user__last_name", "user__first_name", "pk"
    )
    if viewer.is_platform_admin and not viewer.has_role:
        return profiles.filter(pk__in=selectors.interactions_visible_to(viewer).values("mediator_id"))
    return profiles.filter(operator_id=viewer.operator_id)


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def interactions_filtered(interactions, filters: dict):
    """Narrows a queryset of interactions; no join that could repeat a row (counts and sums stay exact)."""
    if filters.get("start"):
        interactions = interactions.filter(started_at__gte=local_midnight(filters["start"]))
    if filters.get("end"):
        interactions = interactions.filter(started_at__lt=local_midnight(filters["end"] + timedelta(days=1)))
    for name in ("site", "mediator", "kind", "time_category", "domain"):
        if filters.get(name):
            interactions = interactions.filter(**{name: filters[name]})
    if filters.get("theme"):
        interactions = interactions.filter(
            Exists(InteractionTheme.objects.filter(interaction=OuterRef("pk"), theme=filters["theme"]))
        )
    if filters.get("oriented"):
        interactions = interactions.filter(oriented=filters["oriented"] == "1")
    if filters.get("beneficiary"):
        followed = Exists(Accompaniment.objects.filter(interaction=OuterRef("pk"), beneficiary__isnull=False))
        interactions = interactions.filter(followed if filters["beneficiary"] == FOLLOWED else ~followed)
    return interactions


def week_bounds(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def period_presets(today: date) -> list[tuple[str, date, date]]:
    """The periods asked for most: this week (Monday to Sunday), this month, last month."""
    this_month = month_bounds(today)
    return [
        (_("Cette semaine"), *week_bounds(today)),
        (_("Ce mois-ci"), *this_month),
        (_("Le mois dernier"), *month_bounds(this_month[0] - timedelta(days=1))),
    ]
