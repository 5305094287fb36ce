"""The contract report as a page (with the coordinator's comment), a PDF and an XLSX workbook."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tremplin.staffing.selectors import can_read_contract_hours, contracts_editable_by, contracts_visible_to

from .. import services, spreadsheets
from ..forms import CommentForm
from ..periods import period_from
from ..report import contract_period, contract_report


def _contract(request, pk: int):
    viewer = request.viewer
    if not can_read_contract_hours(viewer):
        raise Http404
    contract = contracts_visible_to(viewer).filter(pk=pk).first()
    if contract is None:
        raise Http404
    return contract


def _report(request, pk: int):
    contract = _contract(request, pk)
    form, period = period_from(request.GET, contract_period(contract))
    report = contract_report(request.viewer, contract, period) if period is not None else None
    return contract, form, period, report


def _filename(report, extension: str) -> str:
    return f"compte-rendu_{report.contract.reference}_{report.period.slug}.{extension}"


@login_required
@require_GET
def contract_report_page(request, pk: int):
    contract, form, period, report = _report(request, pk)
    may_comment = contracts_editable_by(request.viewer).filter(pk=contract.pk).exists()
    comment_form = None
    if report is not None and may_comment:
        comment_form = CommentForm(initial={"text": report.comment.text if report.comment else ""})
    return render(
        request,
        "reporting/contract_report.html",
        {
            "title": _("Compte rendu — %(reference)s") % {"reference": contract.reference},
            "contract": contract,
            "form": form,
            "period": period,
            "report": report,
            "comment_form": comment_form,
        },
    )


@login_required
@require_POST
def contract_report_comment(request, pk: int):
    contract = _contract(request, pk)
    if not contracts_editable_by(request.viewer).filter(pk=contract.pk).exists():
        raise Http404
    form, period = period_from(request.GET, contract_period(contract))
    comment = CommentForm(request.POST)
    if period is None or not comment.is_valid():
        messages.error(
            request, _("Le commentaire n'a pas été enregistré : vérifiez la période et sa longueur.")
        )
    else:
        services.report_comment_save(
            actor=request.user, contract=contract, period=period, text=comment.cleaned_data["text"]
        )
        messages.success(request, _("Commentaire enregistré : il figure dans le PDF et le classeur."))
    query = f"?{period.query()}" if period else ""
    return redirect(reverse("reporting:contract_report", kwargs={"pk": contract.pk}) + query)


@login_required
@require_GET
def contract_report_pdf(request, pk: int):
    from weasyprint import CSS, HTML

    _contract_obj, _form, _period, report = _report(request, pk)
    if report is None:
        return redirect(
            reverse("reporting:contract_report", kwargs={"pk": pk}) + "?" + request.GET.urlencode()
        )
    html = render_to_string(
        "reporting/contract_report_pdf.html", {"report": report, "contract": report.contract}, request
    )
    stylesheet = CSS(filename=finders.find("reporting/report_print.css"))
    pdf = HTML(string=html, base_url=None).write_pdf(stylesheets=[stylesheet])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_filename(report, "pdf")
    )
    return response


@login_required
@require_GET
def contract_report_xlsx(request, pk: int):
    _contract_obj, _form, _period, report = _report(request, pk)
    if report is None:
        return redirect(
            reverse("reporting:contract_report", kwargs={"pk": pk}) + "?" + request.GET.urlencode()
        )
    tables = list(report.tables)
    if report.comment and report.comment.text:
        from ..tables import Column, Table

        comment = Table("commentaire", _("Commentaire"), [Column(_("Commentaire du coordinateur"))])
        comment.rows = [[report.comment.text]]
        tables.append(comment)
    response = HttpResponse(
        spreadsheets.workbook_bytes(tables), content_type=spreadsheets.CONTENT_TYPES["xlsx"]
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_filename(report, "xlsx")
    )
    return response
