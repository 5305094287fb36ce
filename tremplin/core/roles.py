"""The roles a membership gives (PRODUCT.md §2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    COORDINATOR = "coordinator", _("Coordinateur")
    MEDIATOR = "mediator", _("Médiateur")
    FUNDER = "funder", _("Financeur")


#: Roles that work inside one operator's data (as opposed to funders, who read a territory).
OPERATOR_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR})
