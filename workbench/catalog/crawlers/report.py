"""The crawl report: what a crawl found, decided and changed, as data, JSON and a rich rendering."""

from __future__ import annotations

import dataclasses
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from workbench.catalog.model import describe_diff


@dataclasses.dataclass(frozen=True)
class Problem:
    """A file or folder the crawl could not use, and why (the crawl goes on without it)."""

    path: str
    message: str


@dataclasses.dataclass
class TableChange:
    """What a crawl did to one table."""

    name: str
    action: str
    """added, updated, unchanged, deprecated, deleted, or failed (a schema change under FAIL)."""
    location: str = ""
    classification: str = ""
    partition_keys: list[str] = dataclasses.field(default_factory=list)
    partitions_added: list[list[Any]] = dataclasses.field(default_factory=list)
    partitions_vanished: list[list[Any]] = dataclasses.field(default_factory=list)
    schema_change: dict[str, Any] | None = None
    """The diff of columns (added, removed, retyped), and ``applied``: whether it became a version."""
    schema_version: int | None = None
    tags: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)
    files: int = 0


@dataclasses.dataclass
class CrawlReport:
    """Everything one crawl did (``crawl()`` returns it; ``workbench crawl`` prints it)."""

    database: str
    urls: list[str]
    tables: list[TableChange] = dataclasses.field(default_factory=list)
    decisions: list[str] = dataclasses.field(default_factory=list)
    """Each grouping decision in words."""
    type_conflicts: list[str] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    folders_visited: list[str] = dataclasses.field(default_factory=list)
    """Folders whose files were read (new or changed since the last crawl)."""
    folders_unchanged: int = 0
    files_seen: int = 0
    files_excluded: int = 0
    """Files left out by the ``exclude`` globs."""
    files_read: int = 0
    seconds: float = 0.0
    failed: bool = False
    """A schema change met the FAIL policy: nothing was written."""

    def by_action(self, action: str) -> list[TableChange]:
        """The tables the crawl ``added``, ``updated``, ``unchanged``, ``deprecated``, ``deleted`` …"""
        return [t for t in self.tables if t.action == action]

    def table(self, name: str) -> TableChange:
        """The change of the table ``name`` (a KeyError names the tables the crawl saw)."""
        for change in self.tables:
            if change.name == name:
                return change
        raise KeyError(f"the crawl saw no table {name!r} (it saw {', '.join(t.name for t in self.tables)})")

    def counts(self) -> dict[str, int]:
        """Tables per action, partitions added and problems."""
        actions = ("added", "updated", "unchanged", "deprecated", "deleted", "failed")
        out = {a: len(self.by_action(a)) for a in actions}
        out["partitions_added"] = sum(len(t.partitions_added) for t in self.tables)
        out["problems"] = len(self.problems)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (what ``workbench crawl --json`` prints)."""
        out = dataclasses.asdict(self)
        out["counts"] = self.counts()
        out["files_per_second"] = round(self.files_read / self.seconds, 1) if self.seconds else None
        return out

    def print(self, console: Console) -> None:
        """The report for people: tables, decisions, schema changes, tags and problems."""
        console.print(_summary_line(self))
        if self.tables:
            console.print(_tables_grid(self))
        _section(console, "Grouping", self.decisions)
        changes = [
            f"{t.name}: {_change_text(t.schema_change)}"
            + ("" if t.schema_change.get("applied") else f" (not applied: {t.schema_change['policy']})")
            for t in self.tables
            if t.schema_change
        ]
        _section(console, "Schema changes", changes)
        _section(console, "Type conflicts (read as string)", self.type_conflicts)
        tags = [
            f"{t.name}.{column}: " + ", ".join(f"{k}={v}" for k, v in found.items())
            for t in self.tables
            for column, found in sorted(t.tags.items())
        ]
        _section(console, "Tags", tags)
        _section(console, "Problems", [f"{p.path}: {p.message}" for p in self.problems], style="yellow")
        if self.failed:
            console.print("[red]crawl failed: a schema change met the FAIL policy; nothing was written[/red]")


def _change_text(change: dict[str, Any]) -> str:
    parts = [] if describe_diff(change) == "no change" else [describe_diff(change)]
    if "partition_keys" in change:
        keys = change["partition_keys"]
        words = [
            ", ".join(f"{k['name']} ({k['type']})" for k in keys[side]) or "none" for side in ("from", "to")
        ]
        parts.append(f"partition keys {words[0]} -> {words[1]}")
    return "; ".join(parts)


def _summary_line(report: CrawlReport) -> str:
    c = report.counts()
    per_second = report.files_read / report.seconds if report.seconds and report.files_read else 0
    rate = f", {per_second:,.0f} files/s" if per_second else ""
    return (
        f"[bold]crawl of {escape(', '.join(report.urls))} into {escape(report.database)}[/bold]: "
        f"{c['added']} added, {c['updated']} updated, {c['unchanged']} unchanged, "
        f"{c['deprecated']} deprecated, {c['deleted']} deleted; {c['partitions_added']} partitions added; "
        f"{len(report.folders_visited)} folders read, {report.folders_unchanged} unchanged; "
        f"{report.files_read} files read in {report.seconds:.1f} s{rate}"
        + (f", {report.files_excluded} excluded" if report.files_excluded else "")
        + f"; {c['problems']} problems"
    )


def _tables_grid(report: CrawlReport) -> RichTable:
    grid = RichTable(show_edge=False, header_style="bold")
    for title in ("table", "action", "format", "partition keys", "partitions +", "files", "version"):
        grid.add_column(title)
    for t in report.tables:
        grid.add_row(
            escape(t.name),
            t.action,
            t.classification,
            escape(", ".join(t.partition_keys)) or "-",
            str(len(t.partitions_added)),
            str(t.files),
            "" if t.schema_version is None else str(t.schema_version),
        )
    return grid


def _section(console: Console, title: str, lines: list[str], style: str = "") -> None:
    if not lines:
        return
    console.print(f"[bold]{title}[/bold]")
    for line in lines:
        text = escape(line)
        console.print(f"  [{style}]{text}[/{style}]" if style else f"  {text}")
