"""The bookmark store: which input files each committed run of a bookmark processed.

One SQLite file (``.workbench/bookmarks.db``, or ``WORKBENCH_BOOKMARKS``) in WAL mode with a busy
timeout, every change in one ``BEGIN IMMEDIATE`` transaction: a run is committed whole (its row
and all of its files) or not at all, several processes may use the store at once, and rewinding
needs the history of runs, not only the latest state, which a single JSON document would have to
rewrite whole on every commit.

A file is identified by its path, size and modification time (or an object store's etag): the
exact set of processed files is kept, never a high-water timestamp, so a late file with an old
modification time is still picked up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.core.errors import DataIOError, RecipeError, nearest

BUSY_TIMEOUT_MS = 30_000
DEFAULT_PATH = Path(".workbench") / "bookmarks.db"
COMMITTED = "committed"
WITHDRAWING = "withdrawing"
"""A run being rewound: its output is taken out of the manifest, then the run is forgotten."""

_LAYOUT = """
CREATE TABLE IF NOT EXISTS bookmarks (
    name TEXT PRIMARY KEY,
    input TEXT NOT NULL,
    output TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    bookmark TEXT NOT NULL REFERENCES bookmarks(name) ON DELETE CASCADE,
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    state TEXT NOT NULL,
    output_file TEXT NOT NULL,
    rows_out INTEGER,
    committed_at TEXT NOT NULL,
    PRIMARY KEY (bookmark, run_id)
);
CREATE TABLE IF NOT EXISTS files (
    bookmark TEXT NOT NULL,
    run_id TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    etag TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (bookmark, run_id, path),
    FOREIGN KEY (bookmark, run_id) REFERENCES runs(bookmark, run_id) ON DELETE CASCADE
);
"""


@dataclasses.dataclass(frozen=True)
class FileState:
    """One input file as a run saw it: path, size, modification time (ns) and etag."""

    path: str
    size: int
    mtime_ns: int
    etag: str = ""

    @classmethod
    def of(cls, path: Path) -> FileState:
        """The state of a local file now."""
        stat = path.stat()
        return cls(str(path.resolve()), stat.st_size, stat.st_mtime_ns)

    def to_json(self) -> dict[str, object]:
        """The manifest's form of this file."""
        return {"path": self.path, "size": self.size, "mtime_ns": self.mtime_ns, "etag": self.etag}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> FileState:
        """A file from the manifest's form."""
        return cls(str(data["path"]), int(data["size"]), int(data["mtime_ns"]), str(data.get("etag", "")))  # type: ignore[call-overload]


@dataclasses.dataclass(frozen=True)
class BookmarkRun:
    """A committed run of a bookmark."""

    run_id: str
    seq: int
    state: str
    output_file: str
    rows_out: int | None
    committed_at: str
    files: int


@dataclasses.dataclass(frozen=True)
class Bookmark:
    """A bookmark: its input, its output folder and its runs, oldest first."""

    name: str
    input: str
    output: str
    created_at: str
    runs: tuple[BookmarkRun, ...]


def store_path() -> Path:
    """The store file: ``WORKBENCH_BOOKMARKS``, else ``.workbench/bookmarks.db``."""
    return Path(os.environ.get("WORKBENCH_BOOKMARKS") or DEFAULT_PATH)


class BookmarkStore:
    """Bookmarks in one SQLite file, safe for several processes at once."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or store_path()

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise DataIOError(f"cannot open the bookmark store {str(self.path)!r}: {exc}") from exc
        try:
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("PRAGMA foreign_keys = ON")
            con.executescript(_LAYOUT)
            if not write:
                yield con
                return
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        except sqlite3.Error as exc:
            raise DataIOError(f"the bookmark store {str(self.path)!r} failed: {exc}") from exc
        finally:
            con.close()

    # --- reading -------------------------------------------------------------------------

    def names(self) -> list[str]:
        """Every bookmark's name, sorted."""
        with self._connect() as con:
            return [r[0] for r in con.execute("SELECT name FROM bookmarks ORDER BY name")]

    def find(self, name: str) -> Bookmark | None:
        """The bookmark called ``name``, or None."""
        with self._connect() as con:
            row = con.execute(
                "SELECT name, input, output, created_at FROM bookmarks WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                return None
            runs = con.execute(
                "SELECT r.run_id, r.seq, r.state, r.output_file, r.rows_out, r.committed_at, "
                "(SELECT COUNT(*) FROM files f WHERE f.bookmark = r.bookmark AND f.run_id = r.run_id) "
                "FROM runs r WHERE r.bookmark = ? ORDER BY r.seq",
                (name,),
            ).fetchall()
        name_, input_spec, output, created = row
        return Bookmark(name_, input_spec, output, created, tuple(BookmarkRun(*r) for r in runs))

    def get(self, name: str) -> Bookmark:
        """The bookmark called ``name``; an error naming the nearest one when there is none."""
        found = self.find(name)
        if found is None:
            hint = nearest(name, self.names())
            raise RecipeError(f"no bookmark {name!r}" + (f"; did you mean {hint!r}?" if hint else ""))
        return found

    def processed(self, name: str) -> dict[str, FileState]:
        """The files committed runs of ``name`` processed, by path (the latest state of each)."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT f.path, f.size, f.mtime_ns, f.etag FROM files f JOIN runs r "
                "ON r.bookmark = f.bookmark AND r.run_id = f.run_id "
                "WHERE f.bookmark = ? AND r.state = ? ORDER BY r.seq",
                (name, COMMITTED),
            ).fetchall()
        return {r[0]: FileState(*r) for r in rows}

    def processed_states(self, name: str) -> set[FileState]:
        """Every (path, size, mtime, etag) committed runs of ``name`` processed."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT f.path, f.size, f.mtime_ns, f.etag FROM files f JOIN runs r "
                "ON r.bookmark = f.bookmark AND r.run_id = f.run_id WHERE f.bookmark = ? AND r.state = ?",
                (name, COMMITTED),
            ).fetchall()
        return {FileState(*r) for r in rows}

    def withdrawing(self, name: str) -> list[str]:
        """Runs of ``name`` being rewound (their output is still to be taken out of the manifest)."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT run_id FROM runs WHERE bookmark = ? AND state = ? ORDER BY seq", (name, WITHDRAWING)
            ).fetchall()
        return [r[0] for r in rows]

    # --- writing -------------------------------------------------------------------------

    def ensure(self, name: str, input_spec: str, output: str) -> Bookmark:
        """The bookmark ``name``, created for this input and output folder if it is new.

        A bookmark belongs to one output folder: using it with another is refused, because the
        files it has processed are in the first folder's manifest.
        """
        with self._connect(write=True) as con:
            row = con.execute("SELECT output FROM bookmarks WHERE name = ?", (name,)).fetchone()
            if row is None:
                con.execute(
                    "INSERT INTO bookmarks (name, input, output, created_at) VALUES (?, ?, ?, ?)",
                    (name, input_spec, output, _now()),
                )
            elif row[0] != output:
                raise RecipeError(
                    f"bookmark {name!r} writes to {row[0]!r}, not {output!r}; use that --output, "
                    f"or another bookmark name"
                )
        return self.get(name)

    def commit(
        self, name: str, run_id: str, files: list[FileState], output_file: str, rows_out: int | None
    ) -> bool:
        """Record a published run and its input files in one transaction; False if already recorded."""
        with self._connect(write=True) as con:
            if con.execute("SELECT 1 FROM runs WHERE bookmark = ? AND run_id = ?", (name, run_id)).fetchone():
                return False
            seq = con.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM runs WHERE bookmark = ?", (name,))
            con.execute(
                "INSERT INTO runs (bookmark, run_id, seq, state, output_file, rows_out, committed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, run_id, seq.fetchone()[0], COMMITTED, output_file, rows_out, _now()),
            )
            con.executemany(
                "INSERT OR REPLACE INTO files (bookmark, run_id, path, size, mtime_ns, etag) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(name, run_id, f.path, f.size, f.mtime_ns, f.etag) for f in files],
            )
        return True

    def mark_withdrawing(self, name: str, after: str | None) -> list[str]:
        """Mark the runs of ``name`` after run ``after`` (all runs when None) for withdrawal."""
        bookmark = self.get(name)
        ids = [r.run_id for r in bookmark.runs]
        if after is not None and after not in ids:
            hint = nearest(after, ids)
            raise RecipeError(
                f"bookmark {name!r} has no run {after!r}"
                + (f"; did you mean {hint!r}?" if hint else f"; its runs: {', '.join(ids) or 'none'}")
            )
        seq = next((r.seq for r in bookmark.runs if r.run_id == after), 0)
        later = [r.run_id for r in bookmark.runs if r.seq > seq]
        with self._connect(write=True) as con:
            con.executemany(
                "UPDATE runs SET state = ? WHERE bookmark = ? AND run_id = ?",
                [(WITHDRAWING, name, run) for run in later],
            )
        return later

    def forget(self, name: str, run_ids: list[str]) -> None:
        """Drop withdrawn runs (their files are processed again by the next run)."""
        with self._connect(write=True) as con:
            con.executemany(
                "DELETE FROM runs WHERE bookmark = ? AND run_id = ?", [(name, run) for run in run_ids]
            )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
