"""Where everything lives inside a library, and which names may be used.

::

    <library>/recipes/<name>/draft.json       the mutable draft (DataBrew's LATEST_WORKING)
    <library>/recipes/<name>/objects/<hex>.json   canonical recipe JSON, named by its sha256
    <library>/recipes/<name>/versions/<X.Y>.json  a published version's record (write-once)
    <library>/recipes/<name>/aliases/<alias>.json a movable alias (``prod``) -> a version
    <library>/recipes/<name>/deprecated/<X.Y>.json  a deprecation note for a version
    <library>/recipes/<name>/pins/<lock id>.json    which version a lock file pins

Names are checked before they become paths, so none can climb out of the library.
"""

from __future__ import annotations

import re

from workbench.library.errors import InvalidNameError

RECIPES = "recipes"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}$")
_ALIAS = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_HEX = re.compile(r"^[0-9a-f]{64}$")
_LOCK_ID = re.compile(r"^[0-9a-f]{32}$")

RESERVED_ALIASES = frozenset({"LATEST_PUBLISHED", "LATEST_WORKING"})


def check_name(name: str) -> str:
    """A recipe name: letters, digits, ``.``, ``_``, ``-`` and inner spaces; no ``/``, no ``..``."""
    if not isinstance(name, str) or not _NAME.match(name) or ".." in name or name != name.rstrip(" ."):
        raise InvalidNameError(
            f"{name!r} is not a recipe name: use up to 128 letters, digits, '.', '_', '-' or spaces, "
            "starting with a letter or digit, without '/', '\\', '..' or a trailing dot or space"
        )
    return name


def check_alias(alias: str) -> str:
    """A user alias (``prod``): a letter, then letters, digits, ``_`` or ``-``; not a reserved name."""
    if alias in RESERVED_ALIASES:
        raise InvalidNameError(f"{alias!r} is kept up to date by the library; choose another alias")
    if not isinstance(alias, str) or not _ALIAS.match(alias):
        raise InvalidNameError(
            f"{alias!r} is not an alias name: a letter, then up to 63 letters, digits, '_' or '-'"
        )
    return alias


def check_lock_id(lock_id: str) -> str:
    if not _LOCK_ID.match(lock_id):
        raise InvalidNameError(f"{lock_id!r} is not a lock id (32 hexadecimal digits)")
    return lock_id


def recipe_dir(name: str) -> str:
    return f"{RECIPES}/{check_name(name)}"


def draft_path(name: str) -> str:
    return f"{recipe_dir(name)}/draft.json"


def object_path(name: str, hex_digest: str) -> str:
    if not _HEX.match(hex_digest):
        raise InvalidNameError(f"{hex_digest!r} is not a sha256 digest")
    return f"{recipe_dir(name)}/objects/{hex_digest}.json"


def version_dir(name: str) -> str:
    return f"{recipe_dir(name)}/versions"


def version_path(name: str, version: str) -> str:
    return f"{version_dir(name)}/{version}.json"


def alias_dir(name: str) -> str:
    return f"{recipe_dir(name)}/aliases"


def alias_path(name: str, alias: str) -> str:
    return f"{alias_dir(name)}/{check_alias(alias)}.json"


def deprecated_path(name: str, version: str) -> str:
    return f"{recipe_dir(name)}/deprecated/{version}.json"


def pin_dir(name: str) -> str:
    return f"{recipe_dir(name)}/pins"


def pin_path(name: str, lock_id: str) -> str:
    return f"{pin_dir(name)}/{check_lock_id(lock_id)}.json"
