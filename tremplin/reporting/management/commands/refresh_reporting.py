"""Take into account the changes noted since the last refresh (the pages also do it before reading)."""

from django.core.management.base import BaseCommand

from tremplin.reporting.aggregates import aggregates_refresh
from tremplin.reporting.services import exports_purge


class Command(BaseCommand):
    help = (
        "Met à jour les chiffres agrégés des changements notés depuis la dernière mise à jour, et "
        "supprime les exports de plus de 24 heures. À lancer régulièrement (par exemple chaque minute)."
    )

    def handle(self, *args, **options):
        changes = aggregates_refresh()
        purged = exports_purge()
        self.stdout.write(f"Changements pris en compte : {changes} ; exports supprimés : {purged}.")
