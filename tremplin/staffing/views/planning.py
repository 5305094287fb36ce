"""The rotation plan of a contract (weekly grid, conflicts), replacements, and site schedules."""

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import ics, selectors, services
from ..forms import ReplacementForm, RotationForm, apply_service_errors
from ..models import Absence, Contract, MediatorProfile, Replacement, Rotation, Weekday
from .access import can_edit, editable_contract, readable_contract

#: How far ahead the replacements page looks, and the schedules show.
REPLACEMENT_WEEKS = 4
SCHEDULE_WEEKS = 8


def _mediators_for(contract: Contract):
    """The provider's mediators still in post: those who can be planned or replace someone."""
    today = timezone.localdate()
    return (
        MediatorProfile.objects.filter(operator_id=contract.operator_id)
        .exclude(active_until__lt=today)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


# ---------------------------------------------------------------------------------------------
# The weekly grid
# ---------------------------------------------------------------------------------------------


def _grid(contract: Contract, *, editable: bool):
    rotations = list(contract.rotations.select_related("site", "mediator__user").order_by("starts_at"))
    own_ids = {rotation.pk for rotation in rotations}
    conflicts = selectors.plan_conflicts(contract)
    if not editable:
        # Readers (the client, funders) see the conflicts of this contract only, not the provider's
        # other contracts.
        conflicts = [c for c in conflicts if set(c.rotation_ids) <= own_ids]
    conflicted = {pk for conflict in conflicts for pk in conflict.rotation_ids}
    days = [day for day in Weekday if day != Weekday.SUNDAY]
    if any(rotation.weekday == Weekday.SUNDAY for rotation in rotations):
        days.append(Weekday.SUNDAY)
    planned = selectors.planned_weekly_minutes(contract, rotations=rotations)
    by_cell = defaultdict(list)
    for rotation in rotations:
        by_cell[(rotation.site_id, rotation.weekday)].append(rotation)
    rows = []
    for contract_site in contract.contract_sites.select_related("site__commune").order_by("site__name"):
        site_id = contract_site.site_id
        planned_minutes = planned.get(site_id, 0)
        rows.append(
            {
                "site": contract_site.site,
                "contracted": contract_site.weekly_minutes,
                "planned": planned_minutes,
                "over": contract_site.weekly_minutes is not None
                and planned_minutes > contract_site.weekly_minutes,
                "cells": [
                    [
                        {
                            "rotation": rotation,
                            "conflict": rotation.pk in conflicted,
                            "limited": rotation.valid_from != contract.starts_on
                            or rotation.valid_until != contract.ends_on,
                        }
                        for rotation in by_cell[(site_id, day.value)]
                    ]
                    for day in days
                ],
            }
        )
    return {"days": days, "rows": rows, "conflicts": conflicts}


def _planning_page(request, contract, *, form=None, editing=None, check=None):
    editable = can_edit(request.viewer, contract)
    context = {
        "contract": contract,
        "editable": editable,
        "editing": editing,
        **_grid(contract, editable=editable),
    }
    if editable:
        context["form"] = form or RotationForm(
            contract=contract, mediators=_mediators_for(contract), rotation=editing
        )
        if check is None and editing is not None:
            check = selectors.rotation_conflicts(editing)
        context["check"] = check
        context["checked"] = check is not None
    return render(request, "staffing/planning.html", context)


def _unsaved_rotation(contract, form: RotationForm, rotation: Rotation | None) -> Rotation:
    data = form.service_kwargs()
    return Rotation(
        pk=rotation.pk if rotation else None,
        contract=contract,
        mediator=data["mediator"],
        site=data["site"],
        weekday=data["weekday"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        valid_from=data["valid_from"] or contract.starts_on,
        valid_until=data["valid_until"] or contract.ends_on,
    )


def _save_rotation(request, contract, rotation: Rotation | None):
    form = RotationForm(
        request.POST, contract=contract, mediators=_mediators_for(contract), rotation=rotation
    )
    if not form.is_valid():
        return _planning_page(request, contract, form=form, editing=rotation)
    if "check" in request.POST:
        # Without JavaScript, « Vérifier » shows what saving would do.
        check = selectors.rotation_conflicts(_unsaved_rotation(contract, form, rotation))
        return _planning_page(request, contract, form=form, editing=rotation, check=check)
    try:
        saved = services.rotation_save(
            actor=request.user, contract=contract, rotation=rotation, **form.service_kwargs()
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return _planning_page(request, contract, form=form, editing=rotation)
    messages.success(request, _("Présence modifiée.") if rotation else _("Présence ajoutée."))
    if selectors.rotation_conflicts(saved):
        messages.warning(
            request,
            _("Cette présence est en conflit avec le planning : voyez les conflits en haut de la grille."),
        )
    return redirect(reverse("staffing:contract_planning", args=[contract.pk]) + f"#presence-{saved.pk}")


@login_required
def contract_planning(request, pk: int):
    viewer = request.viewer
    if request.method == "POST":
        return _save_rotation(request, editable_contract(viewer, pk), None)
    return _planning_page(request, readable_contract(viewer, pk))


@login_required
def rotation_edit(request, pk: int, rotation_pk: int):
    contract = editable_contract(request.viewer, pk)
    rotation = get_object_or_404(contract.rotations.select_related("site", "mediator__user"), pk=rotation_pk)
    if request.method == "POST":
        return _save_rotation(request, contract, rotation)
    return _planning_page(request, contract, editing=rotation)


@login_required
@require_POST
def rotation_delete(request, pk: int, rotation_pk: int):
    contract = editable_contract(request.viewer, pk)
    rotation = get_object_or_404(contract.rotations, pk=rotation_pk)
    services.rotation_delete(actor=request.user, rotation=rotation)
    messages.success(request, _("Présence supprimée."))
    return redirect("staffing:contract_planning", pk=contract.pk)


@login_required
@require_GET
def rotation_check(request, pk: int):
    """The conflicts the presence being typed would create, before it is saved (htmx, on change)."""
    contract = editable_contract(request.viewer, pk)
    rotation = None
    if request.GET.get("rotation", "").isdigit():
        rotation = contract.rotations.filter(pk=int(request.GET["rotation"])).first()
    form = RotationForm(request.GET, contract=contract, mediators=_mediators_for(contract), rotation=rotation)
    check = None
    if form.is_valid():
        check = selectors.rotation_conflicts(_unsaved_rotation(contract, form, rotation))
    return render(request, "staffing/_conflict_check.html", {"check": check, "checked": check is not None})


# ---------------------------------------------------------------------------------------------
# Absences and replacements
# ---------------------------------------------------------------------------------------------


def _replacement_rows(contract: Contract, mediators: list, bound: ReplacementForm | None = None):
    today = timezone.localdate()
    end = today + timedelta(weeks=REPLACEMENT_WEEKS) - timedelta(days=1)
    planned = selectors.presences(contract.rotations.all(), today, end)
    absent = defaultdict(list)
    for absence in Absence.objects.filter(
        mediator__operator_id=contract.operator_id, starts_on__lte=end, ends_on__gte=today
    ):
        absent[absence.mediator_id].append((absence.starts_on, absence.ends_on))
    busy_by_day = {}
    uncovered, decided = [], []
    for presence in planned:
        if presence.is_uncovered:
            if presence.date not in busy_by_day:
                busy_by_day[presence.date] = selectors.busy_presences_on(contract.operator_id, presence.date)
            busy = busy_by_day[presence.date]
            prefix = f"r{presence.rotation.pk}-{presence.date:%Y%m%d}"
            options = []
            for mediator in mediators:
                if mediator.pk == presence.rotation.mediator_id:
                    continue
                clashes = selectors.clashes_with(presence, busy.get(mediator.pk, []))
                is_absent = any(a <= presence.date <= b for a, b in absent[mediator.pk])
                options.append({"mediator": mediator, "clashes": clashes, "absent": is_absent})
            form = bound if bound is not None and bound.prefix == prefix else None
            uncovered.append({"presence": presence, "prefix": prefix, "options": options, "form": form})
        elif presence.is_replacement or presence.mediator is None:
            decided.append(presence)
    replacements = {
        (r.rotation_id, r.date): r
        for r in Replacement.objects.filter(rotation__contract=contract, date__range=(today, end))
    }
    decided_rows = [
        {"presence": presence, "record": replacements.get((presence.rotation.pk, presence.date))}
        for presence in decided
    ]
    return {"uncovered": uncovered, "decided": decided_rows, "start": today, "end": end}


@login_required
def contract_replacements(request, pk: int):
    contract = editable_contract(request.viewer, pk)
    mediators = list(_mediators_for(contract))
    bound = None
    if request.method == "POST":
        prefix = request.POST.get("row", "")
        bound = ReplacementForm(
            request.POST, prefix=prefix, contract=contract, mediators=_mediators_for(contract)
        )
        if bound.is_valid():
            rotation = bound.cleaned_data["rotation"]
            day = bound.cleaned_data["date"]
            replacement = (
                bound.cleaned_data["replacement"]
                if bound.cleaned_data["action"] == ReplacementForm.REPLACE
                else None
            )
            try:
                services.replacement_set(
                    actor=request.user, rotation=rotation, on=day, replacement=replacement
                )
            except ValidationError as error:
                apply_service_errors(bound, error)
            else:
                _report_replacement(request, contract, rotation, day, replacement)
                return redirect("staffing:contract_replacements", pk=contract.pk)
        messages.error(request, _("Le remplacement n'a pas été enregistré."))
    return render(
        request,
        "staffing/replacements.html",
        {"contract": contract, **_replacement_rows(contract, mediators, bound)},
    )


def _report_replacement(request, contract, rotation, day, replacement):
    when = f"{day:%d/%m/%Y}"
    if replacement is None:
        messages.success(
            request, _("Permanence du %(date)s à %(site)s annulée.") % {"date": when, "site": rotation.site}
        )
        return
    messages.success(
        request,
        _("%(name)s remplace le %(date)s à %(site)s.")
        % {"name": replacement, "date": when, "site": rotation.site},
    )
    presence = next(
        (p for p in selectors.presences(Rotation.objects.filter(pk=rotation.pk), day, day)),
        None,
    )
    busy = selectors.busy_presences_on(contract.operator_id, day).get(replacement.pk, [])
    for clash in selectors.clashes_with(presence, busy) if presence else []:
        messages.warning(
            request,
            _("Attention : %(name)s est aussi prévu(e) ce jour-là de %(start)s à %(end)s à %(site)s.")
            % {
                "name": replacement,
                "start": selectors.format_clock(clash.rotation.starts_at),
                "end": selectors.format_clock(clash.rotation.ends_at),
                "site": clash.site,
            },
        )


@login_required
@require_POST
def replacement_clear(request, pk: int, replacement_pk: int):
    contract = editable_contract(request.viewer, pk)
    record = get_object_or_404(Replacement.objects.filter(rotation__contract=contract), pk=replacement_pk)
    services.replacement_clear(actor=request.user, replacement=record)
    messages.success(request, _("Décision annulée : la permanence revient au planning habituel."))
    return redirect("staffing:contract_replacements", pk=contract.pk)


# ---------------------------------------------------------------------------------------------
# A site's schedule (printable and ICS)
# ---------------------------------------------------------------------------------------------


def _schedule_window():
    start = timezone.localdate()
    return start, start + timedelta(weeks=SCHEDULE_WEEKS) - timedelta(days=1)


def _visible_site(viewer, pk: int):
    if not viewer.has_role and not viewer.is_platform_admin:
        raise Http404
    return get_object_or_404(selectors.schedule_sites_visible_to(viewer), pk=pk)


@login_required
def site_schedule(request, pk: int):
    site = _visible_site(request.viewer, pk)
    start, end = _schedule_window()
    planned = selectors.presences_at_site(request.viewer, site, start, end)
    return render(
        request,
        "staffing/schedule.html",
        {
            "title": _("Planning de %(site)s") % {"site": site.name},
            "site": site,
            "days": group_by_day(planned),
            "start": start,
            "end": end,
            "ics_url": reverse("staffing:site_schedule_ics", args=[site.pk]),
            "show_mediator": True,
            "show_site": False,
        },
    )


@login_required
def site_schedule_ics(request, pk: int):
    site = _visible_site(request.viewer, pk)
    start, end = _schedule_window()
    planned = selectors.presences_at_site(request.viewer, site, start, end)
    return ics_response(
        name=_("Médiation — %(site)s") % {"site": site.name},
        presences=planned,
        filename=f"planning-site-{site.pk}.ics",
        with_mediator=True,
    )


def group_by_day(planned) -> list[dict]:
    days = defaultdict(list)
    for presence in planned:
        days[presence.date].append(presence)
    return [{"date": day, "presences": items} for day, items in sorted(days.items())]


def _address(site) -> str:
    parts = [site.name, site.address, f"{site.postcode} {site.locality or site.commune.name}".strip()]
    return ", ".join(part for part in parts if part)


def ics_response(*, name: str, presences, filename: str, with_mediator: bool) -> HttpResponse:
    events = []
    for presence in presences:
        rotation = presence.rotation
        if presence.is_uncovered:
            summary, status = _("Permanence de médiation à confirmer (médiateur absent)"), "TENTATIVE"
        elif presence.mediator is None:
            summary, status = _("Permanence de médiation annulée"), "CANCELLED"
        else:
            summary, status = (
                _("Permanence de médiation — %(site)s") % {"site": rotation.site.name},
                "CONFIRMED",
            )
        description = []
        if with_mediator and presence.mediator is not None:
            description.append(_("Médiateur : %(name)s") % {"name": presence.mediator})
        if presence.is_replacement:
            description.append(_("Remplacement de %(name)s") % {"name": rotation.mediator})
        description.append(_("Contrat : %(reference)s") % {"reference": rotation.contract.reference})
        events.append(
            ics.Event(
                uid=f"rotation-{rotation.pk}-{presence.date:%Y%m%d}@tremplin",
                day=presence.date,
                starts_at=rotation.starts_at,
                ends_at=rotation.ends_at,
                summary=summary,
                location=_address(rotation.site),
                description="\n".join(description),
                status=status,
            )
        )
    response = HttpResponse(
        ics.calendar(name=name, events=events), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
