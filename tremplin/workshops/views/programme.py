"""The programme: a month of sessions, a session's page with its registrations, scheduling (once or as a
series), changing and cancelling sessions, the coordinators' figures and the printable poster."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .. import selectors, services
from ..forms import SessionForm, apply_errors
from ..models import Session
from .access import require_member, require_planner, session_or_404

#: How far back the figures page looks by default.
FIGURES_DAYS = 90


def _month(value: str) -> date:
    """`2026-03` → 1 March 2026; anything else → this month."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return timezone.localdate().replace(day=1)


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


@login_required
@require_safe
def programme(request):
    require_member(request)
    viewer = request.viewer
    first = _month(request.GET.get("mois", ""))
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    site_id, workshop_id = _int(request.GET.get("site")), _int(request.GET.get("atelier"))
    days = selectors.programme(viewer, start=first, end=last, site_id=site_id, workshop_id=workshop_id)
    previous_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    filters = "&".join(
        f"{name}={value}" for name, value in (("site", site_id), ("atelier", workshop_id)) if value
    )
    return render(
        request,
        "workshops/programme.html",
        {
            "month": first,
            "days": days,
            "session_count": sum(len(sessions) for _day, sessions in days),
            "previous_month": previous_month,
            "next_month": next_month,
            "filters": filters,
            "sites": selectors.sites_for_sessions(viewer),
            "workshops": selectors.workshops_visible_to(viewer),
            "site_id": site_id,
            "workshop_id": workshop_id,
            "mine": selectors.my_sessions(viewer),
            "to_close": selectors.sessions_to_close(viewer),
            "can_plan": selectors.can_plan(viewer),
            "today": timezone.localdate(),
        },
    )


def _session_form(request, session=None):
    viewer = request.viewer
    initial = None
    if session is None and request.method != "POST":
        initial = {"venue": Session.Venue.SITE, "is_published": True, "repeat": 0, "count": 1}
        workshop_id = _int(request.GET.get("atelier"))
        if workshop_id:
            initial["workshop"] = workshop_id
    kwargs = {"initial": initial} if initial is not None else {}
    return SessionForm(
        request.POST if request.method == "POST" else None,
        workshops=selectors.workshops_visible_to(viewer).filter(is_active=True)
        if session is None
        else selectors.workshops_visible_to(viewer),
        sites=selectors.sites_for_sessions(viewer),
        facilitators=selectors.facilitator_candidates(viewer),
        session=session,
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_create(request):
    require_planner(request)
    form = _session_form(request)
    if request.method == "POST" and form.is_valid():
        every_weeks = form.cleaned_data.get("repeat") or 0
        try:
            sessions = services.session_schedule(
                actor=request.user,
                operator_id=request.viewer.operator_id,
                data=form.session_data(),
                every_weeks=every_weeks,
                count=(form.cleaned_data.get("count") or 1) if every_weeks else 1,
            )
        except ValidationError as error:
            apply_errors(form, error, rename={"every_weeks": "repeat"})
        else:
            if len(sessions) > 1:
                messages.success(request, _("%(count)s séances programmées.") % {"count": len(sessions)})
            else:
                messages.success(request, _("Séance programmée."))
            return redirect("workshops:session_detail", pk=sessions[0].pk)
    return render(request, "workshops/session_form.html", {"form": form, "session": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_edit(request, pk: int):
    require_planner(request)
    session = session_or_404(request, pk)
    if session.status != Session.Status.SCHEDULED:
        messages.error(request, _("Une séance annulée ou terminée ne se modifie plus."))
        return redirect("workshops:session_detail", pk=session.pk)
    form = _session_form(request, session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=request.user, session=session, data=form.session_data())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Séance modifiée."))
            return redirect("workshops:session_detail", pk=session.pk)
    return render(request, "workshops/session_form.html", {"form": form, "session": session})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_cancel(request, pk: int):
    require_planner(request)
    session = session_or_404(request, pk)
    if request.method == "POST":
        try:
            services.session_cancel(actor=request.user, session=session)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Séance annulée : les personnes inscrites sont prévenues."))
        return redirect("workshops:session_detail", pk=session.pk)
    return render(request, "workshops/session_cancel.html", {"session": session})


@login_required
@require_safe
def session_detail(request, pk: int):
    session = session_or_404(request, pk)
    viewer = request.viewer
    now = timezone.now()
    groups = selectors.registrations_of(viewer, session)
    scheduled = session.status == Session.Status.SCHEDULED
    return render(
        request,
        "workshops/session_detail.html",
        {
            "session": session,
            "groups": groups,
            "can_plan": selectors.can_plan(viewer),
            "can_register": scheduled and now < session.starts_at,
            "can_take_attendance": session.status != Session.Status.CANCELLED
            and timezone.localdate(now) >= timezone.localtime(session.starts_at).date(),
            "public_url": request.build_absolute_uri(reverse("workshops:public_session", args=[session.pk]))
            if session.is_published and scheduled
            else "",
            "seats_left": max(session.capacity - session.seated, 0),
        },
    )


@login_required
@require_safe
def figures(request):
    require_planner(request)
    viewer = request.viewer
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("du", ""))
    except ValueError:
        start = today - timedelta(days=FIGURES_DAYS)
    try:
        end = date.fromisoformat(request.GET.get("au", ""))
    except ValueError:
        end = today
    if start > end:
        start, end = end, start
    pathways = [
        (pathway, selectors.pathway_progression(viewer, pathway))
        for pathway in selectors.pathways_visible_to(viewer)
    ]
    return render(
        request,
        "workshops/figures.html",
        {
            "figures": selectors.programme_figures(viewer, start=start, end=end),
            "start": start,
            "end": end,
            "pathways": pathways,
        },
    )
