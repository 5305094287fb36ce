"""Interactions (every action of a mediator), the people helped in them, and followed beneficiaries.

An interaction always has at least one accompaniment: one per individual interaction, several for a
group. Counting accompaniments counts the people helped, exactly, whether they are followed or anonymous.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.core.models import TimeStampedModel
from tremplin.core.tenancy import ScopedQuerySet

from .vocabularies import (
    ActionKind,
    AgeBracket,
    AutonomyOutcome,
    ConflictSeverity,
    Domain,
    Equipment,
    Gender,
    OrientationTarget,
    Place,
    PostalForm,
    SocialStatus,
    Theme,
    TimeCategory,
    age_bracket_for,
)

#: The longest interaction a mediator can record (a whole day's presence).
MAX_DURATION_MINUTES = 12 * 60


class BeneficiaryQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True, anonymised_at__isnull=True)


class Beneficiary(TimeStampedModel):
    """A person followed by a structure, with their recorded consent. Anonymous help needs no row here.

    Only what follow-up needs: a pseudonym or first name, a year of birth, a commune and, for reminders,
    one contact. Without the structure-wide consent, only the mediator who recorded them sees them."""

    class ConsentScope(models.TextChoices):
        MEDIATOR = "mediator", _("Suivi par le médiateur qui l'a enregistré")
        STRUCTURE = "structure", _("Suivi par toute la structure")

    operator = models.ForeignKey(
        "accounts.Operator",
        verbose_name=_("structure"),
        on_delete=models.PROTECT,
        related_name="beneficiaries",
    )
    recorded_by = models.ForeignKey(
        "staffing.MediatorProfile",
        verbose_name=_("enregistré par"),
        on_delete=models.PROTECT,
        related_name="beneficiaries",
    )
    display_name = models.CharField(_("prénom ou pseudonyme"), max_length=80)
    search_key = models.CharField(max_length=80, editable=False, db_index=True)
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"), null=True, blank=True)
    gender = models.CharField(_("genre"), max_length=20, choices=Gender.choices, blank=True)
    social_status = models.CharField(_("statut"), max_length=20, choices=SocialStatus.choices, blank=True)
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune de résidence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    phone = models.CharField(_("téléphone (rappels)"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail (rappels)"), blank=True)
    consent_scope = models.CharField(
        _("suivi accepté"), max_length=20, choices=ConsentScope.choices, default=ConsentScope.MEDIATOR
    )
    consent_reminders = models.BooleanField(_("accepte les rappels"), default=False)
    consent_at = models.DateTimeField(_("consentement recueilli le"))
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consentement recueilli par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_seen_at = models.DateTimeField(_("dernière venue"), default=timezone.now, db_index=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionné dans"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
    )
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)

    objects = BeneficiaryQuerySet.as_manager()
    tenancy_operator_field = "operator"
    tenancy_departement_field = None

    class Meta:
        verbose_name = _("bénéficiaire suivi")
        verbose_name_plural = _("bénéficiaires suivis")
        ordering = ["search_key", "id"]
        indexes = [models.Index(fields=["operator", "search_key"], name="beneficiary_operator_key")]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900), name="beneficiary_birth_year"
            )
        ]

    def __str__(self):
        if self.birth_year:
            return f"{self.display_name} ({self.birth_year})"
        return self.display_name

    @property
    def age_bracket(self) -> str:
        return age_bracket_for(self.birth_year, timezone.localdate().year)


class InteractionQuerySet(ScopedQuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)


class Interaction(TimeStampedModel):
    """One action of a mediator: what kind, about what, how long, with what outcome."""

    client_uuid = models.UUIDField(_("identifiant client"), unique=True, default=uuid.uuid4)
    operator = models.ForeignKey(
        "accounts.Operator",
        verbose_name=_("structure"),
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    mediator = models.ForeignKey(
        "staffing.MediatorProfile",
        verbose_name=_("médiateur"),
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    site = models.ForeignKey(
        "territory.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="interactions"
    )
    shift = models.ForeignKey(
        "staffing.Shift",
        verbose_name=_("permanence"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
    )
    started_at = models.DateTimeField(_("début"))
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"))
    kind = models.CharField(_("type d'action"), max_length=40, choices=ActionKind.choices)
    time_category = models.CharField(_("catégorie de temps"), max_length=30, choices=TimeCategory.choices)
    domain = models.CharField(_("domaine"), max_length=30, choices=Domain.choices, blank=True)
    equipment = models.CharField(_("matériel utilisé"), max_length=20, choices=Equipment.choices, blank=True)
    place = models.CharField(_("lieu"), max_length=20, choices=Place.choices, default=Place.BUREAU_DE_POSTE)
    autonomy = models.CharField(
        _("autonomie à l'issue"), max_length=30, choices=AutonomyOutcome.choices, blank=True
    )
    oriented = models.BooleanField(_("orienté"), default=False)
    orientation_target = models.CharField(
        _("orienté vers"), max_length=40, choices=OrientationTarget.choices, blank=True
    )
    orientation_partner = models.CharField(_("partenaire"), max_length=150, blank=True)
    postal_form = models.CharField(_("imprimé postal"), max_length=30, choices=PostalForm.choices, blank=True)
    conflict_severity = models.CharField(
        _("gravité de la tension"), max_length=10, choices=ConflictSeverity.choices, blank=True
    )
    conflict_defused = models.BooleanField(_("tension désamorcée"), null=True, blank=True)
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Pas de nom ni de donnée personnelle : ces notes sont exportées.")
    )
    deleted_at = models.DateTimeField(_("supprimée le"), null=True, blank=True)

    objects = InteractionQuerySet.as_manager()
    tenancy_operator_field = "operator"
    tenancy_departement_field = "site__commune__departement"

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=MAX_DURATION_MINUTES),
                name="interaction_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(oriented=True) | Q(orientation_target="", orientation_partner=""),
                name="interaction_orientation_when_oriented",
            ),
        ]
        indexes = [
            models.Index(fields=["operator", "started_at"], name="interaction_operator_start"),
            models.Index(fields=["mediator", "started_at"], name="interaction_mediator_start"),
            models.Index(fields=["site", "started_at"], name="interaction_site_start"),
            models.Index(fields=["shift"], name="interaction_shift"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def theme_codes(self) -> list[str]:
        return [row.theme for row in self.themes.all()]


class InteractionTheme(models.Model):
    """One theme of an interaction; a row each, so statistics group by theme in SQL."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(_("thématique"), max_length=40, choices=Theme.choices)

    class Meta:
        verbose_name = _("thématique")
        verbose_name_plural = _("thématiques")
        constraints = [
            models.UniqueConstraint(fields=["interaction", "theme"], name="interaction_theme_once")
        ]
        indexes = [models.Index(fields=["theme", "interaction"], name="interaction_theme_theme")]

    def __str__(self):
        return self.get_theme_display()


class Accompaniment(models.Model):
    """One person helped in one interaction: followed (a beneficiary) or anonymous (a few attributes)."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="accompaniments")
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("bénéficiaire suivi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accompaniments",
    )
    age_bracket = models.CharField(_("tranche d'âge"), max_length=30, choices=AgeBracket.choices, blank=True)
    gender = models.CharField(_("genre"), max_length=20, choices=Gender.choices, blank=True)
    social_status = models.CharField(_("statut"), max_length=20, choices=SocialStatus.choices, blank=True)
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune de résidence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_first_time = models.BooleanField(
        _("premier accompagnement"),
        null=True,
        blank=True,
        help_text=_("Vrai, faux ou inconnu (personne anonyme dont on ne sait pas si elle est déjà venue)."),
    )

    class Meta:
        verbose_name = _("accompagnement")
        verbose_name_plural = _("accompagnements")
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "beneficiary"],
                condition=Q(beneficiary__isnull=False),
                name="accompaniment_beneficiary_once",
            )
        ]
        indexes = [models.Index(fields=["beneficiary", "interaction"], name="accompaniment_beneficiary")]

    def __str__(self):
        return str(self.beneficiary) if self.beneficiary_id else str(_("Personne anonyme"))
