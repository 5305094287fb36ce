"""Detailed exports (one line per interaction) run in the background, and small tables at once."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tremplin.accounts.models import Membership
from tremplin.core.roles import Role

from .. import services, spreadsheets
from ..forms import ExportForm
from ..models import ExportJob
from ..periods import default_period
from ..tasks import INTERACTIONS


def _may_export_rows(viewer) -> bool:
    """Records leave the app only for their operator's staff (funders read figures, never records)."""
    return viewer.is_(Role.COORDINATOR, Role.ADMIN) or viewer.is_platform_admin


def _own_jobs(request):
    return ExportJob.objects.filter(requester=request.user).order_by("-created_at")


@login_required
@require_http_methods(["GET", "POST"])
def export_list(request):
    viewer = request.viewer
    if not _may_export_rows(viewer) or viewer.membership_id is None:
        raise PermissionDenied
    period = default_period(timezone.localdate())
    form = ExportForm(request.POST or None, viewer=viewer, initial={"du": period.first, "au": period.last})
    if request.method == "POST" and form.is_valid():
        scope, chosen = form.cleaned_data["scope"], form.period()
        services.export_request(
            actor=request.user,
            membership=Membership.objects.get(pk=viewer.membership_id),
            table=INTERACTIONS,
            export_format=form.cleaned_data["export_format"],
            params={
                "kind": scope.kind,
                "id": scope.pk,
                "first": chosen.first.isoformat(),
                "last": chosen.last.isoformat(),
            },
        )
        messages.success(
            request,
            _("Export demandé : il se prépare en arrière-plan. Rechargez cette page pour le télécharger."),
        )
        return redirect("reporting:export_list")
    services.exports_purge()
    return render(
        request,
        "reporting/export_list.html",
        {"title": _("Exports détaillés"), "form": form, "jobs": _own_jobs(request)[:20]},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_GET
def export_download(request, pk: int):
    """Only its requester downloads an export, and only while it is ready."""
    job = get_object_or_404(_own_jobs(request), pk=pk, status=ExportJob.Status.READY)
    path = services.export_directory() / job.file_name
    if not path.exists():
        raise Http404
    stamp = timezone.localtime(job.created_at).strftime("%Y-%m-%d_%H%M")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"{job.table}_{stamp}.{job.export_format}",
        content_type=spreadsheets.CONTENT_TYPES[job.export_format],
    )


def table_response(table, export_format: str, filename: str) -> HttpResponse:
    """One table of a page as CSV (French Excel: BOM, ";") or XLSX."""
    if export_format == "csv":
        buffer = io.StringIO()
        buffer.write(spreadsheets.BOM)
        writer = csv.writer(buffer, delimiter=";")
        for line in spreadsheets.table_lines(table):
            writer.writerow(line)
        response = HttpResponse(buffer.getvalue(), content_type=spreadsheets.CONTENT_TYPES["csv"])
    else:
        response = HttpResponse(
            spreadsheets.workbook_bytes([table]), content_type=spreadsheets.CONTENT_TYPES["xlsx"]
        )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename}.{export_format}"
    )
    return response
