"""Benchmark: the public agenda with a national programme, and bookings racing for the last seats.

Run: `.venv/bin/python bench/workshops.py` (PostgreSQL only: `DATABASE_URL`, default
`postgres://postgres@127.0.0.1:5432/tremplin_bench_workshops`, created and migrated if missing).
Prints Markdown tables to paste into bench/RESULTS.md. Timings are measured here, never asserted in tests.

1. The agenda pages (index, an office, a commune) with 2,000 upcoming published sessions at 200 offices,
   each booked by a few people: in-process latency (Django test client, no network), SQL queries, bytes.
2. Bookings at once: 20, 50 and 80 threads, each with its own connection (PostgreSQL allows 100 by
   default), booking one session of 10 seats through the service; wall time, per-booking latency, and the
   check that exactly 10 got a seat.
"""

import os
import statistics
import sys
import threading
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tremplin.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tremplin_bench_workshops")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")
# As in production: a booking queues its messages for the worker (not run here) and returns.
os.environ.setdefault("TASKS_BACKEND", "database")
os.environ.setdefault("EMAIL_URL", "dummymail://")

import django  # noqa: E402

N_SITES = 200
SESSIONS_PER_SITE = 10
BOOKED_PER_SESSION = 4
RUNS = 30


def ensure_postgres_database():
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("PostgreSQL only: the booking race needs row locks.")
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def populate():
    """Bench rows written in bulk (the services would take minutes for 2,000 sessions)."""
    from django.utils import timezone

    from tremplin.accounts.models import Operator
    from tremplin.staffing.models import Contract, ContractSite
    from tremplin.territory.models import Commune, Departement, Region, Site
    from tremplin.workshops.models import Registration, Session, Workshop, WorkshopTheme

    if Session.objects.count() >= N_SITES * SESSIONS_PER_SITE:
        return
    region = Region.objects.create(code="98", name="Région de banc d'essai")
    departement = Departement.objects.create(code="98", name="Banc d'essai", region=region)
    communes = Commune.objects.bulk_create(
        Commune(code=f"98{i:03d}", name=f"Commune {i}", departement=departement) for i in range(N_SITES)
    )
    sites = Site.objects.bulk_create(
        Site(
            identifier=f"W{i:05d}",
            name=f"Bureau {i}",
            kind="bureau_de_poste",
            commune=communes[i],
            has_mediation=True,
        )
        for i in range(N_SITES)
    )
    operator = Operator.objects.create(name="Opérateur du banc d'essai")
    client = Operator.objects.create(name="Client du banc d'essai")
    today = timezone.localdate()
    contract = Contract.objects.create(
        operator=operator,
        client=client,
        reference="BENCH-WS",
        title="Banc d'essai",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=365),
        status="active",
    )
    ContractSite.objects.bulk_create(ContractSite(contract=contract, site=site) for site in sites)
    workshop = Workshop.objects.create(
        operator=operator, title="Créer son adresse e-mail", description="Banc d'essai.", max_participants=12
    )
    WorkshopTheme.objects.create(workshop=workshop, theme="email")
    sessions = Session.objects.bulk_create(
        Session(
            operator=operator,
            workshop=workshop,
            starts_at=timezone.make_aware(datetime.combine(today + timedelta(days=1 + index), clock(14))),
            duration_minutes=90,
            site=site,
            capacity=10,
        )
        for site in sites
        for index in range(SESSIONS_PER_SITE)
    )
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            operator=operator,
            session=session,
            status="confirmed",
            source="public",
            first_name=f"Personne {number}",
            email=f"personne{session.pk}.{number}@exemple.org",
            consent_at=now,
            confirmed_at=now,
        )
        for session in sessions
        for number in range(BOOKED_PER_SESSION)
    )


def measure_pages():
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tremplin.territory.models import Site

    site = Site.objects.filter(identifier__startswith="W").order_by("pk").first()
    client = Client(HTTP_HOST="localhost")
    rows = []
    for label, url in (
        ("agenda index (200 communes)", reverse("workshops:agenda")),
        ("an office's agenda", reverse("workshops:agenda_site", args=[site.pk])),
        ("a commune's agenda", reverse("workshops:agenda_commune", args=[site.commune.code])),
    ):
        client.get(url)
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        timings.sort()
        rows.append(
            f"| {label} | {statistics.median(timings):.1f} | {timings[int(0.95 * len(timings)) - 1]:.1f} "
            f"| {len(queries)} | {len(response.content) // 1024} |"
        )
    print("| page | median ms | p95 ms | SQL queries | KB |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))


def race(threads: int) -> str:
    from django.db import connections
    from django.utils import timezone

    from tremplin.workshops import services
    from tremplin.workshops.models import Registration, Session, Workshop

    workshop = Workshop.objects.get(
        title="Créer son adresse e-mail", operator__name="Opérateur du banc d'essai"
    )
    site_session = Session.objects.filter(workshop=workshop).order_by("pk").first()
    session = Session.objects.create(
        operator=workshop.operator,
        workshop=workshop,
        starts_at=timezone.now() + timedelta(days=2),
        duration_minutes=90,
        site=site_session.site,
        capacity=10,
    )
    barrier = threading.Barrier(threads)
    latencies: list[float] = [0.0] * threads

    def book(index: int) -> None:
        try:
            barrier.wait()
            started = time.perf_counter()
            services.registration_create(
                actor=None,
                session=session,
                source="public",
                first_name=f"Course {index}",
                email=f"course{session.pk}.{index}@exemple.org",
                consent=True,
            )
            latencies[index] = (time.perf_counter() - started) * 1000
        finally:
            connections.close_all()

    workers = [threading.Thread(target=book, args=(index,)) for index in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = (time.perf_counter() - started) * 1000
    seated = Registration.objects.filter(session=session, status="confirmed").count()
    waiting = Registration.objects.filter(session=session, status="waitlisted").count()
    latencies.sort()
    exact = "yes" if seated == 10 else "NO"
    return (
        f"| {threads} | {wall:.0f} | {threads / (wall / 1000):.0f} | {statistics.median(latencies):.0f} "
        f"| {latencies[int(0.95 * threads) - 1]:.0f} | {seated} | {waiting} | {exact} |"
    )


def main():
    ensure_postgres_database()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    populate()
    measure_pages()
    print()
    print(
        "| bookings at once | wall ms | bookings/s | p50 ms | p95 ms | seated | waiting | exactly 10 seated |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for threads in (20, 50, 80):
        print(race(threads))


if __name__ == "__main__":
    main()
