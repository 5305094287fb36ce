"""How a registrant is reached: a French mobile number (SMS) or an e-mail address, checked at booking so
that a reminder never goes to a number that cannot receive it.

Mobile numbers are stored in international form (+33612345678), what an SMS gateway expects. Overseas
mobiles written the national way (0692…) get their own country code (+262692…)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

_NOISE = re.compile(r"[\s.\-/()]")

#: Overseas mobile prefixes of the French numbering plan and their country codes.
OVERSEAS_MOBILE = {
    "639": "262",  # Mayotte
    "690": "590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "691": "590",
    "692": "262",  # La Réunion
    "693": "262",
    "694": "594",  # Guyane
    "696": "596",  # Martinique
    "697": "596",
}
OVERSEAS_CODES = frozenset(OVERSEAS_MOBILE.values())

PHONE_FORMAT_ERROR = _(
    "Numéro de portable invalide : indiquez 10 chiffres commençant par 06 ou 07, par exemple 06 12 34 56 78."
)
PHONE_NOT_MOBILE_ERROR = _(
    "Ce numéro n'est pas un numéro de portable : les SMS de rappel ne partent que vers un 06 ou un 07."
)
EMAIL_ERROR = _("Adresse e-mail invalide : par exemple prenom@exemple.fr.")


def normalise_mobile(value: str) -> str:
    """A French mobile number (metropolitan or overseas) in international form; ValidationError else."""
    compact = _NOISE.sub("", value or "")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if re.fullmatch(r"0[1-9][0-9]{8}", compact):
        national = compact[1:]
        if national[0] not in "67":
            raise ValidationError(PHONE_NOT_MOBILE_ERROR, code="not_mobile")
        return "+" + OVERSEAS_MOBILE.get(national[:3], "33") + national
    match = re.fullmatch(r"\+(33|262|590|594|596)([1-9][0-9]{8})", compact)
    if match is None:
        raise ValidationError(PHONE_FORMAT_ERROR, code="invalid")
    country, national = match.groups()
    if national[0] not in "67":
        raise ValidationError(PHONE_NOT_MOBILE_ERROR, code="not_mobile")
    if country in OVERSEAS_CODES and OVERSEAS_MOBILE.get(national[:3]) != country:
        raise ValidationError(PHONE_NOT_MOBILE_ERROR, code="not_mobile")
    return f"+{country}{national}"


def is_mobile(value: str) -> bool:
    try:
        normalise_mobile(value)
    except ValidationError:
        return False
    return True


def display_mobile(value: str) -> str:
    """+33612345678 as people write it: 06 12 34 56 78 (overseas numbers too)."""
    match = re.fullmatch(r"\+(33|262|590|594|596)([1-9][0-9]{8})", value or "")
    if match is None:
        return value or ""
    national = "0" + match.group(2)
    return " ".join(national[i : i + 2] for i in range(0, 10, 2))


def normalise_email(value: str) -> str:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError(EMAIL_ERROR, code="invalid") from error
    return email
