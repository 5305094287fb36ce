"""Every write of the workshops app (views, the API, tasks and commands call these, nothing else).

Split by subject: the catalogue, sessions and their attendance, registrations and the waiting list,
messages to registrants. Journal payloads hold ids and codes, never a name or a contact."""

from .catalogue import pathway_save, workshop_save
from .common import WorkshopError
from .messages import contact_of, message_send, messages_send_due, reminder_due
from .registrations import (
    holds_release_expired,
    registration_cancel,
    registration_confirm_offer,
    registration_create,
    registrations_merge,
    registrations_purge,
    seats_taken,
)
from .sessions import (
    SessionData,
    extra_participants_set,
    operator_sites,
    participants_of,
    registration_mark_attendance,
    session_cancel,
    session_close,
    session_schedule,
    session_update,
    walk_in_add,
)

__all__ = [
    "SessionData",
    "WorkshopError",
    "contact_of",
    "extra_participants_set",
    "holds_release_expired",
    "message_send",
    "messages_send_due",
    "operator_sites",
    "participants_of",
    "pathway_save",
    "registration_cancel",
    "registration_confirm_offer",
    "registration_create",
    "registrations_merge",
    "registration_mark_attendance",
    "registrations_purge",
    "reminder_due",
    "seats_taken",
    "session_cancel",
    "session_close",
    "session_schedule",
    "session_update",
    "walk_in_add",
    "workshop_save",
]
