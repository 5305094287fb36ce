"""Tables of figures as CSV lines and XLSX workbooks (one sheet per table), in constant memory.

Numbers stay numbers: hours as decimal hours, shares as percentages, counts as integers, so that a
spreadsheet adds them up; the CSV is for French Excel (UTF-8 with BOM, ";" and decimal commas)."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .tables import MINUTES, SHARE, Table

BOM = "\ufeff"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ILLEGAL_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def _header(column) -> str:
    if column.kind == MINUTES:
        return f"{column.header} (heures)"
    if column.kind == SHARE:
        return f"{column.header} (%)"
    return column.header


def number(kind: str, value):
    """The value a spreadsheet holds: hours for minutes, a share as is (shown as a percentage)."""
    if value is None:
        return None
    if kind == MINUTES:
        return round(value / 60, 2)
    if kind == "decimal":
        return round(value, 1)
    return value


def _csv_value(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == SHARE:
        return f"{value * 100:.1f}".replace(".", ",")
    if kind in (MINUTES, "decimal"):
        return str(number(kind, value)).replace(".", ",")
    return str(value)


def table_lines(table: Table):
    headers = [_header(column) for column in table.columns]
    if table.name == "chiffres-cles":
        headers = [table.columns[0].header, "Valeur", "Unité"]
    yield headers
    rows = [*table.rows, *([table.footer] if table.footer else [])]
    for row in rows:
        cells = table.cells(row)
        if table.name == "chiffres-cles":
            (_kind, label), (kind, value) = cells
            yield [label, _csv_value(kind, value), _unit(kind)]
        else:
            yield [_csv_value(kind, value) if kind != "text" else str(value) for kind, value in cells]


def _unit(kind: str) -> str:
    return {MINUTES: "heures", SHARE: "%", "decimal": "minutes"}.get(kind, "")


def sheet_title(title: str, used: set) -> str:
    base = ILLEGAL_SHEET_CHARACTERS.sub(" ", title)[:31].strip() or "Tableau"
    name, index = base, 2
    while name in used:
        suffix = f" ({index})"
        name = base[: 31 - len(suffix)] + suffix
        index += 1
    used.add(name)
    return name


def _write(sheet, table: Table) -> None:
    bold = Font(bold=True)
    headers = next(table_lines(table))
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 40 if index == 1 else 18
    sheet.append([_bold(sheet, header, bold) for header in headers])
    for row in [*table.rows, *([table.footer] if table.footer else [])]:
        cells = table.cells(row)
        if table.name == "chiffres-cles":
            (_kind, label), (kind, value) = cells
            sheet.append([str(label), _cell(sheet, kind, value), _unit(kind)])
        else:
            sheet.append(
                [str(value) if kind == "text" else _cell(sheet, kind, value) for kind, value in cells]
            )
    if table.note:
        sheet.append([])
        sheet.append([table.note])


def _bold(sheet, value, font):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def _cell(sheet, kind: str, value):
    value = number(kind, value)
    if kind == SHARE and value is not None:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "0.0%"
        return cell
    if kind == MINUTES and value is not None:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "0.00"
        return cell
    return value


def workbook_bytes(tables: list[Table]) -> bytes:
    workbook = Workbook(write_only=True)
    used = set()
    for table in tables:
        sheet = workbook.create_sheet(sheet_title(table.title, used))
        sheet.freeze_panes = "A2"
        _write(sheet, table)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
