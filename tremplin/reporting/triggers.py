"""Database triggers that note, in `reporting_change`, every change to the raw rows figures come from.

Whatever writes the rows — a service, a bulk generator, a correction, a soft delete, raw SQL — the
change is noted in the same transaction, so the aggregates can never silently miss it. PostgreSQL uses
statement-level triggers with transition tables (a bulk insert of a million rows notes a few rows per
site and month); SQLite, row-level triggers. They are (re)installed after every `migrate`, since
SQLite drops a table's triggers when a migration rebuilds the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Watched:
    """A table whose rows feed the figures: how to find a changed row's site, instants and contract."""

    table: str
    site: str
    first: str
    last: str
    #: A join giving the columns above from another table ("i" is its alias; "r" is the changed row).
    join: str = ""
    contract: str = "CAST(NULL AS bigint)"


INTERACTION_JOIN = "JOIN mediation_interaction i ON i.id = r.interaction_id"
VISIT_JOIN = "JOIN flow_visit i ON i.id = r.visit_id"
CONTRACT_JOIN = "JOIN staffing_contract i ON i.id = r.contract_id"
SESSION_JOIN = "JOIN workshops_session i ON i.id = r.session_id"
#: An absence changes the planned presences of every rotation of its mediator.
MEDIATOR_ROTATIONS_JOIN = "JOIN staffing_rotation i ON i.mediator_id = r.mediator_id"
ROTATION_JOIN = "JOIN staffing_rotation i ON i.id = r.rotation_id"

#: PostgreSQL and SQLite spell "a date as an instant" differently.
_DATE = {
    "postgresql": "({}::timestamp AT TIME ZONE 'UTC')",
    "sqlite": "({} || ' 00:00:00')",
}

WATCHED = (
    Watched("staffing_shift", "r.site_id", "r.started_at", "COALESCE(r.ended_at, r.started_at)"),
    Watched("mediation_interaction", "r.site_id", "r.started_at", "r.started_at"),
    Watched("mediation_accompaniment", "i.site_id", "i.started_at", "i.started_at", INTERACTION_JOIN),
    Watched("mediation_interactiontheme", "i.site_id", "i.started_at", "i.started_at", INTERACTION_JOIN),
    Watched("flow_visit", "r.site_id", "r.arrived_at", "r.arrived_at"),
    Watched("flow_visitreason", "i.site_id", "i.arrived_at", "i.arrived_at", VISIT_JOIN),
    Watched("staffing_contractsite", "r.site_id", "{date:i.starts_on}", "{date:i.ends_on}", CONTRACT_JOIN),
    Watched(
        "staffing_contract", "CAST(NULL AS bigint)", "{date:r.starts_on}", "{date:r.ends_on}", contract="r.id"
    ),
    Watched(
        "staffing_rotation",
        "r.site_id",
        "{date:r.valid_from}",
        "{date:COALESCE(r.valid_until, i.ends_on)}",
        CONTRACT_JOIN,
    ),
    Watched(
        "staffing_absence", "i.site_id", "{date:r.starts_on}", "{date:r.ends_on}", MEDIATOR_ROTATIONS_JOIN
    ),
    Watched("staffing_replacement", "i.site_id", "{date:r.date}", "{date:r.date}", ROTATION_JOIN),
    Watched("workshops_session", "r.site_id", "r.starts_at", "r.starts_at"),
    Watched("workshops_registration", "i.site_id", "i.starts_at", "i.starts_at", SESSION_JOIN),
    Watched("workshops_extraparticipants", "i.site_id", "i.starts_at", "i.starts_at", SESSION_JOIN),
)


def _expr(text: str, vendor: str) -> str:
    if text.startswith("{date:"):
        return _DATE[vendor].format(text[len("{date:") : -1])
    return text


def _postgresql(watched: Watched) -> list[str]:
    name = f"reporting_note_{watched.table}"
    site, contract = watched.site, watched.contract
    first, last = _expr(watched.first, "postgresql"), _expr(watched.last, "postgresql")

    def grouped(rows: str) -> str:
        # One change per site, contract and month of the rows: a bulk load notes little.
        # Built from the constants above only, never from input.
        return (
            "INSERT INTO reporting_change (site_id, contract_id, first_at, last_at) "  # noqa: S608
            f"SELECT {site}, {contract}, min({first}), max({last}) "
            f"FROM {rows} r {watched.join} "
            f"GROUP BY 1, 2, date_trunc('month', {first} AT TIME ZONE 'UTC');"
        )

    statements = [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN {grouped("new_rows")} END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {grouped("old_rows")} END IF;
  RETURN NULL;
END $$;"""
    ]
    for event, referencing in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ):
        trigger = f"{name}_{event.lower()}"
        statements += [
            f"DROP TRIGGER IF EXISTS {trigger} ON {watched.table};",
            f"CREATE TRIGGER {trigger} AFTER {event} ON {watched.table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
        ]
    return statements


def _sqlite(watched: Watched) -> list[str]:
    statements = []
    for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
        trigger = f"reporting_note_{watched.table}_{event.lower()}"
        inserts = []
        for row in rows:
            columns = ", ".join(
                _expr(part, "sqlite").replace("r.", f"{row}.")
                for part in (watched.site, watched.contract, watched.first, watched.last)
            )
            source = f" FROM (SELECT 1) AS z {watched.join.replace('r.', f'{row}.')}" if watched.join else ""
            inserts.append(
                "INSERT INTO reporting_change (site_id, contract_id, first_at, last_at) "
                f"SELECT {columns}{source};"
            )
        statements += [
            f"DROP TRIGGER IF EXISTS {trigger};",
            f"CREATE TRIGGER {trigger} AFTER {event} ON {watched.table} BEGIN {' '.join(inserts)} END;",
        ]
    return statements


def statements(vendor: str) -> list[str]:
    build = {"postgresql": _postgresql, "sqlite": _sqlite}.get(vendor)
    if build is None:
        return []
    return [statement for watched in WATCHED for statement in build(watched)]


def install(using: str = "default", **_kwargs) -> None:
    """Create or replace every trigger (idempotent); connected to `post_migrate`."""
    from django.db import connections

    conn = connections[using] if using else connection
    with conn.cursor() as cursor:
        for statement in statements(conn.vendor):
            cursor.execute(statement)
