"""What every workshops service shares: the error they raise, the session lock, the journal."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from tremplin.core.services import journal_record

from ..models import Session


class WorkshopError(ValidationError):
    """An action refused as asked; its messages say why, in French (per field when a field is at fault)."""


def locked_session(session: Session) -> Session:
    """The session's row, locked until the transaction ends: every change of its seats goes through
    here, so two bookings at once never both take the last seat (PostgreSQL; SQLite writes one at a
    time anyway)."""
    assert transaction.get_connection().in_atomic_block, "lock a session inside a transaction"
    return Session.objects.select_for_update().select_related("workshop", "site__commune").get(pk=session.pk)


def journal(action: str, *, actor, operator_id: int, obj, payload: dict | None = None) -> None:
    """One journal entry; `payload` holds ids and codes, never a name, a phone or an e-mail."""
    from tremplin.accounts.models import Operator

    journal_record(
        action=f"workshops.{action}",
        actor=actor,
        operator=Operator(pk=operator_id),
        obj=obj,
        payload=payload or {},
    )
