"""The catalogue of workshops and the pathways: read by the operator's members, written by its
coordinators and administrators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .. import selectors, services
from ..forms import PathwayForm, WorkshopForm, apply_errors
from ..models import Session
from .access import require_member, require_planner


def _workshop_or_404(request, pk: int):
    workshop = selectors.workshops_visible_to(request.viewer).filter(pk=pk).first()
    if workshop is None:
        raise Http404
    return workshop


@login_required
@require_safe
def catalogue(request):
    require_member(request)
    viewer = request.viewer
    workshops = list(selectors.workshops_visible_to(viewer))
    return render(
        request,
        "workshops/catalogue.html",
        {
            "active": [workshop for workshop in workshops if workshop.is_active],
            "archived": [workshop for workshop in workshops if not workshop.is_active],
            "pathways": selectors.pathways_visible_to(viewer),
            "can_plan": selectors.can_plan(viewer),
        },
    )


@login_required
@require_safe
def workshop_detail(request, pk: int):
    require_member(request)
    workshop = _workshop_or_404(request, pk)
    upcoming = (
        selectors.sessions_for_list(request.viewer)
        .filter(workshop=workshop, starts_at__gte=timezone.now())
        .exclude(status=Session.Status.CANCELLED)
        .order_by("starts_at")[:20]
    )
    return render(
        request,
        "workshops/workshop_detail.html",
        {"workshop": workshop, "upcoming": upcoming, "can_plan": selectors.can_plan(request.viewer)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def workshop_create(request):
    return _workshop_form(request, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def workshop_edit(request, pk: int):
    require_planner(request)
    return _workshop_form(request, _workshop_or_404(request, pk))


def _workshop_form(request, workshop):
    require_planner(request)
    form = WorkshopForm(request.POST if request.method == "POST" else None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.workshop_save(
                actor=request.user,
                operator_id=request.viewer.operator_id,
                workshop=workshop,
                themes=form.cleaned_data["themes"],
                **form.values(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Atelier « %(title)s » enregistré.") % {"title": saved.title})
            return redirect("workshops:workshop_detail", pk=saved.pk)
    return render(request, "workshops/workshop_form.html", {"form": form, "workshop": workshop})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pathway_create(request):
    return _pathway_form(request, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pathway_edit(request, pk: int):
    require_planner(request)
    pathway = selectors.pathways_visible_to(request.viewer).filter(pk=pk).first()
    if pathway is None:
        raise Http404
    return _pathway_form(request, pathway)


def _pathway_form(request, pathway):
    require_planner(request)
    workshops = selectors.workshops_visible_to(request.viewer)
    form = PathwayForm(
        request.POST if request.method == "POST" else None, workshops=workshops, pathway=pathway
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.pathway_save(
                actor=request.user,
                operator_id=request.viewer.operator_id,
                pathway=pathway,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                workshops=form.workshops(),
            )
        except ValidationError as error:
            apply_errors(form, error, rename={"steps": "step_1"})
        else:
            messages.success(request, _("Parcours « %(title)s » enregistré.") % {"title": saved.title})
            return redirect("workshops:catalogue")
    return render(request, "workshops/pathway_form.html", {"form": form, "pathway": pathway})
