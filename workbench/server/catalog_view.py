"""The catalog reads the REST endpoints answer, as JSON-ready dicts, over ``workbench.catalog``.

A catalog that does not exist yet is answered as an empty one with a hint (opening it would create
it, and a listing must never write). Table names arriving from a URL are checked against the
``DB.TABLE`` pattern before the catalog sees them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench.core.errors import nearest

TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")
# Partitions listed one by one in a table's detail; the summary counts them all.
PARTITIONS_SHOWN = 50
# Tag keys (lower case) that mark a column as sensitive, besides any key holding "pii".
SENSITIVE_KEYS = frozenset({"entity", "sensitive", "dataclassification", "classification"})


class RefusedError(ValueError):
    """A table name that is not DB.TABLE, or a catalog URL the catalog cannot open."""


class NotFoundError(LookupError):
    """No such table in the catalog."""


class UnreadableError(RuntimeError):
    """The catalog file is locked past its timeout, corrupt, or not a catalog."""


def catalog_file(url: str, root: Path) -> Path:
    """The SQLite file of a catalog URL (a path or ``sqlite:///PATH``); relative to the server root."""
    from workbench.catalog import CatalogError
    from workbench.catalog.store import catalog_path

    try:
        path = catalog_path(url)
    except CatalogError as exc:
        raise RefusedError(str(exc)) from exc
    path = path.expanduser()
    return path if path.is_absolute() else root / path


def checked_table_name(name: str) -> tuple[str, str]:
    """``DB.TABLE`` as (database, table); anything else is refused."""
    text = name.removeprefix("catalog:")
    if not TABLE_NAME.match(text):
        msg = (
            f"{name!r} is not a table name: write DB.TABLE (letters, digits and underscores, "
            "not starting with a digit), e.g. sales.orders"
        )
        raise RefusedError(msg)
    database, _, table = text.partition(".")
    return database, table


def missing_hint(path: Path) -> str:
    return (
        f"no catalog at {path} yet: crawl a folder into it (workbench crawl FOLDER --catalog {path} "
        "--database DB), or set the catalog URL in the Workbench settings, "
        "c.WorkbenchServer.catalog_url, or WORKBENCH_CATALOG"
    )


@contextmanager
def opened(path: Path) -> Iterator[Any]:
    """The catalog at ``path`` (which exists), closed afterwards; its errors become ours."""
    from workbench.catalog import CatalogError, open_catalog

    try:
        catalog = open_catalog(path)
    except CatalogError as exc:
        raise UnreadableError(str(exc)) from exc
    try:
        yield catalog
    except CatalogError as exc:
        raise UnreadableError(str(exc)) from exc
    finally:
        catalog.close()


def tables(path: Path, query: str) -> dict[str, Any]:
    """The catalog's tables (searched when ``query`` is given), sorted by database and name."""
    if not path.is_file():
        return {"catalog": str(path), "exists": False, "hint": missing_hint(path), "tables": []}
    text = query.strip()
    with opened(path) as catalog:
        found = catalog.search(text) if text else catalog.tables()
    return {"catalog": str(path), "exists": True, "hint": None, "tables": [summary(t) for t in found]}


def table(path: Path, name: str) -> dict[str, Any]:
    """One table: its summary, columns with their tags, partitions and schema versions."""
    database, table_name = checked_table_name(name)
    if not path.is_file():
        raise NotFoundError(missing_hint(path))
    with opened(path) as catalog:
        found = catalog.find_table(database, table_name)
        if found is None:
            raise NotFoundError(unknown_table(path, f"{database}.{table_name}", catalog))
        partitions = catalog.partitions(database, table_name) if found.partition_keys else []
        versions = catalog.history(database, table_name)
    return {
        "catalog": str(path),
        **summary(found),
        "columns": columns(found.columns, found.tags),
        "partitions": partitions_summary(partitions),
        "versions": [version_entry(v) for v in reversed(versions)],
        "readOptions": found.read_options,
    }


def unknown_table(path: Path, full_name: str, catalog: Any) -> str:
    known = [t.full_name for t in catalog.tables()]
    close = nearest(full_name, known)
    hint = f"; did you mean {close!r}?" if close else ""
    return f"catalog {str(path)!r} has no table {full_name}{hint}"


def summary(t: Any) -> dict[str, Any]:
    """What the side panel lists of a table."""
    column_tags = {column: tags for column, tags in t.tags.items() if column}
    return {
        "database": t.database,
        "name": t.name,
        "fullName": t.full_name,
        "location": t.location,
        "format": t.format,
        "classification": t.classification,
        "partitionKeys": [{"name": n, "type": ty} for n, ty in t.partition_keys],
        "columnCount": len(t.columns),
        "rowEstimate": t.row_estimate,
        "sizeBytes": t.size_bytes,
        "status": t.status,
        "description": t.description,
        "owner": t.owner,
        "schemaVersion": t.schema_version,
        "updatedAt": t.updated_at,
        "tags": dict(t.tags.get("", {})),
        "sensitiveColumns": sorted(c for c, tags in column_tags.items() if is_sensitive(tags)),
    }


def is_sensitive(tags: dict[str, str]) -> bool:
    """A column is sensitive when a tag names PII (``pii*``, ``entity``, ...) or a PII entity."""
    from workbench.pii.entities import ENTITIES

    entities = set(ENTITIES)
    for key, value in tags.items():
        lowered = key.lower()
        if "pii" in lowered or lowered in SENSITIVE_KEYS or value.upper() in entities:
            return True
    return False


def columns(schema: list[tuple[str, str]], tags: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    out = []
    for name, type_name in schema:
        own = dict(tags.get(name, {}))
        out.append({"name": name, "type": type_name, "tags": own, "sensitive": is_sensitive(own)})
    return out


def partitions_summary(partitions: list[Any]) -> dict[str, Any]:
    """How many partitions, files and bytes; the first few partitions with their values."""
    return {
        "count": len(partitions),
        "files": sum(len(p.files) for p in partitions),
        "sizeBytes": sum(p.size_bytes for p in partitions),
        "shown": [
            {
                "values": list(p.values),
                "location": p.location,
                "files": len(p.files),
                "sizeBytes": p.size_bytes,
            }
            for p in partitions[:PARTITIONS_SHOWN]
        ],
    }


def version_entry(version: Any) -> dict[str, Any]:
    return {
        "version": version.version,
        "createdAt": version.created_at,
        "columnCount": len(version.columns),
        "changes": changes_in_words(version.changes, len(version.columns)),
    }


def changes_in_words(changes: dict[str, Any], column_count: int) -> str:
    """A schema version's change from the one before, e.g. ``added amount (double); email removed``."""
    from workbench.catalog.model import describe_diff

    note = str(changes.get("note") or "")
    if changes.get("created"):
        text = f"created with {column_count} column{'s' if column_count != 1 else ''}"
    else:
        text = describe_diff({key: changes.get(key, []) for key in ("added", "removed", "retyped")})
    return f"{text} ({note})" if note else text
