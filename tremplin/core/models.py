from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tenancy import ScopedQuerySet


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a journal entry."""


class JournalQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The journal is append-only.")

    def delete(self):
        raise AppendOnlyError("The journal is append-only.")


class JournalEntry(models.Model):
    """One meaningful change, written by a service. Append-only; payloads hold ids, never personal data."""

    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    operator = models.ForeignKey(
        "accounts.Operator",
        verbose_name=_("opérateur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("type d'objet"), max_length=100, blank=True)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    payload = models.JSONField(_("détails"), default=dict, blank=True)

    objects = JournalQuerySet.as_manager()
    tenancy_operator_field = "operator"
    tenancy_departement_field = None

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["operator", "-at"], name="journal_operator_at"),
            models.Index(fields=["action", "-at"], name="journal_action_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The journal is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The journal is append-only.")
