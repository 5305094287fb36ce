"""Recompute every pre-aggregated figure from the raw rows (after a bulk load, or to check)."""

import time

from django.core.management.base import BaseCommand

from tremplin.reporting.aggregates import aggregates_rebuild


class Command(BaseCommand):
    help = (
        "Recalcule tous les chiffres agrégés des statistiques à partir des données brutes "
        "(après un chargement en masse, ou pour vérifier). Les pages restent exactes pendant ce temps."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        done = aggregates_rebuild(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Chiffres recalculés : {done['sites']} sites, {done['months']} mois, "
                f"en {time.monotonic() - started:.1f} s."
            )
        )
