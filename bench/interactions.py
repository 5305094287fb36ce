"""Benchmark: the record endpoint (POST /api/v1/interactions) through gunicorn on PostgreSQL.

Each simulated tablet is one mediator with their own API token and a shift under way; it posts interactions
with fresh client UUIDs and, one time in ten, replays one it already sent (a tablet that lost the answer).
Closed-loop phases post as fast as the answers come back (the server's capacity); paced phases wait 1–3 s
between two records, still far busier than a real office, to show latency below saturation.
After each phase the database must hold exactly one interaction per UUID answered 201.

Run (PostgreSQL is required; the database is created and migrated if missing):
    .venv/bin/python bench/interactions.py
    .venv/bin/python bench/interactions.py --workers 2,4 --clients 20,100 --seconds 10
Prints Markdown to paste into bench/RESULTS.md. Timings are measured here, never asserted in tests.
The load goes to 127.0.0.1 only, and every phase stops by itself after `--seconds`.
"""

import argparse
import http.client
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tremplin.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tremplin_bench")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

import django  # noqa: E402

N_SITES = 10
REPLAY_SHARE = 0.1
#: Interactions already in the table before the first phase (about a year of a mid-sized operator).
SEED_INTERACTIONS = 100_000
OPERATOR_NAME = "Opérateur de banc d'essai (médiation)"
KINDS = ["information_orientation"] * 4 + ["machines_and_tools"] * 3 + ["individual_accompaniment"] * 2
KINDS += ["postal_forms", "conflict_prevention"]
THEMES = [
    "email",
    "aide_aux_demarches_administratives",
    "banque_et_achats_en_ligne",
    "sante",
    "argent_impots",
]


def ensure_postgres_database():
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# --- The world: an operator, its sites, its mediators on shift, a year of history ---------------------


def world(n_mediators: int):
    from django.utils import timezone

    from tremplin.accounts.models import ApiToken, Membership, Operator, User
    from tremplin.accounts.services import api_token_create
    from tremplin.staffing import services as staffing_services
    from tremplin.staffing.models import Contract, ContractSite, MediatorProfile, Shift
    from tremplin.territory.models import Commune, Departement, Region, Site

    region, _ = Region.objects.get_or_create(code="M01", defaults={"name": "Région du banc médiation"})
    departement, _ = Departement.objects.get_or_create(
        code="M01", defaults={"name": "Département du banc médiation", "region": region}
    )
    commune, _ = Commune.objects.get_or_create(
        code="M0001", defaults={"name": "Commune du banc médiation", "departement": departement}
    )
    sites = [
        Site.objects.get_or_create(
            identifier=f"MEDBENCH{i:02d}",
            defaults={"name": f"Bureau du banc {i}", "kind": Site.Kind.values[0], "commune": commune},
        )[0]
        for i in range(N_SITES)
    ]
    operator, _ = Operator.objects.get_or_create(name=OPERATOR_NAME)
    operator.departements.add(departement)
    client, _ = Operator.objects.get_or_create(name="La Poste — client du banc médiation")
    today = timezone.localdate()
    contract, _ = Contract.objects.get_or_create(
        operator=operator,
        reference="BENCH-MED",
        defaults={
            "client": client,
            "title": "Contrat du banc médiation",
            "starts_on": date(today.year - 1, 1, 1),
            "ends_on": date(today.year + 1, 12, 31),
            "status": Contract.Status.ACTIVE,
        },
    )
    for site in sites:
        ContractSite.objects.get_or_create(contract=contract, site=site)
    ApiToken.objects.filter(membership__operator=operator, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    tokens = []
    now = timezone.now()
    for i in range(n_mediators):
        user, _ = User.objects.get_or_create(email=f"mediateur{i:03d}@banc-mediation.test")
        membership, _ = Membership.objects.get_or_create(user=user, operator=operator, role="mediator")
        mediator, _ = MediatorProfile.objects.get_or_create(user=user, operator=operator)
        for shift in Shift.objects.filter(mediator=mediator, ended_at__isnull=True):
            staffing_services.shift_end_recorded(actor=None, shift=shift, ended_at=now)
        staffing_services.shift_start(
            actor=None, mediator=mediator, site=sites[i % N_SITES], at=now - timedelta(minutes=30)
        )
        tokens.append(api_token_create(actor=user, membership=membership, name="banc")[1])
    return operator, tokens


def seed(operator, target: int):
    """A year of past interactions, written in bulk (no journal): the table and its indexes at size."""
    from django.utils import timezone

    from tremplin.mediation.models import Accompaniment, Interaction, InteractionTheme
    from tremplin.mediation.vocabularies import DEFAULT_TIME_CATEGORY
    from tremplin.staffing.models import MediatorProfile
    from tremplin.territory.models import Site

    missing = target - Interaction.objects.filter(operator=operator).count()
    if missing <= 0:
        return
    mediators = list(MediatorProfile.objects.filter(operator=operator).values_list("pk", flat=True))
    sites = list(Site.objects.filter(identifier__startswith="MEDBENCH").values_list("pk", flat=True))
    rng = random.Random(4)
    now = timezone.now()
    for start in range(0, missing, 5000):
        batch = []
        for _ in range(min(5000, missing - start)):
            kind = rng.choice(KINDS)
            batch.append(
                Interaction(
                    operator=operator,
                    mediator_id=rng.choice(mediators),
                    site_id=rng.choice(sites),
                    started_at=now - timedelta(minutes=rng.randint(60, 365 * 24 * 60)),
                    duration_minutes=rng.choice([5, 10, 15, 20, 30, 45]),
                    kind=kind,
                    time_category=DEFAULT_TIME_CATEGORY[kind],
                )
            )
        created = Interaction.objects.bulk_create(batch, batch_size=1000)
        InteractionTheme.objects.bulk_create(
            (InteractionTheme(interaction=row, theme=rng.choice(THEMES)) for row in created), batch_size=2000
        )
        Accompaniment.objects.bulk_create(
            (Accompaniment(interaction=row) for row in created), batch_size=2000
        )


def queries_per_request(token: str) -> tuple[int, int]:
    """SQL queries of one new record and of one replay, in-process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost", headers={"authorization": f"Bearer {token}"})
    body = json.dumps(payload(random.Random(1), str(uuid.uuid4())))
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/api/v1/interactions", body, content_type="application/json")
        assert response.status_code in (200, 201), response.content
        counts.append(len(queries))
    return counts[0], counts[1]


# --- Load -------------------------------------------------------------------------------------------


def payload(rng: random.Random, client_uuid: str) -> dict:
    body = {
        "client_uuid": client_uuid,
        "kind": rng.choice(KINDS),
        "duration_minutes": rng.choice([5, 10, 15, 20, 30]),
        "themes": rng.sample(THEMES, rng.choice([1, 1, 2])),
    }
    if rng.random() < 0.3:
        body["people"] = [{"age_bracket": "soixante_dix_plus", "gender": "feminin", "is_first_time": True}]
    return body


class Tablet(threading.Thread):
    def __init__(self, index, token, port, deadline, paced):
        super().__init__(daemon=True)
        self.rng = random.Random(index)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.port, self.deadline, self.paced = port, deadline, paced
        self.sent: list[str] = []
        self.results: list[tuple[float, int, bool, str]] = []

    def run(self):
        while time.monotonic() < self.deadline:
            replay = bool(self.sent) and self.rng.random() < REPLAY_SHARE
            body = self.rng.choice(self.sent) if replay else json.dumps(payload(self.rng, str(uuid.uuid4())))
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                connection.request("POST", "/api/v1/interactions", body, self.headers)
                status = connection.getresponse().status
                connection.close()
            except OSError:
                status = 0
            self.results.append(((time.perf_counter() - started) * 1000, status, replay, body))
            if not replay and status == 201:
                self.sent.append(body)
            if self.paced:
                time.sleep(self.rng.uniform(1.0, 3.0))


def start_gunicorn(workers: int, port: int) -> subprocess.Popen:
    env = dict(os.environ, DEBUG="0", ALLOWED_HOSTS="127.0.0.1,localhost")
    process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "tremplin.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/sante/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop_gunicorn(process)
    sys.exit("gunicorn did not answer on /sante/")


def stop_gunicorn(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_quiet(limit: float, patience: float) -> float:
    """The machine may be busy with other work: wait (a bounded time) for it to calm down; returns the
    1-minute load average at the start, which the table shows."""
    deadline = time.monotonic() + patience
    while os.getloadavg()[0] > limit and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def phase(tokens, clients: int, port: int, seconds: float, paced: bool) -> dict:
    from tremplin.mediation.models import Interaction

    before = Interaction.objects.count()
    deadline = time.monotonic() + seconds
    tablets = [Tablet(i, tokens[i], port, deadline, paced) for i in range(clients)]
    started = time.monotonic()
    for tablet in tablets:
        tablet.start()
    for tablet in tablets:
        tablet.join(timeout=seconds + 120)
    elapsed = time.monotonic() - started
    results = [row for tablet in tablets for row in tablet.results]
    latencies = sorted(row[0] for row in results)
    created = [json.loads(row[3])["client_uuid"] for row in results if row[1] == 201]
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(results),
        "replays": sum(1 for row in results if row[2]),
        "errors": sum(1 for row in results if row[1] not in (200, 201)),
        "rps": len(results) / elapsed,
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "max": latencies[-1],
        "one_row_per_uuid": len(created) == len(set(created)) == Interaction.objects.count() - before,
    }


def machine() -> str:
    from django.db import connection

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory = next(line.split()[1] for line in meminfo if line.startswith("MemTotal"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    import gunicorn

    return (
        f"{os.cpu_count()} cores ({cpu}), {int(memory) / 1024 / 1024:.0f} GiB, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, Django {django.get_version()}, "
        f"gunicorn {gunicorn.__version__} (sync workers), PostgreSQL {postgres} on the same machine"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workers", default="2,4,8", help="gunicorn worker counts, comma-separated")
    parser.add_argument("--clients", default="20,50,100", help="concurrent tablets, comma-separated")
    parser.add_argument("--paced-clients", type=int, default=100, help="tablets of the paced phase (0: none)")
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--seed", type=int, default=SEED_INTERACTIONS, help="interactions already recorded")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--quiet-wait", type=float, default=180, help="seconds to wait, at most, for the load average to fall"
    )
    args = parser.parse_args()
    worker_counts = [int(n) for n in args.workers.split(",")]
    client_counts = [int(n) for n in args.clients.split(",")]

    ensure_postgres_database()
    django.setup()
    from django.core.management import call_command

    from tremplin.mediation.models import Interaction

    call_command("migrate", verbosity=0)
    operator, tokens = world(max(client_counts + [args.paced_clients]))
    seed(operator, args.seed)
    fresh, replay = queries_per_request(tokens[-1])
    from django.db import connection

    connection.close()

    print(f"Machine: {machine()}\n")
    print(f"Command: `{' '.join(['.venv/bin/python', 'bench/interactions.py', *sys.argv[1:]])}`\n")
    print(
        f"{Interaction.objects.filter(operator=operator).count():,} interactions in the table before the "
        f"run; SQL queries per request: {fresh} for a new record, {replay} for a replay.\n"
    )
    print(
        "| gunicorn workers | tablets | pace | load before | requests | replays | non-2xx | req/s | p50 ms "
        "| p95 ms | p99 ms | max ms | one row per UUID |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for workers in worker_counts:
        process = start_gunicorn(workers, args.port)
        try:
            phase(tokens, min(client_counts), args.port, 3, paced=False)  # warm-up, not reported
            runs = [(clients, False) for clients in client_counts]
            if args.paced_clients:
                runs.append((args.paced_clients, True))
            for clients, paced in runs:
                load = wait_for_quiet(1.0, args.quiet_wait)
                r = phase(tokens, clients, args.port, args.seconds, paced)
                print(
                    f"| {workers} | {clients} | {'1–3 s' if paced else 'closed loop'} | {load:.1f} "
                    f"| {r['requests']} "
                    f"| {r['replays']} | {r['errors']} | {r['rps']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} "
                    f"| {r['p99']:.0f} | {r['max']:.0f} | {'yes' if r['one_row_per_uuid'] else 'NO'} |",
                    flush=True,
                )
        finally:
            stop_gunicorn(process)


if __name__ == "__main__":
    main()
