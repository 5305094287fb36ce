"""Print the current TOTP code of each demo account, for someone trying the demo without a phone."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tremplin.demo.selectors import demo_codes


class Command(BaseCommand):
    help = (
        "Affiche le code de double authentification actuel de chaque compte de démonstration. "
        "Refusé en production ; ne concerne que les comptes créés par load_demo."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Refusé : PRODUCTION est activé, il n'y a pas de compte de démonstration.")
        codes = demo_codes()
        if not codes:
            raise CommandError(
                "Aucun compte de démonstration avec double authentification : lancez d'abord "
                "« python manage.py load_demo »."
            )
        width = max(len(code.email) for code in codes)
        for code in codes:
            used = " (déjà utilisé : attendez le suivant)" if code.already_used else ""
            self.stdout.write(f"{code.email.ljust(width)}  {code.code}{used}")
        self.stdout.write(f"Ces codes changent dans {codes[0].seconds_left} s.")
