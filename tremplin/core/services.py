from typing import Any

from django.db import models

from .models import JournalEntry


def journal_record(
    *,
    action: str,
    actor=None,
    operator=None,
    obj: models.Model | None = None,
    payload: dict[str, Any] | None = None,
) -> JournalEntry:
    """Append one entry to the journal. `payload` must hold ids and codes only, never personal data."""
    return JournalEntry.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        operator=operator,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        payload=payload or {},
    )
