from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tremplin.core.models import TimeStampedModel
from tremplin.core.tenancy import ScopedQuerySet


class Region(models.Model):
    code = models.CharField(_("code officiel"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code officiel"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(
        Region,
        verbose_name=_("région"),
        on_delete=models.PROTECT,
        related_name="departements",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"


class Commune(models.Model):
    """A commune with its official geographic code (code INSEE / COG)."""

    #: INSEE's historical threshold: a commune under 2,000 inhabitants is counted as rural.
    RURAL_POPULATION_THRESHOLD = 2000

    code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=150)
    departement = models.ForeignKey(
        Departement, verbose_name=_("département"), on_delete=models.PROTECT, related_name="communes"
    )
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    is_rural = models.BooleanField(_("rurale"), default=False)
    fragility_index = models.DecimalField(
        _("indice de fragilité numérique"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text=_("De 0 à 10 : plus il est élevé, plus le territoire est fragile."),
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]
        indexes = [models.Index(fields=["departement", "name"], name="commune_dept_name")]

    def __str__(self):
        return f"{self.name} ({self.code})"


class SiteQuerySet(ScopedQuerySet):
    def with_mediation(self):
        return self.filter(has_mediation=True)


class Site(TimeStampedModel):
    """A postal point of contact (La Poste open data), and what it hosts for mediation."""

    class Kind(models.TextChoices):
        BUREAU_DE_POSTE = "bureau_de_poste", _("Bureau de poste")
        AGENCE_POSTALE_COMMUNALE = "agence_postale_communale", _("Agence postale communale")
        AGENCE_POSTALE_INTERCOMMUNALE = (
            "agence_postale_intercommunale",
            _("Agence postale intercommunale"),
        )
        RELAIS_POSTE = "relais_poste", _("Relais poste")
        FRANCE_SERVICES = "france_services", _("France Services (bureau de poste)")

    identifier = models.CharField(_("identifiant La Poste"), max_length=20, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=40, choices=Kind.choices)
    parent_identifier = models.CharField(_("site de rattachement"), max_length=20, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    address_complement = models.CharField(_("complément d'adresse"), max_length=255, blank=True)
    lieu_dit = models.CharField(_("lieu-dit"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    locality = models.CharField(_("localité"), max_length=150, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="sites",
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    geocoding_precision = models.CharField(_("précision du géocodage"), max_length=50, blank=True)
    has_mediation = models.BooleanField(_("médiation"), default=False)
    has_kiosk = models.BooleanField(_("îlot numérique"), default=False)
    has_etape_numerique = models.BooleanField(_("espace Étape numérique"), default=False)
    is_qpv = models.BooleanField(_("en QPV"), default=False)

    objects = SiteQuerySet.as_manager()
    tenancy_operator_field = None
    tenancy_departement_field = "commune__departement"

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kind"], name="site_kind"),
            models.Index(fields=["commune"], condition=Q(has_mediation=True), name="site_mediation"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="site_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="site_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def departement(self):
        return self.commune.departement
