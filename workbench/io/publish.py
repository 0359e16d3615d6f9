"""Atomic publishing: an output appears whole or not at all, and an existing one is never lost.

An output is written into a hidden staging folder beside it, named after the output, the
writer's PID and host (``.NAME.wb-staging-<pid>-<host>-<random>``), then published in one step:
created exclusively (a run never replaces an output another run created meanwhile) or, with
overwrite, swapped with the old one atomically where the file system allows it. Staging left by
a killed run is recognised by its dead PID and removed by the next run or ``workbench clean``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import errno
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.core.errors import DataIOError, RecipeError
from workbench.io.locations import refuse_remote_output

STAGING_MARK = ".wb-staging-"
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_STAGING_NAME = re.compile(r"^\.(?P<name>.+)\.wb-staging-(?P<pid>\d+)-(?P<host>[A-Za-z0-9-]*)-[a-z0-9_]+$")


def check_output(
    path: Path, overwrite: bool, inputs: Iterable[Path] = (), *, role: str = "output", against: str = "input"
) -> None:
    """Refuse to replace an existing output unless asked to; refuse an output that overlaps an input.

    The output may not be an input, lie inside an input folder (the next run would read it
    back in), or contain an input. Paths are compared with symlinks resolved. An output on an
    object store is refused (see :func:`~workbench.io.locations.refuse_remote_output`).
    """
    refuse_remote_output(path, role)
    for source in inputs:
        overlap = _overlap(path, source, against)
        if overlap:
            raise RecipeError(f"{role} {str(path)!r} {overlap} {str(source)!r}; choose another {role} path")
    if path.exists() and not overwrite:
        raise RecipeError(f"{role} {str(path)!r} already exists; pass --overwrite to replace it")


def _overlap(output: Path, source: Path, against: str) -> str | None:
    out, src = output.resolve(), source.resolve()
    if out == src:
        return f"is the {against}"
    if out.is_relative_to(src):
        return f"is inside the {against} folder"
    if src.is_relative_to(out):
        return f"contains the {against}"
    return None


@contextmanager
def publishing(path: Path, *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a staging path beside ``path``; on success publish it in one step, on failure remove it.

    Without ``overwrite`` the output is created exclusively: if another run created it in the
    meantime, :class:`DataIOError` is raised and nothing is replaced. With ``overwrite`` an
    existing output is replaced only once the new one is complete, so a failed run leaves it as
    it was.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(path)
        staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(path), dir=path.parent))
    except OSError as exc:
        raise DataIOError(f"could not write {str(path)!r}: {_reason(exc)}; nothing was written") from exc
    target = staging / path.name
    try:
        yield target
        if not target.exists() and not target.is_symlink():
            raise DataIOError(f"nothing was written for {str(path)!r}")
        _publish(target, path, overwrite)
    except OSError as exc:
        raise DataIOError(f"could not write {str(path)!r}: {_reason(exc)}; nothing was written") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _reason(exc: OSError) -> str:
    """The operating system's reason (no space left on device…), without the error's other text."""
    if exc.strerror:
        return exc.strerror.lower()
    found = re.search(r"\[errno \d+\] ([^\n]+)", str(exc), re.IGNORECASE)
    return found.group(1).lower() if found else type(exc).__name__


def write_text_atomic(path: Path, text: str) -> None:
    """Write a file through a staging sibling and a rename, so it is never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_staging_prefix(path), dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40]


def _staging_prefix(path: Path) -> str:
    return f".{path.name}{STAGING_MARK}{os.getpid()}-{_host()}-"


def _publish(new: Path, path: Path, overwrite: bool) -> None:
    # Bounded: each retry means another run created or removed the output in between.
    for _ in range(3):
        if overwrite and (path.exists() or path.is_symlink()):
            if _exchange(new, path):
                return
            continue
        if _create_exclusively(new, path):
            return
        if not overwrite:
            raise DataIOError(
                f"output {str(path)!r} was created by another run while this one was running; "
                "nothing was replaced"
            )
    raise DataIOError(
        f"output {str(path)!r} kept changing while it was being published; nothing was replaced"
    )


def _create_exclusively(new: Path, path: Path) -> bool:
    """Move ``new`` to ``path`` unless something is there; False when something is."""
    try:
        if _renameat2(new, path, _RENAME_NOREPLACE):
            return True
    except FileExistsError:
        return False
    try:
        if new.is_dir():
            # Claim the name with an exclusive mkdir; a rename onto one's own empty folder is atomic.
            path.mkdir()
            os.replace(new, path)
        else:
            os.link(new, path, follow_symlinks=False)
    except FileExistsError:
        return False
    return True


def _exchange(new: Path, path: Path) -> bool:
    """Swap ``new`` and the existing ``path``; False when ``path`` vanished meanwhile."""
    try:
        if _renameat2(new, path, _RENAME_EXCHANGE):
            return True
    except FileNotFoundError:
        return False
    return _two_renames(new, path)


def _two_renames(new: Path, path: Path) -> bool:
    """Fallback without an atomic exchange: the old output is moved aside into the staging folder."""
    backup = new.with_name(path.name + ".previous")
    try:
        os.replace(path, backup)
    except FileNotFoundError:
        return False
    try:
        os.replace(new, path)
    except OSError:
        os.replace(backup, path)
        raise
    return True


def _libc_renameat2() -> object | None:
    if not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_RENAMEAT2 = _libc_renameat2()


def _renameat2(source: Path, target: Path, flags: int) -> bool:
    """Linux ``renameat2``; False when unavailable here (no libc entry, kernel or file system support)."""
    if _RENAMEAT2 is None:
        return False
    result = _RENAMEAT2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), flags)  # type: ignore[operator]
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(target))


@dataclasses.dataclass(frozen=True)
class Leftover:
    """A staging entry left by a run that died: what it is and what cleaning does with it."""

    path: Path
    output: Path
    size: int
    restores: bool
    """True when the staging holds the previous output and the output itself is missing."""


def stale_staging(directory: Path, name: str | None = None) -> list[Leftover]:
    """Staging entries in ``directory`` (of the output ``name``, or of any) whose writer is dead."""
    found = []
    try:
        entries = sorted(directory.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    for entry in entries:
        match = _STAGING_NAME.match(entry.name)
        if not match or (name is not None and match["name"] != name):
            continue
        if match["host"] != _host() or _alive(int(match["pid"])):
            continue
        output = directory / match["name"]
        restores = (entry / (output.name + ".previous")).exists() and not output.exists()
        found.append(Leftover(entry, output, _size(entry), restores))
    return found


def remove_leftover(leftover: Leftover) -> None:
    """Remove a dead run's staging; an old output it had moved aside goes back into place first."""
    if leftover.restores:
        _create_exclusively(leftover.path / (leftover.output.name + ".previous"), leftover.output)
    if leftover.path.is_dir() and not leftover.path.is_symlink():
        shutil.rmtree(leftover.path, ignore_errors=True)
    else:
        leftover.path.unlink(missing_ok=True)


def remove_stale_staging(path: Path) -> list[Leftover]:
    """Remove the staging that dead runs left beside the output ``path``; returns what was removed."""
    found = stale_staging(path.parent, path.name)
    for leftover in found:
        remove_leftover(leftover)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _size(path: Path) -> int:
    if not path.is_dir():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir() or p.is_symlink())
