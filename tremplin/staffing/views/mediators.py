"""Mediators of an operator: profile, trainings, absences, weekly plan; and each mediator's schedule."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tremplin.accounts.models import Operator
from tremplin.core.roles import Role

from .. import selectors, services
from ..forms import AbsenceForm, CertificationForm, MediatorProfileForm, apply_service_errors
from ..models import Contract, MediatorProfile
from .access import managed_mediator, require_planner, schedule_of_mediator
from .planning import SCHEDULE_WEEKS, group_by_day, ics_response

#: How far ahead « Mon planning » looks.
MY_SCHEDULE_WEEKS = 2


@login_required
def mediator_list(request):
    viewer = request.viewer
    require_planner(viewer)
    today = timezone.localdate()
    form = MediatorProfileForm(request.POST or None, users=selectors.mediator_candidates(viewer))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile = services.mediator_profile_save(
            actor=request.user,
            operator=Operator.objects.get(pk=viewer.operator_id),
            user=data["user"],
            languages=data["languages"],
            active_from=data["active_from"],
            active_until=data["active_until"],
        )
        messages.success(request, _("Fiche de %(name)s créée.") % {"name": profile})
        return redirect("staffing:mediator_detail", pk=profile.pk)
    profiles = (
        MediatorProfile.objects.filter(operator_id=viewer.operator_id)
        .select_related("user")
        .annotate(
            certification_count=Count("certifications", distinct=True),
            upcoming_absences=Count("absences", filter=Q(absences__ends_on__gte=today), distinct=True),
        )
    )
    return render(
        request,
        "staffing/mediator_list.html",
        {"profiles": profiles, "form": form, "today": today},
    )


def _detail(request, profile, *, profile_form=None, certification_form=None, absence_form=None):
    today = timezone.localdate()
    rotations = (
        profile.rotations.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .exclude(contract__status=Contract.Status.CLOSED)
        .select_related("site", "contract")
        .order_by("weekday", "starts_at")
    )
    return render(
        request,
        "staffing/mediator_detail.html",
        {
            "profile": profile,
            "profile_form": profile_form or MediatorProfileForm(profile=profile),
            "certification_form": certification_form or CertificationForm(),
            "absence_form": absence_form or AbsenceForm(),
            "certifications": profile.certifications.all(),
            "absences": profile.absences.filter(ends_on__gte=today - timedelta(days=90)),
            "rotations": rotations,
            "today": today,
        },
    )


@login_required
def mediator_detail(request, pk: int):
    return _detail(request, managed_mediator(request.viewer, pk))


@login_required
@require_POST
def mediator_update(request, pk: int):
    profile = managed_mediator(request.viewer, pk)
    form = MediatorProfileForm(request.POST, profile=profile)
    if not form.is_valid():
        return _detail(request, profile, profile_form=form)
    services.mediator_profile_save(
        actor=request.user,
        operator=profile.operator,
        user=profile.user,
        languages=form.cleaned_data["languages"],
        active_from=form.cleaned_data["active_from"],
        active_until=form.cleaned_data["active_until"],
    )
    messages.success(request, _("Fiche enregistrée."))
    return redirect("staffing:mediator_detail", pk=profile.pk)


@login_required
@require_POST
def certification_create(request, pk: int):
    profile = managed_mediator(request.viewer, pk)
    form = CertificationForm(request.POST)
    if not form.is_valid():
        return _detail(request, profile, certification_form=form)
    services.certification_add(actor=request.user, mediator=profile, **form.cleaned_data)
    messages.success(request, _("Formation ajoutée."))
    return redirect(reverse("staffing:mediator_detail", args=[profile.pk]) + "#formations")


@login_required
@require_POST
def absence_create(request, pk: int):
    profile = managed_mediator(request.viewer, pk)
    form = AbsenceForm(request.POST)
    if form.is_valid():
        try:
            services.absence_create(actor=request.user, mediator=profile, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Absence enregistrée. Les permanences concernées sont à remplacer ou à annuler "
                    "sur la page « Remplacements » de chaque contrat."
                ),
            )
            return redirect(reverse("staffing:mediator_detail", args=[profile.pk]) + "#absences")
    return _detail(request, profile, absence_form=form)


@login_required
@require_POST
def absence_delete(request, pk: int, absence_pk: int):
    profile = managed_mediator(request.viewer, pk)
    absence = get_object_or_404(profile.absences, pk=absence_pk)
    services.absence_delete(actor=request.user, absence=absence)
    messages.success(request, _("Absence supprimée."))
    return redirect(reverse("staffing:mediator_detail", args=[profile.pk]) + "#absences")


# ---------------------------------------------------------------------------------------------
# Schedules
# ---------------------------------------------------------------------------------------------


def _window(weeks: int):
    start = timezone.localdate()
    return start, start + timedelta(weeks=weeks) - timedelta(days=1)


@login_required
def mediator_schedule(request, pk: int):
    profile = schedule_of_mediator(request.viewer, pk)
    start, end = _window(SCHEDULE_WEEKS)
    return render(
        request,
        "staffing/schedule.html",
        {
            "title": _("Planning de %(name)s") % {"name": profile},
            "profile": profile,
            "days": group_by_day(selectors.presences_of_mediator(profile, start, end)),
            "start": start,
            "end": end,
            "ics_url": reverse("staffing:mediator_schedule_ics", args=[profile.pk]),
            "show_mediator": False,
            "show_site": True,
        },
    )


@login_required
def mediator_schedule_ics(request, pk: int):
    profile = schedule_of_mediator(request.viewer, pk)
    start, end = _window(SCHEDULE_WEEKS)
    return ics_response(
        name=_("Planning de %(name)s") % {"name": profile},
        presences=selectors.presences_of_mediator(profile, start, end),
        filename=f"planning-mediateur-{profile.pk}.ics",
        with_mediator=False,
    )


@login_required
def my_schedule(request):
    viewer = request.viewer
    if not viewer.is_(Role.MEDIATOR, Role.COORDINATOR):
        raise PermissionDenied
    profile = selectors.mediator_profile_for(viewer)
    start, end = _window(MY_SCHEDULE_WEEKS)
    days = group_by_day(selectors.presences_of_mediator(profile, start, end)) if profile else []
    return render(
        request,
        "staffing/my_schedule.html",
        {"profile": profile, "days": days, "start": start, "end": end},
    )
