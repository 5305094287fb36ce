"""Forms of the workshops pages: the catalogue, pathways, sessions, registrations and attendance.

Forms check what a person typed and say what is wrong next to the field; the services check the rules
again (they are also called by the API), and their messages are put back on the form's fields."""

from __future__ import annotations

import uuid
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.mediation.beneficiary_forms import CommuneField
from tremplin.mediation.vocabularies import PROCEDURE_THEMES, AgeBracket, Gender, SocialStatus, Theme

from .contacts import normalise_email, normalise_mobile
from .models import MAX_CAPACITY, MAX_DURATION_MINUTES, MIN_DURATION_MINUTES, Level, Session
from .services.catalogue import MAX_PATHWAY_STEPS
from .services.registrations import CONTACT_MISSING
from .services.sessions import MAX_EXTRA, MAX_SERIES


def apply_errors(form: forms.Form, error: ValidationError, *, rename: dict[str, str] | None = None) -> None:
    """A service's refusal, shown on the form: per field when it names one of the form's fields."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            name = rename.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _unknown(choices):
    return [("", _("Non communiqué"))] + list(choices)


class ClientUuidField(forms.UUIDField):
    """A hidden UUID made when the form is drawn: a form posted twice makes one record."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def _fresh_uuid(form: forms.Form) -> None:
    if not form.is_bound:
        form.initial.setdefault("client_uuid", uuid.uuid4())


# ---------------------------------------------------------------------------------------------
# Catalogue and pathways
# ---------------------------------------------------------------------------------------------


THEME_CHOICES = [
    (_("Thématiques de médiation numérique"), [c for c in Theme.choices if c[0] not in PROCEDURE_THEMES]),
    (_("Démarches"), [c for c in Theme.choices if c[0] in PROCEDURE_THEMES]),
]


class WorkshopForm(forms.Form):
    title = forms.CharField(
        label=_("Titre"),
        max_length=150,
        help_text=_("Ce que la personne va faire, en mots simples : « Créer son adresse e-mail »."),
        error_messages={"required": _("Donnez un titre à l'atelier.")},
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "En français simple : ce que la personne saura faire en sortant. C'est publié sur l'agenda."
        ),
        error_messages={"required": _("Décrivez l'atelier en quelques phrases simples.")},
    )
    level = forms.ChoiceField(label=_("Niveau"), choices=Level.choices, widget=forms.RadioSelect)
    themes = forms.MultipleChoiceField(
        label=_("Thématiques"),
        choices=THEME_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les thématiques nationales : elles passent dans les interactions des séances."),
        error_messages={"required": _("Choisissez au moins une thématique.")},
    )
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"),
        min_value=MIN_DURATION_MINUTES,
        max_value=MAX_DURATION_MINUTES,
        initial=90,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 15}),
    )
    max_participants = forms.IntegerField(
        label=_("Participants au plus"),
        min_value=1,
        max_value=MAX_CAPACITY,
        initial=8,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    prerequisites = forms.CharField(
        label=_("Prérequis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Par exemple : savoir allumer un ordinateur ; venir avec son téléphone."),
    )
    equipment_provided = forms.CharField(
        label=_("Matériel fourni"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Par exemple : tablettes et ordinateurs prêtés pendant l'atelier."),
    )
    is_active = forms.BooleanField(
        label=_("Au catalogue (on peut le programmer)"), required=False, initial=True
    )

    FIELDS = (
        "title",
        "description",
        "level",
        "duration_minutes",
        "max_participants",
        "prerequisites",
        "equipment_provided",
        "is_active",
    )

    def __init__(self, *args, workshop=None, **kwargs):
        if workshop is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(workshop, name) for name in self.FIELDS}
            kwargs["initial"]["themes"] = workshop.theme_codes
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class PathwayForm(forms.Form):
    title = forms.CharField(
        label=_("Titre"), max_length=150, error_messages={"required": _("Donnez un titre au parcours.")}
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, workshops, pathway=None, **kwargs):
        if pathway is not None and "initial" not in kwargs:
            kwargs["initial"] = {"title": pathway.title, "description": pathway.description}
            for step in pathway.steps.all():
                kwargs["initial"][f"step_{step.position}"] = step.workshop_id
        super().__init__(*args, **kwargs)
        for position in range(1, MAX_PATHWAY_STEPS + 1):
            self.fields[f"step_{position}"] = forms.ModelChoiceField(
                label=_("Étape %(number)s") % {"number": position},
                queryset=workshops,
                required=False,
                empty_label=_("—"),
                help_text=_("L'initiation d'abord") if position == 1 else "",
            )

    @property
    def step_fields(self):
        return [self[f"step_{position}"] for position in range(1, MAX_PATHWAY_STEPS + 1)]

    def workshops(self) -> list:
        return [
            self.cleaned_data[f"step_{position}"]
            for position in range(1, MAX_PATHWAY_STEPS + 1)
            if self.cleaned_data.get(f"step_{position}")
        ]


# ---------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------


class SessionForm(forms.Form):
    REPEAT_CHOICES = [
        (0, _("Une seule séance")),
        (1, _("Chaque semaine")),
        (2, _("Toutes les 2 semaines")),
        (3, _("Toutes les 3 semaines")),
        (4, _("Toutes les 4 semaines")),
    ]

    workshop = forms.ModelChoiceField(label=_("Atelier"), queryset=None, empty_label=None)
    day = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Indiquez une date, par exemple 12/03/2026.")},
    )
    start = forms.TimeField(
        label=_("Heure de début"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Indiquez une heure, par exemple 14:00.")},
    )
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"),
        required=False,
        min_value=MIN_DURATION_MINUTES,
        max_value=MAX_DURATION_MINUTES,
        help_text=_("Laissez vide pour la durée de l'atelier."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 15}),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        max_value=MAX_CAPACITY,
        help_text=_("Laissez vide pour le nombre de participants de l'atelier."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    venue = forms.ChoiceField(
        label=_("Lieu"), choices=Session.Venue.choices, initial=Session.Venue.SITE, widget=forms.RadioSelect
    )
    site = forms.ModelChoiceField(
        label=_("Bureau de poste"),
        queryset=None,
        empty_label=None,
        help_text=_("Hors du bureau : le bureau dont dépend la séance (son agenda l'annonce)."),
    )
    venue_name = forms.CharField(
        label=_("Nom du lieu (hors du bureau)"),
        required=False,
        max_length=150,
        help_text=_("Par exemple : Médiathèque Jacques-Prévert."),
    )
    venue_address = forms.CharField(label=_("Adresse du lieu"), required=False, max_length=255)
    venue_commune = CommuneField(
        label=_("Commune du lieu"),
        required=False,
        help_text=_("Code INSEE (par exemple 92050) ou nom exact de la commune."),
    )
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Animateurs"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    accessibility_notes = forms.CharField(
        label=_("Accessibilité"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Accès en fauteuil, boucle magnétique, étage sans ascenseur… C'est publié sur l'agenda."),
    )
    is_published = forms.BooleanField(
        label=_("Sur l'agenda public : le public peut s'inscrire en ligne"), required=False, initial=True
    )
    repeat = forms.TypedChoiceField(
        label=_("Répéter"), choices=REPEAT_CHOICES, coerce=int, initial=0, required=False, empty_value=0
    )
    count = forms.IntegerField(
        label=_("Nombre de séances de la série"),
        required=False,
        min_value=1,
        max_value=MAX_SERIES,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, workshops, sites, facilitators, session=None, **kwargs):
        if session is not None and "initial" not in kwargs:
            local = timezone.localtime(session.starts_at)
            kwargs["initial"] = {
                "workshop": session.workshop_id,
                "day": local.date(),
                "start": local.time(),
                "duration_minutes": session.duration_minutes,
                "capacity": session.capacity,
                "venue": session.venue,
                "site": session.site_id,
                "venue_name": session.venue_name,
                "venue_address": session.venue_address,
                "venue_commune": session.venue_commune,
                "facilitators": [person.pk for person in session.facilitators.all()],
                "accessibility_notes": session.accessibility_notes,
                "is_published": session.is_published,
            }
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = workshops
        self.fields["site"].queryset = sites
        self.fields["facilitators"].queryset = facilitators
        self.fields["facilitators"].label_from_instance = lambda person: str(person.user)
        if session is not None:
            del self.fields["repeat"]
            del self.fields["count"]

    def clean(self):
        data = super().clean()
        if data.get("repeat") and (data.get("count") or 1) < 2:
            self.add_error("count", _("Une série compte au moins 2 séances."))
        return data

    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.cleaned_data["day"], self.cleaned_data["start"]))

    def session_data(self):
        from .services import SessionData

        data = self.cleaned_data
        workshop = data["workshop"]
        return SessionData(
            workshop=workshop,
            starts_at=self.starts_at(),
            site=data["site"],
            capacity=data["capacity"] or workshop.max_participants,
            duration_minutes=data["duration_minutes"] or None,
            venue=data["venue"],
            venue_name=data["venue_name"],
            venue_address=data["venue_address"],
            venue_commune=data["venue_commune"],
            facilitators=list(data["facilitators"]),
            accessibility_notes=data["accessibility_notes"],
            is_published=data["is_published"],
        )


# ---------------------------------------------------------------------------------------------
# Registrations
# ---------------------------------------------------------------------------------------------


class ContactForm(forms.Form):
    """A first name and a way to be reminded, with consent: what the public gives (and staff, for a
    person who does not want to be followed)."""

    client_uuid = ClientUuidField()
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "autocapitalize": "words"}),
        error_messages={"required": _("Indiquez un prénom.")},
    )
    phone = forms.CharField(
        label=_("Téléphone portable"),
        required=False,
        max_length=25,
        help_text=_("Pour recevoir un SMS de confirmation et de rappel. Par exemple 06 12 34 56 78."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("Adresse e-mail"),
        required=False,
        max_length=254,
        help_text=_("Pour recevoir la confirmation, le rappel et un fichier pour votre agenda."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que mon prénom et mes coordonnées soient gardés pour m'envoyer la confirmation et "
            "un rappel la veille de l'atelier."
        ),
        error_messages={
            "required": _("Votre accord est nécessaire pour garder vos coordonnées jusqu'à l'atelier.")
        },
    )

    contact_error = CONTACT_MISSING

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _fresh_uuid(self)

    def clean_first_name(self):
        name = " ".join(self.cleaned_data["first_name"].split())
        if not name:
            raise ValidationError(_("Indiquez un prénom."))
        return name

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalise_mobile(phone) if phone else ""

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        return normalise_email(email) if email else ""

    def clean(self):
        data = super().clean()
        if (
            not data.get("phone")
            and not data.get("email")
            and not (self.has_error("phone") or self.has_error("email"))
        ):
            self.add_error("phone", self.contact_error)
        return data


class PublicBookingForm(ContactForm):
    """The public agenda's form. `website` is a trap field, hidden from people: robots fill it."""

    website = forms.CharField(required=False, label=_("Laissez ce champ vide"))


class FollowedRegistrationForm(forms.Form):
    client_uuid = ClientUuidField()
    beneficiary = forms.IntegerField(
        label=_("Personne suivie"), error_messages={"required": _("Choisissez la personne à inscrire.")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _fresh_uuid(self)


class WalkInForm(forms.Form):
    client_uuid = ClientUuidField()
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
    )
    beneficiary = forms.IntegerField(label=_("Personne suivie"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _fresh_uuid(self)

    def clean(self):
        data = super().clean()
        if not data.get("beneficiary") and not " ".join((data.get("first_name") or "").split()):
            self.add_error("first_name", _("Indiquez un prénom, ou choisissez une personne suivie."))
        return data


class ExtraParticipantsForm(forms.Form):
    count = forms.IntegerField(
        label=_("Nombre"),
        min_value=0,
        max_value=MAX_EXTRA,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    age_bracket = forms.ChoiceField(
        label=_("Tranche d'âge"), required=False, choices=_unknown(AgeBracket.choices)
    )
    gender = forms.ChoiceField(label=_("Genre"), required=False, choices=_unknown(Gender.choices))
    social_status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=_unknown(SocialStatus.choices)
    )
    mode = forms.ChoiceField(
        choices=[("add", "add"), ("set", "set")], required=False, widget=forms.HiddenInput
    )
