"""``workbench catalog list|show|history|diff|tag|search``: the data catalog from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

catalog_option = click.option(
    "--catalog",
    "catalog_url",
    metavar="URL",
    help="The catalog file (default: env WORKBENCH_CATALOG, then .workbench/catalog.db).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON to stdout.")


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _open(url: str | None) -> Any:
    from workbench.catalog.tables import connect

    return connect(url)


def _names(text: str) -> tuple[str, str]:
    from workbench.catalog import split_table_name

    return split_table_name(text)


def register(cli: click.Group, guard: Callable[..., Any], console: Console) -> None:
    """Add the ``catalog`` group to ``cli``."""
    out = Console(highlight=False, soft_wrap=True)

    @cli.group("catalog")
    def catalog() -> None:
        """List, show, diff, tag and search the tables of the data catalog."""

    @catalog.command("list")
    @click.argument("database", required=False)
    @catalog_option
    @json_option
    @guard
    def list_tables(database: str | None, catalog_url: str | None, as_json: bool) -> None:
        """List the tables (of DATABASE, or of every database)."""
        with _open(catalog_url) as cat:
            _known_database(cat, database)
            tables = cat.tables(database)
            counts = {t.full_name: len(cat.partitions(t.database, t.name)) for t in tables}
        if as_json:
            _print_json([t.to_dict() | {"partitions": counts[t.full_name]} for t in tables])
            return
        grid = RichTable(title=f"{len(tables)} tables", title_justify="left", show_edge=False)
        for header in ("table", "format", "columns", "partition keys", "partitions", "version", "status"):
            grid.add_column(header)
        for t in tables:
            keys = ", ".join(n for n, _ in t.partition_keys) or "-"
            cells = (
                t.full_name,
                t.format,
                len(t.columns),
                keys,
                counts[t.full_name],
                t.schema_version,
                t.status,
            )
            grid.add_row(*(escape(str(c)) for c in cells))
        out.print(grid)

    @catalog.command("show")
    @click.argument("table")
    @catalog_option
    @json_option
    @guard
    def show(table: str, catalog_url: str | None, as_json: bool) -> None:
        """Show TABLE (DB.TABLE): schema, partitions, tags and schema versions."""
        with _open(catalog_url) as cat:
            found = cat.table(*_names(table))
            partitions = cat.partitions(found.database, found.name)
            versions = cat.history(found.database, found.name)
        if as_json:
            data = found.to_dict() | {
                "partitions": [_partition_dict(p) for p in partitions],
                "versions": [v.to_dict() for v in versions],
            }
            _print_json(data)
            return
        for line in describe_table(found, partitions, versions):
            out.print(escape(line))

    @catalog.command("history")
    @click.argument("table")
    @catalog_option
    @json_option
    @guard
    def history(table: str, catalog_url: str | None, as_json: bool) -> None:
        """The schema versions of TABLE with what changed in each."""
        with _open(catalog_url) as cat:
            versions = cat.history(*_names(table))
        if as_json:
            _print_json([v.to_dict() for v in versions])
            return
        grid = RichTable(show_edge=False)
        for header in ("version", "at", "columns", "changes"):
            grid.add_column(header)
        for v in versions:
            grid.add_row(
                str(v.version), escape(v.created_at), str(len(v.columns)), escape(change_words(v.changes))
            )
        out.print(grid)

    @catalog.command("diff")
    @click.argument("table")
    @click.argument("old", type=int)
    @click.argument("new", type=int)
    @catalog_option
    @json_option
    @guard
    def diff(table: str, old: int, new: int, catalog_url: str | None, as_json: bool) -> None:
        """What changed in TABLE's schema from version OLD to version NEW."""
        from workbench.catalog.model import describe_diff

        with _open(catalog_url) as cat:
            found = cat.diff(*_names(table), old, new)
        if as_json:
            _print_json(found)
            return
        click.echo(f"{table} {old} -> {new}: {describe_diff(found)}")

    @catalog.command("tag")
    @click.argument("table")
    @click.argument("pair", required=False, metavar="KEY=VALUE")
    @click.option("--column", default="", help="Tag this column instead of the table.")
    @click.option("--remove", "remove_key", metavar="KEY", help="Remove the tag KEY.")
    @catalog_option
    @json_option
    @guard
    def tag(
        table: str,
        pair: str | None,
        column: str,
        remove_key: str | None,
        catalog_url: str | None,
        as_json: bool,
    ) -> None:
        """Set KEY=VALUE on TABLE (or on --column), or --remove KEY."""
        from workbench.core.errors import RecipeError

        if (pair is None) == (remove_key is None):
            raise RecipeError("give KEY=VALUE to set a tag or --remove KEY to remove one (not both)")
        key, value = (remove_key or "", None)
        if pair is not None:
            key, sep, value = pair.partition("=")
            if not sep or not key:
                raise RecipeError(f"a tag is KEY=VALUE, got {pair!r}")
        database, name = _names(table)
        with _open(catalog_url) as cat:
            cat.tag(database, name, key, value, column)
            tags = cat.table(database, name).tags
        if as_json:
            _print_json(tags)
            return
        target = f"{database}.{name}" + (f" column {column}" if column else "")
        click.echo(f"{'removed' if value is None else 'set'} {key} on {target}")

    @catalog.command("search")
    @click.argument("text")
    @catalog_option
    @json_option
    @guard
    def search(text: str, catalog_url: str | None, as_json: bool) -> None:
        """Tables whose name, description, owner, location, columns or tags hold TEXT."""
        with _open(catalog_url) as cat:
            found = cat.search(text)
        if as_json:
            _print_json([t.to_dict() for t in found])
            return
        if not found:
            click.echo(f"no table matches {text!r}")
            return
        for t in found:
            click.echo(f"{t.full_name}  {t.format}  {len(t.columns)} columns  {t.description}".rstrip())


def _known_database(cat: Any, database: str | None) -> None:
    from workbench.catalog import CatalogError
    from workbench.core.errors import nearest

    known = cat.databases()
    if database is None or database in known:
        return
    close = nearest(database, known)
    hint = f"; did you mean {close!r}?" if close else ""
    raise CatalogError(f"catalog {cat.path!r} has no database {database!r}{hint}")


def _partition_dict(p: Any) -> dict[str, Any]:
    return {"values": list(p.values), "location": p.location, "files": p.files, "size_bytes": p.size_bytes}


def change_words(changes: dict[str, Any]) -> str:
    """A schema version's changes in words: created, or the columns added, removed and retyped."""
    from workbench.catalog.model import describe_changes

    return describe_changes(changes)


def describe_table(table: Any, partitions: list[Any], versions: list[Any]) -> list[str]:
    """The lines of ``catalog show``: the table, its schema, partitions, tags and versions."""
    lines = [
        f"{table.full_name} ({table.status}): {table.format} at {table.location}",
        f"schema version {table.schema_version}, updated {table.updated_at}",
    ]
    if table.description:
        lines.append(f"description: {table.description}")
    lines.append("columns:")
    column_tags = table.tags
    for name, ltype in table.columns:
        tags = ", ".join(f"{k}={v}" for k, v in column_tags.get(name, {}).items())
        lines.append(f"  {name}: {ltype}" + (f"  [{tags}]" if tags else ""))
    if table.partition_keys:
        keys = ", ".join(f"{n} ({t})" for n, t in table.partition_keys)
        files = sum(len(p.files) for p in partitions)
        size = sum(p.size_bytes for p in partitions)
        lines.append(f"partition keys: {keys}")
        lines.append(f"partitions: {len(partitions)}, {files} files, {size:,} bytes")
        if partitions:
            first, last = partitions[0].values, partitions[-1].values
            lines.append(f"  from {list(first)} to {list(last)}")
    table_tags = ", ".join(f"{k}={v}" for k, v in column_tags.get("", {}).items())
    lines.append(f"tags: {table_tags or '-'}")
    lines.append("versions:")
    lines += [f"  {v.version}  {v.created_at}  {change_words(v.changes)}" for v in versions]
    return lines
