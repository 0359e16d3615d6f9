"""The data catalog: databases and tables with their partitions, schema versions and tags.

One SQLite file by default (``.workbench/catalog.db`` or ``WORKBENCH_CATALOG``), safe for several
processes at once. ``open_catalog(url)`` opens it, creating it on first use.
"""

from workbench.catalog.catalog import Catalog, open_catalog, split_table_name
from workbench.catalog.model import Partition, SchemaVersion, Table
from workbench.catalog.store import CatalogError

__all__ = [
    "Catalog",
    "CatalogError",
    "Partition",
    "SchemaVersion",
    "Table",
    "open_catalog",
    "split_table_name",
]
