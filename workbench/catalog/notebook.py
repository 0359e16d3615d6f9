"""The catalog in a notebook: ``wb.catalog(URL)`` lists, shows and opens tables by name."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from workbench.catalog.model import SchemaVersion, Table, describe_changes


class NotebookCatalog:
    """The catalog at ``url`` (default: ``WORKBENCH_CATALOG``, then ``.workbench/catalog.db``)."""

    def __init__(self, url: str | None = None) -> None:
        from workbench.catalog.tables import connect

        with connect(url) as cat:  # opened once here so a bad URL fails at once
            self.url = cat.path

    def __repr__(self) -> str:
        return f"<workbench catalog {self.url}>"

    def tables(self, database: str | None = None) -> pd.DataFrame:
        """One row per table: name, format, columns, partition keys, partitions, version, status, location."""
        from workbench.catalog.tables import connect

        with connect(self.url) as cat:
            rows = [
                {
                    "table": t.full_name,
                    "format": t.format,
                    "columns": len(t.columns),
                    "partition_keys": ", ".join(n for n, _ in t.partition_keys),
                    "partitions": len(cat.partitions(t.database, t.name)),
                    "schema_version": t.schema_version,
                    "status": t.status,
                    "location": t.location,
                    "description": t.description,
                }
                for t in cat.tables(database)
            ]
        columns = ["table", "format", "columns", "partition_keys", "partitions", "schema_version", "status"]
        return pd.DataFrame(rows, columns=[*columns, "location", "description"])

    def show(self, name: str) -> TableView:
        """The table ``DB.TABLE`` with its schema, partitions summary, tags and schema versions."""
        from workbench.catalog.catalog import split_table_name
        from workbench.catalog.tables import connect

        database, table = split_table_name(name)
        with connect(self.url) as cat:
            found = cat.table(database, table)
            partitions = cat.partitions(database, table)
            versions = cat.history(database, table)
        return TableView(found, len(partitions), sum(len(p.files) for p in partitions), versions)

    def read(
        self,
        name: str,
        *,
        where: str | None = None,
        spark: Any = None,
        storage_options: dict[str, Any] | None = None,
    ) -> Any:
        """The table as a pandas frame (or a lazy Spark frame with ``spark=SESSION``), pruned by ``where``.

        ``storage_options`` are fsspec's, for a table on an object store (else fsspec's own
        configuration applies, e.g. ``FSSPEC_S3_ENDPOINT_URL``).
        """
        from workbench.catalog.tables import read_table_pandas, read_table_spark

        full = name if name.startswith("catalog:") else f"catalog:{name}"
        if spark is not None:
            return read_table_spark(spark, full, where=where, catalog=self.url)
        return read_table_pandas(full, where=where, catalog=self.url, storage_options=storage_options)

    def open(self, name: str, *, where: str | None = None, **options: Any) -> Any:
        """Open the table in the workbench, as ``wb.open("catalog:DB.TABLE", where=...)`` does."""
        from workbench import open as open_workbench

        full = name if name.startswith("catalog:") else f"catalog:{name}"
        return open_workbench(full, where=where, catalog=self.url, **options)


class TableView:
    """One table as the notebook shows it (text and HTML)."""

    def __init__(self, table: Table, partitions: int, files: int, versions: list[SchemaVersion]) -> None:
        self.table = table
        self.partitions = partitions
        self.files = files
        self.versions = versions

    def schema(self) -> pd.DataFrame:
        """The columns (then the partition keys) with their types and tags."""
        t = self.table
        rows = [
            {"column": n, "type": ty, "partition_key": False, "tags": _tags(t.tags.get(n, {}))}
            for n, ty in t.columns
        ]
        rows += [
            {"column": n, "type": ty, "partition_key": True, "tags": _tags(t.tags.get(n, {}))}
            for n, ty in t.partition_keys
        ]
        return pd.DataFrame(rows, columns=["column", "type", "partition_key", "tags"])

    def history(self) -> pd.DataFrame:
        """The schema versions, with what changed in each in words."""
        return pd.DataFrame(
            [
                {"version": v.version, "created_at": v.created_at, "changes": describe_changes(v.changes)}
                for v in self.versions
            ],
            columns=["version", "created_at", "changes"],
        )

    def _headline(self) -> str:
        t = self.table
        where = f"{t.format} at {t.location}"
        parts = f", {self.partitions} partitions, {self.files} files" if t.partition_keys else ""
        return f"{t.full_name} ({t.status}): {where}{parts}, schema version {t.schema_version}"

    def __repr__(self) -> str:
        return "\n".join(
            [
                self._headline(),
                self.schema().to_string(index=False),
                "versions:",
                self.history().to_string(index=False),
            ]
        )

    def _repr_html_(self) -> str:
        tags = _tags(self.table.tags.get("", {}))
        return (
            f"<div><strong>{html.escape(self._headline())}</strong>"
            + (f"<p>tags: {html.escape(tags)}</p>" if tags else "")
            + self.schema().to_html(index=False)
            + "<p>schema versions</p>"
            + self.history().to_html(index=False)
            + "</div>"
        )


def _tags(tags: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in tags.items())
