"""Forms of the followed-beneficiary pages: the person, how to reach them, and their consent.

The commune is typed (code INSEE or name) and resolved here, so the page needs no script; phone
numbers are checked as French numbers and stored as +33 and nine digits, what an SMS gateway expects.
"""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.territory.models import Commune

from .models import Beneficiary
from .vocabularies import Gender, SocialStatus

_PHONE_NOISE = re.compile(r"[\s.\-/]")
_INSEE_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
_NAME_AND_CODE = re.compile(r"^.*\((?P<code>[0-9][0-9AB][0-9]{3})\)$")

PHONE_ERROR = _(
    "Indiquez un numéro français : 10 chiffres commençant par 0 (06 12 34 56 78) ou +33 suivi de 9 chiffres."
)


def normalise_phone(value: str) -> str:
    """A French number as "+33" and nine digits; raises ValidationError for anything else."""
    compact = _PHONE_NOISE.sub("", value or "").replace("(0)", "")
    if compact.startswith("0033"):
        compact = "+33" + compact[4:]
    if re.fullmatch(r"0[1-9][0-9]{8}", compact):
        return "+33" + compact[1:]
    if re.fullmatch(r"\+33[1-9][0-9]{8}", compact):
        return compact
    raise ValidationError(PHONE_ERROR, code="invalid")


def display_phone(value: str) -> str:
    """ "+33612345678" as people write it: "06 12 34 56 78"."""
    if re.fullmatch(r"\+33[1-9][0-9]{8}", value or ""):
        national = "0" + value[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return value or ""


def retention_label() -> str:
    days = settings.TREMPLIN_BENEFICIARY_RETENTION_DAYS
    if days % 365 == 0:
        years = days // 365
        return _("%(years)s ans") % {"years": years} if years > 1 else _("un an")
    return _("%(days)s jours") % {"days": days}


class CommuneField(forms.CharField):
    """A commune typed as its code INSEE (03175), its exact name (Molinet) or both (Molinet (03175))."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 160)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Commune):
            return str(value)
        return value

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        match = _NAME_AND_CODE.match(text)
        code = match.group("code") if match else text.upper()
        if _INSEE_CODE.match(code):
            commune = Commune.objects.filter(code=code).first()
            if commune is None:
                raise ValidationError(
                    _("Aucune commune n'a le code INSEE %(code)s.") % {"code": code}, code="unknown"
                )
            return commune
        communes = list(
            Commune.objects.filter(name__iexact=text).select_related("departement").order_by("code")[:6]
        )
        if len(communes) == 1:
            return communes[0]
        if communes:
            raise ValidationError(
                _("Plusieurs communes s'appellent ainsi : indiquez son code INSEE (%(codes)s).")
                % {"codes": ", ".join(commune.code for commune in communes)},
                code="ambiguous",
            )
        raise ValidationError(
            _(
                "Commune inconnue : indiquez son code INSEE à 5 caractères (par exemple 03175) "
                "ou son nom exact."
            ),
            code="unknown",
        )


def _choices_or_unknown(choices):
    return [("", _("Non communiqué"))] + list(choices)


class BeneficiaryForm(forms.Form):
    """What is kept about a followed person; everything but the name is optional."""

    display_name = forms.CharField(
        label=_("Prénom ou pseudonyme"),
        max_length=80,
        help_text=_("Pas de nom de famille : un prénom ou un pseudonyme suffit pour retrouver la personne."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
        error_messages={"required": _("Indiquez un prénom ou un pseudonyme.")},
    )
    birth_year = forms.IntegerField(
        label=_("Année de naissance"),
        required=False,
        help_text=_("Sert seulement à connaître sa tranche d'âge."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": _("Indiquez une année sur 4 chiffres, par exemple 1956.")},
    )
    gender = forms.ChoiceField(label=_("Genre"), required=False, choices=_choices_or_unknown(Gender.choices))
    social_status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=_choices_or_unknown(SocialStatus.choices)
    )
    commune = CommuneField(
        label=_("Commune de résidence"),
        required=False,
        help_text=_("Code INSEE (par exemple 03175) ou nom exact de la commune."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=25,
        help_text=_("Pour les rappels par SMS, si la personne le souhaite."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Pour les rappels par e-mail, si la personne le souhaite."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": _("Indiquez une adresse e-mail valide, par exemple prenom@exemple.fr.")},
    )
    consent_scope = forms.ChoiceField(
        label=_("Qui peut suivre la personne ?"),
        choices=Beneficiary.ConsentScope.choices,
        initial=Beneficiary.ConsentScope.MEDIATOR,
        widget=forms.RadioSelect,
        help_text=_(
            "« Toute la structure » permet à vos collègues de la retrouver quand vous n'êtes pas là."
        ),
        error_messages={"required": _("Choisissez qui peut suivre la personne.")},
    )
    consent_reminders = forms.BooleanField(
        label=_(
            "La personne accepte de recevoir des rappels (rendez-vous, ateliers) "
            "au téléphone ou à l'e-mail indiqué."
        ),
        required=False,
    )

    #: The fields handed to the services as they are.
    VALUES = (
        "display_name",
        "birth_year",
        "gender",
        "social_status",
        "commune",
        "phone",
        "email",
        "consent_scope",
        "consent_reminders",
    )

    def __init__(self, *args, beneficiary: Beneficiary | None = None, **kwargs):
        if beneficiary is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(beneficiary, name) for name in self.VALUES}
            kwargs["initial"]["phone"] = display_phone(beneficiary.phone)
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["birth_year"].widget.attrs.update({"min": 1900, "max": year})
        self.fields["birth_year"].validators.append(self._check_year)

    @staticmethod
    def _check_year(value):
        if value is not None and not 1900 <= value <= timezone.localdate().year:
            raise ValidationError(_("L'année de naissance doit être comprise entre 1900 et cette année."))

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise ValidationError(_("Indiquez un prénom ou un pseudonyme."))
        return name

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalise_phone(phone) if phone else ""

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        wants_reminders = data.get("consent_reminders")
        contact_given = (
            data.get("phone") or data.get("email") or self.has_error("phone") or self.has_error("email")
        )
        if wants_reminders and not contact_given:
            self.add_error("consent_reminders", _("Pour des rappels, indiquez un téléphone ou un e-mail."))
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.VALUES}


class BeneficiaryCreateForm(BeneficiaryForm):
    """A new followed person: only with their consent, checked here and again by the service."""

    consent_given = forms.BooleanField(
        label=_(
            "La personne a compris ce que nous gardons et pourquoi, et elle est d'accord pour être suivie."
        ),
        error_messages={
            "required": _("Sans l'accord de la personne, pas de fiche : l'accompagnement reste anonyme.")
        },
    )
    confirm_distinct = forms.BooleanField(label=_("C'est bien une autre personne"), required=False)
