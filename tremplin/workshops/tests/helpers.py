"""Building blocks for the workshops tests: a catalogue entry, a session, bookings through the services."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from tremplin.mediation.services import normalise_name
from tremplin.workshops import services
from tremplin.workshops.models import Registration


def catalogue_entry(
    work, title="Créer son adresse e-mail", *, themes=("email",), max_participants=12, **values
):
    values.setdefault("description", "Créer son adresse e-mail et envoyer son premier message.")
    values.setdefault("level", "debutant")
    values.setdefault("duration_minutes", 90)
    return services.workshop_save(
        actor=work.user,
        operator_id=work.tenant.operator.pk,
        themes=list(themes),
        title=title,
        max_participants=max_participants,
        **values,
    )


def in_days(days: int, hour: int = 14, minute: int = 0) -> datetime:
    """A local time `days` days from today."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def schedule(work, workshop=None, *, starts_at=None, capacity=10, facilitators=None, **fields):
    workshop = workshop or catalogue_entry(work)
    data = services.SessionData(
        workshop=workshop,
        starts_at=starts_at or in_days(3),
        site=work.site,
        capacity=capacity,
        facilitators=[work.mediator] if facilitators is None else facilitators,
        **fields,
    )
    (session,) = services.session_schedule(actor=work.user, operator_id=work.tenant.operator.pk, data=data)
    return session


def book(session, name="Ginette", *, email=None, phone="", client_uuid=None, now=None, actor=None):
    """A public booking with an e-mail made from the name, unless another contact is given."""
    if email is None and not phone:
        email = f"{normalise_name(name).replace(' ', '.')}@exemple.fr"
    registration, _created = services.registration_create(
        actor=actor,
        session=session,
        source=Registration.Source.PUBLIC,
        first_name=name,
        email=email or "",
        phone=phone,
        consent=True,
        client_uuid=client_uuid,
        now=now,
    )
    return registration


def statuses(session) -> list[tuple[str, str]]:
    return list(session.registrations.order_by("pk").values_list("first_name", "status"))
