"""The interaction list as a spreadsheet: CSV for French Excel (UTF-8 with BOM, ";") and XLSX.

An export leaves the app: it names no beneficiary and holds no contact, only "suivi" or "anonyme" and
counts. Codes sit beside labels so a file maps onto the national activity-report tool. Both formats
read the database in chunks and write as they go, so memory stays flat whatever the period."""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .models import Interaction, InteractionTheme

#: Rows read from the database at a time (their themes and people are fetched per chunk).
CHUNK_SIZE = 500
CSV_DELIMITER = ";"
BOM = "\ufeff"
SHEET_TITLE = "Interactions"
#: A spreadsheet runs a cell starting with one of these as a formula: text from users is defused.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Control characters an XLSX file cannot hold.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Interaction], object]
    #: Free text typed by a person, which might start like a formula.
    typed: bool = False
    width: int = 18


def _yes_no(value) -> str:
    if value is None:
        return ""
    return str(_("oui") if value else _("non"))


def _local(interaction: Interaction):
    return timezone.localtime(interaction.started_at)


def _people(interaction: Interaction) -> list:
    return list(interaction.accompaniments.all())


def _followed_count(interaction: Interaction) -> int:
    return sum(1 for row in _people(interaction) if row.beneficiary_id is not None)


def _followed_or_anonymous(interaction: Interaction) -> str:
    followed = _followed_count(interaction)
    if followed == 0:
        return str(_("anonyme"))
    if followed == len(_people(interaction)):
        return str(_("suivi"))
    return str(_("suivi et anonyme"))


def _mediator_name(interaction: Interaction) -> str:
    user = interaction.mediator.user
    return user.get_full_name() or user.email


def _labels(field_name: str, model=Interaction) -> dict[str, str]:
    """Code → French label, translated once per export (a display method per cell is slow)."""
    return {code: str(label) for code, label in model._meta.get_field(field_name).flatchoices}


def _code_and_label(header_code: str, header_label: str, name: str, *, width: int = 24) -> list[Column]:
    labels = _labels(name)
    return [
        Column(header_code, lambda i: getattr(i, name)),
        Column(header_label, lambda i: labels.get(getattr(i, name), ""), width=width),
    ]


def columns() -> list[Column]:
    """The columns, in French, built in the active language at the time of the export."""
    theme_labels = _labels("theme", InteractionTheme)
    return [
        Column(_("Identifiant"), lambda i: i.pk, width=10),
        Column(_("Date"), lambda i: _local(i).date(), width=12),
        Column(_("Heure"), lambda i: _local(i).time().replace(second=0, microsecond=0), width=8),
        Column(_("Site"), lambda i: i.site.name, typed=True, width=32),
        Column(_("Identifiant du site"), lambda i: i.site.identifier, width=12),
        Column(_("Médiateur"), _mediator_name, typed=True, width=24),
        *_code_and_label(_("Type d'action (code)"), _("Type d'action"), "kind", width=40),
        *_code_and_label(_("Catégorie de temps (code)"), _("Catégorie de temps"), "time_category"),
        *_code_and_label(_("Domaine (code)"), _("Domaine"), "domain"),
        Column(_("Thématiques (codes)"), lambda i: ", ".join(row.theme for row in i.themes.all()), width=30),
        Column(
            _("Thématiques"),
            lambda i: ", ".join(theme_labels.get(row.theme, row.theme) for row in i.themes.all()),
            width=30,
        ),
        Column(_("Durée (minutes)"), lambda i: i.duration_minutes, width=10),
        Column(_("Nombre de personnes"), lambda i: len(_people(i)), width=10),
        Column(
            _("Premiers accompagnements"),
            lambda i: sum(1 for row in _people(i) if row.is_first_time),
            width=10,
        ),
        Column(_("Personnes suivies"), _followed_count, width=10),
        Column(_("Suivi ou anonyme"), _followed_or_anonymous, width=14),
        Column(_("Orienté"), lambda i: _yes_no(i.oriented), width=8),
        *_code_and_label(_("Orienté vers (code)"), _("Orienté vers"), "orientation_target"),
        Column(_("Partenaire"), lambda i: i.orientation_partner, typed=True, width=24),
        *_code_and_label(_("Imprimé postal (code)"), _("Imprimé postal"), "postal_form"),
        *_code_and_label(_("Lieu (code)"), _("Lieu"), "place"),
        *_code_and_label(_("Matériel (code)"), _("Matériel"), "equipment"),
        *_code_and_label(_("Autonomie (code)"), _("Autonomie"), "autonomy"),
        *_code_and_label(_("Gravité de la tension (code)"), _("Gravité de la tension"), "conflict_severity"),
        Column(_("Tension désamorcée"), lambda i: _yes_no(i.conflict_defused), width=10),
        Column(_("Notes"), lambda i: i.notes, typed=True, width=40),
    ]


def _rows(interactions) -> Iterator[Interaction]:
    yield from interactions.iterator(chunk_size=CHUNK_SIZE)


def _defused(text: str) -> str:
    """Free text as plain text: no control character, and never read as a formula."""
    text = ILLEGAL_XML.sub("", text)
    return f"'{text}" if text.startswith(FORMULA_START) else text


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


class _Echo:
    """A file that hands back what is written: csv.writer formats one line, the response streams it."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(column: Column, interaction: Interaction) -> str:
    value = column.value(interaction)
    if value is None:
        return ""
    if column.typed:
        return _defused(str(value))
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y") if not hasattr(value, "hour") else value.strftime("%H:%M")
    return str(value)


def csv_lines(interactions) -> Iterable[str]:
    """The lines of the CSV file, BOM first, generated while the response is sent."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    cols = columns()
    yield BOM + writer.writerow([column.header for column in cols])
    for interaction in _rows(interactions):
        yield writer.writerow([_csv_cell(column, interaction) for column in cols])


# ---------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------

DATE_FORMAT = "DD/MM/YYYY"
TIME_FORMAT = "HH:MM"


def _xlsx_cell(sheet, column: Column, interaction: Interaction):
    """A plain value where openpyxl writes it as is (fast); a cell object only where a value needs a
    format (dates, times) or must be kept as text (a text starting with "=" would become a formula)."""
    value = column.value(interaction)
    if isinstance(value, str):
        value = ILLEGAL_XML.sub("", value)
        if not value.startswith("="):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    if hasattr(value, "strftime"):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = TIME_FORMAT if hasattr(value, "hour") else DATE_FORMAT
        return cell
    return value


def xlsx_file(interactions):
    """A temporary file holding the workbook, at its start; one sheet, a bold frozen header row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    cols = columns()
    for index, column in enumerate(cols, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in cols:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for interaction in _rows(interactions):
        sheet.append([_xlsx_cell(sheet, column, interaction) for column in cols])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once sent
    workbook.save(output)
    output.seek(0)
    return output


CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: The name of the file: "interactions_2026-03-01_2026-03-31.csv"; an open end says so.
FILENAME_OPEN_START = gettext_lazy("debut")


def filename(filters: dict, extension: str) -> str:
    start = filters.get("start")
    end = filters.get("end") or timezone.localdate()
    start_text = start.isoformat() if start else str(FILENAME_OPEN_START)
    return f"interactions_{start_text}_{end.isoformat()}.{extension}"
