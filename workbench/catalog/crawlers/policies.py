"""Applying a crawl to the catalog under its change policies, in one transaction.

New tables and partitions are always added. A table whose columns changed gets, by
``on_schema_change``: LOG (reported, the table stays as it is), UPDATE (a new schema version with
its diff) or FAIL (the crawl writes nothing). Tables and partitions whose data is gone get, by
``on_vanished``: LOG, DEPRECATE (kept, marked deprecated) or DELETE.
"""

from __future__ import annotations

import dataclasses

from workbench.catalog.catalog import Catalog
from workbench.catalog.crawlers.config import CrawlConfig
from workbench.catalog.crawlers.grouping import PlannedTable
from workbench.catalog.crawlers.inference import final_columns
from workbench.catalog.crawlers.report import CrawlReport, TableChange
from workbench.catalog.model import Partition, Table, diff_is_empty, schema_diff


class SchemaChangeRefused(Exception):
    """A schema change met the FAIL policy: the transaction is rolled back."""


def _under(location: str, roots: list[str]) -> bool:
    return any(location == r or location.startswith(r.rstrip("/") + "/") for r in roots)


def assign_names(planned: list[PlannedTable], existing: list[Table]) -> dict[int, Table | None]:
    """Match planned tables to catalog tables by location; give new ones a name no other table has."""
    by_location = {t.location: t for t in existing}
    taken = {t.name for t in existing}
    matched: dict[int, Table | None] = {}
    for index, table in enumerate(planned):
        found = by_location.get(table.location)
        matched[index] = found
        if found is not None:
            table.name = found.name
            continue
        base, n = table.name, 2
        while table.name in taken:
            table.name, n = f"{base}_{n}", n + 1
        taken.add(table.name)
    return matched


def apply(
    catalog: Catalog,
    database: str,
    planned: list[PlannedTable],
    tags: dict[str, dict[str, dict[str, str]]],
    roots: list[str],
    config: CrawlConfig,
    report: CrawlReport,
) -> None:
    """Write the crawl's tables and partitions (call inside ``catalog.batch()``)."""
    existing = catalog.tables(database)
    matched = assign_names(planned, existing)
    for index, table in enumerate(planned):
        change = _apply_table(catalog, database, table, matched[index], tags.get(table.location, {}), config)
        report.tables.append(change)
    seen = {t.location for t in planned}
    for old in existing:
        if old.location not in seen and _under(old.location, roots) and old.status == "active":
            report.tables.append(_vanished_table(catalog, old, config.on_vanished))
    if any(t.action == "failed" for t in report.tables):
        raise SchemaChangeRefused


def _row(database: str, table: PlannedTable, tags: dict[str, dict[str, str]]) -> Table:
    folders = table.folders
    return Table(
        database,
        table.name,
        table.location,
        table.format,
        table.classification,
        final_columns(table.schema),
        list(table.keys),
        dict(folders[0].read_options),
        row_estimate=sum(f.rows_estimate for f in folders),
        size_bytes=sum(size for f in folders for _, size in f.files),
        description=f"found by a crawl of {table.location}",
        tags=tags,
    )


def _partitions(table: PlannedTable) -> list[Partition]:
    out = []
    for values, folders in sorted(table.partitions.items(), key=lambda kv: str(kv[0])):
        files = [(url, size) for f in folders for url, size in f.files]
        location = table.partition_location(folders[0])
        out.append(Partition(values, location, sorted(u for u, _ in files), sum(s for _, s in files)))
    return out


def _apply_table(
    catalog: Catalog,
    database: str,
    table: PlannedTable,
    old: Table | None,
    tags: dict[str, dict[str, str]],
    config: CrawlConfig,
) -> TableChange:
    row = _row(database, table, tags)
    change = TableChange(
        table.name,
        "added",
        table.location,
        table.classification,
        [n for n, _ in table.keys],
        files=sum(len(f.files) for f in table.folders),
        tags=tags,
    )
    # A table without keys gets one partition of no values: the exact files the crawl kept.
    partitions = _partitions(table)
    if old is None:
        saved = catalog.save_table(row, note="created by a crawl")
        catalog.put_partitions(database, table.name, partitions)
        change.partitions_added = [list(p.values) for p in partitions if p.values]
        change.schema_version = saved.schema_version
        return change
    return _update(catalog, database, row, old, partitions, change, config)


def _update(
    catalog: Catalog,
    database: str,
    row: Table,
    old: Table,
    partitions: list[Partition],
    change: TableChange,
    config: CrawlConfig,
) -> TableChange:
    diff = schema_diff(old.columns, row.columns)
    if old.partition_keys != row.partition_keys:
        diff["partition_keys"] = {
            "from": [{"name": n, "type": t} for n, t in old.partition_keys],
            "to": [{"name": n, "type": t} for n, t in row.partition_keys],
        }
    changed = not diff_is_empty(diff) or "partition_keys" in diff
    change.tags = {}
    row.description, row.owner, row.tags = old.description or row.description, old.owner, {}
    if changed:
        applied = config.on_schema_change == "UPDATE"
        change.schema_change = {**diff, "policy": config.on_schema_change, "applied": applied}
        if config.on_schema_change == "FAIL":
            change.action = "failed"
            return change
        if not applied:
            row.columns, row.partition_keys = old.columns, old.partition_keys
    known = {p.key(): p for p in catalog.partitions(database, old.name, include_deprecated=True)}
    fresh = [p for p in partitions if p.key() not in known or known[p.key()].status != "active"]
    moved = [p for p in partitions if p.key() in known and _differs(p, known[p.key()])]
    current = {p.key() for p in partitions}
    gone = [p for k, p in known.items() if k not in current and p.status == "active"]
    row.status = "active"
    saved = catalog.save_table(row, note="changed by a crawl")
    catalog.put_partitions(database, old.name, fresh + [p for p in moved if p not in fresh])
    _vanished_partitions(catalog, database, old.name, gone, config.on_vanished)
    change.partitions_added = [list(p.values) for p in fresh if p.values]
    change.partitions_vanished = [list(p.values) for p in gone if p.values]
    change.schema_version = saved.schema_version
    applied = bool(change.schema_change and change.schema_change["applied"])
    touched = fresh or gone or moved or applied or old.size_bytes != row.size_bytes
    change.action = "updated" if touched or old.status != "active" else "unchanged"
    return change


def _differs(new: Partition, old: Partition) -> bool:
    return (new.files, new.size_bytes, new.location) != (old.files, old.size_bytes, old.location)


def _vanished_partitions(
    catalog: Catalog, database: str, name: str, gone: list[Partition], policy: str
) -> None:
    if not gone or policy == "LOG":
        return
    if policy == "DELETE":
        catalog.drop_partitions(database, name, [p.key() for p in gone])
        return
    catalog.put_partitions(database, name, [dataclasses.replace(p, status="deprecated") for p in gone])


def _vanished_table(catalog: Catalog, table: Table, policy: str) -> TableChange:
    change = TableChange(table.name, "vanished", table.location, table.classification)
    if policy == "DELETE":
        catalog.delete_table(table.database, table.name)
        change.action = "deleted"
    elif policy == "DEPRECATE":
        table.status = "deprecated"
        catalog.save_table(table, note="its data is gone")
        change.action = "deprecated"
    return change
