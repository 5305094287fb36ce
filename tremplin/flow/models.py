"""The walk-in queue: who arrives, why, where they are sent, and how long they wait.

A visit is one person or group, anonymous (a ticket number, at most a first name to call them). Its
states form an append-only timeline (`VisitEvent`), from which waiting and service times are read."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tremplin.core.models import TimeStampedModel
from tremplin.core.tenancy import ScopedQuerySet


class Reason(models.TextChoices):
    PARCEL_PICKUP = "parcel_pickup", _("Retrait d'un colis ou d'une lettre")
    SENDING = "sending", _("Envoi d'un courrier ou d'un colis")
    POSTAL_FORMS = "postal_forms", _("Imprimé postal")
    BANKING = "banking", _("Banque")
    MOBILE = "mobile", _("La Poste Mobile")
    DIGITAL_IDENTITY = "digital_identity", _("Identité numérique")
    ADMINISTRATIVE_PROCEDURE = "administrative_procedure", _("Démarche administrative")
    INFORMATION = "information", _("Renseignement")
    OTHER = "other", _("Autre")


class Route(models.TextChoices):
    COUNTER = "counter", _("Guichet")
    MACHINE = "machine", _("Automate")
    MEDIATOR = "mediator", _("Médiateur")
    WORKSHOP = "workshop", _("Atelier")
    PARTNER = "partner", _("Partenaire")
    LEFT = "left", _("Parti sans être servi")


class State(models.TextChoices):
    WAITING = "waiting", _("En attente")
    CALLED = "called", _("Appelé")
    SERVING = "serving", _("En cours")
    ON_HOLD = "on_hold", _("En pause")
    DONE = "done", _("Terminé")


#: Where a visit may go from each state. "done" is final.
TRANSITIONS = {
    State.WAITING: {State.CALLED, State.SERVING, State.ON_HOLD, State.DONE},
    State.CALLED: {State.SERVING, State.WAITING, State.ON_HOLD, State.DONE},
    State.SERVING: {State.ON_HOLD, State.DONE},
    State.ON_HOLD: {State.WAITING, State.CALLED, State.SERVING, State.DONE},
    State.DONE: set(),
}

#: The route each reason takes unless the site says otherwise, and a first guess of its service time.
DEFAULT_ROUTES = {
    Reason.PARCEL_PICKUP: (Route.COUNTER, 4),
    Reason.SENDING: (Route.MACHINE, 5),
    Reason.POSTAL_FORMS: (Route.MEDIATOR, 6),
    Reason.BANKING: (Route.COUNTER, 8),
    Reason.MOBILE: (Route.MEDIATOR, 10),
    Reason.DIGITAL_IDENTITY: (Route.MEDIATOR, 15),
    Reason.ADMINISTRATIVE_PROCEDURE: (Route.MEDIATOR, 15),
    Reason.INFORMATION: (Route.MEDIATOR, 3),
    Reason.OTHER: (Route.COUNTER, 5),
}


class SiteReason(models.Model):
    """A reason offered at a site, in the order the mediator sees it, with its default route and the
    average service time learned from the site's history."""

    site = models.ForeignKey("territory.Site", on_delete=models.CASCADE, related_name="flow_reasons")
    reason = models.CharField(_("motif"), max_length=30, choices=Reason.choices)
    default_route = models.CharField(_("orientation par défaut"), max_length=20, choices=Route.choices)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("proposé"), default=True)
    service_seconds = models.PositiveIntegerField(
        _("durée moyenne de service (secondes)"),
        help_text=_("Apprise des visites servies ; la valeur de départ est une estimation."),
    )
    served_count = models.PositiveIntegerField(_("visites servies prises en compte"), default=0)

    class Meta:
        verbose_name = _("motif d'un site")
        verbose_name_plural = _("motifs des sites")
        ordering = ["site", "position", "reason"]
        constraints = [models.UniqueConstraint(fields=["site", "reason"], name="site_reason_once")]

    def __str__(self):
        return self.get_reason_display()


def _board_secret() -> str:
    return secrets.token_urlsafe(24)


class Board(models.Model):
    """The public queue screen of a site, reached only by its secret URL (rotated by an admin)."""

    site = models.OneToOneField("territory.Site", on_delete=models.CASCADE, related_name="flow_board")
    secret = models.CharField(max_length=64, unique=True, default=_board_secret)
    rotated_at = models.DateTimeField(_("adresse changée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("écran public")
        verbose_name_plural = _("écrans publics")

    def __str__(self):
        return str(self.site)


class TicketCounter(models.Model):
    """The last ticket number given at a site on a day; locked while the next one is taken."""

    site = models.ForeignKey("territory.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="ticket_counter_site_day")]

    def __str__(self):
        return f"{self.site_id} {self.day}: {self.last}"


class Visit(TimeStampedModel):
    """One person or group arriving at a site; no name needed."""

    client_uuid = models.UUIDField(_("identifiant client"), unique=True, default=uuid.uuid4)
    operator = models.ForeignKey(
        "accounts.Operator", verbose_name=_("structure"), on_delete=models.PROTECT, related_name="visits"
    )
    site = models.ForeignKey(
        "territory.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="visits"
    )
    day = models.DateField(_("jour"))
    ticket = models.PositiveIntegerField(_("numéro"))
    first_name = models.CharField(
        _("prénom pour l'appeler"), max_length=30, blank=True, help_text=_("Facultatif ; seul le prénom.")
    )
    group_size = models.PositiveSmallIntegerField(_("personnes"), default=1)
    arrived_at = models.DateTimeField(_("arrivée"))
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.WAITING)
    state_since = models.DateTimeField(_("dans cet état depuis"))
    called_at = models.DateTimeField(_("appelé à"), null=True, blank=True)
    served_at = models.DateTimeField(_("servi à"), null=True, blank=True)
    closed_at = models.DateTimeField(_("terminé à"), null=True, blank=True)
    route = models.CharField(_("orientation"), max_length=20, choices=Route.choices, blank=True)
    prequalified = models.BooleanField(_("pré-qualifié dans la file"), default=True)
    estimated_wait_minutes = models.PositiveIntegerField(
        _("attente estimée à l'arrivée (minutes)"),
        null=True,
        blank=True,
        help_text=_("Gardée pour mesurer l'erreur de l'estimation dans les statistiques."),
    )
    tension = models.BooleanField(_("tension signalée"), default=False)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    interaction = models.ForeignKey(
        "mediation.Interaction",
        verbose_name=_("interaction enregistrée"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
    )

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = "operator"
    tenancy_departement_field = "site__commune__departement"

    class Meta:
        verbose_name = _("visite")
        verbose_name_plural = _("visites")
        ordering = ["arrived_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "day", "ticket"], name="visit_ticket_once"),
            models.CheckConstraint(condition=Q(group_size__gte=1), name="visit_group_size"),
            models.CheckConstraint(
                condition=~Q(state="done") | Q(closed_at__isnull=False), name="visit_done_closed"
            ),
        ]
        indexes = [
            models.Index(fields=["site", "state", "arrived_at"], name="visit_site_state"),
            models.Index(fields=["site", "arrived_at"], name="visit_site_arrived"),
        ]

    def __str__(self):
        return f"{self.ticket:03d}"

    @property
    def label(self) -> str:
        """How the visit is called: the ticket number, and the first name when given."""
        return f"{self.ticket:03d} {self.first_name}".strip()


class VisitReason(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="reasons")
    reason = models.CharField(_("motif"), max_length=30, choices=Reason.choices)

    class Meta:
        verbose_name = _("motif de visite")
        verbose_name_plural = _("motifs de visite")
        constraints = [models.UniqueConstraint(fields=["visit", "reason"], name="visit_reason_once")]
        indexes = [models.Index(fields=["reason", "visit"], name="visit_reason_reason")]

    def __str__(self):
        return self.get_reason_display()


class VisitEvent(models.Model):
    """One step of a visit's timeline; never changed afterwards."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="events")
    state = models.CharField(_("état"), max_length=20, choices=State.choices)
    route = models.CharField(_("orientation"), max_length=20, choices=Route.choices, blank=True)
    at = models.DateTimeField(_("à"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("étape de visite")
        verbose_name_plural = _("étapes de visite")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_state_display()} {self.at:%H:%M}"
