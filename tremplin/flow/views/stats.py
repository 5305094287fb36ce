"""A site's queue statistics over a period: figures only, never a visit (funders read them too)."""

from __future__ import annotations

import calendar
from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from .. import stats

#: The longest period one page adds up (a year and a day, so that a leap year fits).
MAX_DAYS = 366


def this_month(today: date) -> tuple[date, date]:
    return today.replace(day=1), today.replace(day=calendar.monthrange(today.year, today.month)[1])


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("Du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=gettext_lazy("Au"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("La fin de la période doit suivre son début."))
            elif (end - start).days >= MAX_DAYS:
                self.add_error("end", _("Choisissez une période d'un an au plus."))
        return data


@login_required
@require_GET
def site_stats(request, site_pk: int):
    site = stats.stats_site_for(request.viewer, site_pk)
    if site is None:
        raise Http404
    start, end = this_month(timezone.localdate())
    form = PeriodForm(request.GET if request.GET else {"start": start, "end": end})
    figures = None
    if form.is_valid():
        figures = stats.site_stats(
            request.viewer, site, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
    return render(
        request,
        "flow/site_stats.html",
        {
            "title": _("Statistiques de la file d'attente — %(site)s") % {"site": site.name},
            "site": site,
            "form": form,
            "figures": figures,
            "is_staff": request.viewer.works_for_operator,
        },
    )
