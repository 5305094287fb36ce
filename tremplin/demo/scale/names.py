"""Made-up people: common French first names and surnames built from syllables, so that nobody real is
named; e-mail addresses on a reserved test domain, telephone numbers from the ranges ARCEP keeps for
fiction."""

from __future__ import annotations

import random
import unicodedata

FEMALE = [
    "Amandine",
    "Aurélie",
    "Bernadette",
    "Camille",
    "Chantal",
    "Claire",
    "Colette",
    "Denise",
    "Élise",
    "Émilie",
    "Fatima",
    "Françoise",
    "Ginette",
    "Hélène",
    "Inès",
    "Jacqueline",
    "Jeanne",
    "Josiane",
    "Julie",
    "Karima",
    "Laure",
    "Léa",
    "Lucie",
    "Malika",
    "Manon",
    "Marie",
    "Martine",
    "Monique",
    "Nadia",
    "Nathalie",
    "Nicole",
    "Odette",
    "Paulette",
    "Raymonde",
    "Sandrine",
    "Sarah",
    "Simone",
    "Sophie",
    "Sylvie",
    "Yvette",
    "Zoé",
]
MALE = [
    "Alain",
    "André",
    "Antoine",
    "Bernard",
    "Christian",
    "Claude",
    "Daniel",
    "David",
    "Didier",
    "Éric",
    "Gérard",
    "Guy",
    "Hugo",
    "Jacques",
    "Jean",
    "Jean-Claude",
    "Jean-Pierre",
    "Julien",
    "Karim",
    "Kevin",
    "Lucas",
    "Mamadou",
    "Marcel",
    "Mathieu",
    "Maurice",
    "Michel",
    "Mohamed",
    "Moussa",
    "Nicolas",
    "Olivier",
    "Patrick",
    "Paul",
    "Philippe",
    "Pierre",
    "Raymond",
    "René",
    "Robert",
    "Roger",
    "Serge",
    "Stanislas",
    "Thomas",
    "Yacine",
]
_ONSETS = ("B", "C", "D", "F", "G", "L", "M", "N", "P", "R", "S", "T", "V", "Br", "Ch", "Gr", "Tr")
_MIDDLES = ("a", "e", "i", "o", "ou", "au", "an", "en", "on", "ar", "er", "ol", "il")
_CODAS = ("bert", "dier", "lot", "mont", "nard", "ret", "rin", "sson", "tel", "vel", "zac", "quet", "dal")

#: ARCEP keeps 06 39 98 00 00 – 06 39 98 99 99 and 01 99 00 00 00 – 01 99 00 99 99 for fiction.
FICTION_PHONE_PREFIXES = ("06 39 98", "01 99 00")
#: Reminders of followed people go to this reserved domain.
PEOPLE_EMAIL_DOMAIN = "exemple.test"


def first_name(rng: random.Random, gender: str = "") -> str:
    if gender == "feminin" or (not gender and rng.random() < 0.55):
        return rng.choice(FEMALE)
    return rng.choice(MALE)


def surname(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_MIDDLES) + rng.choice(_CODAS)


def slug(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    return "".join(char if char.isalnum() else "-" for char in ascii_only.lower()).strip("-")


def fiction_phone(rng: random.Random) -> str:
    return f"{rng.choice(FICTION_PHONE_PREFIXES)} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


def unusable_password(rng: random.Random) -> str:
    """What Django stores for an account without a password (`make_password(None)`): nobody signs in."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "!" + "".join(rng.choice(alphabet) for _ in range(40))
