"""``workbench.lock``: refs pinned to versions and digests; changed only by ``workbench lock``.

A run resolves a pinned ref to its pinned version and checks the digest; under ``--frozen`` a ref
that is not pinned is refused. Each lock registers its pins in the library, so a pinned version
cannot be deprecated without ``force``.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from pathlib import Path
from typing import Any

from workbench.library.errors import LockError
from workbench.library.library import Library, Version, _now, write_json
from workbench.library.versions import parse_ref

LOCK_NAME = "workbench.lock"
LOCK_FORMAT = {"name": "workbench-lock", "version": 1}


@dataclasses.dataclass
class LockFile:
    path: Path
    lock_id: str
    pins: dict[str, dict[str, Any]]

    @classmethod
    def read(cls, path: Path) -> LockFile:
        """The lock at ``path`` (an empty one when the file does not exist)."""
        if not path.exists():
            return cls(path, uuid.uuid4().hex, {})
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != LOCK_FORMAT:
                raise ValueError("not a workbench-lock document")
            return cls(path, str(data["lockId"]), dict(data.get("pins", {})))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise LockError(f"lock file {str(path)!r} is unreadable: {exc}") from None

    def save(self) -> None:
        write_json(self.path, {"format": LOCK_FORMAT, "lockId": self.lock_id, "pins": self.pins})


def lock(
    library: Library, refs: list[str], path: Path, *, update: bool = False
) -> tuple[LockFile, list[str]]:
    """Pin ``refs`` (and, with ``update``, re-resolve every pin); returns the lock and what changed."""
    current = LockFile.read(path)
    wanted = list(dict.fromkeys([*refs, *current.pins]))
    if not wanted:
        raise LockError(f"nothing to lock: name refs (NAME@REF) to pin in {str(path)!r}")
    changed = []
    for ref in wanted:
        key = str(parse_ref(ref)) if "@" in ref else ref
        if key in current.pins and not update:
            continue
        found = library.resolve(ref)
        if found.draft:
            raise LockError(f"{ref}: a draft changes in place and cannot be pinned; publish it first")
        old = current.pins.get(key)
        if old is None or old.get("digest") != found.digest or old.get("version") != found.version:
            changed.append(f"{key} -> {found.version} ({found.digest[:19]})")
        current.pins[key] = {
            "library": library.url,
            "name": found.name,
            "version": found.version,
            "digest": found.digest,
            "locked": _now(),
        }
    current.save()
    for pin in current.pins.values():
        if pin.get("library") == library.url:
            library.pin(pin["name"], pin["version"], current.lock_id, str(path.resolve()))
    return current, changed


def resolve_pinned(library: Library, ref: str, path: Path, *, frozen: bool = False) -> Version:
    """The version a run uses: the pinned one when ``path`` pins ``ref``; refused when frozen and not."""
    current = LockFile.read(path) if path.exists() else None
    key = str(parse_ref(ref)) if "@" in ref else ref
    pin = None if current is None else current.pins.get(key)
    if pin is None:
        if frozen:
            where = f"{str(path)!r}" if current is not None else f"{str(path)!r} (no lock file)"
            raise LockError(f"--frozen: {ref} is not pinned in {where}; run `workbench lock {ref}`")
        return library.resolve(ref)
    found = library.resolve(f"{pin['name']}@{pin['version']}")
    if found.digest != pin.get("digest"):
        raise LockError(
            f"{ref}: {found.ref} in library {library.url!r} has digest {found.digest}, but "
            f"{str(path)!r} pins {pin.get('digest')}; refusing to run it"
        )
    return found
