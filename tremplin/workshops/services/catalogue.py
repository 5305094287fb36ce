"""The catalogue of workshops and the pathways that link them, written by coordinators."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tremplin.mediation.vocabularies import Theme

from ..models import (
    MAX_CAPACITY,
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    Level,
    Pathway,
    PathwayStep,
    Workshop,
    WorkshopTheme,
)
from .common import WorkshopError, journal

WORKSHOP_FIELDS = (
    "title",
    "description",
    "level",
    "duration_minutes",
    "prerequisites",
    "equipment_provided",
    "max_participants",
    "is_active",
)
#: The longest pathway: initiation, practice, consolidation… rarely more than a handful.
MAX_PATHWAY_STEPS = 8


def _check_workshop(values: dict, themes: list[str]) -> None:
    errors: dict[str, list[str]] = {}
    if not (values.get("title") or "").strip():
        errors["title"] = [_("Donnez un titre à l'atelier.")]
    if not (values.get("description") or "").strip():
        errors["description"] = [_("Décrivez l'atelier en quelques phrases simples.")]
    if values.get("level") not in Level.values:
        errors["level"] = [_("Choisissez un niveau.")]
    duration = values.get("duration_minutes")
    if not isinstance(duration, int) or not MIN_DURATION_MINUTES <= duration <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = [_("La durée doit être comprise entre 15 minutes et 8 heures.")]
    seats = values.get("max_participants")
    if not isinstance(seats, int) or not 1 <= seats <= MAX_CAPACITY:
        errors["max_participants"] = [
            _("Le nombre de participants doit être compris entre 1 et %(max)s.") % {"max": MAX_CAPACITY}
        ]
    if not themes:
        errors["themes"] = [_("Choisissez au moins une thématique.")]
    unknown = [code for code in themes if code not in Theme.values]
    if unknown:
        errors["themes"] = [_("Thématique inconnue : %(codes)s.") % {"codes": ", ".join(unknown)}]
    if errors:
        raise WorkshopError(errors)


@transaction.atomic
def workshop_save(
    *, actor, operator_id: int, themes: list[str], workshop: Workshop | None = None, **values
) -> Workshop:
    """Create a catalogue entry, or change one (`workshop`); its themes are rewritten."""
    unknown = set(values) - set(WORKSHOP_FIELDS)
    if unknown:
        raise TypeError(f"Unknown workshop fields: {sorted(unknown)}")
    values.setdefault("is_active", True if workshop is None else workshop.is_active)
    merged = ({name: getattr(workshop, name) for name in WORKSHOP_FIELDS} if workshop else {}) | values
    themes = list(dict.fromkeys(themes))
    _check_workshop(merged, themes)
    merged["title"] = " ".join(merged["title"].split())
    created = workshop is None
    if created:
        workshop = Workshop(operator_id=operator_id)
    for name, value in merged.items():
        setattr(workshop, name, value)
    workshop.save()
    if not created:
        workshop.themes.all().delete()
    WorkshopTheme.objects.bulk_create(WorkshopTheme(workshop=workshop, theme=code) for code in themes)
    journal(
        "workshop.created" if created else "workshop.updated",
        actor=actor,
        operator_id=operator_id,
        obj=workshop,
        payload={"level": workshop.level, "themes": themes, "active": workshop.is_active},
    )
    return workshop


@transaction.atomic
def pathway_save(
    *,
    actor,
    operator_id: int,
    title: str,
    description: str,
    workshops: list[Workshop],
    pathway: Pathway | None = None,
) -> Pathway:
    """A pathway's workshops, in order (from initiation to consolidation); its steps are rewritten."""
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Donnez un titre au parcours.")]
    if len(workshops) < 2:
        errors["steps"] = [_("Un parcours enchaîne au moins deux ateliers.")]
    elif len(workshops) > MAX_PATHWAY_STEPS:
        errors["steps"] = [_("Un parcours compte au plus %(max)s étapes.") % {"max": MAX_PATHWAY_STEPS}]
    elif len({workshop.pk for workshop in workshops}) != len(workshops):
        errors["steps"] = [_("Un même atelier ne peut être deux étapes du parcours.")]
    if any(workshop.operator_id != operator_id for workshop in workshops):
        errors["steps"] = [_("Les étapes sont des ateliers de votre catalogue.")]
    if errors:
        raise WorkshopError(errors)
    created = pathway is None
    if created:
        pathway = Pathway(operator_id=operator_id)
    pathway.title = " ".join(title.split())
    pathway.description = description.strip()
    pathway.save()
    if not created:
        pathway.steps.all().delete()
    PathwayStep.objects.bulk_create(
        PathwayStep(pathway=pathway, workshop=workshop, position=index)
        for index, workshop in enumerate(workshops, start=1)
    )
    journal(
        "pathway.created" if created else "pathway.updated",
        actor=actor,
        operator_id=operator_id,
        obj=pathway,
        payload={"workshops": [workshop.pk for workshop in workshops]},
    )
    return pathway
