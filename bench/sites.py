"""Benchmark: site pages and API at national scale (about 17,000 points of contact).

Run: `.venv/bin/python bench/sites.py` (SQLite in var/bench.sqlite3), or with
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/tremplin_bench` for PostgreSQL (database created if missing).
Prints a Markdown table to paste into bench/RESULTS.md. Timings are measured here, never asserted in tests.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tremplin.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")

import django  # noqa: E402

N_DEPARTEMENTS = 100
N_COMMUNES = 20_000
N_SITES = 17_000
RUNS = 30


def ensure_postgres_database():
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def populate():
    from tremplin.territory.models import Commune, Departement, Region, Site

    if Site.objects.count() >= N_SITES:
        return
    region = Region.objects.create(code="99", name="Région de test")
    departements = Departement.objects.bulk_create(
        Departement(code=f"{i:02d}" if i < 100 else str(i), name=f"Département {i}", region=region)
        for i in range(1, N_DEPARTEMENTS + 1)
    )
    Commune.objects.bulk_create(
        (
            Commune(
                code=f"{i:05d}",
                name=f"Commune {i}",
                departement=departements[i % N_DEPARTEMENTS],
                population=300 + (i * 37) % 40_000,
                is_rural=(i % 3 != 0),
            )
            for i in range(N_COMMUNES)
        ),
        batch_size=2000,
    )
    communes = list(Commune.objects.all())
    kinds = list(Site.Kind.values)
    Site.objects.bulk_create(
        (
            Site(
                identifier=f"B{i:06d}",
                name=f"Point de contact {i}",
                kind=kinds[i % len(kinds)],
                commune=communes[i % len(communes)],
                postcode="00000",
                has_mediation=i % 40 == 0,
                has_kiosk=i % 25 == 0,
                is_qpv=i % 17 == 0,
            )
            for i in range(N_SITES)
        ),
        batch_size=2000,
    )


def verified_client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def actors():
    from tremplin.accounts.models import Membership, Operator, User
    from tremplin.accounts.services import api_token_create
    from tremplin.territory.models import Departement

    operator, _ = Operator.objects.get_or_create(name="Opérateur de banc d'essai")
    operator.departements.set(Departement.objects.all()[:10])
    users = {}
    for role, national in (("coordinator", False), ("funder", True)):
        user, _ = User.objects.get_or_create(email=f"{role}@bench.test")
        membership, _ = Membership.objects.get_or_create(
            user=user, operator=operator, role=role, defaults={"is_national": national}
        )
        users[role] = (user, membership)
    _token, raw = api_token_create(actor=users["funder"][0], membership=users["funder"][1], name="bench")
    return verified_client(users["coordinator"][0]), verified_client(users["funder"][0]), raw


def measure(label, call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up
    timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = call()
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (label, response.status_code)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    size = len(response.content)
    print(f"| {label} | {statistics.median(timings):.1f} | {p95:.1f} | {len(queries)} | {size / 1024:.1f} |")


def main():
    ensure_postgres_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    populate()
    coordinator, funder, token = actors()
    from tremplin.territory.models import Site

    dep = Site.objects.values_list("commune__departement_id", flat=True).first()
    print(f"{connection.vendor}, {Site.objects.count()} sites, {RUNS} runs each\n")
    print("| request | median ms | p95 ms | queries | KB |")
    print("|---|---|---|---|---|")
    measure("GET /sites/ (coordinator, 10 départements)", lambda: coordinator.get("/sites/"))
    measure("GET /sites/ national funder, page 100", lambda: funder.get("/sites/?page=100"))
    measure(
        "GET /sites/?departement=…&has_mediation=1 (funder)",
        lambda: funder.get(f"/sites/?departement={dep}&has_mediation=1"),
    )
    measure("GET /sites/?commune=Commune 12 (funder)", lambda: funder.get("/sites/?commune=Commune 12"))
    measure("GET / funder home (coverage per département)", lambda: funder.get("/"))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    measure("GET /api/v1/sites?limit=500", lambda: funder.get("/api/v1/sites?limit=500", **auth))


if __name__ == "__main__":
    main()
