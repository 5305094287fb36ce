"""Input types shared by the API's routers: what a database or a time zone could not take is refused
as invalid input (422) before it reaches them."""

from datetime import datetime
from typing import Annotated

from django.utils import timezone
from pydantic import AfterValidator

#: PostgreSQL cannot store or compare text holding a NUL character.
NO_NUL = r"^[^\x00]*$"
#: Identifiers are 64-bit.
MAX_ID = 2**63 - 1


def _moment(value: datetime) -> datetime:
    """A time without offset is read in Europe/Paris, as the tablets show it; years out of reason are
    refused before any time-zone arithmetic can overflow."""
    if not 2000 <= value.year <= 2100:
        raise ValueError("La date doit être comprise entre l'an 2000 et l'an 2100.")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


Moment = Annotated[datetime, AfterValidator(_moment)]


def path_id(request, name: str) -> int | None:
    """The id in the URL's `name` argument, for an authentication class that resolves it before the body
    is read: None when the URL has no such argument, 0 when it holds no usable id."""
    match = getattr(request, "resolver_match", None)
    if match is None or name not in match.kwargs:
        return None
    try:
        value = int(match.kwargs[name])
    except (TypeError, ValueError):
        return 0
    return value if 1 <= value <= MAX_ID else 0
