"""The run history file: one SQLite database beside the catalog, safe for several processes at once.

``.workbench/history.db`` (or ``WORKBENCH_HISTORY``, or ``--history URL``) is opened in WAL mode with a
busy timeout, and every record is written in one ``BEGIN IMMEDIATE`` transaction, so two runs that
finish at the same time both land, whole. Records are only ever appended.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench.core.errors import DataIOError
from workbench.core.sqlite_files import SharedFile

SCHEMA_VERSION = 1

DEFAULT_PATH = Path(".workbench") / "history.db"

_LAYOUT = """
CREATE TABLE IF NOT EXISTS history_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    dataset TEXT NOT NULL,
    started_at TEXT NOT NULL,
    seconds REAL,
    recipe TEXT,
    digest TEXT,
    engine TEXT,
    outcome TEXT NOT NULL,
    rows_in INTEGER,
    rows_out INTEGER,
    score REAL,
    message TEXT,
    inputs TEXT NOT NULL DEFAULT '[]',
    outputs TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS runs_by_dataset ON runs (dataset, id);
CREATE TABLE IF NOT EXISTS run_datasets (
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    dataset TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (run, dataset, role)
);
CREATE INDEX IF NOT EXISTS run_datasets_by_dataset ON run_datasets (dataset, run);
CREATE TABLE IF NOT EXISTS rule_outcomes (
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    rule TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT,
    metrics TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (run, position)
);
CREATE TABLE IF NOT EXISTS metrics (
    run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '',
    value REAL NOT NULL,
    PRIMARY KEY (run, name, scope)
);
CREATE INDEX IF NOT EXISTS metrics_by_name ON metrics (name, scope, run)
"""


class HistoryError(DataIOError):
    """The history file cannot be opened, is locked past the timeout, or is not a history file."""


def history_path(url: str | os.PathLike[str] | None = None) -> Path:
    """The history file: the argument, else ``WORKBENCH_HISTORY``, else ``.workbench/history.db``."""
    return _FILE.path_of(url, "WORKBENCH_HISTORY", DEFAULT_PATH)


class HistoryStore:
    """An open history file; :meth:`append` adds one record, the queries read them."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        if not create and not path.exists():
            self._connection: sqlite3.Connection | None = None
            return
        self._connection = _connect(path)
        with self._write() as connection:
            for statement in _LAYOUT.split(";"):
                connection.execute(statement)
            connection.execute(
                "INSERT OR IGNORE INTO history_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        found = self.query("SELECT value FROM history_meta WHERE key = 'schema_version'")
        if int(found[0][0]) > SCHEMA_VERSION:
            raise HistoryError(
                f"history {str(path)!r} has layout version {found[0][0]}, newer than this Workbench "
                f"({SCHEMA_VERSION}); upgrade Workbench to read it"
            )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query (none when the file does not exist)."""
        if self._connection is None:
            return []
        with _failures(self.path):
            return list(self._connection.execute(sql, tuple(params)))

    def append(self, record: dict[str, Any]) -> int:
        """Add one run or evaluation (see :func:`workbench.history.record.run_record`); its row id."""
        with self._write() as connection:
            cursor = connection.execute(
                "INSERT INTO runs (run_id, kind, dataset, started_at, seconds, recipe, digest, engine, "
                "outcome, rows_in, rows_out, score, message, inputs, outputs) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record["run_id"],
                    record["kind"],
                    record["dataset"],
                    record["started_at"],
                    record.get("seconds"),
                    record.get("recipe"),
                    record.get("digest"),
                    record.get("engine"),
                    record["outcome"],
                    record.get("rows_in"),
                    record.get("rows_out"),
                    record.get("score"),
                    record.get("message"),
                    json.dumps(record.get("inputs", [])),
                    json.dumps(record.get("outputs", [])),
                ),
            )
            run = int(cursor.lastrowid or 0)
            _children(connection, run, record)
        return run

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        assert self._connection is not None
        connection = self._connection
        with _FILE.transaction(connection, self.path):
            yield connection


def _children(connection: sqlite3.Connection, run: int, record: dict[str, Any]) -> None:
    roles = [(d, "input") for d in record.get("inputs", [])] + [
        (d, "output") for d in record.get("outputs", [])
    ]
    roles.append((record["dataset"], "checked"))
    connection.executemany(
        "INSERT OR IGNORE INTO run_datasets VALUES (?, ?, ?)", [(run, d, r) for d, r in roles]
    )
    connection.executemany(
        "INSERT INTO rule_outcomes VALUES (?, ?, ?, ?, ?, ?)",
        [
            (run, i, r["rule"], r["outcome"], r.get("reason"), json.dumps(r.get("metrics", {}), default=str))
            for i, r in enumerate(record.get("rules", []))
        ],
    )
    connection.executemany(
        "INSERT OR IGNORE INTO metrics VALUES (?, ?, ?, ?)",
        [(run, m, scope or "", v) for m, scope, v in record.get("metrics", [])],
    )


_FILE = SharedFile("history", "a Workbench history file", HistoryError, "")
_connect = _FILE.connect
_failures = _FILE.failures
