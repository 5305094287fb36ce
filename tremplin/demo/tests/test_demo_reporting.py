"""The demo's figures: the closed Pas-de-Calais contract reports what the field reported, the
objectives are set, and the aggregates the load computed equal the raw rows."""

import pytest
from django.db.models import Q, Sum

from tremplin.core.tenancy import Viewer
from tremplin.mediation.models import Accompaniment, Interaction
from tremplin.reporting import selectors
from tremplin.reporting.models import Change, Objective, ScopeKind
from tremplin.reporting.report import contract_period, contract_report
from tremplin.reporting.scopes import NATION, Scope
from tremplin.staffing.models import Contract

pytestmark = pytest.mark.django_db

ADMIN = Viewer(user_id=1, is_platform_admin=True)


def test_the_closed_pas_de_calais_report_shows_the_fields_figures(demo_with_shifts):
    contract = Contract.objects.get(reference="RNBM-LP62-2021")
    report = contract_report(ADMIN, contract, contract_period(contract))

    assert report.figures.worked_minutes == 1_184 * 60
    assert report.figures.accompaniments == 2_364
    assert round(report.figures.digital_share * 100) == 48
    assert round(report.figures.client_share * 100) == 52
    assert report.period.label == "juin 2021 – février 2023"


def test_the_load_leaves_aggregates_equal_to_the_raw_rows(demo_with_shifts):
    assert not Change.objects.exists()  # the load rebuilt them
    for contract in Contract.objects.all():
        figures = selectors.figures(ADMIN, Scope(ScopeKind.CONTRACT, contract), contract_period(contract))
        # A record counts for its shift's contract; one made outside a shift (a workshop's group
        # interaction) for its operator's contract covering the site that day.
        outside = Q(
            shift__isnull=True,
            operator_id=contract.operator_id,
            site__in=contract.sites.all(),
            started_at__date__range=(contract.starts_on, contract.ends_on),
        )
        interactions = Interaction.objects.alive().filter(Q(shift__contract=contract) | outside)
        assert figures.interactions == interactions.count(), contract.reference
        assert figures.minutes == interactions.aggregate(total=Sum("duration_minutes"))["total"]
        assert figures.accompaniments == Accompaniment.objects.filter(interaction__in=interactions).count()


def test_the_national_objective_and_the_contract_ones_are_set(demo_with_shifts):
    national = Objective.objects.get(scope_kind=ScopeKind.NATION)
    assert national.target == 320_000
    assert str(national.ends_on) == "2023-12-31"
    assert Objective.objects.filter(scope_kind=ScopeKind.CONTRACT).exists()
    everything = selectors.figures(
        ADMIN, NATION, contract_period(Contract.objects.get(reference="RNBM-LP62-2021"))
    )
    assert everything.accompaniments >= 2_364
