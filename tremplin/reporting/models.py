"""Pre-aggregated figures, and what people keep in reporting: objectives, share links, report comments,
exports.

The aggregates are a cache of the raw rows (shifts, the rotation plan with its absences and
replacements, interactions, accompaniments, themes, visits, workshop sessions and registrations), kept
per site and calendar month (Europe/Paris). Database triggers note every change to a raw row in
`Change`, whatever wrote it (a service, a bulk generator, a correction, a soft delete); `aggregates.
aggregates_refresh` recomputes the site-months those changes touched, and selectors run it before they
read, so a figure always equals the direct count over the raw rows.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tremplin.core.tenancy import ScopedQuerySet


def _ref(model: str, name: str, *, null: bool = False):
    """A reference that never blocks a change to the raw rows: the refresh repairs what goes stale."""
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=name,
    )


class Change(models.Model):
    """A raw row changed at a site between two instants (or a contract changed): written by triggers."""

    site_id = models.BigIntegerField(null=True)
    contract_id = models.BigIntegerField(null=True)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        verbose_name = _("changement à agréger")
        verbose_name_plural = _("changements à agréger")

    def __str__(self):
        return f"{self.site_id or self.contract_id} {self.first_at:%Y-%m-%d}"


class PlanDay(models.Model):
    """The last day whose planned presences the aggregates count: on a new day, the refresh notes the
    sites planned since, so that their planned hours grow day by day (one row)."""

    day = models.DateField()

    def __str__(self):
        return f"{self.day:%Y-%m-%d}"


class SiteMonth(models.Model):
    """One site, one month, one operator, contract and mediator: hours, interactions, people."""

    month = models.DateField(_("mois"))
    site = _ref("territory.Site", _("site"))
    #: The site's département, kept here so that national pages group without joining.
    departement_id = models.BigIntegerField(null=True)
    operator = _ref("accounts.Operator", _("opérateur"))
    contract = _ref("staffing.Contract", _("contrat"), null=True)
    mediator = _ref("staffing.MediatorProfile", _("médiateur"), null=True)
    worked_us = models.BigIntegerField(default=0)
    shifts = models.PositiveIntegerField(default=0)
    interactions = models.PositiveIntegerField(default=0)
    minutes = models.PositiveBigIntegerField(default=0)
    digital_minutes = models.PositiveBigIntegerField(default=0)
    client_minutes = models.PositiveBigIntegerField(default=0)
    accompaniments = models.PositiveIntegerField(default=0)
    followed_accompaniments = models.PositiveIntegerField(default=0)
    first_time = models.PositiveIntegerField(default=0)
    oriented = models.PositiveIntegerField(default=0)
    workshop_accompaniments = models.PositiveIntegerField(default=0)
    planned_minutes = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["month", "site"], name="sitemonth_month_site"),
            models.Index(fields=["departement_id", "month"], name="sitemonth_dept_month"),
            models.Index(fields=["site", "month"], name="sitemonth_site_month"),
            models.Index(fields=["operator", "month"], name="sitemonth_operator_month"),
            models.Index(fields=["contract", "month"], name="sitemonth_contract_month"),
            models.Index(fields=["mediator", "month"], name="sitemonth_mediator_month"),
        ]

    def __str__(self):
        return f"{self.site_id} {self.month:%Y-%m}"


class SiteMonthCount(models.Model):
    """How the records of a site-month spread over one vocabulary (kind, theme, age bracket...)."""

    month = models.DateField()
    site = _ref("territory.Site", _("site"))
    departement_id = models.BigIntegerField(null=True)
    operator = _ref("accounts.Operator", _("opérateur"))
    contract = _ref("staffing.Contract", _("contrat"), null=True)
    mediator = _ref("staffing.MediatorProfile", _("médiateur"), null=True)
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=40, blank=True)
    #: Interactions (or visits, or accompaniments for a person's attribute).
    records = models.PositiveIntegerField(default=0)
    minutes = models.PositiveBigIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["site", "month"], name="smcount_site_month"),
            models.Index(fields=["operator", "month"], name="smcount_operator_month"),
            models.Index(fields=["contract", "month"], name="smcount_contract_month"),
            models.Index(fields=["mediator", "month"], name="smcount_mediator_month"),
        ]

    def __str__(self):
        return f"{self.site_id} {self.month:%Y-%m} {self.dimension}={self.value}"


class DepartementMonth(models.Model):
    """`SiteMonth` added up per département and month: what national and départemental pages read."""

    month = models.DateField()
    departement = _ref("territory.Departement", _("département"))
    worked_us = models.BigIntegerField(default=0)
    shifts = models.PositiveIntegerField(default=0)
    interactions = models.PositiveIntegerField(default=0)
    minutes = models.PositiveBigIntegerField(default=0)
    digital_minutes = models.PositiveBigIntegerField(default=0)
    client_minutes = models.PositiveBigIntegerField(default=0)
    accompaniments = models.PositiveIntegerField(default=0)
    followed_accompaniments = models.PositiveIntegerField(default=0)
    first_time = models.PositiveIntegerField(default=0)
    oriented = models.PositiveIntegerField(default=0)
    workshop_accompaniments = models.PositiveIntegerField(default=0)
    planned_minutes = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month", "departement"], name="deptmonth_month_dept")]

    def __str__(self):
        return f"{self.departement_id} {self.month:%Y-%m}"


class DepartementMonthCount(models.Model):
    """`SiteMonthCount` added up per département: what national and départemental pages read."""

    month = models.DateField()
    departement = _ref("territory.Departement", _("département"))
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=40, blank=True)
    records = models.PositiveBigIntegerField(default=0)
    minutes = models.PositiveBigIntegerField(default=0)
    people = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["month", "departement"], name="dmcount_month_dept"),
            models.Index(fields=["departement", "month"], name="dmcount_dept_month"),
        ]

    def __str__(self):
        return f"{self.departement_id} {self.month:%Y-%m} {self.dimension}={self.value}"


class NationMonthCount(models.Model):
    """`DepartementMonthCount` added up for the whole country: the national page's breakdowns."""

    month = models.DateField()
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=40, blank=True)
    records = models.PositiveBigIntegerField(default=0)
    minutes = models.PositiveBigIntegerField(default=0)
    people = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month"], name="nationcount_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.dimension}={self.value}"


class FollowedMonth(models.Model):
    """A followed person helped at a site in a month: counted once however often they came.

    `prev_nation` is the month of this person's row just before this one (by month, then id) anywhere,
    `prev_departement` the same within the département: a row starts the person's presence in a period
    [a, b] exactly when its previous month is before a (or absent). Counting such rows counts people."""

    month = models.DateField()
    site = _ref("territory.Site", _("site"))
    departement_id = models.BigIntegerField(null=True)
    prev_nation = models.DateField(null=True)
    prev_departement = models.DateField(null=True)
    operator = _ref("accounts.Operator", _("opérateur"))
    contract = _ref("staffing.Contract", _("contrat"), null=True)
    mediator = _ref("staffing.MediatorProfile", _("médiateur"), null=True)
    beneficiary_id = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["month", "beneficiary_id"], name="followed_month_person"),
            models.Index(fields=["beneficiary_id", "month"], name="followed_person_month"),
            models.Index(fields=["departement_id", "month"], name="followed_dept_month"),
            models.Index(fields=["site", "month"], name="followed_site_month"),
            models.Index(fields=["operator", "month"], name="followed_operator_month"),
            models.Index(fields=["contract", "month"], name="followed_contract_month"),
            models.Index(fields=["mediator", "month"], name="followed_mediator_month"),
        ]

    def __str__(self):
        return f"{self.site_id} {self.month:%Y-%m}"


class PeopleMonth(models.Model):
    """FollowedMonth rows counted by month and previous month, nationally and per département: distinct
    people over any run of months in a handful of rows."""

    NATION, DEPARTEMENT = "nation", "departement"

    level = models.CharField(max_length=12)
    key = models.BigIntegerField()
    month = models.DateField()
    prev = models.DateField(null=True)
    rows = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["level", "key", "month"], name="peoplemonth_level_key_month")]

    def __str__(self):
        return f"{self.level} {self.key} {self.month:%Y-%m}"


class QueueMonth(models.Model):
    """The walk-in queue of a site-month: visits, people, waits, who left."""

    month = models.DateField()
    site = _ref("territory.Site", _("site"))
    departement_id = models.BigIntegerField(null=True)
    operator = _ref("accounts.Operator", _("opérateur"))
    contract = _ref("staffing.Contract", _("contrat"), null=True)
    visits = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    reached = models.PositiveIntegerField(default=0)
    wait_us = models.PositiveBigIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)
    prequalified = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["month", "site"], name="queuemonth_month_site"),
            models.Index(fields=["site", "month"], name="queuemonth_site_month"),
            models.Index(fields=["operator", "month"], name="queuemonth_operator_month"),
            models.Index(fields=["contract", "month"], name="queuemonth_contract_month"),
        ]

    def __str__(self):
        return f"{self.site_id} {self.month:%Y-%m}"


class WorkshopMonth(models.Model):
    """The workshop sessions of a site-month: held and cancelled, seats, bookings, attendance."""

    month = models.DateField()
    site = _ref("territory.Site", _("site"))
    departement_id = models.BigIntegerField(null=True)
    operator = _ref("accounts.Operator", _("opérateur"))
    contract = _ref("staffing.Contract", _("contrat"), null=True)
    sessions = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    capacity = models.PositiveIntegerField(default=0)
    booked = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    no_shows = models.PositiveIntegerField(default=0)
    walk_ins = models.PositiveIntegerField(default=0)
    extras = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["month", "site"], name="workshopmonth_month_site"),
            models.Index(fields=["site", "month"], name="workshopmonth_site_month"),
            models.Index(fields=["departement_id", "month"], name="workshopmonth_dept_month"),
            models.Index(fields=["operator", "month"], name="workshopmonth_operator_month"),
            models.Index(fields=["contract", "month"], name="workshopmonth_contract_month"),
        ]

    def __str__(self):
        return f"{self.site_id} {self.month:%Y-%m}"


class Metric(models.TextChoices):
    """The figures an objective can aim at."""

    PEOPLE = "people", _("Personnes accompagnées (estimation)")
    ACCOMPANIMENTS = "accompaniments", _("Accompagnements")
    FIRST_TIME = "first_time", _("Premiers accompagnements")
    INTERACTIONS = "interactions", _("Interactions")
    HOURS = "hours", _("Heures d'intervention")


class ScopeKind(models.TextChoices):
    NATION = "nation", _("France entière")
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    COMMUNE = "commune", _("Commune")
    SITE = "site", _("Site")
    OPERATOR = "operator", _("Structure")
    CONTRACT = "contract", _("Contrat")
    MEDIATOR = "mediator", _("Médiateur")


class Objective(models.Model):
    """A target: reach `target` of a metric over a scope between two dates (e.g. 320,000 people by
    the end of 2023, nationally)."""

    name = models.CharField(_("intitulé"), max_length=200)
    metric = models.CharField(_("indicateur"), max_length=20, choices=Metric.choices)
    scope_kind = models.CharField(_("périmètre"), max_length=20, choices=ScopeKind.choices)
    scope_id = models.BigIntegerField(_("identifiant du périmètre"), null=True, blank=True)
    starts_on = models.DateField(_("à partir du"))
    ends_on = models.DateField(_("échéance"))
    target = models.PositiveBigIntegerField(_("cible"))
    operator = models.ForeignKey(
        "accounts.Operator", verbose_name=_("fixé par"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = "operator"
    tenancy_departement_field = None

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["ends_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="objective_order"),
            models.CheckConstraint(condition=Q(target__gte=1), name="objective_target_positive"),
        ]

    def __str__(self):
        return self.name


def _share_secret() -> str:
    return secrets.token_urlsafe(24)


class ShareLink(models.Model):
    """A secret address showing a read-only statistics page for a scope and period, until revoked.

    It reads with the rights of the membership that made it: if that membership ends, the link shows
    nothing more."""

    secret = models.CharField(max_length=64, unique=True, default=_share_secret)
    label = models.CharField(_("intitulé"), max_length=200)
    scope_kind = models.CharField(_("périmètre"), max_length=20, choices=ScopeKind.choices)
    scope_id = models.BigIntegerField(null=True, blank=True)
    first_month = models.DateField(_("premier mois"))
    last_month = models.DateField(_("dernier mois"))
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="+", verbose_name=_("créé au titre de")
    )
    operator = models.ForeignKey("accounts.Operator", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = "operator"
    tenancy_departement_field = None

    class Meta:
        verbose_name = _("lien de partage")
        verbose_name_plural = _("liens de partage")
        ordering = ["-created_at"]

    def __str__(self):
        return self.label


class ReportComment(models.Model):
    """The coordinator's words in a contract report for one period."""

    contract = models.ForeignKey("staffing.Contract", on_delete=models.CASCADE, related_name="+")
    first_month = models.DateField()
    last_month = models.DateField()
    text = models.TextField(_("commentaire"), blank=True, max_length=4000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("commentaire de compte rendu")
        verbose_name_plural = _("commentaires de compte rendu")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "first_month", "last_month"], name="report_comment_once"
            )
        ]

    def __str__(self):
        return f"{self.contract_id} {self.first_month:%Y-%m}–{self.last_month:%Y-%m}"


class ExportJob(models.Model):
    """A large export written by a background task, downloadable by its requester only, then removed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En préparation")
        READY = "ready", _("Prêt")
        FAILED = "failed", _("Échec")
        EXPIRED = "expired", _("Expiré")

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="+")
    table = models.CharField(_("tableau"), max_length=40)
    export_format = models.CharField(_("format"), max_length=5)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file_name = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.table}.{self.export_format} ({self.get_status_display()})"
