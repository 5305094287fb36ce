"""Contracts, mediators, the rotation plan and the shifts actually worked (the hours of intervention).

Durations are integer minutes; timestamps are timezone-aware; planned presences are wall-clock times in
Europe/Paris, so a 9:00–12:00 presence stays three hours on the days the clocks change.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tremplin.core.models import TimeStampedModel
from tremplin.core.tenancy import ScopedQuerySet


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class Contract(TimeStampedModel):
    """What an operator sells to its client: hours of intervention at named sites over a period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("En préparation")
        ACTIVE = "active", _("En cours")
        CLOSED = "closed", _("Terminé")

    class ReportingPeriod(models.TextChoices):
        MONTHLY = "monthly", _("Mensuelle")
        QUARTERLY = "quarterly", _("Trimestrielle")

    operator = models.ForeignKey(
        "accounts.Operator", verbose_name=_("opérateur"), on_delete=models.PROTECT, related_name="contracts"
    )
    client = models.ForeignKey(
        "accounts.Operator",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="client_contracts",
    )
    reference = models.CharField(_("référence"), max_length=50)
    title = models.CharField(_("intitulé"), max_length=200)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    contracted_minutes = models.PositiveIntegerField(
        _("volume contractuel total (minutes)"), null=True, blank=True
    )
    reporting_period = models.CharField(
        _("périodicité du compte rendu"),
        max_length=20,
        choices=ReportingPeriod.choices,
        default=ReportingPeriod.MONTHLY,
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    sites = models.ManyToManyField(
        "territory.Site", verbose_name=_("sites"), through="ContractSite", related_name="contracts"
    )

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = ("operator", "client")
    tenancy_departement_field = "sites__commune__departement"

    class Meta:
        verbose_name = _("contrat")
        verbose_name_plural = _("contrats")
        ordering = ["-starts_on", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["operator", "reference"], name="contract_unique_reference"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="contract_period_order"),
        ]
        indexes = [models.Index(fields=["client", "status"], name="contract_client_status")]

    def __str__(self):
        return f"{self.reference} — {self.title}"


class ContractSite(models.Model):
    """A site covered by a contract, with the weekly hours contracted there."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="contract_sites")
    site = models.ForeignKey(
        "territory.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    weekly_minutes = models.PositiveIntegerField(
        _("présence contractuelle par semaine (minutes)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("site du contrat")
        verbose_name_plural = _("sites du contrat")
        constraints = [models.UniqueConstraint(fields=["contract", "site"], name="contract_site_unique")]

    def __str__(self):
        return f"{self.contract.reference} · {self.site}"


class MediatorProfile(TimeStampedModel):
    """A mediator as their operator knows them: trainings, languages, active period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.PROTECT,
        related_name="mediator_profiles",
    )
    operator = models.ForeignKey(
        "accounts.Operator",
        verbose_name=_("opérateur"),
        on_delete=models.PROTECT,
        related_name="mediator_profiles",
    )
    languages = models.CharField(
        _("langues parlées"), max_length=200, blank=True, help_text=_("Séparées par des virgules.")
    )
    active_from = models.DateField(_("en poste depuis"), null=True, blank=True)
    active_until = models.DateField(_("en poste jusqu'au"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = "operator"
    tenancy_departement_field = None

    class Meta:
        verbose_name = _("médiateur")
        verbose_name_plural = _("médiateurs")
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "operator"], name="mediator_profile_unique"),
        ]

    def __str__(self):
        return str(self.user)


class Certification(models.Model):
    """A training or certification, e.g. the certifying digital-mediation training."""

    mediator = models.ForeignKey(MediatorProfile, on_delete=models.CASCADE, related_name="certifications")
    name = models.CharField(_("formation ou certification"), max_length=200)
    issuer = models.CharField(_("organisme"), max_length=200, blank=True)
    obtained_on = models.DateField(_("obtenue le"))
    expires_on = models.DateField(_("valable jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("formation")
        verbose_name_plural = _("formations")
        ordering = ["-obtained_on"]

    def __str__(self):
        return self.name


class Rotation(TimeStampedModel):
    """A recurring presence: this mediator, at this site, every such weekday, from–to, for a contract."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contrat"), on_delete=models.CASCADE, related_name="rotations"
    )
    mediator = models.ForeignKey(
        MediatorProfile, verbose_name=_("médiateur"), on_delete=models.PROTECT, related_name="rotations"
    )
    site = models.ForeignKey(
        "territory.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="rotations"
    )
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    starts_at = models.TimeField(_("de"))
    ends_at = models.TimeField(_("à"))
    valid_from = models.DateField(_("à partir du"))
    valid_until = models.DateField(_("jusqu'au"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = ("contract__operator", "contract__client")
    tenancy_departement_field = "site__commune__departement"

    class Meta:
        verbose_name = _("présence planifiée")
        verbose_name_plural = _("présences planifiées")
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="rotation_time_order"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="rotation_validity_order",
            ),
        ]
        indexes = [
            models.Index(fields=["mediator", "weekday"], name="rotation_mediator_day"),
            models.Index(fields=["site", "weekday"], name="rotation_site_day"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M} · {self.site}"

    @property
    def minutes(self) -> int:
        return (self.ends_at.hour * 60 + self.ends_at.minute) - (
            self.starts_at.hour * 60 + self.starts_at.minute
        )


class Absence(TimeStampedModel):
    """A mediator away on given dates; their planned presences then need a replacement or are cancelled."""

    class Reason(models.TextChoices):
        LEAVE = "leave", _("Congés")
        SICKNESS = "sickness", _("Maladie")
        TRAINING = "training", _("Formation")
        OTHER = "other", _("Autre")

    mediator = models.ForeignKey(
        MediatorProfile, verbose_name=_("médiateur"), on_delete=models.CASCADE, related_name="absences"
    )
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices)

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = "mediator__operator"
    tenancy_departement_field = None

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="absence_period_order")
        ]

    def __str__(self):
        return f"{self.mediator} {self.starts_on}–{self.ends_on}"


class Replacement(TimeStampedModel):
    """On one date, a planned presence is done by another mediator, or cancelled (no replacement)."""

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="replacements")
    date = models.DateField(_("date"))
    replacement = models.ForeignKey(
        MediatorProfile,
        verbose_name=_("remplaçant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacements_done",
        help_text=_("Vide : la permanence est annulée ce jour-là."),
    )

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = ("rotation__contract__operator", "rotation__contract__client")
    tenancy_departement_field = "rotation__site__commune__departement"

    class Meta:
        verbose_name = _("remplacement")
        verbose_name_plural = _("remplacements")
        constraints = [models.UniqueConstraint(fields=["rotation", "date"], name="replacement_unique_date")]


class Shift(TimeStampedModel):
    """Hours actually worked at a site, started and ended on the tablet: the hours of intervention."""

    client_uuid = models.UUIDField(_("identifiant client"), unique=True, default=uuid.uuid4, editable=False)
    operator = models.ForeignKey(
        "accounts.Operator", verbose_name=_("opérateur"), on_delete=models.PROTECT, related_name="shifts"
    )
    mediator = models.ForeignKey(
        MediatorProfile, verbose_name=_("médiateur"), on_delete=models.PROTECT, related_name="shifts"
    )
    site = models.ForeignKey(
        "territory.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="shifts"
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contrat"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shifts",
    )
    rotation = models.ForeignKey(
        Rotation,
        verbose_name=_("présence planifiée"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shifts",
    )
    started_at = models.DateTimeField(_("début"))
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("durée (minutes)"), null=True, blank=True)
    expected_end_at = models.DateTimeField(
        _("fin prévue"), help_text=_("Au-delà, une permanence encore ouverte est un oubli à corriger.")
    )
    end_was_forgotten = models.BooleanField(_("fin oubliée puis corrigée"), default=False)
    corrected_at = models.DateTimeField(_("corrigée le"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = ("operator", "contract__client")
    tenancy_departement_field = "site__commune__departement"

    class Meta:
        verbose_name = _("permanence effectuée")
        verbose_name_plural = _("permanences effectuées")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=F("started_at")), name="shift_time_order"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, minutes__isnull=True)
                | Q(ended_at__isnull=False, minutes__isnull=False),
                name="shift_minutes_with_end",
            ),
            models.UniqueConstraint(
                fields=["mediator"], condition=Q(ended_at__isnull=True), name="shift_one_open_per_mediator"
            ),
        ]
        indexes = [
            models.Index(fields=["contract", "started_at"], name="shift_contract_start"),
            models.Index(fields=["site", "started_at"], name="shift_site_start"),
            models.Index(fields=["mediator", "started_at"], name="shift_mediator_start"),
        ]

    def __str__(self):
        return f"{self.mediator} · {self.site} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class ShiftCorrection(models.Model):
    """What a correction changed and why; append-only, beside the journal entry."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="corrections")
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    previous_started_at = models.DateTimeField()
    previous_ended_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    reason = models.CharField(_("motif"), max_length=300)

    class Meta:
        verbose_name = _("correction de permanence")
        verbose_name_plural = _("corrections de permanence")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.shift} · {self.reason}"
