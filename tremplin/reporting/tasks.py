"""Background work of reporting: large exports, written in constant memory and offered when ready."""

from __future__ import annotations

import logging
import shutil
from datetime import date, timedelta

from django.db.models import Q
from django_tasks import task

from tremplin.accounts.selectors import viewer_for_membership
from tremplin.mediation import exports as interaction_exports
from tremplin.mediation.selectors import interactions_for_list

from .compute import local_midnight
from .models import ExportJob, ScopeKind
from .periods import Period
from .scopes import Scope, scope_for

logger = logging.getLogger(__name__)

#: The tables a detailed export can be made of.
INTERACTIONS = "interactions"


def interactions_of(viewer, scope: Scope, period: Period):
    """The records behind a scope's figures, as the viewer may list them (same attribution rules:
    a record's contract is its shift's, or for a record without a shift the contract of its operator
    at its site on that day)."""
    low, high = local_midnight(period.start), local_midnight(period.end + timedelta(days=1))
    interactions = interactions_for_list(viewer).filter(started_at__gte=low, started_at__lt=high)
    kind, pk = scope.kind, scope.pk
    where = {
        ScopeKind.REGION: Q(site__commune__departement__region_id=pk),
        ScopeKind.DEPARTEMENT: Q(site__commune__departement_id=pk),
        ScopeKind.COMMUNE: Q(site__commune_id=pk),
        ScopeKind.SITE: Q(site_id=pk),
        ScopeKind.OPERATOR: Q(operator_id=pk),
        ScopeKind.MEDIATOR: Q(mediator_id=pk),
    }.get(kind)
    if kind == ScopeKind.CONTRACT:
        contract = scope.obj
        where = Q(shift__contract=contract) | Q(
            shift__isnull=True,
            operator_id=contract.operator_id,
            site__in=contract.contract_sites.values("site_id"),
            started_at__gte=local_midnight(contract.starts_on),
            started_at__lt=local_midnight(contract.ends_on + timedelta(days=1)),
        )
    if where is not None:
        interactions = interactions.filter(where)
    return interactions.order_by("started_at", "pk")


def _viewer_of(job: ExportJob):
    membership = job.membership
    if not (membership.is_active and membership.user.is_active and membership.operator.is_active):
        return None
    return viewer_for_membership(membership.user, membership)


@task()
def export_run(job_id: int) -> int:
    """Write the export of a job to its file; returns the number of rows written."""
    from . import services

    job = ExportJob.objects.select_related("membership__user", "membership__operator").get(pk=job_id)
    viewer = _viewer_of(job)
    scope = scope_for(viewer, job.params["kind"], job.params.get("id")) if viewer else None
    if scope is None:
        services.export_finish(job=job, rows=None, failed=True)
        return 0
    period = Period.of(date.fromisoformat(job.params["first"]), date.fromisoformat(job.params["last"]))
    interactions = interactions_of(viewer, scope, period)
    path = services.export_directory() / job.file_name
    rows = 0
    try:
        if job.export_format == "csv":
            with path.open("w", encoding="utf-8", newline="") as output:
                for line in interaction_exports.csv_lines(interactions):
                    output.write(line)
                    rows += 1
            rows -= 1  # the header line
        else:
            rows = interactions.count()
            with interaction_exports.xlsx_file(interactions) as workbook, path.open("wb") as output:
                shutil.copyfileobj(workbook, output)
    except Exception:
        logger.exception("Export %s failed", job.pk)
        path.unlink(missing_ok=True)
        services.export_finish(job=job, rows=None, failed=True)
        raise
    services.export_finish(job=job, rows=rows)
    return rows
