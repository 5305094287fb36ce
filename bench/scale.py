"""Benchmark: `generate_scale_data` at national scale on PostgreSQL — time, memory, rows, size.

Run (PostgreSQL only; the database is created and migrated if missing):
    .venv/bin/python bench/scale.py
    .venv/bin/python bench/scale.py --recreate --until 2026-11-30
    .venv/bin/python bench/scale.py --database-url postgres://postgres@127.0.0.1:5432/tremplin_try --scale 0.1

The generation runs as a subprocess (`manage.py generate_scale_data`), so its wall time and peak memory
are its own; each line it prints is timed, which gives the time of each phase. Then every table's exact
row count and size, and the database's size. Prints Markdown to paste into bench/RESULTS.md.
A database that already holds data is left alone unless `--recreate` (which drops it first).
"""

import argparse
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tremplin_nation"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--scale", default="1")
    parser.add_argument("--seed", default="1")
    parser.add_argument("--until", help="last day of activity (YYYY-MM-DD; yesterday by default)")
    parser.add_argument("--recreate", action="store_true", help="drop the database first if it exists")
    options = parser.parse_args()
    url = options.database_url
    if not url.startswith("postgres"):
        sys.exit("This benchmark runs on PostgreSQL: --database-url postgres://…")
    prepare(url, recreate=options.recreate)
    command = [
        str(ROOT / ".venv/bin/python"),
        "manage.py",
        "generate_scale_data",
        "--scale",
        options.scale,
        "--seed",
        options.seed,
    ]
    if options.until:
        command += ["--until", options.until]
    environment = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    started = time.monotonic()
    lines = []
    with subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True
    ) as process:
        for line in process.stdout:
            lines.append((time.monotonic() - started, line.rstrip()))
            print(f"{lines[-1][0]:7.1f} s  {lines[-1][1]}", file=sys.stderr)
    elapsed = time.monotonic() - started
    if process.returncode:
        sys.exit(f"generate_scale_data failed ({process.returncode})")
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report(url, options, command, lines, elapsed, peak_mib)


def prepare(url: str, *, recreate: bool) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and recreate:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    environment = {**os.environ, "DATABASE_URL": url}
    python = str(ROOT / ".venv/bin/python")
    migrate = [python, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, cwd=ROOT, env=environment, check=True)  # noqa: S603 - our own manage.py
    subprocess.run(  # noqa: S603 - our own manage.py
        [python, "manage.py", "import_communes"],
        cwd=ROOT,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def report(url: str, options, command, lines, elapsed: float, peak_mib: float) -> None:
    import psycopg

    phases = [
        (at, text) for at, text in lines if text[:2] in ("1/", "2/", "3/", "4/") or text.startswith("Stat")
    ]
    with psycopg.connect(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        tables = conn.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid), "
            "pg_indexes_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = current_schema() "
            "ORDER BY pg_total_relation_size(c.oid) DESC"
        ).fetchall()
        rows = {
            name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608 - catalog names
            for name, *_sizes in tables
        }
        database = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
    print(
        f"## scale.py — {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, PostgreSQL {version}\n"
    )
    shown = " ".join(command[1:]).replace(str(ROOT) + "/", "")
    print(f"Command: `DATABASE_URL={url} .venv/bin/python {shown}` (through `bench/scale.py`)\n")
    print(
        f"Wall time: **{elapsed / 60:.1f} min** ({elapsed:.0f} s); peak memory of the command: "
        f"**{peak_mib:.0f} MiB**; database size after VACUUM ANALYZE: **{database}**.\n"
    )
    print("| phase | started at (s) | lasted (s) |\n|---|---|---|")
    for (at, text), (next_at, _next) in zip(phases, [*phases[1:], (elapsed, "")], strict=True):
        print(f"| {text.split(' : ')[0][:70]} | {at:.0f} | {next_at - at:.0f} |")
    print("\n| table | rows | table MiB | indexes MiB | total MiB |\n|---|---|---|---|---|")
    for name, total, table, indexes in tables:
        if rows[name]:
            sizes = " | ".join(f"{size / 2**20:.0f}" for size in (table, indexes, total))
            print(f"| {name} | {rows[name]:,} | {sizes} |")
    print("\nThe command's own report:\n\n```")
    for _at, text in lines:
        if " : " in text and not text.startswith(("1/", "2/", "3/", "4/", "   ")):
            print(text)
    print("```")


if __name__ == "__main__":
    main()
