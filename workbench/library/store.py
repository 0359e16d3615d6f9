"""Bytes at paths under a library URL: a local folder, or any fsspec URL (``s3://bucket/prefix``).

Two kinds of write: ``replace`` (the draft, an alias: the last writer wins, readers see the old or
the new file whole) and ``create`` (a published version: exclusive, refused when the file exists).
``create`` is an ``os.link`` of a complete temporary file on a local folder (atomic and exclusive,
also on NFS) and a conditional PUT (``If-None-Match: *``) on S3.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from workbench.library.errors import LibraryError, UnreachableError

_EXCLUSIVE_PROTOCOLS = ("s3", "s3a")


class AlreadyExistsError(Exception):
    """``create`` found the path taken (another writer got there first)."""


def _storage_errors() -> tuple[type[BaseException], ...]:
    """What a storage client raises when it cannot reach its store, beyond ``OSError``.

    botocore's connection and credential errors (under s3fs) and aiohttp's are not ``OSError``s;
    without them an unreachable S3 endpoint would be a raw traceback instead of one line naming the
    library. Only modules already loaded are looked at: a client that is not loaded raised nothing.
    """
    found: list[type[BaseException]] = [OSError]
    for module, names in (
        ("botocore.exceptions", ("BotoCoreError", "ClientError")),
        ("aiohttp", ("ClientError",)),
    ):
        loaded = sys.modules.get(module)
        found += [getattr(loaded, name) for name in names if loaded is not None and hasattr(loaded, name)]
    return tuple(found)


def _fsspec() -> Any:
    try:
        import fsspec
    except ImportError as exc:  # pragma: no cover - fsspec is a dependency
        raise LibraryError("a library at a URL needs fsspec: pip install fsspec") from exc
    return fsspec


class Store:
    """The storage of one library URL."""

    def __init__(self, url: str, storage_options: dict[str, Any] | None = None) -> None:
        self.url = str(url)
        if "://" in self.url and not self.url.startswith("file://"):
            self._local: Path | None = None
            try:
                self._fs, root = _fsspec().core.url_to_fs(self.url, **(storage_options or {}))
            except (ImportError, ValueError) as exc:
                raise LibraryError(f"library {self.url!r}: {exc}") from None
            self._root = str(root).rstrip("/")
        else:
            self._local = Path(self.url.removeprefix("file://")).expanduser()
            self._fs = None
            self._root = str(self._local)

    @property
    def protocol(self) -> str:
        if self._fs is None:
            return "file"
        proto = self._fs.protocol
        return proto[0] if isinstance(proto, (tuple, list)) else str(proto)

    def _full(self, path: str) -> str:
        return f"{self._root}/{path}"

    def _failed(self, exc: Exception, what: str) -> Exception:
        """An error of the storage as :class:`UnreachableError` naming the library; others as they are."""
        if isinstance(exc, LibraryError) or not isinstance(exc, _storage_errors()):
            return exc
        return self._unreachable(exc, what)

    def _unreachable(self, exc: Exception, what: str) -> UnreachableError:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        return UnreachableError(f"library {self.url!r}: could not {what}: {reason}")

    # --------------------------------------------------------------------------- reading

    def read(self, path: str) -> bytes | None:
        """The file's bytes, or None when it does not exist."""
        try:
            if self._local is not None:
                return (self._local / path).read_bytes()
            data: bytes = self._fs.cat_file(self._full(path))
            return data
        except FileNotFoundError:
            return None
        except (IsADirectoryError, NotADirectoryError):
            return None
        except Exception as exc:
            raise self._failed(exc, f"read {path}") from None

    def list(self, folder: str) -> list[str]:
        """The names of the entries directly in ``folder`` (empty when it does not exist)."""
        try:
            if self._local is not None:
                where = self._local / folder
                return sorted(p.name for p in where.iterdir()) if where.is_dir() else []
            full = self._full(folder)
            self._fs.invalidate_cache(full)
            if not self._fs.exists(full):
                return []
            return sorted(str(p).rstrip("/").rsplit("/", 1)[-1] for p in self._fs.ls(full, detail=False))
        except FileNotFoundError:
            return []
        except Exception as exc:
            raise self._failed(exc, f"list {folder}") from None

    # --------------------------------------------------------------------------- writing

    def replace(self, path: str, data: bytes) -> None:
        """Write ``path`` whole (readers see the old file or the new one, never a part)."""
        try:
            if self._local is not None:
                target = self._local / path
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = self._temporary(target, data)
                os.replace(tmp, target)
                return
            self._fs.pipe_file(self._full(path), data)
        except Exception as exc:
            raise self._failed(exc, f"write {path}") from None

    def create(self, path: str, data: bytes) -> None:
        """Create ``path`` with ``data`` exclusively; :class:`AlreadyExistsError` when it exists."""
        try:
            if self._local is not None:
                self._create_local(self._local / path, data)
            elif self.protocol in _EXCLUSIVE_PROTOCOLS:
                self._fs.pipe_file(self._full(path), data, mode="create")
            else:
                self._create_generic(path, data)
        except FileExistsError:
            raise AlreadyExistsError(path) from None
        except AlreadyExistsError:
            raise
        except Exception as exc:
            raise self._failed(exc, f"write {path}") from None

    def remove(self, path: str) -> None:
        try:
            if self._local is not None:
                (self._local / path).unlink(missing_ok=True)
            elif self._fs.exists(self._full(path)):
                self._fs.rm_file(self._full(path))
        except Exception as exc:
            raise self._failed(exc, f"remove {path}") from None

    def _create_local(self, target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._temporary(target, data)
        try:
            os.link(tmp, target)  # atomic and exclusive: EEXIST when another writer made it
        finally:
            tmp.unlink(missing_ok=True)

    def _create_generic(self, path: str, data: bytes) -> None:
        """Other fsspec protocols: their own exclusive mode where they have one, else refused."""
        try:
            with self._fs.open(self._full(path), "xb") as handle:
                handle.write(data)
        except (ValueError, NotImplementedError) as exc:
            raise LibraryError(
                f"library {self.url!r}: {self.protocol}:// cannot create files exclusively ({exc}); "
                "published versions need a local or shared folder, or S3"
            ) from None

    @staticmethod
    def _temporary(target: Path, data: bytes) -> Path:
        """A complete, flushed file beside ``target`` (hidden, so listings never show it)."""
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        return Path(name)
