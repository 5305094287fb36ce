"""Generate a synthetic nation: the national programme's size in points of contact, mediators, shifts,
interactions, followed people, queues and workshop sessions, for benchmarks and tests at scale."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tremplin.demo.scale.generator import GenerationRefused, Options, generate

REPORT = (
    ("points_of_contact", "Points de contact"),
    ("mediation_sites", "Bureaux avec médiation"),
    ("operators", "Opérateurs"),
    ("contracts", "Contrats"),
    ("users", "Comptes"),
    ("mediators", "Médiateurs"),
    ("rotations", "Présences planifiées"),
    ("shifts", "Permanences effectuées"),
    ("shift_hours", "Heures d'intervention"),
    ("interactions", "Interactions"),
    ("deleted_interactions", "dont supprimées"),
    ("workshop_interactions", "dont ateliers (interactions de groupe)"),
    ("accompaniments", "Personnes accompagnées (accompagnements)"),
    ("beneficiaries", "Bénéficiaires suivis"),
    ("anonymised_beneficiaries", "dont anonymisés (retrait du consentement, durée de conservation)"),
    ("queue_sites", "Bureaux avec file d'attente"),
    ("visits", "Visites dans la file"),
    ("workshops", "Ateliers au catalogue"),
    ("pathways", "Parcours"),
    ("workshop_sessions", "Séances d'atelier"),
    ("held_sessions", "dont tenues (une interaction de groupe chacune)"),
    ("cancelled_sessions", "dont annulées"),
    ("scheduled_sessions", "dont à venir (programme des semaines suivantes)"),
    ("outside_sessions", "dont hors du bureau"),
    ("registrations", "Inscriptions aux ateliers"),
    ("attended_registrations", "dont présents"),
    ("extra_participants", "Participants anonymes sans inscription"),
)


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


class Command(BaseCommand):
    help = (
        "Génère une nation synthétique (≈ 17 000 points de contact, 400 bureaux avec médiation dans "
        "57 départements, 1 000 médiateurs, 3 ans de permanences, 5 millions d'interactions, "
        "300 000 bénéficiaires suivis, 50 000 séances d'atelier avec leurs inscrits) pour les mesures "
        "de performance et les essais. Noms fictifs, aucune donnée réelle de personne. Refusé en "
        "production et sur une base qui contient déjà des données (sauf --force). Sur PostgreSQL, écrit "
        "par COPY ; sur SQLite, par insertions groupées (à petite échelle, --scale 0.001)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Taille par rapport à la nation (1 : 5 millions d'interactions ; 0.001 pour un essai).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Graine du tirage : même graine, mêmes données."
        )
        parser.add_argument(
            "--until",
            type=date.fromisoformat,
            help="Dernier jour d'activité (AAAA-MM-JJ ; par défaut hier).",
        )
        parser.add_argument("--years", type=int, default=3, help="Années d'activité (3 par défaut).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ajouter les données synthétiques à une base qui contient déjà des données.",
        )

    def handle(self, *args, scale, seed, until, years, force, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale doit être compris entre 0 (exclu) et 10.")
        if not 1 <= years <= 10:
            raise CommandError("--years doit être compris entre 1 et 10.")
        started = time.monotonic()
        try:
            context = generate(
                Options(scale=scale, seed=seed, until=until, years=years, force=force),
                progress=self.stdout.write,
            )
        except GenerationRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        counts = context.counts
        self.stdout.write(
            f"Période : du {context.period.first_day:%d/%m/%Y} au {context.period.until:%d/%m/%Y} "
            f"(graine {seed}, échelle {scale:g}, base {connection.vendor})."
        )
        for key, label in REPORT:
            self.stdout.write(f"{label} : {_number(counts.get(key, 0))}")
        if counts.get("shift_hours"):
            rate = counts["accompaniments"] / counts["shift_hours"]
            self.stdout.write(
                f"Personnes accompagnées par heure d'intervention : {rate:.2f}".replace(".", ",")
            )
        self.stdout.write(
            self.style.SUCCESS(f"Nation synthétique générée en {time.monotonic() - started:.0f} s.")
        )
