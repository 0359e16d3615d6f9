"""Merging the schemas inferred from many files into one, recording the types that conflict.

A column's type is None while no file had a value in it. Integer and double merge to double,
integer and decimal to decimal, date and timestamp to timestamp; any other pair of different
types merges to string, and the merge says which files disagreed.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.core.types import LType

FileSchema = dict[str, LType | None]
"""A schema inferred from a sample: column name to type (None: no value seen)."""

_WIDENS = {
    frozenset({LType.INTEGER, LType.DOUBLE}): LType.DOUBLE,
    frozenset({LType.INTEGER, LType.DECIMAL}): LType.DECIMAL,
    frozenset({LType.DOUBLE, LType.DECIMAL}): LType.DOUBLE,
    frozenset({LType.DATE, LType.TIMESTAMP}): LType.TIMESTAMP,
}


def merge_type(a: LType | None, b: LType | None) -> tuple[LType | None, bool]:
    """The type of a column that is ``a`` in some files and ``b`` in others, and whether they conflict."""
    if a is None or b is None or a is b:
        return (b if a is None else a), False
    widened = _WIDENS.get(frozenset({a, b}))
    return (widened, False) if widened else (LType.STRING, True)


def merge_schemas(schemas: Iterable[tuple[str, FileSchema]], subject: str) -> tuple[FileSchema, list[str]]:
    """One schema for ``(source, schema)`` pairs, in first-seen column order, and conflicts in words."""
    merged: FileSchema = {}
    seen: dict[str, dict[LType, list[str]]] = {}
    conflicted: set[str] = set()
    for source, schema in schemas:
        for name, ltype in schema.items():
            if ltype is not None:
                seen.setdefault(name, {}).setdefault(ltype, []).append(source)
            merged[name], conflict = merge_type(merged.get(name), ltype)
            if conflict:
                conflicted.add(name)
    notes = [_conflict_text(subject, name, seen[name]) for name in merged if name in conflicted]
    return merged, notes


def _conflict_text(subject: str, column: str, sources: dict[LType, list[str]]) -> str:
    parts = []
    for ltype, where in sources.items():
        more = f" and {len(where) - 1} more" if len(where) > 1 else ""
        parts.append(f"{ltype.value} in {where[0]}{more}")
    return f"column {column!r} of {subject}: " + ", ".join(parts) + " -> string"


def final_columns(schema: FileSchema) -> list[tuple[str, str]]:
    """The catalog's columns: a column with no value in any sample is string."""
    return [(name, (ltype or LType.STRING).value) for name, ltype in schema.items()]


def shared_columns(schemas: list[FileSchema]) -> tuple[int, int]:
    """(columns in every schema, columns in any schema)."""
    if not schemas:
        return 0, 0
    names = [set(s) for s in schemas]
    return len(set.intersection(*names)), len(set.union(*names))
