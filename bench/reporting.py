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
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tremplin.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RUNS = 7


def _generate(args) -> None:
    from django.core.management import call_command

    from tremplin.demo.scale.generator import Options, generate
    from tremplin.reporting.aggregates import aggregates_rebuild

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    context = generate(Options(scale=args.scale, seed=1, until=None, years=3, force=True), progress=print)
    print(f"generated in {time.monotonic() - started:.0f} s: {context}")
    started = time.monotonic()

    class Lines:
        def write(self, text):
            print(text, flush=True)

    done = aggregates_rebuild(stdout=Lines())
    print(f"full rebuild in {time.monotonic() - started:.0f} s: {done}")
    # The load noted, then took, hundreds of thousands of changes: vacuum their table, as autovacuum
    # soon would, or every page's "anything changed?" scans its dead rows.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reporting_change")


def _admin_client():
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tremplin.accounts.models import User

    user, _created = User.objects.get_or_create(
        email="bench-admin@bench.tremplin.test", defaults={"is_staff": True, "is_superuser": True}
    )
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client, user


def _time(call, runs: int = RUNS):
    call()  # warm-up
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        result = call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings), result


FLOOR_SQL = """
WITH i AS (
  SELECT i.id, i.duration_minutes, i.time_category FROM mediation_interaction i
  JOIN territory_site s ON s.id = i.site_id JOIN territory_commune c ON c.id = s.commune_id
  LEFT JOIN staffing_shift sh ON sh.id = i.shift_id
  WHERE i.deleted_at IS NULL AND i.started_at >= %(low)s AND i.started_at < %(high)s AND {where}
), a AS (
  SELECT a.beneficiary_id, a.interaction_id FROM mediation_accompaniment a JOIN i ON i.id = a.interaction_id
)
SELECT
  (SELECT count(*) FROM i), (SELECT coalesce(sum(duration_minutes), 0) FROM i),
  (SELECT coalesce(sum(duration_minutes), 0) FROM i WHERE time_category = 'digital_assistance'),
  (SELECT count(*) FROM a), (SELECT count(DISTINCT beneficiary_id) FROM a),
  (SELECT count(*) FROM a WHERE beneficiary_id IS NULL),
  (SELECT round(coalesce(sum(extract(epoch FROM
       least(sh.ended_at, %(high)s) - greatest(sh.started_at, %(low)s))), 0) / 60)
     FROM staffing_shift sh JOIN territory_site s ON s.id = sh.site_id
     JOIN territory_commune c ON c.id = s.commune_id
     WHERE sh.ended_at > %(low)s AND sh.started_at < %(high)s AND {where}),
  (SELECT count(*) FROM a JOIN workshops_session ws ON ws.interaction_id = a.interaction_id)
"""


def _floor(where: str, period, params: dict):
    from tremplin.reporting.compute import local_midnight

    low, high = local_midnight(period.start), local_midnight(period.end + timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL.format(where=where), {"low": low, "high": high, **params})  # noqa: S608
        return cursor.fetchone()


def _measure(args) -> None:
    from django.db.models import Count
    from django.utils import timezone

    from tremplin.core.tenancy import Viewer
    from tremplin.mediation.models import Interaction
    from tremplin.reporting import selectors
    from tremplin.reporting.aggregates import aggregates_refresh
    from tremplin.reporting.models import ScopeKind
    from tremplin.reporting.periods import Period, add_months
    from tremplin.reporting.scopes import NATION, Scope
    from tremplin.staffing.models import Contract
    from tremplin.territory.models import Site

    started = time.monotonic()
    changes = aggregates_refresh()
    print(f"refresh before measuring: {changes} changes in {time.monotonic() - started:.1f} s")
    client, user = _admin_client()
    viewer = Viewer(user_id=user.pk, is_platform_admin=True)
    this_month = timezone.localdate().replace(day=1)
    period = Period(add_months(this_month, -12), add_months(this_month, -1))
    busiest = (
        Interaction.objects.filter(started_at__year=period.first.year)
        .values("site_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    site = Site.objects.select_related("commune__departement").get(pk=busiest["site_id"])
    departement = site.commune.departement
    contract = Contract.objects.annotate(n=Count("contract_sites")).order_by("-n", "pk").first()
    query = f"?{period.query()}"
    cases = [
        ("nation", "/statistiques/" + query, NATION, "TRUE", {}),
        (
            f"département {departement.code}",
            f"/statistiques/departement/{departement.pk}/{query}",
            Scope(ScopeKind.DEPARTEMENT, departement),
            "c.departement_id = %(id)s",
            {"id": departement.pk},
        ),
        (
            f"site {site.pk}",
            f"/statistiques/site/{site.pk}/{query}",
            Scope(ScopeKind.SITE, site),
            "s.id = %(id)s",
            {"id": site.pk},
        ),
        (
            f"contract report {contract.reference} ({contract.n} sites)",
            f"/statistiques/contrats/{contract.pk}/compte-rendu/{query}",
            Scope(ScopeKind.CONTRACT, contract),
            "sh.contract_id = %(id)s",
            {"id": contract.pk},
        ),
    ]
    print(f"period: {period.label}; {Interaction.objects.count():,} interactions in the database")
    print("| page | median ms | max ms | queries | KB | bare SQL ms | ratio | exact |")
    print("|---|---|---|---|---|---|---|---|")
    for label, url, scope, where, params in cases:
        median, worst, response = _time(lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        floor_ms, _worst, floor = _time(
            lambda where=where, params=params: _floor(where, period, params), runs=3
        )
        figures = selectors.figures(viewer, scope, period)
        mine = (
            figures.interactions,
            figures.minutes,
            figures.digital_minutes,
            figures.accompaniments,
            figures.followed_people,
            figures.anonymous_accompaniments,
        )
        exact = (
            mine == tuple(int(v) for v in floor[:6])
            and abs(figures.worked_minutes - int(floor[6])) <= 1
            and figures.workshop_accompaniments == int(floor[7])
        )
        print(
            f"| {label} | {median:.0f} | {worst:.0f} | {len(queries)} | {len(response.content) / 1024:.1f} "
            f"| {floor_ms:.0f} | {median / floor_ms:.2f} | {'yes' if exact else f'NO {mine} {floor}'} |"
        )


def _export(args) -> None:
    import shutil

    from tremplin.mediation import exports
    from tremplin.mediation.models import Interaction

    interactions = Interaction.objects.alive().order_by("pk")
    last = interactions.values_list("pk", flat=True)[args.rows - 1 : args.rows].first()
    rows = (
        interactions.filter(pk__lte=last)
        .select_related("site", "mediator__user")
        .prefetch_related("themes", "accompaniments")
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    target = Path(tempfile.gettempdir()) / f"bench-export.{args.format}"
    if args.format == "csv":
        with target.open("w", encoding="utf-8") as output:
            for line in exports.csv_lines(rows):
                output.write(line)
    else:
        with exports.xlsx_file(rows) as workbook, target.open("wb") as output:
            shutil.copyfileobj(workbook, output)
    elapsed = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"| {args.rows:,} | {args.format} | {elapsed:.0f} | {target.stat().st_size / 2**20:.0f} "
        f"| {before / 1024:.0f} | {peak / 1024:.0f} |"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["generate", "measure", "export"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parsed = parser.parse_args()
    {"generate": _generate, "measure": _measure, "export": _export}[parsed.command](parsed)
