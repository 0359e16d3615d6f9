"""Grouping folders into tables, by AWS Glue's rules, with every decision said in words.

Starting at the crawled URL, a folder becomes one table (its subfolders its partitions) when all
the data under it has one format, sits at one depth, has at most ``max_schemas`` distinct column
sets, and the columns every folder shares are at least ``similarity`` of all columns. Otherwise its
subfolders are judged one by one, the same way. ``table_level`` overrides all of it: tables are made
at that depth, whatever their schemas.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from workbench.catalog.crawlers.inference import FileSchema, merge_schemas, shared_columns
from workbench.catalog.crawlers.partitions import key_names, key_type, level_value


@dataclasses.dataclass
class FolderResult:
    """What the classifiers found in one folder's files (cached between crawls in the catalog)."""

    rel: str
    url: str
    fingerprint: str
    classification: str
    format: str
    schema: FileSchema
    read_options: dict[str, Any]
    files: list[tuple[str, int]]
    """(file URL, size) of the files that belong to the folder's table."""
    rows_estimate: int
    samples: list[dict[str, list[Any]]] = dataclasses.field(default_factory=list)

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.rel.split("/")) if self.rel else ()

    @property
    def kind(self) -> str:
        return f"{self.format}:{self.classification}"


@dataclasses.dataclass
class PlannedTable:
    """A table the crawl found: its folders, partition keys and merged schema."""

    name: str
    location: str
    folders: list[FolderResult]
    keys: list[tuple[str, str]]
    schema: FileSchema
    partitions: dict[tuple[str | None, ...], list[FolderResult]]
    prefix: tuple[str, ...] = ()
    """The table's folder under the crawled URL."""

    def partition_location(self, folder: FolderResult) -> str:
        """The folder of the partition ``folder`` belongs to."""
        below = folder.parts[len(self.prefix) : len(self.prefix) + len(self.keys)]
        return "/".join((self.location, *below))

    @property
    def format(self) -> str:
        return self.folders[0].format

    @property
    def classification(self) -> str:
        return self.folders[0].classification


@dataclasses.dataclass
class Grouping:
    """The tables planned under one crawled URL, the decisions in words, and type conflicts."""

    tables: list[PlannedTable] = dataclasses.field(default_factory=list)
    decisions: list[str] = dataclasses.field(default_factory=list)
    conflicts: list[str] = dataclasses.field(default_factory=list)


def table_name(text: str) -> str:
    """A catalog name from a folder name: lower case, other characters as '_', never a leading digit."""
    name = re.sub(r"[^0-9a-z_]+", "_", text.lower()).strip("_") or "table"
    return f"t_{name}" if name[0].isdigit() else name


def group(
    root_url: str,
    root_name: str,
    folders: list[FolderResult],
    similarity: float,
    max_schemas: int,
    table_level: int | None,
) -> Grouping:
    """The tables of one crawled URL."""
    out = Grouping()

    def join(prefix: tuple[str, ...]) -> str:
        return "/".join((root_url, *prefix)) if prefix else root_url

    _Grouper(out, join, root_name, similarity, max_schemas, table_level).decide((), folders)
    return out


@dataclasses.dataclass
class _Grouper:
    out: Grouping
    join: Callable[[tuple[str, ...]], str]
    root_name: str
    similarity: float
    max_schemas: int
    table_level: int | None

    def name_of(self, prefix: tuple[str, ...]) -> str:
        return table_name(prefix[-1] if prefix else self.root_name)

    def decide(self, prefix: tuple[str, ...], folders: list[FolderResult]) -> None:
        level = len(prefix)
        if self.table_level is not None:
            if level >= self.table_level:
                forced = f"made a table at level {self.table_level} (the table_level setting)"
                self.make(prefix, folders, forced)
                return
            direct = [f for f in folders if len(f.parts) == level]
            if direct:
                self.make(prefix, direct, f"its files sit above table level {self.table_level}")
            self.split(prefix, [f for f in folders if len(f.parts) > level], None)
            return
        only = _single_path_child(folders, level)
        if only is not None:
            # One named folder above all the data is part of the path, not a partition level.
            self.decide((*prefix, only), folders)
            return
        reason = self.why_apart(folders, level)
        if reason is None:
            self.make(prefix, folders, None)
            return
        direct = [f for f in folders if len(f.parts) == level]
        deeper = [f for f in folders if len(f.parts) > level]
        if direct:
            self.make(prefix, direct, "its own files are kept apart from its subfolders")
        self.split(prefix, deeper, reason)

    def split(self, prefix: tuple[str, ...], folders: list[FolderResult], reason: str | None) -> None:
        children: dict[str, list[FolderResult]] = {}
        for folder in folders:
            children.setdefault(folder.parts[len(prefix)], []).append(folder)
        if reason and len(children) > 1:
            names = [f"`{self.name_of((*prefix, c))}`" for c in sorted(children)]
            listed = " and ".join(names) if len(names) == 2 else ", ".join(names)
            self.out.decisions.append(f"{listed} kept apart: {reason}")
        for child in sorted(children):
            self.decide((*prefix, child), children[child])

    def why_apart(self, folders: list[FolderResult], level: int) -> str | None:
        """Why these folders cannot be one table (None: they can)."""
        if len(folders) == 1:
            return None
        kinds = sorted({f.classification for f in folders})
        if len({f.kind for f in folders}) > 1:
            return f"different formats ({', '.join(kinds)})"
        schemas = [f.schema for f in folders]
        distinct = len({frozenset(s) for s in schemas})
        if distinct > self.max_schemas:
            return f"{distinct} distinct schemas (at most {self.max_schemas} are merged into one table)"
        shared, total = shared_columns(schemas)
        if total and shared / total < self.similarity:
            return (
                f"{_percent(shared, total)} of columns shared ({shared} of {total}; "
                f"merging needs {self.similarity:.0%})"
            )
        depths = {len(f.parts) - level for f in folders}
        if len(depths) > 1:
            return f"their data sits at different depths ({', '.join(map(str, sorted(depths)))} folders down)"
        return None

    def make(self, prefix: tuple[str, ...], folders: list[FolderResult], forced: str | None) -> None:
        name = self.name_of(prefix)
        schema, conflicts = merge_schemas(((f.rel or f.url, f.schema) for f in folders), f"`{name}`")
        self.out.conflicts.extend(conflicts)
        depth = min(len(f.parts) for f in folders) - len(prefix)
        levels = [[f.parts[len(prefix) + i] for f in folders] for i in range(depth)]
        names = key_names(levels)
        partitions: dict[tuple[str | None, ...], list[FolderResult]] = {}
        for folder in folders:
            parts = folder.parts[len(prefix) : len(prefix) + depth]
            values = tuple(
                level_value(p, not n.startswith("partition_")) for p, n in zip(parts, names, strict=True)
            )
            partitions.setdefault(values, []).append(folder)
        keys = [(n, key_type([v[i] for v in partitions]).value) for i, n in enumerate(names)]
        table = PlannedTable(name, self.join(prefix), folders, keys, schema, partitions, prefix)
        self.out.tables.append(table)
        self.out.decisions.append(self.explain(table, forced))

    def explain(self, table: PlannedTable, forced: str | None) -> str:
        files = sum(len(f.files) for f in table.folders)
        what = f"{files} file{'s' if files != 1 else ''}, {table.classification}"
        if forced:
            return f"`{table.name}` {forced}: {len(table.folders)} folder(s), {what}"
        if not table.keys:
            return f"`{table.name}` is one table of one folder: {what}"
        shared, total = shared_columns([f.schema for f in table.folders])
        distinct = len({frozenset(f.schema) for f in table.folders})
        keys = ", ".join(n for n, _ in table.keys)
        return (
            f"{len(table.folders)} folders merged as partitions of `{table.name}` (keys {keys}): "
            f"{_percent(shared, total)} of columns shared ({shared} of {total}), "
            f"{distinct} distinct schema{'s' if distinct != 1 else ''}, all {table.classification}; {what}"
        )


def _single_path_child(folders: list[FolderResult], level: int) -> str | None:
    if any(len(f.parts) == level for f in folders):
        return None
    children = {f.parts[level] for f in folders}
    if len(children) != 1:
        return None
    child = children.pop()
    return child if "=" not in child and child[:1].isalpha() else None


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole) if whole else 100} %"
