"""SQLite files several processes share: the catalog, the run history.

One setting for all of them: WAL (readers never wait for the writer), a busy timeout (a writer
waits its turn instead of failing), foreign keys on, and transactions begun explicitly
(``BEGIN IMMEDIATE``) by the caller. Errors become one line naming the file and what it is.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.core.errors import WorkbenchError

BUSY_TIMEOUT_MS = 30_000


@dataclasses.dataclass(frozen=True)
class SharedFile:
    """What a shared SQLite file is, for its error messages."""

    kind: str
    """``catalog``, ``history``: the word that names the file in messages."""
    content: str
    """What a good file holds, e.g. ``a Workbench catalog``."""
    error: type[WorkbenchError]
    after: str = ""
    """Said after every failure, e.g. ``; nothing was changed``."""

    def path_of(self, url: str | os.PathLike[str] | None, env: str, default: Path) -> Path:
        """The file a URL names: the argument, else the ``env`` variable, else ``default``."""
        text = str(url) if url is not None else os.environ.get(env) or str(default)
        for prefix in ("sqlite:///", "sqlite://", "file://"):
            if text.startswith(prefix):
                text = text[len(prefix) :]
                break
        if "://" in text:
            raise self.error(
                f"{self.kind} {text!r}: only a local SQLite file is supported (a path or sqlite:///PATH)"
            )
        return Path(text)

    def connect(self, path: Path) -> sqlite3.Connection:
        """Open (creating its folder) with the shared settings; autocommit until a BEGIN."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            raise self.error(self.problem(path, exc)) from None
        except OSError as exc:
            raise self.error(f"cannot open {self.kind} {str(path)!r}: {exc.strerror or exc}") from None
        return connection

    @contextmanager
    def transaction(self, connection: sqlite3.Connection, path: Path) -> Iterator[sqlite3.Connection]:
        """One write transaction holding the file's write lock from its start; rolled back on error."""
        with self.failures(path):
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.commit()

    @contextmanager
    def failures(self, path: Path) -> Iterator[None]:
        """SQLite errors in the block as this file's error, in words."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise self.error(self.problem(path, exc)) from None

    def problem(self, path: Path, exc: sqlite3.DatabaseError) -> str:
        """A SQLite error in words: locked, corrupt, or as SQLite says it."""
        text = str(exc)
        name = f"{self.kind} {str(path)!r}"
        if "locked" in text or "busy" in text:
            wait = BUSY_TIMEOUT_MS // 1000
            retry = f"{self.after}, try again" if self.after else ""
            return f"{name} is locked by another process for more than {wait} s{retry}"
        if "not a database" in text or "malformed" in text:
            return f"{name} is not {self.content} or is corrupt ({text}){self.after}"
        return f"{name}: {text}{self.after}"
