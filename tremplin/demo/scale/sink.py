"""Where the generated rows go: PostgreSQL's COPY in batches, or bulk inserts on SQLite.

Rows are plain named tuples holding every concrete column of their model, ids included: a raw insert
applies no Python default, so a table's row type is built from the model itself and a missing value is
an error at once, not a NULL in the database. Ids are allocated in advance, after the largest id in the
table, so that rows can point at each other before they are written; the sequences are moved past them
at the end.

On PostgreSQL the large tables are loaded without their secondary indexes and foreign keys, which are
put back — and so checked over every row — once the data is in, as `pg_restore` does; all of it in the
caller's transaction, so a failure leaves the database as it was.
"""

from __future__ import annotations

import logging
import threading
from collections import namedtuple
from collections.abc import Callable, Iterable

from django.db import connection
from django.db.models import Max, Model

logger = logging.getLogger(__name__)

#: Rows kept in memory before they are written, all tables together.
BATCH_ROWS = 50_000


class Table:
    """One table's row type and id counter."""

    def __init__(self, model: type[Model]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.name = model._meta.db_table
        self.columns = [field.column for field in self.fields]
        self.Row = namedtuple(model.__name__ + "Row", [field.attname for field in self.fields])
        self.next_id = 1
        self.written = 0

    def allocate(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    def __repr__(self):
        return f"Table({self.name})"


class Sink:
    """Buffers rows per table and writes them in batches; `tables` are in the order they are written.

    On PostgreSQL a batch is copied by a background thread, on the same connection (so in the same
    transaction), while the next one is drawn: the server's work overlaps the generator's. The
    generator never touches the database between `add` and `finish`, and at most two batches are in
    memory at once."""

    def __init__(self, models: Iterable[type[Model]], *, batch_rows: int = BATCH_ROWS):
        self.tables = {model: Table(model) for model in models}
        self.buffers: dict[Table, list] = {table: [] for table in self.tables.values()}
        self.buffered = 0
        self.batch_rows = batch_rows
        self.is_postgres = connection.vendor == "postgresql"
        self._writer: threading.Thread | None = None
        self._failure: BaseException | None = None
        for table in self.tables.values():
            table.next_id = _next_id(table)

    def __getitem__(self, model: type[Model]) -> Table:
        return self.tables[model]

    def add(self, table: Table, row: tuple) -> None:
        self.buffers[table].append(row)
        table.written += 1
        self.buffered += 1
        if self.buffered >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        batch = [(table, rows) for table, rows in self.buffers.items() if rows]
        self.buffers = {table: [] for table in self.tables.values()}
        self.buffered = 0
        if not batch:
            return
        if not self.is_postgres:
            with connection.cursor() as cursor:
                for table, rows in batch:
                    _insert(cursor, table, rows)
            return
        self.wait()
        connection.ensure_connection()
        self._writer = threading.Thread(
            target=self._copy_batch, args=(connection.connection, batch), daemon=True
        )
        self._writer.start()

    def _copy_batch(self, raw_connection, batch) -> None:
        try:
            with raw_connection.cursor() as cursor:
                for table, rows in batch:
                    _copy(cursor, table, rows)
        except BaseException as failure:  # handed over to the generator's thread by `wait`
            self._failure = failure

    def wait(self) -> None:
        """Until the batch being copied is in; its failure, if any, is raised here."""
        if self._writer is not None:
            self._writer.join()
            self._writer = None
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure

    def finish(self) -> None:
        """Write what is left and move every sequence past the ids used."""
        self.flush()
        self.wait()
        if self.is_postgres:
            with connection.cursor() as cursor:
                for table in self.tables.values():
                    if table.next_id > 1:
                        cursor.execute(
                            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                            [f'"{table.name}"', table.next_id - 1],
                        )


def _next_id(table: Table) -> int:
    largest = table.model._base_manager.aggregate(largest=Max("pk"))["largest"] or 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')::regclass)",
                [f'"{table.name}"'],
            )
            (last_value,) = cursor.fetchone()
        largest = max(largest, last_value or 0)
    return largest + 1


def _copy(cursor, table: Table, rows: list) -> None:
    """COPY through psycopg's own cursor (a raw connection's, in the writer thread)."""
    columns = ", ".join(f'"{column}"' for column in table.columns)
    with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def _insert(cursor, table: Table, rows: list) -> None:
    """Bulk insert with the database values Django would have sent (dates, UUIDs, JSON...)."""
    columns = ", ".join(connection.ops.quote_name(column) for column in table.columns)
    marks = ", ".join(["%s"] * len(table.columns))
    prepare: list[Callable] = [_preparer(field) for field in table.fields]
    cursor.executemany(
        f"INSERT INTO {connection.ops.quote_name(table.name)} ({columns}) VALUES ({marks})",  # noqa: S608 - quoted identifiers
        [[to_db(value) for to_db, value in zip(prepare, row, strict=True)] for row in rows],
    )


def _preparer(field) -> Callable:
    def prepare(value):
        return None if value is None else field.get_db_prep_save(value, connection)

    return prepare


# ---------------------------------------------------------------------------------------------
# Loading without secondary indexes and foreign keys (PostgreSQL)
# ---------------------------------------------------------------------------------------------


class BulkLoad:
    """Drops the foreign keys, unique constraints and secondary indexes of `models`' tables, and puts
    them back (same names, same definitions) on `restore()`. The primary keys and CHECK constraints
    stay: every row is still checked against them as it is copied. Nothing happens on SQLite."""

    def __init__(self, models: Iterable[type[Model]]):
        self.tables = [model._meta.db_table for model in models]
        self.constraints: list[tuple[str, str, str, str]] = []
        self.indexes: list[str] = []
        self.active = connection.vendor == "postgresql"

    def drop(self) -> None:
        if not self.active:
            return
        with connection.cursor() as cursor:
            _check_pending(cursor)
            for table in self.tables:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname",
                    [f'"{table}"'],
                )
                for name, definition, kind in cursor.fetchall():
                    self.constraints.append((kind, table, name, definition))
                    logger.debug("dropping %s constraint %s on %s", kind, name, table)
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                    "WHERE i.schemaname = current_schema() AND i.tablename = %s AND NOT EXISTS ("
                    "  SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
                    "  AND c.conrelid = %s::regclass) ORDER BY i.indexname",
                    [table, f'"{table}"'],
                )
                for name, definition in cursor.fetchall():
                    self.indexes.append(definition)
                    cursor.execute(f'DROP INDEX "{name}"')
            for _kind, table, name, _definition in self.constraints:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')

    def restore(self, progress: Callable[[str], None] = lambda message: None) -> None:
        """Rebuild the indexes, then the unique constraints, then the foreign keys (which scan)."""
        if not self.active:
            return
        with connection.cursor() as cursor:
            _check_pending(cursor)
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for definition in self.indexes:
                progress(definition.split(" ON ")[0].replace("CREATE ", "").lower())
                cursor.execute(definition)
            # Unique constraints ("u") before foreign keys ("f").
            for _kind, table, name, definition in sorted(self.constraints, key=lambda c: c[0], reverse=True):
                progress(f"{table}.{name}")
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def _check_pending(cursor) -> None:
    """Run the foreign-key checks deferred so far in the transaction: PostgreSQL alters no table with
    checks still pending (rows just inserted, e.g. the communes imported first)."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
