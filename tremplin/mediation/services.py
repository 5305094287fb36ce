"""Every write of the mediation app: interactions, their accompaniments, followed beneficiaries.

Recording is idempotent by the client-generated UUID: a tablet that lost the answer sends the same
request again and gets the same interaction back. Journal payloads hold ids and codes, never names."""

from __future__ import annotations

import unicodedata
import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.core.services import journal_record

from .models import MAX_DURATION_MINUTES, Accompaniment, Beneficiary, Interaction, InteractionTheme
from .signals import beneficiary_merged
from .vocabularies import DEFAULT_TIME_CATEGORY, ActionKind, Theme, age_bracket_for

#: How long after saving a mediator may still take a record back with one tap ("Annuler").
UNDO_WINDOW = timedelta(minutes=2)
#: A record cannot be dated in the future beyond a clock's drift.
CLOCK_DRIFT = timedelta(minutes=5)


class InteractionError(ValidationError):
    """A record that cannot be saved as given; `message_dict` names the fields, in French."""


@dataclass
class Person:
    """Who was helped: a followed beneficiary, or an anonymous person's few known attributes."""

    beneficiary: Beneficiary | None = None
    age_bracket: str = ""
    gender: str = ""
    social_status: str = ""
    commune: object | None = None
    is_first_time: bool | None = None


@dataclass
class InteractionData:
    """What a mediator says about an interaction; everything but `kind` has a default."""

    kind: str
    site: object
    started_at: datetime
    duration_minutes: int
    shift: object | None = None
    time_category: str = ""
    domain: str = ""
    themes: list[str] = field(default_factory=list)
    equipment: str = ""
    place: str = "bureau_de_poste"
    autonomy: str = ""
    oriented: bool = False
    orientation_target: str = ""
    orientation_partner: str = ""
    postal_form: str = ""
    conflict_severity: str = ""
    conflict_defused: bool | None = None
    notes: str = ""
    people: list[Person] = field(default_factory=lambda: [Person()])


def normalise_name(value: str) -> str:
    """Lower case, no accents, single spaces: "Éloïse  Martin" and "eloise martin" are the same key."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.lower().split())


# ---------------------------------------------------------------------------------------------
# Interactions
# ---------------------------------------------------------------------------------------------


def _check(mediator, data: InteractionData, *, now: datetime) -> None:
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if data.kind not in ActionKind.values:
        add("kind", _("Choisissez le type d'action."))
    if not isinstance(data.duration_minutes, int) or not 1 <= data.duration_minutes <= MAX_DURATION_MINUTES:
        add("duration_minutes", _("La durée doit être comprise entre 1 minute et 12 heures."))
    if data.started_at is None or timezone.is_naive(data.started_at):
        add("started_at", _("L'heure de début est invalide."))
    elif data.started_at > now + CLOCK_DRIFT:
        add("started_at", _("Une interaction ne peut pas commencer dans le futur."))
    unknown = [code for code in data.themes if code not in Theme.values]
    if unknown:
        add("themes", _("Thématique inconnue : %(codes)s.") % {"codes": ", ".join(unknown)})
    if data.shift is not None:
        if data.shift.mediator_id != mediator.pk:
            add("shift", _("Cette permanence n'est pas la vôtre."))
        elif data.shift.site_id != data.site.pk:
            add("site", _("Le site doit être celui de la permanence en cours."))
    if (data.orientation_target or data.orientation_partner) and not data.oriented:
        add("oriented", _("Cochez « orienté » pour indiquer vers qui la personne a été orientée."))
    if data.postal_form and data.kind != ActionKind.POSTAL_FORMS:
        add("postal_form", _("L'imprimé postal ne se renseigne que pour l'action « imprimés postaux »."))
    if (
        data.conflict_severity or data.conflict_defused is not None
    ) and data.kind != ActionKind.CONFLICT_PREVENTION:
        add("conflict_severity", _("La tension ne se renseigne que pour la prévention de conflit."))
    if not data.people:
        add("people", _("Une interaction aide au moins une personne."))
    followed = [person.beneficiary.pk for person in data.people if person.beneficiary is not None]
    if len(followed) != len(set(followed)):
        add("people", _("Une même personne ne peut être comptée deux fois dans une interaction."))
    for person in data.people:
        beneficiary = person.beneficiary
        if beneficiary is not None and (
            beneficiary.operator_id != mediator.operator_id
            or beneficiary.merged_into_id
            or beneficiary.anonymised_at
        ):
            add("people", _("Ce bénéficiaire n'est pas suivi par votre structure."))
    if errors:
        raise InteractionError(errors)


def _write_details(interaction: Interaction, data: InteractionData, *, is_new: bool = False) -> None:
    """Themes and people of a record, rewritten from `data` (a new record has none to clear)."""
    if not is_new:
        interaction.themes.all().delete()
    InteractionTheme.objects.bulk_create(
        InteractionTheme(interaction=interaction, theme=code) for code in dict.fromkeys(data.themes)
    )
    previously_followed = set()
    if not is_new:
        previously_followed = _followed_in(interaction)
        interaction.accompaniments.all().delete()
    year = timezone.localtime(interaction.started_at).year
    rows = []
    for person in data.people:
        beneficiary = person.beneficiary
        if beneficiary is not None:
            rows.append(
                Accompaniment(
                    interaction=interaction,
                    beneficiary=beneficiary,
                    age_bracket=age_bracket_for(beneficiary.birth_year, year),
                    gender=beneficiary.gender,
                    social_status=beneficiary.social_status,
                    commune=beneficiary.commune,
                )
            )
            if beneficiary.last_seen_at < interaction.started_at:
                Beneficiary.objects.filter(pk=beneficiary.pk).update(last_seen_at=interaction.started_at)
        else:
            rows.append(
                Accompaniment(
                    interaction=interaction,
                    age_bracket=person.age_bracket,
                    gender=person.gender,
                    social_status=person.social_status,
                    commune=person.commune,
                    is_first_time=person.is_first_time,
                )
            )
    Accompaniment.objects.bulk_create(rows)
    followed = {person.beneficiary.pk for person in data.people if person.beneficiary is not None}
    if previously_followed | followed:
        _recompute_first_times_of(previously_followed | followed)


def _recompute_first_times_of(beneficiary_ids) -> None:
    """A visit recorded late, moved, removed, taken back or restored changes which one came first."""
    for beneficiary in Beneficiary.objects.filter(pk__in=beneficiary_ids):
        _recompute_first_times(beneficiary)


def _followed_in(interaction: Interaction) -> set[int]:
    return set(
        interaction.accompaniments.filter(beneficiary__isnull=False).values_list("beneficiary_id", flat=True)
    )


_FIELDS = (
    "site",
    "shift",
    "started_at",
    "duration_minutes",
    "kind",
    "domain",
    "equipment",
    "place",
    "autonomy",
    "oriented",
    "orientation_target",
    "orientation_partner",
    "postal_form",
    "conflict_severity",
    "conflict_defused",
    "notes",
)


def interaction_record(
    *, actor, mediator, data: InteractionData, client_uuid: uuid_module.UUID | None = None
) -> tuple[Interaction, bool]:
    """Record an interaction once. Returns (interaction, created); the same UUID again returns the first.

    A UUID already used by another mediator is refused rather than revealed."""
    client_uuid = client_uuid or uuid_module.uuid4()
    known = Interaction.objects.filter(client_uuid=client_uuid).first()
    if known is not None:
        return _known(known, mediator), False
    _check(mediator, data, now=timezone.now())
    try:
        with transaction.atomic():
            interaction = Interaction.objects.create(
                client_uuid=client_uuid,
                operator_id=mediator.operator_id,
                mediator=mediator,
                time_category=data.time_category or DEFAULT_TIME_CATEGORY[data.kind],
                **{name: getattr(data, name) for name in _FIELDS},
            )
            _write_details(interaction, data, is_new=True)
            journal_record(
                action="mediation.interaction.recorded",
                actor=actor,
                operator=interaction.operator,
                obj=interaction,
                payload={"kind": interaction.kind, "site": interaction.site_id, "people": len(data.people)},
            )
    except IntegrityError:
        # Two copies of one request raced: the other one won, return what it created.
        known = Interaction.objects.filter(client_uuid=client_uuid).first()
        if known is None:
            raise
        return _known(known, mediator), False
    return interaction, True


def _known(interaction: Interaction, mediator) -> Interaction:
    if interaction.mediator_id != mediator.pk:
        raise InteractionError(
            {"client_uuid": [_("Cet identifiant est déjà utilisé : générez-en un autre.")]}
        )
    return interaction


@transaction.atomic
def interaction_update(*, actor, interaction: Interaction, data: InteractionData) -> Interaction:
    """Change a record; its accompaniments and themes are rewritten from `data`."""
    if interaction.is_deleted:
        raise InteractionError({"__all__": [_("Cette interaction a été supprimée.")]})
    _check(interaction.mediator, data, now=timezone.now())
    for name in _FIELDS:
        setattr(interaction, name, getattr(data, name))
    interaction.time_category = data.time_category or DEFAULT_TIME_CATEGORY[data.kind]
    interaction.save()
    _write_details(interaction, data)
    journal_record(
        action="mediation.interaction.updated",
        actor=actor,
        operator=interaction.operator,
        obj=interaction,
        payload={"kind": interaction.kind},
    )
    return interaction


def data_from(interaction: Interaction) -> InteractionData:
    """The editable content of a record, to edit or duplicate it."""
    people = [
        Person(
            beneficiary=row.beneficiary,
            age_bracket=row.age_bracket,
            gender=row.gender,
            social_status=row.social_status,
            commune=row.commune,
            is_first_time=row.is_first_time,
        )
        for row in interaction.accompaniments.select_related("beneficiary", "commune")
    ]
    return InteractionData(
        time_category=interaction.time_category,
        themes=interaction.theme_codes,
        people=people or [Person()],
        **{name: getattr(interaction, name) for name in _FIELDS},
    )


@transaction.atomic
def interaction_delete(*, actor, interaction: Interaction) -> Interaction:
    """Soft delete: the record leaves every list and figure, and can be restored."""
    if interaction.is_deleted:
        return interaction
    interaction.deleted_at = timezone.now()
    interaction.save(update_fields=["deleted_at", "updated_at"])
    _recompute_first_times_of(_followed_in(interaction))
    journal_record(
        action="mediation.interaction.deleted", actor=actor, operator=interaction.operator, obj=interaction
    )
    return interaction


@transaction.atomic
def interaction_restore(*, actor, interaction: Interaction) -> Interaction:
    if not interaction.is_deleted:
        return interaction
    interaction.deleted_at = None
    interaction.save(update_fields=["deleted_at", "updated_at"])
    _recompute_first_times_of(_followed_in(interaction))
    journal_record(
        action="mediation.interaction.restored", actor=actor, operator=interaction.operator, obj=interaction
    )
    return interaction


def interaction_can_undo(interaction: Interaction, *, now: datetime | None = None) -> bool:
    return (now or timezone.now()) - interaction.created_at <= UNDO_WINDOW


# ---------------------------------------------------------------------------------------------
# Followed beneficiaries
# ---------------------------------------------------------------------------------------------

_BENEFICIARY_FIELDS = (
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


def _check_beneficiary(values: dict) -> None:
    errors = {}
    if not (values.get("display_name") or "").strip():
        errors["display_name"] = [_("Indiquez un prénom ou un pseudonyme.")]
    year = values.get("birth_year")
    if year and not 1900 <= year <= timezone.localdate().year:
        errors["birth_year"] = [_("L'année de naissance doit être comprise entre 1900 et cette année.")]
    if values.get("consent_reminders") and not (values.get("phone") or values.get("email")):
        errors["consent_reminders"] = [_("Pour des rappels, indiquez un téléphone ou un e-mail.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def beneficiary_create(*, actor, mediator, consent_given: bool, **values) -> Beneficiary:
    """Follow a person: only with their consent, recorded with who collected it and when."""
    if not consent_given:
        raise ValidationError(
            {"consent_given": [_("Sans l'accord de la personne, l'accompagnement reste anonyme.")]}
        )
    _check_beneficiary(values)
    unknown = set(values) - set(_BENEFICIARY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown beneficiary fields: {sorted(unknown)}")
    values["display_name"] = " ".join(values["display_name"].split())
    beneficiary = Beneficiary.objects.create(
        operator_id=mediator.operator_id,
        recorded_by=mediator,
        search_key=normalise_name(values["display_name"]),
        consent_at=timezone.now(),
        consent_by=actor,
        **values,
    )
    journal_record(
        action="mediation.beneficiary.created",
        actor=actor,
        operator=beneficiary.operator,
        obj=beneficiary,
        payload={"consent_scope": beneficiary.consent_scope},
    )
    return beneficiary


@transaction.atomic
def beneficiary_update(*, actor, beneficiary: Beneficiary, **values) -> Beneficiary:
    """Change what is kept; a change of what the person agreed to is a new consent, recorded as such."""
    merged = {name: getattr(beneficiary, name) for name in _BENEFICIARY_FIELDS} | values
    _check_beneficiary(merged)
    consent_changed = any(
        name in values and values[name] != getattr(beneficiary, name)
        for name in ("consent_scope", "consent_reminders")
    )
    for name, value in values.items():
        if name not in _BENEFICIARY_FIELDS:
            raise TypeError(f"Unknown beneficiary field: {name}")
        setattr(beneficiary, name, value)
    if consent_changed:
        beneficiary.consent_at = timezone.now()
        beneficiary.consent_by = actor or beneficiary.consent_by
    beneficiary.display_name = " ".join(beneficiary.display_name.split())
    beneficiary.search_key = normalise_name(beneficiary.display_name)
    beneficiary.save()
    journal_record(
        action="mediation.beneficiary.updated",
        actor=actor,
        operator=beneficiary.operator,
        obj=beneficiary,
        payload={"fields": sorted(values)},
    )
    return beneficiary


@transaction.atomic
def beneficiary_merge(*, actor, keep: Beneficiary, duplicate: Beneficiary) -> Beneficiary:
    """Fold a duplicate into the record kept: its history moves over, and it points to the one kept.

    Where both were helped in the same interaction, the duplicate's accompaniment is dropped, so the
    person is counted once."""
    if keep.pk == duplicate.pk or keep.operator_id != duplicate.operator_id:
        raise ValidationError(_("Choisissez deux fiches différentes de la même structure."))
    if duplicate.merged_into_id or keep.merged_into_id:
        raise ValidationError(_("Une de ces fiches a déjà été fusionnée."))
    shared = Accompaniment.objects.filter(beneficiary=keep).values("interaction_id")
    Accompaniment.objects.filter(beneficiary=duplicate, interaction_id__in=shared).delete()
    Accompaniment.objects.filter(beneficiary=duplicate).update(beneficiary=keep)
    for name in ("birth_year", "gender", "social_status", "commune", "phone", "email"):
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
    if (
        duplicate.consent_scope == Beneficiary.ConsentScope.STRUCTURE
        and duplicate.consent_at > keep.consent_at
    ):
        keep.consent_scope = duplicate.consent_scope
    keep.last_seen_at = max(keep.last_seen_at, duplicate.last_seen_at)
    keep.save()
    duplicate.merged_into = keep
    duplicate.save(update_fields=["merged_into", "updated_at"])
    _recompute_first_times(keep)
    beneficiary_merged.send(sender=Beneficiary, actor=actor, keep=keep, duplicate=duplicate)
    journal_record(
        action="mediation.beneficiary.merged",
        actor=actor,
        operator=keep.operator,
        obj=keep,
        payload={"merged": duplicate.pk},
    )
    return keep


def _recompute_first_times(beneficiary: Beneficiary) -> None:
    rows = list(
        Accompaniment.objects.filter(beneficiary=beneficiary, interaction__deleted_at__isnull=True).order_by(
            "interaction__started_at", "interaction_id"
        )
    )
    changed = []
    for index, row in enumerate(rows):
        if row.is_first_time != (index == 0):
            row.is_first_time = index == 0
            changed.append(row)
    Accompaniment.objects.bulk_update(changed, ["is_first_time"])


@transaction.atomic
def beneficiary_anonymise(*, actor, beneficiary: Beneficiary, reason: str) -> Beneficiary:
    """Consent withdrawn or retention over: the person becomes anonymous, their figures stay.

    Their accompaniments keep the attributes copied at the time (age bracket, gender, status, commune),
    so statistics do not change; the name, year of birth and contacts are erased."""
    if beneficiary.anonymised_at:
        return beneficiary
    Accompaniment.objects.filter(beneficiary=beneficiary).update(beneficiary=None)
    beneficiary.display_name = ""
    beneficiary.search_key = ""
    beneficiary.birth_year = None
    beneficiary.phone = ""
    beneficiary.email = ""
    beneficiary.commune = None
    beneficiary.consent_reminders = False
    beneficiary.anonymised_at = timezone.now()
    beneficiary.save()
    journal_record(
        action="mediation.beneficiary.anonymised",
        actor=actor,
        operator=beneficiary.operator,
        obj=beneficiary,
        payload={"reason": reason},
    )
    return beneficiary


def beneficiaries_purge_expired(*, now: datetime | None = None, retention_days: int) -> int:
    """Anonymise every followed person not seen for `retention_days`; returns how many."""
    limit = (now or timezone.now()) - timedelta(days=retention_days)
    expired = Beneficiary.objects.filter(anonymised_at__isnull=True, last_seen_at__lt=limit)
    count = 0
    for beneficiary in expired.iterator():
        beneficiary_anonymise(actor=None, beneficiary=beneficiary, reason="retention")
        count += 1
    return count


# ---------------------------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------------------------


def interactions_export_journal(
    *, actor, operator_id: int | None, export_format: str, count: int, filters: dict
):
    """Note that a list of interactions left the app: its format, size and filters (codes and ids only)."""
    from tremplin.accounts.models import Operator

    return journal_record(
        action="mediation.interactions.exported",
        actor=actor,
        operator=Operator.objects.filter(pk=operator_id).first() if operator_id else None,
        payload={"format": export_format, "count": count, "filters": filters},
    )
