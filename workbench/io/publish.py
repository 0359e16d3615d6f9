"""Atomic publishing: an output appears whole or not at all, and an existing one is never lost."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.core.errors import DataIOError, RecipeError


def check_output(path: Path, overwrite: bool) -> None:
    """Refuse to replace an existing output unless asked to; refuse an output inside its input."""
    if path.exists() and not overwrite:
        raise RecipeError(f"output {str(path)!r} already exists; pass --overwrite to replace it")


@contextmanager
def publishing(path: Path) -> Iterator[Path]:
    """Yield a temporary sibling path; on success move it into place, on failure remove it.

    An existing output is replaced only after the new one is complete, so a failed run leaves
    it exactly as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    target = staging / path.name
    try:
        yield target
        if not target.exists():
            raise DataIOError(f"nothing was written for {str(path)!r}")
        _swap_into_place(target, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_into_place(new: Path, path: Path) -> None:
    if not path.exists():
        os.replace(new, path)
        return
    backup = new.parent / (path.name + ".previous")
    os.replace(path, backup)
    try:
        os.replace(new, path)
    except OSError:
        os.replace(backup, path)
        raise
    if backup.is_dir():
        shutil.rmtree(backup, ignore_errors=True)
    else:
        backup.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> None:
    """Write a file through a temporary sibling and a rename, so it is never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
