"""Reporting at national scale on PostgreSQL: the dashboards and the contract report against the bare
SQL aggregate of the same figures, the full rebuild of the aggregates, large exports.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tremplin_rep_bench
    .venv/bin/python bench/reporting.py generate        # the synthetic nation, then a full rebuild
    .venv/bin/python bench/reporting.py measure         # dashboards, contract report, floors, weights
    .venv/bin/python bench/reporting.py export --rows 1000000 --format csv   # one process per run

Timings are in-process (Django test client, no network): server time. See RESULTS.md.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tremplin.settings")

import django  # noqa: E402

django.setup()


RUNS = 7


def _generate(args) -> None:
    from django.core.management import call_command

    from tremplin.demo.scale import territory
    from tremplin.demo.scale.generator import Options, generate
    from tremplin.reporting.aggregates import aggregates_rebuild

    # The generator at 1eaddb2 reads a town hall given as an empty point (NaN, NaN) as a position:
    # such communes get no coordinates here, as in the generator's own intent.
    town_halls = territory._town_halls

    def without_nan():
        return {
            code: (None, None, postcode) if lat is None or math.isnan(lat) else (lat, lon, postcode)
            for code, (lat, lon, postcode) in town_halls().items()
        }

    territory._town_halls = without_nan
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    context = generate(Options(scale=args.scale, seed=1, until=None, years=3, force=True), progress=print)
    print(f"generated in {time.monotonic() - started:.0f} s: {context}")
    started = time.monotonic()
    done = aggregates_rebuild(stdout=sys.stdout)
    print(f"full rebuild in {time.monotonic() - started:.0f} s: {done}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["generate", "measure", "export"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parsed = parser.parse_args()
    {"generate": _generate}[parsed.command](parsed)
