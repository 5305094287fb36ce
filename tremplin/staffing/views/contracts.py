"""Contracts: the list, a contract's page, and creating or changing one (the provider's coordinators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tremplin.accounts.models import Operator
from tremplin.territory.models import Site
from tremplin.territory.selectors import sites_visible_to

from .. import selectors, services
from ..forms import ContractForm, apply_service_errors, contract_site_formset, contract_site_initial
from .access import (
    PLANNER_ROLES,
    can_edit,
    editable_contract,
    readable_contract,
    require_planner,
    require_reader,
)

#: Empty site rows offered on a new contract, and added by « Ajouter des lignes ».
BLANK_SITE_ROWS = 3


@login_required
def contract_list(request):
    viewer = request.viewer
    require_reader(viewer)
    contracts = (
        selectors.contracts_visible_to(viewer)
        .prefetch_related("contract_sites__site")
        .order_by("-starts_on", "reference")
    )
    rows = [
        {"contract": contract, "sites": [cs.site for cs in contract.contract_sites.all()]}
        for contract in contracts
    ]
    return render(
        request,
        "staffing/contract_list.html",
        {"rows": rows, "can_create": viewer.is_(*PLANNER_ROLES)},
    )


@login_required
def contract_detail(request, pk: int):
    viewer = request.viewer
    contract = readable_contract(viewer, pk)
    contract_sites = list(
        contract.contract_sites.select_related("site__commune__departement").order_by("site__name")
    )
    planned = selectors.planned_weekly_minutes(contract)
    rows = [{"cs": cs, "planned": planned.get(cs.site_id, 0)} for cs in contract_sites]
    weekly = [cs.weekly_minutes for cs in contract_sites if cs.weekly_minutes is not None]
    return render(
        request,
        "staffing/contract_detail.html",
        {
            "contract": contract,
            "rows": rows,
            "weekly_total": sum(weekly) if weekly else None,
            "planned_total": sum(planned.values()),
            "can_edit": can_edit(viewer, contract),
        },
    )


@login_required
def contract_create(request):
    viewer = request.viewer
    require_planner(viewer)
    return _contract_form(request, contract=None)


@login_required
def contract_edit(request, pk: int):
    contract = editable_contract(request.viewer, pk)
    return _contract_form(request, contract=contract)


def _contract_form(request, *, contract):
    viewer = request.viewer
    operator = contract.operator if contract else Operator.objects.get(pk=viewer.operator_id)
    choosable = Q(pk__in=sites_visible_to(viewer).values("pk"))
    if contract is not None:
        choosable |= Q(pk__in=contract.sites.values("pk"))
    sites = (
        Site.objects.filter(choosable)
        .select_related("commune__departement")
        .order_by("commune__departement__code", "commune__name", "name")
    )
    clients = selectors.contract_client_choices(viewer, contract)
    initial = contract_site_initial(contract)
    data = request.POST if request.method == "POST" else None
    adding_rows = data is not None and "more_rows" in data
    if adding_rows:
        data = data.copy()
        data["sites-TOTAL_FORMS"] = str(int(data.get("sites-TOTAL_FORMS") or 0) + BLANK_SITE_ROWS)
    blank_rows = BLANK_SITE_ROWS if contract is None else 1
    form = ContractForm(data, clients=clients, operator=operator, contract=contract)
    formset = contract_site_formset(extra=blank_rows)(
        data, prefix="sites", sites=sites, contract=contract, initial=initial
    )
    if data is not None and not adding_rows:
        form_ok = form.is_valid()
        if formset.is_valid() and form_ok:
            cleaned = form.cleaned_data
            try:
                saved = services.contract_save(
                    actor=request.user,
                    operator=operator,
                    client=cleaned["client"],
                    reference=cleaned["reference"],
                    title=cleaned["title"],
                    starts_on=cleaned["starts_on"],
                    ends_on=cleaned["ends_on"],
                    status=cleaned["status"],
                    reporting_period=cleaned["reporting_period"],
                    contracted_minutes=form.contracted_minutes,
                    sites=formset.weekly_minutes_by_site(),
                    contract=contract,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Contrat enregistré.") if contract else _("Contrat créé."))
                return redirect("staffing:contract_detail", pk=saved.pk)
    return render(
        request,
        "staffing/contract_form.html",
        {"form": form, "formset": formset, "contract": contract},
    )
