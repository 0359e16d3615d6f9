"""The catalog's operations: databases, tables, partitions, schema versions, tags and search."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from workbench.catalog.model import Columns, Partition, SchemaVersion, Table, diff_is_empty, schema_diff
from workbench.catalog.store import CatalogError, Store, catalog_path
from workbench.core.errors import nearest

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TABLE_COLUMNS = (
    "id, database, name, location, format, read_options, classification, columns, partition_keys, "
    "row_estimate, size_bytes, description, owner, status, schema_version, created_at, updated_at"
)


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def check_name(kind: str, name: str) -> str:
    """A database or table name: letters, digits and underscores, not starting with a digit."""
    if not _NAME.match(name):
        raise CatalogError(
            f"{kind} name {name!r} must be letters, digits and underscores (not starting with a digit)"
        )
    return name


def split_table_name(text: str) -> tuple[str, str]:
    """``DB.TABLE`` (with or without a leading ``catalog:``) as (database, table)."""
    body = text.removeprefix("catalog:")
    database, dot, table = body.partition(".")
    if not dot or not database or not table:
        raise CatalogError(f"{text!r} is not a table name: write DB.TABLE (e.g. catalog:sales.orders)")
    return check_name("database", database), check_name("table", table)


class Catalog:
    """An open catalog (see ``open_catalog``)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def path(self) -> str:
        return str(self.store.path)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several changes as one transaction: all of them land, or none (e.g. one crawl's results)."""
        with self.store.write():
            yield

    # --- databases -----------------------------------------------------------------------

    def ensure_database(self, name: str, description: str = "") -> None:
        check_name("database", name)
        with self.store.write() as db:
            db.execute(
                "INSERT OR IGNORE INTO databases (name, description, created_at) VALUES (?, ?, ?)",
                (name, description, now()),
            )

    def databases(self) -> list[str]:
        with self.store.read() as db:
            return [r[0] for r in db.execute("SELECT name FROM databases ORDER BY name")]

    # --- tables --------------------------------------------------------------------------

    def tables(self, database: str | None = None, *, include_deprecated: bool = True) -> list[Table]:
        where, args = ("WHERE database = ?", (database,)) if database else ("", ())
        with self.store.read() as db:
            rows = db.execute(f"SELECT {_TABLE_COLUMNS} FROM tables {where} ORDER BY database, name", args)
            found = [self._table(db, row) for row in rows.fetchall()]
        return [t for t in found if include_deprecated or t.status == "active"]

    def find_table(self, database: str, name: str) -> Table | None:
        with self.store.read() as db:
            row = db.execute(
                f"SELECT {_TABLE_COLUMNS} FROM tables WHERE database = ? AND name = ?", (database, name)
            ).fetchone()
            return None if row is None else self._table(db, row)

    def table(self, database: str, name: str) -> Table:
        """The table ``database.name``, or an error naming the closest existing table."""
        found = self.find_table(database, name)
        if found is not None:
            return found
        known = [t.full_name for t in self.tables()]
        close = nearest(f"{database}.{name}", known)
        hint = f"; did you mean {close!r}?" if close else ""
        raise CatalogError(f"catalog {self.path!r} has no table {database}.{name}{hint}")

    def save_table(self, table: Table, *, note: str = "") -> Table:
        """Insert ``table`` or update it; a changed schema becomes a new schema version with its diff."""
        self.ensure_database(table.database)
        check_name("table", table.name)
        with self.store.write() as db:
            return self._save(db, table, note)

    def _save(self, db: sqlite3.Connection, table: Table, note: str) -> Table:
        stamp = now()
        row = db.execute(
            "SELECT id, columns, schema_version, created_at FROM tables WHERE database = ? AND name = ?",
            (table.database, table.name),
        ).fetchone()
        values = (
            table.location,
            table.format,
            json.dumps(table.read_options),
            table.classification,
            json.dumps(table.columns),
            json.dumps(table.partition_keys),
            table.row_estimate,
            table.size_bytes,
            table.description,
            table.owner,
            table.status,
        )
        if row is None:
            cursor = db.execute(
                "INSERT INTO tables (location, format, read_options, classification, columns, "
                "partition_keys, row_estimate, size_bytes, description, owner, status, database, name, "
                "schema_version, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                (*values, table.database, table.name, stamp, stamp),
            )
            table_id = int(cursor.lastrowid or 0)
            changes = {"created": True, "note": note, **schema_diff([], table.columns)}
            self._add_version(db, table_id, 1, table.columns, changes, stamp)
            table.schema_version, table.created_at = 1, stamp
        else:
            table_id, old_columns, version, table.created_at = row
            diff = schema_diff([tuple(c) for c in json.loads(old_columns)], table.columns)
            if not diff_is_empty(diff):
                version += 1
                self._add_version(db, table_id, version, table.columns, {"note": note, **diff}, stamp)
            db.execute(
                "UPDATE tables SET location = ?, format = ?, read_options = ?, classification = ?, "
                "columns = ?, partition_keys = ?, row_estimate = ?, size_bytes = ?, description = ?, "
                "owner = ?, status = ?, schema_version = ?, updated_at = ? WHERE id = ?",
                (*values, version, stamp, table_id),
            )
            table.schema_version = version
        table.updated_at = stamp
        for column, tags in table.tags.items():
            for key, value in tags.items():
                db.execute("INSERT OR REPLACE INTO tags VALUES (?, ?, ?, ?)", (table_id, column, key, value))
        return table

    @staticmethod
    def _add_version(
        db: sqlite3.Connection,
        table_id: int,
        version: int,
        columns: Columns,
        changes: dict[str, Any],
        stamp: str,
    ) -> None:
        db.execute(
            "INSERT INTO schema_versions VALUES (?, ?, ?, ?, ?)",
            (table_id, version, json.dumps(columns), json.dumps(changes), stamp),
        )

    def delete_table(self, database: str, name: str) -> None:
        with self.store.write() as db:
            db.execute("DELETE FROM tables WHERE database = ? AND name = ?", (database, name))

    def _table(self, db: sqlite3.Connection, row: tuple[Any, ...]) -> Table:
        table_id, *fields = row
        tags: dict[str, dict[str, str]] = {}
        for column, key, value in db.execute(
            "SELECT column_name, key, value FROM tags WHERE table_id = ? ORDER BY column_name, key",
            (table_id,),
        ):
            tags.setdefault(column, {})[key] = value
        (database, name, location, fmt, options, classification, columns, keys) = fields[:8]
        (rows, size, description, owner, status, version, created, updated) = fields[8:]
        return Table(
            database,
            name,
            location,
            fmt,
            classification,
            [tuple(c) for c in json.loads(columns)],  # type: ignore[misc]
            [tuple(c) for c in json.loads(keys)],  # type: ignore[misc]
            json.loads(options),
            rows,
            size,
            description,
            owner,
            status,
            version,
            tags,
            created,
            updated,
        )

    def _table_id(self, db: sqlite3.Connection, database: str, name: str) -> int:
        row = db.execute("SELECT id FROM tables WHERE database = ? AND name = ?", (database, name)).fetchone()
        if row is None:
            raise CatalogError(f"catalog {self.path!r} has no table {database}.{name}")
        return int(row[0])

    # --- partitions ----------------------------------------------------------------------

    def partitions(self, database: str, name: str, *, include_deprecated: bool = False) -> list[Partition]:
        with self.store.read() as db:
            table_id = self._table_id(db, database, name)
            rows = db.execute(
                "SELECT partition_values, location, files, size_bytes, status FROM partitions "
                "WHERE table_id = ? ORDER BY partition_values",
                (table_id,),
            ).fetchall()
        found = [Partition(tuple(json.loads(v)), loc, json.loads(f), size, s) for v, loc, f, size, s in rows]
        return [p for p in found if include_deprecated or p.status == "active"]

    def put_partitions(self, database: str, name: str, partitions: list[Partition]) -> None:
        """Add or replace partitions (by their key values)."""
        with self.store.write() as db:
            table_id = self._table_id(db, database, name)
            stamp = now()
            db.executemany(
                "INSERT OR REPLACE INTO partitions VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (table_id, p.key(), p.location, json.dumps(p.files), p.size_bytes, p.status, stamp)
                    for p in partitions
                ],
            )

    def replace_table(self, table: Table, partitions: list[Partition], *, note: str = "") -> Table:
        """Save ``table`` (as ``save_table`` does) and make ``partitions`` its only partitions, at once."""
        self.ensure_database(table.database)
        check_name("table", table.name)
        with self.store.write() as db:
            saved = self._save(db, table, note)
            table_id = self._table_id(db, table.database, table.name)
            db.execute("DELETE FROM partitions WHERE table_id = ?", (table_id,))
            stamp = now()
            db.executemany(
                "INSERT INTO partitions VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (table_id, p.key(), p.location, json.dumps(p.files), p.size_bytes, p.status, stamp)
                    for p in partitions
                ],
            )
        return saved

    def drop_partitions(self, database: str, name: str, keys: list[str]) -> None:
        with self.store.write() as db:
            table_id = self._table_id(db, database, name)
            db.executemany(
                "DELETE FROM partitions WHERE table_id = ? AND partition_values = ?",
                [(table_id, k) for k in keys],
            )

    # --- history, tags, search -----------------------------------------------------------

    def history(self, database: str, name: str) -> list[SchemaVersion]:
        with self.store.read() as db:
            table_id = self._table_id(db, database, name)
            rows = db.execute(
                "SELECT version, columns, changes, created_at FROM schema_versions WHERE table_id = ? "
                "ORDER BY version",
                (table_id,),
            ).fetchall()
        return [
            SchemaVersion(v, [tuple(c) for c in json.loads(c_)], json.loads(ch), at) for v, c_, ch, at in rows
        ]  # type: ignore[misc]

    def diff(self, database: str, name: str, old: int, new: int) -> dict[str, Any]:
        versions = {v.version: v for v in self.history(database, name)}
        for wanted in (old, new):
            if wanted not in versions:
                raise CatalogError(
                    f"table {database}.{name} has no schema version {wanted} (it has 1 to {max(versions)})"
                )
        return schema_diff(versions[old].columns, versions[new].columns)

    def tag(self, database: str, name: str, key: str, value: str | None, column: str = "") -> None:
        """Set a tag (``value=None`` removes it) on the table or one of its columns."""
        if not key:
            raise CatalogError("a tag needs a key (KEY=VALUE)")
        table = self.table(database, name)
        if column and column not in dict(table.columns) and column not in dict(table.partition_keys):
            raise CatalogError(f"table {table.full_name} has no column {column!r}")
        with self.store.write() as db:
            table_id = self._table_id(db, database, name)
            if value is None:
                db.execute(
                    "DELETE FROM tags WHERE table_id = ? AND column_name = ? AND key = ?",
                    (table_id, column, key),
                )
            else:
                db.execute("INSERT OR REPLACE INTO tags VALUES (?, ?, ?, ?)", (table_id, column, key, value))

    def search(self, text: str) -> list[Table]:
        """Tables whose name, description, owner, location, a column name or a tag holds ``text``."""
        needle = text.lower()

        def matches(t: Table) -> bool:
            words = [t.full_name, t.description, t.owner, t.location, t.classification]
            words += [n for n, _ in t.columns + t.partition_keys]
            words += [f"{k}={v}" for tags in t.tags.values() for k, v in tags.items()]
            return any(needle in w.lower() for w in words)

        return [t for t in self.tables() if matches(t)]

    # --- crawl state ---------------------------------------------------------------------

    def folder_states(self, database: str) -> dict[str, tuple[str, dict[str, Any]]]:
        with self.store.read() as db:
            rows = db.execute(
                "SELECT url, fingerprint, summary FROM crawled_folders WHERE database = ?", (database,)
            ).fetchall()
        return {url: (fp, json.loads(summary)) for url, fp, summary in rows}

    def put_folder_states(self, database: str, states: dict[str, tuple[str, dict[str, Any]]]) -> None:
        with self.store.write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO crawled_folders VALUES (?, ?, ?, ?)",
                [(database, url, fp, json.dumps(summary)) for url, (fp, summary) in states.items()],
            )

    def forget_folders(self, database: str, urls: list[str]) -> None:
        with self.store.write() as db:
            db.executemany(
                "DELETE FROM crawled_folders WHERE database = ? AND url = ?", [(database, u) for u in urls]
            )


def open_catalog(url: str | os.PathLike[str] | None = None) -> Catalog:
    """Open the catalog at ``url``, else ``WORKBENCH_CATALOG``, else ``.workbench/catalog.db``.

    The file is created on first use and migrated forward when its layout is older.
    """
    return Catalog(Store(catalog_path(url)))
