"""Writes of the demo's reporting: the objectives funders and coordinators set, and the aggregates.

The national objective is the one of the product brief (320,000 people accompanied by the end of
2023); the others follow the demo contracts in force, so their progress and projection look like
those of a real year. The aggregates are rebuilt once at the end of the load (a few seconds), rather
than on the first page viewed."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from tremplin.accounts.models import Operator, User
from tremplin.reporting import services as reporting_services
from tremplin.reporting.aggregates import aggregates_rebuild
from tremplin.reporting.models import Metric, Objective, ScopeKind
from tremplin.staffing.models import Contract
from tremplin.territory.models import Departement

from . import dataset, staffing_dataset
from .services import DemoCounts


@dataclass(frozen=True)
class DemoObjective:
    name: str
    metric: str
    operator: str  # operator key in dataset.OPERATORS
    author: str  # e-mail of the person who set it
    scope_kind: str
    #: A département code or a contract reference, by scope kind.
    scope: str | None
    target: int
    #: Fixed dates, or None: the contract's own dates.
    starts_on: date | None = None
    ends_on: date | None = None


OBJECTIVES = (
    DemoObjective(
        "320 000 personnes accompagnées fin 2023 (plan de relance)",
        Metric.PEOPLE,
        dataset.NATIONAL,
        "financeur-national@demo.tremplin.test",
        ScopeKind.NATION,
        None,
        320_000,
        date(2022, 1, 1),
        date(2023, 12, 31),
    ),
    DemoObjective(
        "Allier : 2 500 personnes accompagnées sur l'année du contrat",
        Metric.PEOPLE,
        dataset.CDPPT_03,
        "financeur@demo.tremplin.test",
        ScopeKind.DEPARTEMENT,
        "03",
        2_500,
    ),
    DemoObjective(
        "Hauts-de-Seine : 9 000 accompagnements sur l'année du contrat",
        Metric.ACCOMPANIMENTS,
        dataset.ASSO_92,
        "coordinateur@demo.tremplin.test",
        ScopeKind.CONTRACT,
        staffing_dataset.HAUTS_DE_SEINE.reference,
        9_000,
    ),
)


@transaction.atomic
def demo_reporting_load() -> DemoCounts:
    """Set the demo objectives that are missing, then compute every aggregate from the raw rows."""
    counts = DemoCounts()
    operators = {spec.key: Operator.objects.filter(name=spec.name).first() for spec in dataset.OPERATORS}
    for spec in OBJECTIVES:
        operator = operators.get(spec.operator)
        if operator is None:
            continue
        exists = Objective.objects.filter(name=spec.name, operator=operator).exists()
        counts.add(not exists)
        if exists:
            continue
        scope_id, starts_on, ends_on = None, spec.starts_on, spec.ends_on
        if spec.scope_kind == ScopeKind.DEPARTEMENT:
            scope_id = Departement.objects.get(code=spec.scope).pk
        if spec.scope_kind == ScopeKind.CONTRACT:
            contract = Contract.objects.get(reference=spec.scope)
            scope_id = contract.pk
        if starts_on is None:
            contract = Contract.objects.filter(reference=_contract_of(spec)).first()
            today = timezone.localdate()
            starts_on = contract.starts_on if contract else date(today.year, 1, 1)
            ends_on = contract.ends_on if contract else date(today.year, 12, 31)
        reporting_services.objective_create(
            actor=User.objects.filter(email=spec.author).first(),
            operator_id=operator.pk,
            name=spec.name,
            metric=spec.metric,
            scope_kind=spec.scope_kind,
            scope_id=scope_id,
            starts_on=starts_on,
            ends_on=ends_on,
            target=spec.target,
        )
    aggregates_rebuild()
    return counts


def _contract_of(spec: DemoObjective) -> str:
    """The contract whose year an objective follows."""
    if spec.scope_kind == ScopeKind.CONTRACT:
        return spec.scope
    return staffing_dataset.ALLIER.reference
