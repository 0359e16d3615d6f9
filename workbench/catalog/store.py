"""The embedded catalog file: one SQLite database, safe for several processes at once.

The file is opened in WAL mode (readers never wait for the writer) with a busy timeout, and
every change runs in one ``BEGIN IMMEDIATE`` transaction, so one process writes at a time and
a change lands whole or not at all. The layout carries its own version in ``catalog_meta``;
opening an older file migrates it forward, one numbered step at a time, inside a transaction.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.core.errors import DataIOError
from workbench.core.sqlite_files import SharedFile

SCHEMA_VERSION = 1

DEFAULT_PATH = Path(".workbench") / "catalog.db"

_LAYOUT_V1 = """
CREATE TABLE databases (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE tables (
    id INTEGER PRIMARY KEY,
    database TEXT NOT NULL REFERENCES databases(name) ON DELETE CASCADE,
    name TEXT NOT NULL,
    location TEXT NOT NULL,
    format TEXT NOT NULL,
    read_options TEXT NOT NULL DEFAULT '{}',
    classification TEXT NOT NULL,
    columns TEXT NOT NULL,
    partition_keys TEXT NOT NULL DEFAULT '[]',
    row_estimate INTEGER,
    size_bytes INTEGER,
    description TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active',
    schema_version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (database, name)
);
CREATE TABLE partitions (
    table_id INTEGER NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
    partition_values TEXT NOT NULL,
    location TEXT NOT NULL,
    files TEXT NOT NULL,
    size_bytes INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'active',
    added_at TEXT NOT NULL,
    PRIMARY KEY (table_id, partition_values)
);
CREATE TABLE schema_versions (
    table_id INTEGER NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    columns TEXT NOT NULL,
    changes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (table_id, version)
);
CREATE TABLE tags (
    table_id INTEGER NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
    column_name TEXT NOT NULL DEFAULT '',
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (table_id, column_name, key)
);
CREATE TABLE crawled_folders (
    database TEXT NOT NULL,
    url TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    summary TEXT NOT NULL,
    PRIMARY KEY (database, url)
);
"""

MIGRATIONS: dict[int, str] = {1: _LAYOUT_V1}
"""Step N brings a file of layout N - 1 to layout N (0 is a new, empty file)."""


class CatalogError(DataIOError):
    """The catalog file cannot be opened, is locked past the timeout, or is not a catalog."""


def catalog_path(url: str | os.PathLike[str] | None = None) -> Path:
    """The file of a catalog URL: the argument, else ``WORKBENCH_CATALOG``, else ``.workbench/catalog.db``."""
    return _FILE.path_of(url, "WORKBENCH_CATALOG", DEFAULT_PATH)


class Store:
    """An open catalog file; ``read()`` and ``write()`` give a connection for one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection = _connect(path)
        self._migrate()

    def close(self) -> None:
        self._connection.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with _failures(self.path):
            yield self._connection

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction that holds the file's write lock from its start (one writer at a time).

        Inside an open ``write()`` a nested one joins it, so several changes land as one.
        """
        connection = self._connection
        if connection.in_transaction:
            yield connection
            return
        with _FILE.transaction(connection, self.path):
            yield connection

    def version(self) -> int:
        with self.read() as connection:
            row = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'catalog_meta'"
            ).fetchone()
            if row is None:
                return 0
            found = connection.execute(
                "SELECT value FROM catalog_meta WHERE key = 'schema_version'"
            ).fetchone()
            return int(found[0]) if found else 0

    def _migrate(self) -> None:
        current = self.version()
        if current > SCHEMA_VERSION:
            raise CatalogError(
                f"catalog {str(self.path)!r} has layout version {current}, newer than this Workbench "
                f"({SCHEMA_VERSION}); upgrade Workbench to open it"
            )
        if current == SCHEMA_VERSION:
            return
        with self.write() as connection:
            if self._version_in(connection) != current:
                return  # another process migrated it while this one waited for the lock
            connection.execute("CREATE TABLE IF NOT EXISTS catalog_meta (key TEXT PRIMARY KEY, value TEXT)")
            for step in range(current + 1, SCHEMA_VERSION + 1):
                for statement in _statements(MIGRATIONS[step]):
                    connection.execute(statement)
            connection.execute(
                "INSERT OR REPLACE INTO catalog_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )

    @staticmethod
    def _version_in(connection: sqlite3.Connection) -> int:
        try:
            found = connection.execute(
                "SELECT value FROM catalog_meta WHERE key = 'schema_version'"
            ).fetchone()
        except sqlite3.OperationalError:
            return 0
        return int(found[0]) if found else 0


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


_FILE = SharedFile("catalog", "a Workbench catalog", CatalogError, "; nothing was changed")
_connect = _FILE.connect
_failures = _FILE.failures


Opener = Callable[[Path], Store]
