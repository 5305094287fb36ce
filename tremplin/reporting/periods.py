"""Reporting periods: whole calendar months, as funders and contracts count them.

A period runs from its first month to its last month, both included; the one before it has the same
number of months and ends the month before it starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .compute import month_start, months_between, next_month

#: The longest period a page adds up: three years.
MAX_MONTHS = 36


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @classmethod
    def of(cls, first: date, last: date) -> Period:
        return cls(month_start(first), month_start(last))

    @property
    def months(self) -> list[date]:
        return months_between(self.first, self.last)

    @property
    def length(self) -> int:
        return len(self.months)

    @property
    def start(self) -> date:
        return self.first

    @property
    def end(self) -> date:
        """The last day of the last month."""
        return next_month(self.last) - timedelta(days=1)

    def previous(self) -> Period:
        return Period(add_months(self.first, -self.length), add_months(self.first, -1))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        if self.first == self.last:
            return month_label(self.first)
        return _("%(first)s – %(last)s") % {"first": month_label(self.first), "last": month_label(self.last)}

    def query(self) -> str:
        return f"du={self.first:%Y-%m}&au={self.last:%Y-%m}"

    @property
    def slug(self) -> str:
        return f"{self.first:%Y-%m}_{self.last:%Y-%m}"


def month_label(month: date) -> str:
    return formats.date_format(month, "F Y")


def presets(today: date) -> list[tuple[str, Period]]:
    this_month = month_start(today)
    quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return [
        (_("Ce mois-ci"), Period(this_month, this_month)),
        (_("Le mois dernier"), Period(add_months(this_month, -1), add_months(this_month, -1))),
        (_("Ce trimestre"), Period(quarter, this_month)),
        (_("Le trimestre dernier"), Period(add_months(quarter, -3), add_months(quarter, -1))),
        (_("Cette année"), Period(date(today.year, 1, 1), this_month)),
        (_("L'année dernière"), Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 1))),
        (_("Les 12 derniers mois"), Period(add_months(this_month, -11), this_month)),
    ]


def default_period(today: date) -> Period:
    """This year so far: the figures funders ask for first."""
    return Period(date(today.year, 1, 1), month_start(today))


class MonthField(forms.DateField):
    """A month typed as 2026-03 (an <input type="month">), kept as its first day."""

    input_formats = ["%Y-%m"]
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    default_error_messages = {"invalid": gettext_lazy("Indiquez un mois sous la forme 2026-03.")}


class PeriodForm(forms.Form):
    du = MonthField(label=gettext_lazy("Du mois"))
    au = MonthField(label=gettext_lazy("au mois"))

    def clean(self):
        data = super().clean()
        first, last = data.get("du"), data.get("au")
        if first and last:
            if last < first:
                self.add_error("au", _("Le dernier mois doit suivre le premier."))
            elif len(months_between(first, last)) > MAX_MONTHS:
                self.add_error("au", _("Choisissez une période de trois ans au plus."))
        return data

    def period(self) -> Period | None:
        if not self.is_valid():
            return None
        return Period.of(self.cleaned_data["du"], self.cleaned_data["au"])


def period_from(request_data, default: Period) -> tuple[PeriodForm, Period | None]:
    """The period asked in the query string (du, au), the default when none is asked."""
    if "du" in request_data or "au" in request_data:
        form = PeriodForm(request_data)
        return form, form.period()
    form = PeriodForm(initial={"du": default.first, "au": default.last})
    return form, default
