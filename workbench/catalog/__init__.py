"""The data catalog: databases and tables with their partitions, schema versions and tags.

One SQLite file by default (``.workbench/catalog.db`` or ``WORKBENCH_CATALOG``), safe for several
processes at once. ``open_catalog(url)`` opens it, creating it on first use; ``crawl(urls, …)``
finds tables under folders and object-store prefixes (``workbench.catalog.crawlers``).
"""

from typing import Any

from workbench.catalog.catalog import Catalog, open_catalog, split_table_name
from workbench.catalog.model import Partition, SchemaVersion, Table
from workbench.catalog.store import CatalogError

__all__ = [
    "Catalog",
    "CatalogError",
    "Partition",
    "SchemaVersion",
    "Table",
    "crawl",
    "open_catalog",
    "split_table_name",
]


def crawl(urls: Any, **options: Any) -> Any:
    """Crawl folders or object-store prefixes into the catalog; returns the ``CrawlReport``.

    ``crawl("data/", database="raw", catalog="cat.db")``; see ``workbench.catalog.crawlers.crawl``.
    """
    from workbench.catalog.crawlers import crawl as run

    return run(urls, **options)
