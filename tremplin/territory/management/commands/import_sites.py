"""Import La Poste's open data list of points of contact (CSV) into the sites."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tremplin.territory.services import ImportReport, site_import


class Command(BaseCommand):
    help = (
        "Importe la liste des points de contact de La Poste (CSV des données ouvertes). "
        "Par défaut, rien n'est enregistré si une ligne est invalide."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Chemin du fichier CSV."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Vérifier le fichier et compter, sans rien enregistrer."),
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help=_("Importer les lignes valides et ignorer les lignes invalides."),
        )

    def handle(self, *args, file, dry_run, skip_invalid, **options):
        report = site_import(source=file, dry_run=dry_run, skip_invalid=skip_invalid)
        if report.fatal:
            raise CommandError(report.fatal)
        for line in report_lines(report):
            self.stdout.write(line)
        if report.errors and not skip_invalid:
            raise CommandError(
                _(
                    "%(count)s ligne(s) invalide(s) : rien n'a été enregistré. Corrigez le fichier "
                    "ou relancez avec --skip-invalid pour importer les lignes valides."
                )
                % {"count": report.rejected}
            )


def report_lines(report: ImportReport) -> list[str]:
    """The report as the French lines a person reads at the terminal: errors, then counts."""
    lines = [
        _("ligne %(line)s : %(reason)s") % {"line": number, "reason": reason}
        for number, reason in report.errors
    ]
    counts = {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
    }
    lines.append(_summary(report) % counts)
    return lines


def _summary(report: ImportReport) -> str:
    if report.applied:
        return _(
            "Sites créés : %(created)s, mis à jour : %(updated)s, inchangés : %(unchanged)s ; "
            "lignes rejetées : %(rejected)s."
        )
    if report.dry_run:
        return _(
            "Simulation, rien n'a été enregistré. Sites à créer : %(created)s, à mettre à jour : "
            "%(updated)s, inchangés : %(unchanged)s ; lignes rejetées : %(rejected)s."
        )
    return _(
        "Lignes valides : %(created)s site(s) à créer, %(updated)s à mettre à jour, "
        "%(unchanged)s inchangé(s) ; lignes rejetées : %(rejected)s."
    )
