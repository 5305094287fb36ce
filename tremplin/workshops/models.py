"""Workshops: the catalogue and its pathways, sessions in and outside post offices, registrations with
their waiting list, attendance (registered people, walk-ins, anonymous counts), and the messages sent to
registrants (confirmations, offers of a freed seat, reminders).

Kept plain for the statistics that read them: statuses are `TextChoices`, a session carries its
`capacity`, a registration its `status` and an `attended` flag. A seat is taken by a confirmed
registration or by one offered a freed seat (held until `hold_expires_at`)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tremplin.core.models import TimeStampedModel
from tremplin.core.tenancy import ScopedQuerySet
from tremplin.mediation.vocabularies import AgeBracket, Gender, Place, SocialStatus, Theme

#: A workshop lasts between a quarter of an hour and a day.
MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 8 * 60
#: The most people one workshop session may seat.
MAX_CAPACITY = 60


class Level(models.TextChoices):
    DEBUTANT = "debutant", _("Débutant")
    INTERMEDIAIRE = "intermediaire", _("Intermédiaire")
    AVANCE = "avance", _("Avancé")


class Workshop(TimeStampedModel):
    """A catalogue entry: what a workshop teaches, to whom, how long, with what."""

    operator = models.ForeignKey(
        "accounts.Operator", verbose_name=_("structure"), on_delete=models.PROTECT, related_name="workshops"
    )
    title = models.CharField(_("titre"), max_length=150)
    description = models.TextField(
        _("description"), help_text=_("En français simple : ce que la personne saura faire en sortant.")
    )
    level = models.CharField(_("niveau"), max_length=20, choices=Level.choices, default=Level.DEBUTANT)
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=90)
    prerequisites = models.TextField(_("prérequis"), blank=True)
    equipment_provided = models.TextField(_("matériel fourni"), blank=True)
    max_participants = models.PositiveSmallIntegerField(_("participants au plus"), default=8)
    is_active = models.BooleanField(
        _("au catalogue"), default=True, help_text=_("Décochez pour ne plus programmer cet atelier.")
    )

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = "operator"
    tenancy_departement_field = None

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["operator", "is_active", "title"], name="workshop_operator_active")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    duration_minutes__gte=MIN_DURATION_MINUTES, duration_minutes__lte=MAX_DURATION_MINUTES
                ),
                name="workshop_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(max_participants__gte=1, max_participants__lte=MAX_CAPACITY),
                name="workshop_max_participants_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def theme_codes(self) -> list[str]:
        return [row.theme for row in self.themes.all()]


class WorkshopTheme(models.Model):
    """One national theme of a workshop; a row each, so figures group by theme in SQL."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(_("thématique"), max_length=40, choices=Theme.choices)

    class Meta:
        verbose_name = _("thématique de l'atelier")
        verbose_name_plural = _("thématiques de l'atelier")
        constraints = [models.UniqueConstraint(fields=["workshop", "theme"], name="workshop_theme_once")]
        indexes = [models.Index(fields=["theme", "workshop"], name="workshop_theme_theme")]

    def __str__(self):
        return self.get_theme_display()


class Pathway(TimeStampedModel):
    """Workshops in order, from initiation to consolidation."""

    operator = models.ForeignKey(
        "accounts.Operator", verbose_name=_("structure"), on_delete=models.PROTECT, related_name="pathways"
    )
    title = models.CharField(_("titre"), max_length=150)
    description = models.TextField(_("description"), blank=True)

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = "operator"
    tenancy_departement_field = None

    class Meta:
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")
        ordering = ["title", "id"]

    def __str__(self):
        return self.title


class PathwayStep(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="steps")
    workshop = models.ForeignKey(
        Workshop, verbose_name=_("atelier"), on_delete=models.PROTECT, related_name="pathway_steps"
    )
    position = models.PositiveSmallIntegerField(_("étape"))

    class Meta:
        verbose_name = _("étape du parcours")
        verbose_name_plural = _("étapes du parcours")
        ordering = ["pathway", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "position"], name="pathway_step_position"),
            models.UniqueConstraint(fields=["pathway", "workshop"], name="pathway_step_workshop_once"),
        ]

    def __str__(self):
        return f"{self.position}. {self.workshop}"


class Series(TimeStampedModel):
    """Sessions planned together at a regular interval (every week, every two weeks…)."""

    operator = models.ForeignKey(
        "accounts.Operator", verbose_name=_("structure"), on_delete=models.PROTECT, related_name="+"
    )
    workshop = models.ForeignKey(
        Workshop, verbose_name=_("atelier"), on_delete=models.PROTECT, related_name="+"
    )
    every_weeks = models.PositiveSmallIntegerField(_("toutes les … semaines"))
    count = models.PositiveSmallIntegerField(_("nombre de séances"))

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = "operator"
    tenancy_departement_field = None

    class Meta:
        verbose_name = _("série de séances")
        verbose_name_plural = _("séries de séances")

    def __str__(self):
        return f"{self.workshop} × {self.count}"


class Session(TimeStampedModel):
    """One date of a workshop, at a site (a post office) or outside it, with a number of seats."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Prévue")
        CANCELLED = "cancelled", _("Annulée")
        DONE = "done", _("Terminée")

    class Venue(models.TextChoices):
        SITE = "site", _("Au bureau de poste")
        OUTSIDE = "outside", _("Hors du bureau (médiathèque, centre social, mairie…)")

    operator = models.ForeignKey(
        "accounts.Operator", verbose_name=_("structure"), on_delete=models.PROTECT, related_name="+"
    )
    workshop = models.ForeignKey(
        Workshop, verbose_name=_("atelier"), on_delete=models.PROTECT, related_name="sessions"
    )
    series = models.ForeignKey(
        Series,
        verbose_name=_("série"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    starts_at = models.DateTimeField(_("début"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"))
    site = models.ForeignKey(
        "territory.Site",
        verbose_name=_("bureau de poste"),
        on_delete=models.PROTECT,
        related_name="workshop_sessions",
        help_text=_("Le bureau où a lieu la séance, ou dont elle dépend quand elle a lieu ailleurs."),
    )
    venue = models.CharField(_("lieu"), max_length=10, choices=Venue.choices, default=Venue.SITE)
    venue_name = models.CharField(_("nom du lieu"), max_length=150, blank=True)
    venue_address = models.CharField(_("adresse du lieu"), max_length=255, blank=True)
    venue_commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune du lieu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    facilitators = models.ManyToManyField(
        "staffing.MediatorProfile",
        verbose_name=_("animateurs"),
        related_name="facilitated_sessions",
        blank=True,
    )
    capacity = models.PositiveSmallIntegerField(_("places"))
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    accessibility_notes = models.TextField(_("accessibilité"), blank=True)
    is_published = models.BooleanField(
        _("sur l'agenda public"),
        default=True,
        help_text=_("Le public peut la voir et s'y inscrire en ligne."),
    )
    interaction = models.OneToOneField(
        "mediation.Interaction",
        verbose_name=_("interaction de groupe"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_session",
    )
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = "operator"
    tenancy_departement_field = "site__commune__departement"

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["operator", "starts_at"], name="session_operator_start"),
            models.Index(fields=["site", "starts_at"], name="session_site_start"),
            models.Index(fields=["venue_commune", "starts_at"], name="session_commune_start"),
            models.Index(fields=["workshop", "starts_at"], name="session_workshop_start"),
            models.Index(fields=["status", "starts_at"], name="session_status_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_CAPACITY), name="session_capacity_range"
            ),
            models.CheckConstraint(
                condition=Q(
                    duration_minutes__gte=MIN_DURATION_MINUTES, duration_minutes__lte=MAX_DURATION_MINUTES
                ),
                name="session_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(venue="site") | (~Q(venue_name="") & Q(venue_commune__isnull=False)),
                name="session_outside_venue_named",
            ),
        ]

    def __str__(self):
        return f"{self.workshop} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        from datetime import timedelta

        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_outside(self) -> bool:
        return self.venue == self.Venue.OUTSIDE

    @property
    def place(self) -> str:
        """Where the group interaction took place, in mediation's vocabulary."""
        return Place.HORS_BUREAU if self.is_outside else Place.BUREAU_DE_POSTE

    @property
    def commune(self):
        return self.venue_commune if self.is_outside else self.site.commune

    @property
    def place_label(self) -> str:
        if self.is_outside:
            return self.venue_name
        return self.site.name

    @property
    def address_label(self) -> str:
        """One line to find the place: its address and commune."""
        if self.is_outside:
            parts = [self.venue_address, self.venue_commune.name if self.venue_commune_id else ""]
        else:
            site = self.site
            parts = [site.address, " ".join(part for part in (site.postcode, site.locality) if part)]
            if not parts[1]:
                parts[1] = site.commune.name
        return ", ".join(part for part in parts if part)


class Registration(TimeStampedModel):
    """A seat asked for by someone: a followed beneficiary (registered by staff), or a member of the
    public with a first name and a way to be reminded. Anonymous extra participants are counts
    (`ExtraParticipants`), not registrations."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Inscrit")
        OFFERED = "offered", _("Place proposée, en attente de réponse")
        WAITLISTED = "waitlisted", _("Liste d'attente")
        CANCELLED = "cancelled", _("Annulée")
        EXPIRED = "expired", _("Place proposée non confirmée à temps")

    class Source(models.TextChoices):
        STAFF = "staff", _("Inscrit par un médiateur")
        PUBLIC = "public", _("Inscrit sur l'agenda public")
        WALK_IN = "walk_in", _("Venu sans inscription")

    client_uuid = models.UUIDField(_("identifiant client"), unique=True, default=uuid.uuid4)
    operator = models.ForeignKey(
        "accounts.Operator", verbose_name=_("structure"), on_delete=models.PROTECT, related_name="+"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("séance"), on_delete=models.PROTECT, related_name="registrations"
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices)
    source = models.CharField(_("origine"), max_length=20, choices=Source.choices)
    beneficiary = models.ForeignKey(
        "mediation.Beneficiary",
        verbose_name=_("bénéficiaire suivi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workshop_registrations",
    )
    first_name = models.CharField(_("prénom"), max_length=40, blank=True)
    phone = models.CharField(_("téléphone portable"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    consent_at = models.DateTimeField(
        _("accord donné le"), null=True, blank=True, help_text=_("Pour garder le contact jusqu'à l'atelier.")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inscrit par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    waitlisted_at = models.DateTimeField(_("en liste d'attente depuis"), null=True, blank=True)
    offered_at = models.DateTimeField(_("place proposée le"), null=True, blank=True)
    hold_expires_at = models.DateTimeField(_("place gardée jusqu'au"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    attended = models.BooleanField(_("présent"), default=False)
    checked_in_at = models.DateTimeField(_("pointé présent à"), null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(_("coordonnées effacées le"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = "operator"
    tenancy_departement_field = "session__site__commune__departement"

    #: Statuses that hold a seat.
    SEATED = (Status.CONFIRMED, Status.OFFERED)
    #: Statuses of a person still expected (seated or waiting).
    ACTIVE = (Status.CONFIRMED, Status.OFFERED, Status.WAITLISTED)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["session", "created_at", "id"]
        indexes = [
            models.Index(fields=["session", "status"], name="registration_session_status"),
            models.Index(fields=["session", "waitlisted_at"], name="registration_waitlist"),
            models.Index(fields=["status", "hold_expires_at"], name="registration_hold"),
            models.Index(fields=["beneficiary", "session"], name="registration_beneficiary"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "beneficiary"],
                condition=Q(beneficiary__isnull=False, status__in=["confirmed", "offered", "waitlisted"]),
                name="registration_beneficiary_once",
            ),
            models.CheckConstraint(
                condition=Q(attended=False) | Q(status="confirmed"), name="registration_attended_seated"
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(hold_expires_at__isnull=False),
                name="registration_offer_has_hold",
            ),
        ]

    def __str__(self):
        return f"{self.display_name} · {self.session}"

    @property
    def display_name(self) -> str:
        beneficiary = self.beneficiary if self.beneficiary_id else None
        if beneficiary is not None and not beneficiary.anonymised_at:
            return str(beneficiary)
        if beneficiary is not None:
            return str(_("Personne suivie, devenue anonyme"))
        return self.first_name or str(_("Personne inscrite"))

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class ExtraParticipants(models.Model):
    """Anonymous people who joined a session without registering, counted by their known attributes."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="extra_participants")
    age_bracket = models.CharField(_("tranche d'âge"), max_length=30, choices=AgeBracket.choices, blank=True)
    gender = models.CharField(_("genre"), max_length=20, choices=Gender.choices, blank=True)
    social_status = models.CharField(_("statut"), max_length=20, choices=SocialStatus.choices, blank=True)
    count = models.PositiveSmallIntegerField(_("nombre"))

    class Meta:
        verbose_name = _("participants anonymes")
        verbose_name_plural = _("participants anonymes")
        ordering = ["session", "age_bracket", "gender", "social_status"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "age_bracket", "gender", "social_status"], name="extra_participants_once"
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="extra_participants_count"),
        ]

    def __str__(self):
        return f"{self.count} × {self.get_age_bracket_display() or '?'}"


class RegistrationMessage(models.Model):
    """One message to one registrant on one channel: the outbox the background tasks send from.

    It holds no address: the e-mail or phone is read from the registration (or the followed person's
    card) at the moment of sending, so an erased contact is never used. A unique row per kind and
    channel makes each message go out once."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation d'inscription")
        WAITLISTED = "waitlisted", _("Inscription en liste d'attente")
        OFFER = "offer", _("Place libérée, à confirmer")
        REMINDER = "reminder", _("Rappel la veille")
        SESSION_CHANGED = "session_changed", _("Changement de date ou de lieu")
        SESSION_CANCELLED = "session_cancelled", _("Séance annulée")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("À envoyer")
        SENDING = "sending", _("En cours d'envoi")
        SENT = "sent", _("Envoyé")
        SKIPPED = "skipped", _("Sans objet")
        FAILED = "failed", _("Échec")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("message"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    due_at = models.DateTimeField(_("à envoyer à partir de"))
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_at = models.DateTimeField(_("pris en charge à"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    error = models.CharField(_("dernière erreur"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("message à un inscrit")
        verbose_name_plural = _("messages aux inscrits")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"], name="registration_message_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "channel"],
                condition=~Q(kind="session_changed"),
                name="registration_message_once",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_channel_display()} · {self.get_status_display()}"
