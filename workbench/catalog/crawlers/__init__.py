"""Crawlers: find datasets under folders and object-store prefixes and keep the catalog up to date.

``crawl(urls, database=…, catalog=…)`` lists the URLs, classifies the files of every folder that
changed since the last crawl, groups folders into (partitioned) tables, tags sensitive columns and
writes it all to the catalog in one transaction under the change policies; it returns a
``CrawlReport``. See docs/catalog.md.
"""

from workbench.catalog.crawlers.config import CrawlConfig, CrawlConfigError
from workbench.catalog.crawlers.crawler import crawl
from workbench.catalog.crawlers.report import CrawlReport, Problem, TableChange

__all__ = ["CrawlConfig", "CrawlConfigError", "CrawlReport", "Problem", "TableChange", "crawl"]
