"""Shifts and hours: the mediator's one-tap screen, the coordinator's shift list and corrections, and
the contract's hours page."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import selectors, services
from ..shift_forms import (
    ForgottenEndForm,
    PeriodForm,
    ShiftCorrectionForm,
    ShiftEndForm,
    ShiftFilterForm,
    ShiftStartForm,
    month_bounds,
    period_presets,
)

# ---------------------------------------------------------------------------------------------
# The mediator's screen
# ---------------------------------------------------------------------------------------------


def _clock(moment) -> str:
    return selectors.format_clock(timezone.localtime(moment).time())


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
@require_GET
@never_cache
def shift_home(request):
    """Start or end the shift in one tap; a forgotten shift asks for its real end first.

    Never cached: a page brought back by the Back button would carry a used UUID and a stale state."""
    profile = selectors.mediator_profile_for(request.viewer)
    if profile is None:
        return render(request, "staffing/shift_home.html", {"profile": None})
    return _render_home(request, profile)


def _render_home(request, profile, *, forgotten_form=None):
    now = timezone.now()
    context = {"profile": profile, "week": selectors.mediator_week(profile), "now": now}
    shift = selectors.open_shift_of(profile)
    if shift is not None and services.shift_is_forgotten(shift, now=now):
        planned_end = timezone.localtime(shift.expected_end_at - services.FORGOTTEN_END_GRACE)
        context["forgotten"] = shift
        context["forgotten_form"] = forgotten_form or ForgottenEndForm(
            initial={
                "shift": shift.client_uuid,
                "ended_on": planned_end.date(),
                "ended_time": planned_end.time().replace(second=0, microsecond=0),
            }
        )
    elif shift is not None:
        context["shift"] = shift
        context["elapsed"] = int((now - shift.started_at).total_seconds() // 60)
        context["end_form"] = ShiftEndForm(initial={"shift": shift.client_uuid})
    else:
        sites = list(selectors.shift_sites_for(request.viewer, profile))
        presence = selectors.presence_for_start(profile, now=now)
        suggested = _suggested_site(profile, sites, presence)
        context["presence"] = presence
        context["suggested"] = suggested
        context["other_sites"] = [site for site in sites if site != suggested]
        # Drawn with the page, so a double tap or a resent form carries the same UUID: one shift.
        context["client_uuid"] = uuid.uuid4()
    return render(request, "staffing/shift_home.html", context)


def _suggested_site(profile, sites, presence):
    """Today's planned site, else the site of the last shift, else the only site there is."""
    for candidate in (presence.site if presence else None, selectors.last_shift_site(profile)):
        if candidate is not None and candidate in sites:
            return candidate
    return sites[0] if len(sites) == 1 else None


def _profile_or_403(request):
    profile = selectors.mediator_profile_for(request.viewer)
    if profile is None:
        raise PermissionDenied
    return profile


@login_required
@require_POST
def shift_start(request):
    profile = _profile_or_403(request)
    form = ShiftStartForm(request.POST, sites=selectors.shift_sites_for(request.viewer, profile))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("staffing:shift_home")
    site, client_uuid = form.cleaned_data["site"], form.cleaned_data["client_uuid"]
    presence = selectors.presence_for_start(profile, site=site)
    try:
        shift = services.shift_start(
            actor=request.user,
            mediator=profile,
            site=site,
            client_uuid=client_uuid,
            rotation=presence.rotation if presence else None,
        )
    except services.ShiftError as error:
        messages.error(request, _error_text(error))
        return redirect("staffing:shift_home")
    if shift.is_open:
        messages.success(
            request,
            _("Permanence commencée à %(time)s : %(site)s.")
            % {"time": _clock(shift.started_at), "site": shift.site},
        )
    else:
        messages.info(request, _("Cette permanence est déjà terminée."))
    return redirect("staffing:shift_home")


@login_required
@require_POST
def shift_end(request):
    profile = _profile_or_403(request)
    form = ShiftEndForm(request.POST)
    shift = selectors.shift_of_mediator(profile, form.cleaned_data["shift"]) if form.is_valid() else None
    if shift is None:
        messages.error(request, _("Cette permanence est introuvable : rechargez la page."))
        return redirect("staffing:shift_home")
    if not shift.is_open:
        messages.info(request, _("Votre permanence est déjà terminée."))
        return redirect("staffing:shift_home")
    try:
        shift = services.shift_end(actor=request.user, shift=shift)
    except services.ShiftError as error:
        messages.error(request, _error_text(error))
        return redirect("staffing:shift_home")
    messages.success(
        request,
        _("Permanence terminée à %(time)s : %(duration)s à %(site)s.")
        % {
            "time": _clock(shift.ended_at),
            "duration": selectors.format_minutes(shift.minutes),
            "site": shift.site,
        },
    )
    return redirect("staffing:shift_home")


@login_required
@require_POST
def shift_close_forgotten(request):
    profile = _profile_or_403(request)
    form = ForgottenEndForm(request.POST)
    if form.is_valid():
        shift = selectors.shift_of_mediator(profile, form.cleaned_data["shift"])
        if shift is None:
            messages.error(request, _("Cette permanence est introuvable : rechargez la page."))
            return redirect("staffing:shift_home")
        if not shift.is_open:
            messages.info(request, _("Votre permanence est déjà terminée."))
            return redirect("staffing:shift_home")
        try:
            shift = services.shift_close_forgotten(
                actor=request.user, shift=shift, ended_at=form.cleaned_data["ended_at"]
            )
        except services.ShiftError as error:
            form.add_error("ended_time", error)
        else:
            messages.success(
                request,
                _("Merci : votre permanence du %(date)s est enregistrée (%(duration)s).")
                % {
                    "date": timezone.localtime(shift.started_at).strftime("%d/%m/%Y"),
                    "duration": selectors.format_minutes(shift.minutes),
                },
            )
            return redirect("staffing:shift_home")
    return _render_home(request, profile, forgotten_form=form)


# ---------------------------------------------------------------------------------------------
# The coordinator's pages
# ---------------------------------------------------------------------------------------------


def _readable_contract(request, pk: int):
    contract = get_object_or_404(
        selectors.contracts_visible_to(request.viewer).prefetch_related("contract_sites__site"), pk=pk
    )
    if not selectors.can_read_contract_hours(request.viewer):
        raise PermissionDenied
    return contract


def _presets(contract, today, period):
    return [
        {
            "label": label,
            "query": urlencode({"start": start.isoformat(), "end": end.isoformat()}),
            "current": period == (start, end),
        }
        for label, start, end in period_presets(contract, today)
    ]


@login_required
@require_GET
def contract_shifts(request, pk: int):
    """A contract's shifts over a period, by site and mediator; open and forgotten ones flagged."""
    viewer = request.viewer
    contract = _readable_contract(request, pk)
    today = timezone.localdate()
    form = ShiftFilterForm(request.GET, contract=contract, today=today)
    period = form.period()
    now = timezone.now()
    shifts = selectors.shifts_visible_to(viewer).filter(contract=contract)
    listed, total = shifts.none(), 0
    if period is not None:
        listed = selectors.shifts_overlapping(shifts, *period)
        if form.cleaned_data.get("site"):
            listed = listed.filter(site=form.cleaned_data["site"])
        if form.cleaned_data.get("mediator"):
            listed = listed.filter(mediator=form.cleaned_data["mediator"])
        total = selectors.hours_of_intervention(listed, *period)
    page = Paginator(listed.order_by("-started_at", "-pk"), settings.TREMPLIN_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    open_shifts = list(shifts.filter(ended_at__isnull=True).order_by("started_at"))
    shown = [*page.object_list, *open_shifts]
    correctable = set(
        selectors.shifts_correctable_by(viewer)
        .filter(pk__in=[shift.pk for shift in shown])
        .values_list("pk", flat=True)
    )

    def row(shift):
        return {
            "shift": shift,
            "forgotten": services.shift_is_forgotten(shift, now=now),
            "can_correct": shift.pk in correctable,
        }

    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staffing/shift_list.html",
        {
            "contract": contract,
            "form": form,
            "period": period,
            "presets": _presets(contract, today, period),
            "rows": [row(shift) for shift in page.object_list],
            "open_rows": [row(shift) for shift in open_shifts],
            "page": page,
            "query": query.urlencode(),
            "total": total,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def shift_correct(request, pk: int):
    """The provider's coordinators fix a shift's times with a reason; earlier corrections stay listed."""
    viewer = request.viewer
    shift = get_object_or_404(
        selectors.shifts_visible_to(viewer).select_related("contract", "rotation"), pk=pk
    )
    if not selectors.shifts_correctable_by(viewer).filter(pk=shift.pk).exists():
        raise PermissionDenied
    if request.method == "POST":
        form = ShiftCorrectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                shift = services.shift_correct(
                    actor=request.user,
                    shift=shift,
                    started_at=data["started_at"],
                    ended_at=data["ended_at"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("Permanence corrigée : %(duration)s.")
                    % {"duration": selectors.format_minutes(shift.minutes)},
                )
                return redirect(_after_correction(shift))
    else:
        form = ShiftCorrectionForm(initial=ShiftCorrectionForm.initial_for(shift))
    return render(
        request,
        "staffing/shift_correct.html",
        {
            "shift": shift,
            "form": form,
            "forgotten": services.shift_is_forgotten(shift),
            "corrections": shift.corrections.select_related("corrected_by"),
        },
    )


def _after_correction(shift) -> str:
    if shift.contract_id is None:
        return reverse("staffing:shift_correct", args=[shift.pk])
    start, end = month_bounds(timezone.localdate(shift.started_at))
    query = urlencode({"start": start.isoformat(), "end": end.isoformat()})
    return f"{reverse('staffing:contract_shifts', args=[shift.contract_id])}?{query}"


@login_required
@require_GET
def contract_hours(request, pk: int):
    """Planned vs worked hours per site and week, hours of intervention and continuity, for a period."""
    contract = _readable_contract(request, pk)
    today = timezone.localdate()
    form = PeriodForm(request.GET, today=today)
    period = form.period()
    return render(
        request,
        "staffing/hours_contract.html",
        {
            "contract": contract,
            "form": form,
            "period": period,
            "presets": _presets(contract, today, period),
            "hours": selectors.contract_hours(
                contract, *period, site_ids=selectors.contract_site_ids_for(request.viewer, contract)
            )
            if period
            else None,
        },
    )
