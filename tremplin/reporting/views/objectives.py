"""Objectives: the list with progress and projection, setting one, removing one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..forms import ObjectiveForm
from ..models import Objective
from ..objectives import may_set_objectives, objective_scope, objectives_visible_to, progress


def objectives_for_scope(viewer, scope):
    """The objectives aimed at exactly this scope, with their progress (shown on its dashboard)."""
    return [
        progress(viewer, objective, found)
        for objective, found in objectives_visible_to(viewer)
        if found.key == scope.key
    ]


@login_required
@require_http_methods(["GET", "POST"])
def objective_list(request):
    viewer = request.viewer
    if viewer.is_("mediator") and not viewer.is_platform_admin:
        raise PermissionDenied
    may_set = may_set_objectives(viewer) and viewer.operator_id is not None
    form = None
    if may_set:
        today = timezone.localdate()
        form = ObjectiveForm(
            request.POST or None,
            viewer=viewer,
            initial={"starts_on": today.replace(month=1, day=1), "ends_on": today.replace(month=12, day=31)},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.objective_create(
                    actor=request.user,
                    operator_id=viewer.operator_id,
                    name=data["name"],
                    metric=data["metric"],
                    scope_kind=data["scope"].kind,
                    scope_id=data["scope"].pk,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    target=data["target"],
                )
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(name if name in form.fields else None, message)
            else:
                messages.success(request, _("Objectif enregistré."))
                return redirect("reporting:objectives")
    elif request.method == "POST":
        raise PermissionDenied
    rows = [progress(viewer, objective, scope) for objective, scope in objectives_visible_to(viewer)]
    return render(
        request,
        "reporting/objectives.html",
        {"title": _("Objectifs"), "objectives": rows, "form": form, "operator_id": viewer.operator_id},
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def objective_delete(request, pk: int):
    viewer = request.viewer
    objective = get_object_or_404(Objective, pk=pk)
    if objective_scope(viewer, objective) is None:
        raise Http404
    if not (objective.operator_id == viewer.operator_id and may_set_objectives(viewer)):
        raise PermissionDenied
    services.objective_delete(actor=request.user, objective=objective)
    messages.success(request, _("Objectif supprimé."))
    return redirect("reporting:objectives")
