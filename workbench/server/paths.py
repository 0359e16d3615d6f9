"""What the REST endpoints accept as a folder under the server root, and the data files in it.

Every path a request names is relative to the server's root directory, uses forward slashes, and
stays inside the root once symbolic links are resolved; anything else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# What "Open with Workbench" opens (wb.open reads these).
DATA_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "excel",
    ".xlsm": "excel",
}
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "site-packages"})
MAX_DEPTH = 3
MAX_DATASETS = 500


# A saved Workbench recipe is JSON too, but not data: its first bytes name its format.
RECIPE_MARK = b'"workbench-recipe"'
HEAD_BYTES = 256


class PathRefusedError(ValueError):
    """A requested path is absolute, climbs out of the server root, or names a hidden entry."""


@dataclass(frozen=True)
class Dataset:
    name: str
    path: str
    format: str
    size: int

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "path": self.path, "format": self.format, "size": self.size}


def folder_under_root(root: Path, relative: str) -> Path:
    """The folder ``relative`` names under ``root``, refusing anything that escapes it."""
    text = (relative or "").strip()
    pure = PurePosixPath(text)
    if "\\" in text or "\x00" in text or pure.is_absolute() or text.startswith("~"):
        msg = f"the folder {relative!r} must be relative to the server root"
        raise PathRefusedError(msg)
    if any(part == ".." for part in pure.parts):
        msg = f"the folder {relative!r} climbs out of the server root"
        raise PathRefusedError(msg)
    if any(part.startswith(".") for part in pure.parts if part != "."):
        msg = f"the folder {relative!r} is hidden"
        raise PathRefusedError(msg)
    base = root.resolve()
    folder = (base / pure).resolve()
    if not folder.is_relative_to(base):
        msg = f"the folder {relative!r} leads out of the server root"
        raise PathRefusedError(msg)
    return folder


def datasets_in(root: Path, folder: Path, depth: int = 1) -> list[Dataset]:
    """The data files in ``folder`` and its subfolders down to ``depth`` levels, sorted by path;
    hidden entries and links that lead out of the root are left out."""
    base = root.resolve()
    found: list[Dataset] = []
    _collect(base, folder, min(max(depth, 0), MAX_DEPTH), found)
    return sorted(found, key=lambda dataset: dataset.path)[:MAX_DATASETS]


def _collect(base: Path, folder: Path, depth: int, found: list[Dataset]) -> None:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if len(found) >= MAX_DATASETS:
            return
        if entry.name.startswith(".") or not entry.resolve().is_relative_to(base):
            continue
        if entry.is_dir():
            if depth > 0 and entry.name not in SKIPPED_FOLDERS:
                _collect(base, entry, depth - 1, found)
            continue
        kind = DATA_SUFFIXES.get(entry.suffix.lower())
        if kind is not None and entry.is_file() and not _is_recipe(entry):
            relative = entry.relative_to(base).as_posix()
            found.append(Dataset(entry.name, relative, kind, entry.stat().st_size))


def _is_recipe(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    try:
        with path.open("rb") as handle:
            return RECIPE_MARK in handle.read(HEAD_BYTES)
    except OSError:
        return False
