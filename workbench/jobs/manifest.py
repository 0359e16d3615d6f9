"""``_manifest.json``: the published files of an output folder, and the input files of each.

Each run of a bookmark adds one file (or, on Spark, one folder of part files) named by its run
id, written under a hidden staging name and renamed into place, and only then listed here. The
manifest itself is replaced atomically (written to a temporary sibling, flushed to disk, renamed),
so a reader sees the old list or the new one, never half of one. Readers go through the manifest,
never a bare listing: a file that is not listed yet (a run died between its rename and the
manifest update) is never read, and the next run removes it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench.core.errors import DataIOError
from workbench.io.publish import STAGING_MARK

MANIFEST = "_manifest.json"
LOCK = "_manifest.lock"
FORMAT = "workbench-manifest/1"
RUN_PREFIX = "run-"
_DATA_SUFFIXES = (".csv", ".parquet", ".jsonl")


@dataclasses.dataclass(frozen=True)
class Entry:
    """One published output: its file name in the folder, the run, its rows, and its input files."""

    file: str
    run: str
    bookmark: str
    rows: int | None
    inputs: tuple[dict[str, Any], ...]
    dead_letters: str | None = None
    dead_letter_rows: int = 0
    published_at: str = ""

    def to_json(self) -> dict[str, Any]:
        """The entry as the manifest stores it."""
        return {
            "file": self.file,
            "run": self.run,
            "bookmark": self.bookmark,
            "rows": self.rows,
            "inputs": list(self.inputs),
            "dead_letters": self.dead_letters,
            "dead_letter_rows": self.dead_letter_rows,
            "published_at": self.published_at,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        """An entry from the manifest's form."""
        return cls(
            file=str(data["file"]),
            run=str(data["run"]),
            bookmark=str(data.get("bookmark", "")),
            rows=data.get("rows"),
            inputs=tuple(data.get("inputs", ())),
            dead_letters=data.get("dead_letters"),
            dead_letter_rows=int(data.get("dead_letter_rows", 0)),
            published_at=str(data.get("published_at", "")),
        )


@dataclasses.dataclass(frozen=True)
class Manifest:
    """The manifest of one output folder."""

    folder: Path
    entries: tuple[Entry, ...] = ()

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """The folder's manifest (empty when the folder has none yet)."""
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(folder)
        except (OSError, ValueError) as exc:
            raise DataIOError(f"cannot read the manifest {str(path)!r}: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise DataIOError(f"{str(path)!r} is not a Workbench manifest (format {FORMAT!r})")
        return cls(folder, tuple(Entry.from_json(e) for e in data.get("entries", [])))

    def runs(self) -> set[str]:
        """The run ids listed."""
        return {e.run for e in self.entries}

    def entry(self, run: str) -> Entry | None:
        """The entry of run ``run``, or None."""
        return next((e for e in self.entries if e.run == run), None)

    def with_entry(self, entry: Entry) -> Manifest:
        """This manifest with ``entry`` added (replacing one of the same run)."""
        kept = tuple(e for e in self.entries if e.run != entry.run)
        return dataclasses.replace(self, entries=(*kept, entry))

    def without_runs(self, runs: set[str]) -> Manifest:
        """This manifest without the entries of ``runs``."""
        return dataclasses.replace(self, entries=tuple(e for e in self.entries if e.run not in runs))

    def save(self) -> None:
        """Replace the manifest file atomically (temporary sibling, fsync, rename, fsync the folder)."""
        body = {"format": FORMAT, "entries": [e.to_json() for e in self.entries]}
        write_json_atomic(self.folder / MANIFEST, body)

    def files(self) -> list[Path]:
        """The data files listed, a Spark run's folder expanded to its part files, in run order."""
        found: list[Path] = []
        for entry in self.entries:
            found.extend(_data_files(self.folder / entry.file))
        return found


def manifest_files(folder: Path) -> list[Path] | None:
    """The data files a folder's manifest lists, or None when the folder has no manifest."""
    if not (folder / MANIFEST).is_file():
        return None
    return Manifest.read(folder).files()


def _data_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise DataIOError(f"the manifest lists {str(path)!r}, which is missing (removed by hand?)")
    return sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and p.suffix.lower() in _DATA_SUFFIXES and not p.name.startswith((".", "_"))
    )


def write_json_atomic(path: Path, body: Any) -> None:
    """Write JSON through a flushed temporary sibling and a rename, so readers never see half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{STAGING_MARK}{os.getpid()}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(body, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; readers need it
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the output folder's lock: one bookmarked run writes a folder at a time.

    An advisory ``flock`` on ``_manifest.lock``: the kernel releases it when the holder dies,
    even by SIGKILL, so a killed run never leaves the folder locked.
    """
    folder.mkdir(parents=True, exist_ok=True)
    handle = (folder / LOCK).open("a")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataIOError(
                f"another run is writing {str(folder)!r} (it holds {LOCK}); try again when it has finished"
            ) from None
        yield
    finally:
        handle.close()


def unlisted(manifest: Manifest) -> list[Path]:
    """Run outputs and staging in the folder that the manifest does not list (left by killed runs).

    Only call this holding :func:`folder_lock`: then no live run is between its rename and its
    manifest update.
    """
    listed = {e.file for e in manifest.entries} | {e.dead_letters for e in manifest.entries if e.dead_letters}
    found = []
    for path in manifest.folder.iterdir():
        name = path.name
        stray = name.startswith(RUN_PREFIX) and name not in listed
        staging = name.startswith((f".{RUN_PREFIX}", f".{MANIFEST}")) and STAGING_MARK in name
        if stray or staging:
            found.append(path)
    return sorted(found)


def remove(path: Path) -> None:
    """Remove a file or a folder of part files."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def now() -> str:
    """The time an entry is published, in UTC."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
