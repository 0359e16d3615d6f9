"""What the catalog holds: tables, their partitions, schema versions and tags."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

Columns = list[tuple[str, str]]
"""An ordered schema: (column name, logical type name) pairs."""


@dataclasses.dataclass
class Partition:
    """One partition of a table: its key values, its folder and the data files in it."""

    values: tuple[Any, ...]
    location: str
    files: list[str]
    size_bytes: int = 0
    status: str = "active"

    def key(self) -> str:
        return json.dumps(list(self.values))


@dataclasses.dataclass
class Table:
    """A table of the catalog (``status`` is ``active`` or ``deprecated``)."""

    database: str
    name: str
    location: str
    format: str
    classification: str
    columns: Columns
    partition_keys: Columns = dataclasses.field(default_factory=list)
    read_options: dict[str, Any] = dataclasses.field(default_factory=dict)
    row_estimate: int | None = None
    size_bytes: int | None = None
    description: str = ""
    owner: str = ""
    status: str = "active"
    schema_version: int = 1
    tags: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)
    """Tags by column ('' for the table itself): key to value."""
    created_at: str = ""
    updated_at: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.database}.{self.name}"

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["columns"] = [{"name": n, "type": t} for n, t in self.columns]
        out["partition_keys"] = [{"name": n, "type": t} for n, t in self.partition_keys]
        return out


@dataclasses.dataclass
class SchemaVersion:
    """One version of a table's schema and what changed from the version before."""

    version: int
    columns: Columns
    changes: dict[str, Any]
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "columns": [{"name": n, "type": t} for n, t in self.columns],
            "changes": self.changes,
            "created_at": self.created_at,
        }


def schema_diff(old: Columns, new: Columns) -> dict[str, Any]:
    """Columns added, removed and retyped from ``old`` to ``new`` (empty lists: no change)."""
    before, after = dict(old), dict(new)
    return {
        "added": [{"name": n, "type": t} for n, t in new if n not in before],
        "removed": [{"name": n, "type": t} for n, t in old if n not in after],
        "retyped": [
            {"name": n, "from": before[n], "to": t} for n, t in new if n in before and before[n] != t
        ],
    }


def diff_is_empty(diff: dict[str, Any]) -> bool:
    return not (diff["added"] or diff["removed"] or diff["retyped"])


def describe_diff(diff: dict[str, Any]) -> str:
    """A diff in words, e.g. ``added amount (double); email string -> integer``."""
    parts = [f"added {c['name']} ({c['type']})" for c in diff["added"]]
    parts += [f"removed {c['name']}" for c in diff["removed"]]
    parts += [f"{c['name']} {c['from']} -> {c['to']}" for c in diff["retyped"]]
    return "; ".join(parts) if parts else "no change"


def describe_changes(changes: dict[str, Any]) -> str:
    """A schema version's changes in words: ``created``, or its diff, with the note that came with it."""
    words = "created" if changes.get("created") else describe_diff(changes)
    note = changes.get("note")
    return f"{words} ({note})" if note else words
