"""The interaction form: the quick-record screen (three taps) and the full edit page share it.

On the quick screen only the kind is required: the site and shift come from the context, the start is
the moment the page was drawn and the duration the time elapsed since then (a running timer), worked
out on the server so that it holds without JavaScript. Everything else has a default."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.territory.models import Site

from . import services
from .models import MAX_DURATION_MINUTES, Beneficiary
from .vocabularies import (
    ACTION_KIND_SHORT,
    POSTAL_DOMAINS,
    PROCEDURE_THEMES,
    ActionKind,
    AgeBracket,
    AutonomyOutcome,
    ConflictSeverity,
    Domain,
    Equipment,
    Gender,
    OrientationTarget,
    Place,
    PostalForm,
    SocialStatus,
    Theme,
    TimeCategory,
)

#: The durations offered as one tap beside the timer.
QUICK_DURATIONS = (5, 10, 15, 30)
#: Past this, the timer is more likely a screen left open than a real interaction: ask for the duration.
TIMER_MAX_MINUTES = 180

YES, NO = "oui", "non"
STALE = _("Le formulaire n'était plus valable : vérifiez vos choix, puis enregistrez de nouveau.")
NOT_SAID = _("Non communiqué")

#: Where a service error about a field of InteractionData is shown on the form.
SERVICE_FIELDS = {
    "kind": "kind",
    "duration_minutes": "duration_minutes",
    "started_at": "start_time",
    "themes": "themes",
    "site": "site",
    "oriented": "oriented",
    "postal_form": "postal_form",
    "conflict_severity": "conflict_severity",
    "people": "beneficiary",
}

#: The fields inside the « Plus de détails » panel of the quick screen: an error there opens it.
DETAIL_FIELDS = frozenset(
    {
        "time_category",
        "domain",
        "equipment",
        "place",
        "autonomy",
        "oriented",
        "orientation_target",
        "orientation_partner",
        "postal_form",
        "conflict_severity",
        "conflict_defused",
        "notes",
        "beneficiary",
        "age_bracket",
        "gender",
        "social_status",
        "first_visit",
        "start_date",
        "start_time",
        "duration_minutes",
    }
)


def _blank(label, choices):
    return [("", label), *choices]


def _select(label, choices, *, blank=NOT_SAID, help_text=""):
    return forms.ChoiceField(label=label, choices=_blank(blank, choices), required=False, help_text=help_text)


def _yes_no(value: str) -> bool | None:
    return {YES: True, NO: False}.get(value)


def _from_bool(value: bool | None) -> str:
    return {True: YES, False: NO}.get(value, "")


@dataclass
class Chip:
    """One chip of the quick screen: a real radio or checkbox input, drawn by the template."""

    value: str
    label: str
    checked: bool
    id: str
    description: str = ""


class InteractionForm(forms.Form):
    """Both the quick-record screen (`timer=True`) and the edit page (`timer=False`).

    With the timer, the start defaults to the page's `started_at` and the duration to the minutes
    elapsed since the start; the edit page asks for both explicitly."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput, required=False, error_messages={"invalid": STALE})
    started_at = forms.DateTimeField(
        widget=forms.HiddenInput, required=False, error_messages={"invalid": STALE}
    )
    visit = forms.IntegerField(widget=forms.HiddenInput, required=False)
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("Choisissez le site"),
        error_messages={"invalid_choice": _("Ce site ne fait pas partie de vos sites de médiation.")},
    )
    kind = forms.ChoiceField(
        label=_("Type d'action"),
        choices=ActionKind.choices,
        error_messages={
            "required": _("Choisissez le type d'action."),
            "invalid_choice": _("Choisissez le type d'action."),
        },
    )
    themes = forms.MultipleChoiceField(
        label=_("Thématiques"),
        choices=Theme.choices,
        required=False,
        error_messages={"invalid_choice": _("Thématique inconnue : %(value)s.")},
    )
    duration_pick = forms.TypedChoiceField(
        label=_("Durée"),
        choices=[("", _("Selon le minuteur")), *((str(n), f"{n} min") for n in QUICK_DURATIONS)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    duration_minutes = forms.IntegerField(
        label=_("Autre durée (minutes)"),
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Indiquez la durée en minutes, par exemple 20."),
            "min_value": _("La durée doit être comprise entre 1 minute et 12 heures."),
            "max_value": _("La durée doit être comprise entre 1 minute et 12 heures."),
        },
    )
    start_date = forms.DateField(
        label=_("Jour"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Indiquez un jour valide.")},
    )
    start_time = forms.TimeField(
        label=_("Heure de début"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Indiquez une heure valide, par exemple 10:15.")},
    )
    time_category = _select(
        _("Catégorie de temps"),
        TimeCategory.choices,
        blank=_("Selon le type d'action"),
        help_text=_("Assistance numérique ou information client : déduite du type d'action si vide."),
    )
    domain = _select(
        _("Domaine"),
        [
            (_("Offres postales"), [(c, label) for c, label in Domain.choices if c in POSTAL_DOMAINS]),
            (
                _("Hors offres postales"),
                [(c, label) for c, label in Domain.choices if c not in POSTAL_DOMAINS],
            ),
        ],
        blank=_("Non précisé"),
    )
    equipment = _select(_("Matériel utilisé"), Equipment.choices, blank=_("Non précisé"))
    place = forms.ChoiceField(label=_("Lieu"), choices=Place.choices, required=False)
    autonomy = _select(_("Autonomie à l'issue"), AutonomyOutcome.choices, blank=_("Non précisée"))
    oriented = forms.BooleanField(label=_("La personne a été orientée"), required=False)
    orientation_target = _select(_("Orientée vers"), OrientationTarget.choices, blank=_("Non précisé"))
    orientation_partner = forms.CharField(
        label=_("Partenaire"),
        max_length=150,
        required=False,
        help_text=_("Facultatif : le nom de la structure, par exemple « CCAS de Lens »."),
    )
    postal_form = _select(
        _("Imprimé postal"),
        PostalForm.choices,
        blank=_("Non précisé"),
        help_text=_("Seulement pour l'action « Imprimés postaux »."),
    )
    conflict_severity = _select(
        _("Gravité de la tension"),
        ConflictSeverity.choices,
        blank=_("Non précisée"),
        help_text=_("Seulement pour la prévention de conflit."),
    )
    conflict_defused = _select(
        _("Tension désamorcée"), [(YES, _("Oui")), (NO, _("Non"))], blank=_("Non précisé")
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("N'écrivez ni nom ni donnée personnelle : ces notes sont exportées."),
    )
    beneficiary = forms.ModelChoiceField(
        label=_("Bénéficiaire suivi"),
        queryset=None,
        required=False,
        error_messages={
            "invalid_choice": _("Ce bénéficiaire n'est pas suivi par vous ou votre structure."),
        },
    )
    age_bracket = _select(_("Tranche d'âge"), AgeBracket.choices)
    gender = _select(_("Genre"), Gender.choices)
    social_status = _select(_("Statut"), SocialStatus.choices)
    first_visit = _select(
        _("Première venue"),
        [(YES, _("Oui, première venue")), (NO, _("Non, déjà venue"))],
        blank=_("Ne sait pas"),
    )

    def __init__(
        self,
        *args,
        sites,
        beneficiaries,
        timer: bool = True,
        default_site=None,
        quick_themes=(),
        current_site=None,
        current_beneficiary=None,
        locked_people=None,
        now: datetime | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.timer = timer
        self.default_site = default_site
        self.quick_themes = [code for code in quick_themes if code in Theme.values]
        self.locked_people = locked_people
        self.now = now or timezone.now()
        condition = Q(pk__in=sites.values("pk"))
        if current_site is not None:
            condition |= Q(pk=current_site.pk)
        self.fields["site"].queryset = Site.objects.filter(condition).order_by("name")
        if current_beneficiary is not None:
            # The person already linked stays pickable, even if their consent has narrowed since.
            beneficiaries = Beneficiary.objects.active().filter(
                Q(pk__in=beneficiaries.values("pk")) | Q(pk=current_beneficiary.pk)
            )
        self.fields["beneficiary"].queryset = beneficiaries
        if not timer:
            for name in ("duration_minutes", "start_date", "start_time"):
                self.fields[name].required = True
            self.fields["duration_minutes"].label = _("Durée (minutes)")
            self.fields["duration_minutes"].error_messages["required"] = _("Indiquez la durée en minutes.")
            self.fields["start_date"].error_messages["required"] = _("Indiquez le jour.")
            self.fields["start_time"].error_messages["required"] = _("Indiquez l'heure de début.")

    # --- Building -------------------------------------------------------------------------------

    @staticmethod
    def initial_from(data: services.InteractionData, *, with_time=True, with_person=True) -> dict:
        """The form's initial values for a record's content (edit, or duplicate without its time)."""
        initial = {
            "site": data.site.pk if data.site else None,
            "kind": data.kind,
            "themes": list(data.themes),
            "time_category": data.time_category,
            "domain": data.domain,
            "equipment": data.equipment,
            "place": data.place,
            "autonomy": data.autonomy,
            "oriented": data.oriented,
            "orientation_target": data.orientation_target,
            "orientation_partner": data.orientation_partner,
            "postal_form": data.postal_form,
            "conflict_severity": data.conflict_severity,
            "conflict_defused": _from_bool(data.conflict_defused),
        }
        if with_time:
            start = timezone.localtime(data.started_at)
            initial |= {
                "start_date": start.date(),
                "start_time": start.time().replace(second=0, microsecond=0),
                "duration_minutes": data.duration_minutes,
                "notes": data.notes,
            }
        if with_person and len(data.people) == 1:
            person = data.people[0]
            if person.beneficiary is not None:
                initial["beneficiary"] = person.beneficiary.pk
            else:
                initial |= {
                    "age_bracket": person.age_bracket,
                    "gender": person.gender,
                    "social_status": person.social_status,
                    "first_visit": _from_bool(person.is_first_time),
                }
        return initial

    # --- Checking -------------------------------------------------------------------------------

    def clean_client_uuid(self):
        value = self.cleaned_data.get("client_uuid")
        if self.timer and value is None:
            raise ValidationError(STALE)
        return value

    def clean_started_at(self):
        value = self.cleaned_data.get("started_at")
        if self.timer and value is None:
            raise ValidationError(STALE)
        return value

    @property
    def is_stale(self) -> bool:
        """The page's hidden fields were lost or broken: it must be drawn again with fresh ones."""
        return bool({"client_uuid", "started_at"} & set(self.errors))

    stale_message = STALE

    def clean_site(self):
        site = self.cleaned_data.get("site") or self.default_site
        if site is None:
            raise ValidationError(_("Choisissez le site où a eu lieu l'interaction."))
        return site

    def clean_place(self):
        return self.cleaned_data.get("place") or Place.BUREAU_DE_POSTE

    def clean_oriented(self):
        """Naming a target or a partner says the person was oriented: no extra tick needed."""
        data = self.data
        return bool(
            self.cleaned_data.get("oriented")
            or data.get(self.add_prefix("orientation_target"))
            or (data.get(self.add_prefix("orientation_partner")) or "").strip()
        )

    def clean(self):
        cleaned = super().clean()
        start = self._start(cleaned)
        if start is None:
            return cleaned
        cleaned["start"] = start
        duration = cleaned.get("duration_minutes") or cleaned.get("duration_pick")
        if duration is None and self.timer and "duration_minutes" not in self.errors:
            elapsed = (self.now - start).total_seconds() / 60
            if elapsed > TIMER_MAX_MINUTES:
                self.add_error(
                    "duration_pick",
                    _(
                        "Plus de 3 heures se sont écoulées depuis le début : indiquez la durée de "
                        "l'interaction (un choix rapide, ou « Autre durée » dans « Plus de détails »)."
                    ),
                )
            else:
                duration = max(1, int(elapsed + 0.5))
        cleaned["duration"] = duration
        return cleaned

    def _start(self, cleaned) -> datetime | None:
        if self.timer:
            base = cleaned.get("started_at")
            if base is None or "start_date" in self.errors or "start_time" in self.errors:
                return None
            base = timezone.localtime(base)
            day = cleaned.get("start_date") or base.date()
            clock = cleaned.get("start_time")
            if clock is None:
                if day == base.date():
                    return base
                clock = base.time()
            return timezone.make_aware(datetime.combine(day, clock))
        if cleaned.get("start_date") is None or cleaned.get("start_time") is None:
            return None
        return timezone.make_aware(datetime.combine(cleaned["start_date"], cleaned["start_time"]))

    def add_service_error(self, error: ValidationError) -> None:
        """Shows a service's error beside the field it is about (the timer's duration on its chips)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            name = SERVICE_FIELDS.get(key)
            if name == "duration_minutes" and self.timer and not self.cleaned_data.get("duration_minutes"):
                name = "duration_pick"
            if name == "beneficiary" and self.locked_people:
                name = None
            self.add_error(name, errors)

    # --- The result -----------------------------------------------------------------------------

    def interaction_data(self, *, shift) -> services.InteractionData:
        data = self.cleaned_data
        return services.InteractionData(
            kind=data["kind"],
            site=data["site"],
            shift=shift,
            started_at=data["start"],
            duration_minutes=data["duration"],
            time_category=data["time_category"],
            domain=data["domain"],
            themes=list(dict.fromkeys(data["themes"])),
            equipment=data["equipment"],
            place=data["place"],
            autonomy=data["autonomy"],
            oriented=data["oriented"],
            orientation_target=data["orientation_target"],
            orientation_partner=data["orientation_partner"].strip(),
            postal_form=data["postal_form"],
            conflict_severity=data["conflict_severity"],
            conflict_defused=_yes_no(data["conflict_defused"]),
            notes=data["notes"].strip(),
            people=self._people(),
        )

    def _people(self) -> list[services.Person]:
        if self.locked_people:
            return self.locked_people
        data = self.cleaned_data
        if data.get("beneficiary") is not None:
            return [services.Person(beneficiary=data["beneficiary"])]
        return [
            services.Person(
                age_bracket=data["age_bracket"],
                gender=data["gender"],
                social_status=data["social_status"],
                is_first_time=_yes_no(data["first_visit"]),
            )
        ]

    # --- What the templates draw ------------------------------------------------------------------

    @property
    def details_have_errors(self) -> bool:
        return bool(self.is_bound and DETAIL_FIELDS & set(self.errors))

    def _values(self, name) -> list[str]:
        value = self[name].value()
        if value is None:
            return []
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
        return [str(value)]

    def kind_chips(self) -> list[Chip]:
        chosen = self._values("kind")
        return [
            Chip(
                value=code,
                label=ACTION_KIND_SHORT[code],
                description=label if str(label) != str(ACTION_KIND_SHORT[code]) else "",
                checked=code in chosen,
                id=f"kind-{code}",
            )
            for code, label in ActionKind.choices
        ]

    def _theme_chip(self, code: str, chosen: list[str]) -> Chip:
        return Chip(value=code, label=Theme(code).label, checked=code in chosen, id=f"theme-{code}")

    def quick_theme_chips(self) -> list[Chip]:
        chosen = self._values("themes")
        return [self._theme_chip(code, chosen) for code in self.quick_themes]

    def other_theme_groups(self) -> list[tuple[str, list[Chip]]]:
        """The themes not offered as chips, grouped as the national lists are: digital, procedures."""
        chosen = self._values("themes")
        others = [code for code in Theme.values if code not in self.quick_themes]
        return [
            (
                _("Numérique"),
                [self._theme_chip(code, chosen) for code in others if code not in PROCEDURE_THEMES],
            ),
            (
                _("Démarches administratives"),
                [self._theme_chip(code, chosen) for code in others if code in PROCEDURE_THEMES],
            ),
        ]

    def duration_chips(self) -> list[Chip]:
        chosen = self._values("duration_pick") or [""]
        return [
            Chip(value=value, label=label, checked=value in chosen, id=f"duration-{value or 'timer'}")
            for value, label in self.fields["duration_pick"].choices
        ]

    def site_chips(self) -> list[Chip]:
        chosen = self._values("site")
        if not chosen and self.default_site is not None:
            chosen = [str(self.default_site.pk)]
        return [
            Chip(value=str(site.pk), label=site.name, checked=str(site.pk) in chosen, id=f"site-{site.pk}")
            for site in self.fields["site"].queryset
        ]

    def site_is_chosen(self) -> bool:
        return any(chip.checked for chip in self.site_chips())

    def chosen_beneficiary(self):
        """The followed person already picked (edit page, re-display, or a link from their page)."""
        values = self._values("beneficiary")
        if not values or not values[0].isdigit():
            return None
        return self.fields["beneficiary"].queryset.filter(pk=values[0]).first()


def elapsed_seconds(started_at: datetime, now: datetime | None = None) -> int:
    """Seconds since the page was first drawn (the timer goes on when a form is shown again)."""
    return max(0, int(((now or timezone.now()) - started_at) / timedelta(seconds=1)))
