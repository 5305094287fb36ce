import hashlib

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tremplin.core.models import TimeStampedModel
from tremplin.core.roles import Role
from tremplin.core.tenancy import ScopedQuerySet


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an e-mail address. Staff users are platform administrators."""

    username = None
    email = models.EmailField(_("adresse e-mail"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.get_full_name() or self.email


siret_validator = RegexValidator(r"^\d{14}$", _("Le SIRET compte exactement 14 chiffres."))


class Operator(TimeStampedModel):
    """An organisation whose staff use Tremplin: La Poste's territorial direction, an association..."""

    class Kind(models.TextChoices):
        LA_POSTE = "la_poste", _("La Poste")
        ASSOCIATION = "association", _("Association")
        PUBLIC_BODY = "public_body", _("Collectivité ou administration")
        COMPANY = "company", _("Entreprise")
        OTHER = "other", _("Autre")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.ASSOCIATION)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[siret_validator])
    departements = models.ManyToManyField(
        "territory.Departement",
        verbose_name=_("départements desservis"),
        related_name="operators",
        blank=True,
    )
    is_active = models.BooleanField(_("actif"), default=True)

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = "pk"
    tenancy_departement_field = None

    class Meta:
        verbose_name = _("opérateur")
        verbose_name_plural = _("opérateurs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(TimeStampedModel):
    """A user's role in an operator. A funder's reading scope is a set of départements, or national."""

    user = models.ForeignKey(
        User, verbose_name=_("utilisateur"), on_delete=models.CASCADE, related_name="memberships"
    )
    operator = models.ForeignKey(
        Operator, verbose_name=_("opérateur"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    is_national = models.BooleanField(
        _("périmètre national"), default=False, help_text=_("Pour un financeur seulement.")
    )
    departements = models.ManyToManyField(
        "territory.Departement",
        verbose_name=_("départements suivis"),
        related_name="funder_memberships",
        blank=True,
        help_text=_("Le territoire que lit un financeur."),
    )
    is_active = models.BooleanField(_("actif"), default=True)

    objects = ScopedQuerySet.as_manager()
    tenancy_operator_field = "operator"
    tenancy_departement_field = None

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        ordering = ["operator__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "operator", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=Q(is_national=False) | Q(role=Role.FUNDER),
                name="membership_national_only_for_funders",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.operator}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token bound to one membership. Only its SHA-256 is stored."""

    membership = models.ForeignKey(
        Membership, verbose_name=_("rattachement"), on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(_("début du jeton"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
