"""Forms of the shift screens: start, forgotten end, correction, and the period and filters of the
coordinator's pages. Dates and times are typed separately (native pickers on a tablet) and read as
wall-clock times in Europe/Paris."""

from datetime import date, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.territory.models import Site

from .models import MediatorProfile

#: The longest period the hours page computes at once (a contract runs for two years at most, usually).
MAX_PERIOD_DAYS = 3 * 366


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _aware(day: date, clock) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


class ShiftStartForm(forms.Form):
    """One tap: the UUID was generated when the page was drawn, so a double tap starts one shift."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le site de votre permanence.")},
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].error_messages["invalid_choice"] = _(
            "Ce site ne fait pas partie de vos sites de permanence."
        )
        self.fields["client_uuid"].error_messages["invalid"] = _(
            "Le formulaire n'est plus valable : rechargez la page et recommencez."
        )
        self.fields["client_uuid"].error_messages["required"] = self.fields["client_uuid"].error_messages[
            "invalid"
        ]


class ShiftEndForm(forms.Form):
    shift = forms.UUIDField(widget=forms.HiddenInput)


class ForgottenEndForm(forms.Form):
    """The real end of a shift the mediator forgot to end, asked before anything else."""

    shift = forms.UUIDField(widget=forms.HiddenInput)
    ended_on = forms.DateField(label=_("Jour de fin"), widget=_date_input())
    ended_time = forms.TimeField(
        label=_("Heure de fin"),
        widget=_time_input(),
        help_text=_("L'heure à laquelle vous avez réellement quitté le site."),
    )

    def clean(self):
        data = super().clean()
        if data.get("ended_on") and data.get("ended_time"):
            data["ended_at"] = _aware(data["ended_on"], data["ended_time"])
        return data


class ShiftCorrectionForm(forms.Form):
    started_on = forms.DateField(label=_("Jour de début"), widget=_date_input())
    started_time = forms.TimeField(label=_("Heure de début"), widget=_time_input())
    ended_on = forms.DateField(label=_("Jour de fin"), widget=_date_input())
    ended_time = forms.TimeField(label=_("Heure de fin"), widget=_time_input())
    reason = forms.CharField(
        label=_("Motif de la correction"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par exemple : fin oubliée, la médiatrice est restée pour un atelier."),
        error_messages={"required": _("Indiquez le motif de la correction.")},
    )

    #: Where a service's error about a datetime is shown.
    SERVICE_FIELDS = {"started_at": "started_time", "ended_at": "ended_time", "reason": "reason"}

    @classmethod
    def initial_for(cls, shift) -> dict:
        start = timezone.localtime(shift.started_at)
        initial = {"started_on": start.date(), "started_time": start.time().replace(second=0, microsecond=0)}
        if shift.ended_at:
            end = timezone.localtime(shift.ended_at)
            initial |= {"ended_on": end.date(), "ended_time": end.time().replace(second=0, microsecond=0)}
        else:
            initial["ended_on"] = start.date()
        return initial

    def clean(self):
        data = super().clean()
        if data.get("started_on") and data.get("started_time") is not None:
            data["started_at"] = _aware(data["started_on"], data["started_time"])
        if data.get("ended_on") and data.get("ended_time") is not None:
            data["ended_at"] = _aware(data["ended_on"], data["ended_time"])
        return data

    def add_service_error(self, error: ValidationError) -> None:
        """Shows a service's ValidationError beside the field it is about."""
        if hasattr(error, "error_dict"):
            for key, errors in error.error_dict.items():
                self.add_error(self.SERVICE_FIELDS.get(key), errors)
        else:
            self.add_error(None, error)


class PeriodForm(forms.Form):
    """A period of local days, inclusive; the current month when nothing is asked."""

    start = forms.DateField(label=_("Du"), widget=_date_input())
    end = forms.DateField(label=_("Au"), widget=_date_input())

    def __init__(self, data=None, *, today: date, **kwargs):
        self.today = today
        first, last = month_bounds(today)
        if data is not None and not (data.get("start") or data.get("end")):
            data = data.copy()
            data["start"], data["end"] = first.isoformat(), last.isoformat()
        super().__init__(data, initial={"start": first, "end": last}, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("La fin de la période doit suivre son début."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("end", _("La période ne peut pas dépasser trois ans."))
        return data

    def period(self) -> tuple[date, date] | None:
        if not self.is_valid():
            return None
        return self.cleaned_data["start"], self.cleaned_data["end"]


class ShiftFilterForm(PeriodForm):
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False, empty_label=_("Tous"))
    mediator = forms.ModelChoiceField(
        label=_("Médiateur"), queryset=None, required=False, empty_label=_("Tous")
    )

    def __init__(self, data=None, *, contract, **kwargs):
        super().__init__(data, **kwargs)
        worked_or_covered = Q(pk__in=contract.contract_sites.values("site_id")) | Q(
            pk__in=contract.shifts.values("site_id")
        )
        self.fields["site"].queryset = Site.objects.filter(worked_or_covered).order_by("name")
        self.fields["mediator"].queryset = (
            MediatorProfile.objects.filter(pk__in=contract.shifts.values("mediator_id"))
            .select_related("user")
            .order_by("user__last_name", "user__first_name")
        )


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def period_presets(contract, today: date) -> list[tuple[str, date, date]]:
    """The periods a coordinator asks for most: this month, last month, the contract so far."""
    this_month = month_bounds(today)
    last_month = month_bounds(this_month[0] - timedelta(days=1))
    to_date = min(today, contract.ends_on)
    return [
        (_("Ce mois-ci"), *this_month),
        (_("Le mois dernier"), *last_month),
        (_("Depuis le début du contrat"), contract.starts_on, max(contract.starts_on, to_date)),
    ]
