"""The shared recipe library: versions, aliases, search, diff and lock files at a URL.

>>> import workbench as wb
>>> lib = wb.library("/tmp/team-library")          # or "s3://bucket/prefix"      # doctest: +SKIP
>>> lib.publish("recipes/sales.json", message="first cut").version                 # doctest: +SKIP
'1.0'

See ``docs/library.md`` for the layout and its guarantees.
"""

from __future__ import annotations

from workbench.library import errors
from workbench.library.diff import Change, RecipeDiff, diff_recipes
from workbench.library.library import LIBRARY_ENV, Library, Version
from workbench.library.lock import LOCK_NAME, LockFile, lock, resolve_pinned
from workbench.library.versions import Ref, parse_ref

__all__ = [
    "LIBRARY_ENV",
    "LOCK_NAME",
    "Change",
    "Library",
    "LockFile",
    "RecipeDiff",
    "Ref",
    "Version",
    "diff_recipes",
    "errors",
    "lock",
    "parse_ref",
    "resolve_pinned",
]
