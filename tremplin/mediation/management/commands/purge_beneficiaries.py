"""Retention: followed people not seen for TREMPLIN_BENEFICIARY_RETENTION_DAYS become anonymous.

Run daily (cron or a scheduler). Prints a count, never a name. With --dry-run, nothing changes: the
same service runs inside a transaction that is rolled back, so the count is exactly what a real run
would anonymise."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tremplin.mediation.services import beneficiaries_purge_expired


class Command(BaseCommand):
    help = "Rend anonymes les personnes suivies qui ne sont pas revenues depuis la durée de conservation."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Compte les fiches concernées sans rien modifier."
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Durée de conservation en jours (par défaut : TREMPLIN_BENEFICIARY_RETENTION_DAYS).",
        )

    def handle(self, *args, dry_run=False, days=None, **options):
        days = settings.TREMPLIN_BENEFICIARY_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("La durée de conservation doit être d'au moins un jour.")
        with transaction.atomic():
            count = beneficiaries_purge_expired(retention_days=days)
            if dry_run:
                transaction.set_rollback(True)
        if dry_run:
            self.stdout.write(
                f"{count} fiche(s) à rendre anonyme(s) (sans visite depuis {days} jours) : aucune modifiée."
            )
        else:
            self.stdout.write(f"{count} fiche(s) rendue(s) anonyme(s) (sans visite depuis {days} jours).")
