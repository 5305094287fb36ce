"""Every write of the reporting app (the aggregates are kept in `aggregates`): objectives, share links,
report comments, export requests. One journal entry each, with ids and codes only."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.core.services import journal_record

from .models import ExportJob, Objective, ReportComment, ShareLink
from .periods import Period

#: How long a finished export stays downloadable.
EXPORT_LIFETIME = timedelta(hours=24)


def _operator(operator_id):
    from tremplin.accounts.models import Operator

    return Operator.objects.filter(pk=operator_id).first()


@transaction.atomic
def objective_create(
    *,
    actor,
    operator_id: int,
    name: str,
    metric: str,
    scope_kind: str,
    scope_id: int | None,
    starts_on: date,
    ends_on: date,
    target: int,
) -> Objective:
    errors = {}
    if ends_on < starts_on:
        errors["ends_on"] = [_("L'échéance doit suivre le début.")]
    if target < 1:
        errors["target"] = [_("La cible doit être d'au moins 1.")]
    if errors:
        raise ValidationError(errors)
    objective = Objective.objects.create(
        name=name.strip(),
        metric=metric,
        scope_kind=scope_kind,
        scope_id=scope_id,
        starts_on=starts_on,
        ends_on=ends_on,
        target=target,
        operator_id=operator_id,
        created_by=actor,
    )
    journal_record(
        action="reporting.objective.created",
        actor=actor,
        operator=objective.operator,
        obj=objective,
        payload={"metric": metric, "scope": scope_kind, "scope_id": scope_id, "target": target},
    )
    return objective


@transaction.atomic
def objective_delete(*, actor, objective: Objective) -> None:
    journal_record(
        action="reporting.objective.deleted", actor=actor, operator=objective.operator, obj=objective
    )
    objective.delete()


@transaction.atomic
def share_link_create(
    *, actor, membership, label: str, scope_kind: str, scope_id: int | None, period: Period
) -> ShareLink:
    link = ShareLink.objects.create(
        label=label.strip(),
        scope_kind=scope_kind,
        scope_id=scope_id,
        first_month=period.first,
        last_month=period.last,
        membership=membership,
        operator_id=membership.operator_id,
        created_by=actor,
    )
    journal_record(
        action="reporting.share_link.created",
        actor=actor,
        operator=link.operator,
        obj=link,
        payload={"scope": scope_kind, "scope_id": scope_id, "period": period.slug},
    )
    return link


@transaction.atomic
def share_link_revoke(*, actor, link: ShareLink) -> ShareLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        journal_record(action="reporting.share_link.revoked", actor=actor, operator=link.operator, obj=link)
    return link


@transaction.atomic
def report_comment_save(*, actor, contract, period: Period, text: str) -> ReportComment:
    comment, _created = ReportComment.objects.update_or_create(
        contract=contract,
        first_month=period.first,
        last_month=period.last,
        defaults={"text": text.strip(), "updated_by": actor},
    )
    journal_record(
        action="reporting.report_comment.saved",
        actor=actor,
        operator=contract.operator,
        obj=comment,
        payload={"contract": contract.pk, "period": period.slug},
    )
    return comment


def export_directory() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def export_request(*, actor, membership, table: str, export_format: str, params: dict) -> ExportJob:
    """Queue a large export; the task writes the file and marks the job ready."""
    from .tasks import export_run

    exports_purge()
    job = ExportJob.objects.create(
        requester=actor,
        membership=membership,
        table=table,
        export_format=export_format,
        params=params,
        file_name=f"{secrets.token_urlsafe(16)}.{export_format}",
    )
    journal_record(
        action="reporting.export.requested",
        actor=actor,
        operator=membership.operator,
        obj=job,
        payload={"table": table, "format": export_format, **params},
    )
    transaction.on_commit(lambda: export_run.enqueue(job.pk))
    return job


def export_finish(*, job: ExportJob, rows: int | None, failed: bool = False) -> ExportJob:
    job.status = ExportJob.Status.FAILED if failed else ExportJob.Status.READY
    job.rows = rows
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "rows", "finished_at"])
    return job


def exports_purge(*, now=None) -> int:
    """Remove the files of exports older than their lifetime; their jobs say « expiré »."""
    limit = (now or timezone.now()) - EXPORT_LIFETIME
    expired = ExportJob.objects.filter(created_at__lt=limit).exclude(status=ExportJob.Status.EXPIRED)
    count = 0
    for job in expired:
        (export_directory() / job.file_name).unlink(missing_ok=True)
        job.status = ExportJob.Status.EXPIRED
        job.save(update_fields=["status"])
        count += 1
    return count
