"""The library reads the REST endpoints answer, as JSON-ready dicts, over ``workbench.library``.

Names and refs arriving from a URL are checked here before the library sees them, so a request
can never name a path outside the library (``..``, slashes, absolute paths, hidden names).
"""

from __future__ import annotations

import re
from typing import Any

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}$")
REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$")


class RefusedError(ValueError):
    """A recipe name or ref that is not one the library could hold."""


class NotFoundError(LookupError):
    """No such recipe or version in the library."""


def checked_name(name: str) -> str:
    if not NAME.match(name) or ".." in name:
        msg = f"{name!r} is not a recipe name (letters, digits, '.', '_', '-' and spaces; no '/' or '..')"
        raise RefusedError(msg)
    return name


def checked_ref(ref: str) -> str:
    if not REF.match(ref) or ".." in ref:
        msg = f"{ref!r} is not a version, an alias or a sha256 digest"
        raise RefusedError(msg)
    return ref


def open_library(url: str) -> Any:
    from workbench.library.library import Library

    return _translated(lambda: Library(url))


def _plain(value: Any) -> Any:
    """A library answer as JSON-ready data (its own ``to_dict``/``to_json`` when it has one)."""
    for method in ("to_json", "to_dict"):
        convert = getattr(value, method, None)
        if callable(convert):
            return _plain(convert())
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _translated(action: Any) -> Any:
    """Run a library call; its "no such recipe/version" and "bad name" errors become ours."""
    from workbench.library import errors

    try:
        return action()
    except errors.NotFoundError as exc:
        raise NotFoundError(str(exc)) from exc
    except errors.LibraryError as exc:
        raise RefusedError(str(exc)) from exc


def recipes(library: Any, query: str) -> dict[str, Any]:
    found = _translated(lambda: library.list(search=query.strip() or None))
    return {"library": str(library.url), "recipes": [_summary(entry) for entry in found]}


def recipe(library: Any, name: str) -> dict[str, Any]:
    """A recipe's published versions, newest first, and its aliases."""
    info = _plain(_translated(lambda: library.show(checked_name(name))))
    return {
        "name": name,
        "versions": [_version_entry(v) for v in reversed(info.get("versions", []))],
        "aliases": dict(info.get("aliases", {})),
    }


def version(library: Any, name: str, ref: str) -> dict[str, Any]:
    full = f"{checked_name(name)}@{checked_ref(ref)}"
    info = _plain(_translated(lambda: library.show(full)))
    return {"name": name, "version": str(info.get("version", ref)), "ref": full, "recipe": info}


def diff(library: Any, name: str, old: str, new: str) -> dict[str, Any]:
    checked_name(name)
    a, b = f"{name}@{checked_ref(old)}", f"{name}@{checked_ref(new)}"
    changes = _translated(lambda: library.diff(a, b))
    return {"name": name, "from": old, "to": new, "text": str(changes)}


def _summary(entry: Any) -> dict[str, Any]:
    info = _plain(entry)
    return {
        "name": str(info.get("name", "")),
        "latest": info.get("latest"),
        "description": str(info.get("description") or ""),
        "versions": int(info.get("versions") or 0)
        if not isinstance(info.get("versions"), list)
        else len(info["versions"]),
        "aliases": dict(info.get("aliases") or {}),
    }


def _version_entry(entry: Any) -> dict[str, Any]:
    info = entry if isinstance(entry, dict) else {"version": str(entry)}
    return {
        "version": str(info.get("version", "")),
        "published": info.get("published") or info.get("time"),
        "digest": info.get("digest") or info.get("sha256"),
        "message": str(info.get("message") or ""),
    }
