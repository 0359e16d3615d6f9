"""Listing a crawled URL through fsspec: its folders, their data files and their fingerprints.

A folder's fingerprint covers the names, sizes and modification stamps (mtime, or the object
store's ETag) of the files directly in it, so a recrawl reads only folders whose fingerprint moved.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterator
from typing import Any

import fsspec

from workbench.catalog.crawlers.report import Problem
from workbench.catalog.store import CatalogError


@dataclasses.dataclass(frozen=True)
class FileEntry:
    """One file under a crawled URL."""

    url: str
    """The file's address: an absolute path for local files, else a URL with its protocol."""
    name: str
    size: int
    stamp: str


@dataclasses.dataclass
class Folder:
    """A folder holding data files directly, with the fingerprint of its listing."""

    rel: str
    """Its path under the crawled URL ('' for the URL itself), with '/' separators."""
    url: str
    files: list[FileEntry]

    @property
    def fingerprint(self) -> str:
        lines = sorted(f"{f.name}\t{f.size}\t{f.stamp}" for f in self.files)
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.rel.split("/")) if self.rel else ()


@dataclasses.dataclass
class Listing:
    """The data folders under one crawled URL, and what was left out."""

    url: str
    root_url: str
    fs: Any
    folders: dict[str, Folder]
    problems: list[Problem]
    excluded: int = 0


def glob_pattern(glob: str) -> re.Pattern[str]:
    """A glob over '/'-separated paths: ``*`` and ``?`` stay in one folder, ``**`` spans folders."""
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _excluded(rel: str, patterns: list[re.Pattern[str]]) -> bool:
    # A pattern that names a folder leaves out everything under it.
    parts = rel.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    return any(p.match(candidate) for p in patterns for candidate in prefixes)


def _hidden(name: str) -> bool:
    # Marker and checksum files that writers leave next to data (_SUCCESS, .part-0.crc, _metadata).
    return name.startswith((".", "_")) or name.endswith(".crc")


def list_url(url: str, exclude: list[str], storage_options: dict[str, Any] | None = None) -> Listing:
    """The folders under ``url`` that hold data files; problems (unreadable or empty folders, empty files)."""
    fs, root = fsspec.core.url_to_fs(url, **(storage_options or {}))
    root = root.rstrip("/") or root
    if not fs.exists(root):
        raise CatalogError(f"crawl: {url!r} does not exist")
    if fs.isfile(root):
        raise CatalogError(f"crawl: {url!r} is a file; crawl the folder that holds it")
    patterns = [glob_pattern(g) for g in exclude]
    listing = Listing(url, _address(fs, root), fs, {}, [])
    seen_dirs: set[str] = set()
    full_dirs: set[str] = set()
    for path, info, is_dir in _walk(fs, root, listing.problems):
        rel = path[len(root) :].strip("/")
        if rel and _excluded(rel, patterns):
            listing.excluded += 0 if is_dir else 1
            continue
        if is_dir:
            seen_dirs.add(rel)
            continue
        _add_file(listing, fs, rel, path, info, full_dirs)
    for rel in sorted(seen_dirs - full_dirs):
        if not any(d.startswith(rel + "/") for d in full_dirs):
            listing.problems.append(Problem(_address(fs, f"{root}/{rel}"), "empty folder: no data files"))
    return listing


def _add_file(listing: Listing, fs: Any, rel: str, path: str, info: dict[str, Any], full: set[str]) -> None:
    folder_rel, _, name = rel.rpartition("/")
    if _hidden(name):
        return
    size = int(info.get("size") or 0)
    address = _address(fs, path)
    if size == 0:
        listing.problems.append(Problem(address, "empty file (0 bytes): left out"))
        return
    stamp = str(info.get("ETag") or info.get("mtime") or info.get("LastModified") or "")
    folder = listing.folders.get(folder_rel)
    if folder is None:
        parent = path[: len(path) - len(name) - 1]
        folder = listing.folders[folder_rel] = Folder(folder_rel, _address(fs, parent), [])
    folder.files.append(FileEntry(address, name, size, stamp))
    parts = folder_rel.split("/") if folder_rel else []
    full.update("/".join(parts[: n + 1]) for n in range(len(parts)))


def _walk(fs: Any, root: str, problems: list[Problem]) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """(path, info, is a folder) for everything under ``root``; unreadable folders become problems."""

    def failed(exc: BaseException) -> None:
        where = getattr(exc, "filename", None) or root
        reason = getattr(exc, "strerror", None) or str(exc)
        problems.append(Problem(_address(fs, str(where)), f"cannot list folder: {reason}"))

    if is_local(fs):
        for folder, dirs, files in fs.walk(root, detail=True, on_error=failed):
            for name, info in dirs.items():
                yield f"{folder.rstrip('/')}/{name}", info, True
            for name, info in files.items():
                yield f"{folder.rstrip('/')}/{name}", info, False
        return
    try:
        found = fs.find(root, withdirs=True, detail=True)
    except OSError as exc:
        failed(exc)
        return
    for path, info in sorted(found.items()):
        if path.rstrip("/") != root:
            yield path.rstrip("/"), info, info.get("type") == "directory"


def is_local(fs: Any) -> bool:
    """Whether ``fs`` is the local file system."""
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return protocol in ("file", "local")


def _address(fs: Any, path: str) -> str:
    return path if is_local(fs) else fs.unstrip_protocol(path)
