"""Catch up and tidy: holds that ran out, messages due and not sent, registrants' data past retention."""

from django.core.management.base import BaseCommand

from tremplin.workshops import services


class Command(BaseCommand):
    help = (
        "Ateliers : libère les places gardées dont le délai est passé (la place va à la personne suivante), "
        "envoie les messages dus qui ne sont pas partis (rappels de la veille…), efface les prénoms et "
        "coordonnées des inscrits après la durée de conservation. À lancer toutes les heures (cron) : "
        "le worker fait déjà tout cela à l'heure dite, ceci rattrape ce qu'il aurait manqué."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-purge", action="store_true", help="Ne pas effacer les coordonnées des inscrits anciens."
        )

    def handle(self, *args, no_purge=False, **options):
        released = services.holds_release_expired()
        sent = services.messages_send_due()
        self.stdout.write(f"Places gardées libérées : {released}.")
        labels = {"sent": "envoyés", "skipped": "sans objet", "pending": "à réessayer", "failed": "en échec"}
        summary = ", ".join(f"{count} {labels.get(status, status)}" for status, count in sorted(sent.items()))
        self.stdout.write(f"Messages dus : {summary or 'aucun'}.")
        if not no_purge:
            erased = services.registrations_purge()
            self.stdout.write(f"Inscriptions dont les coordonnées ont été effacées : {erased}.")
