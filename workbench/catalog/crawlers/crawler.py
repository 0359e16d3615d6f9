"""A crawl: list the URLs, read the folders that changed, group them into tables, write the catalog.

Reading happens before the catalog is touched; everything the crawl changes (tables, partitions,
schema versions, tags, folder fingerprints) is then written in one transaction, so a crawl that
fails or is refused leaves the catalog as it was.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from workbench.catalog.catalog import Catalog, check_name, open_catalog
from workbench.catalog.crawlers.classifiers import (
    Classification,
    Classifier,
    Head,
    Unreadable,
    build_classifiers,
)
from workbench.catalog.crawlers.classifiers import classify as classify_head
from workbench.catalog.crawlers.config import CrawlConfig
from workbench.catalog.crawlers.grouping import FolderResult, PlannedTable, group
from workbench.catalog.crawlers.inference import merge_schemas
from workbench.catalog.crawlers.listing import FileEntry, Folder, Listing, is_local, list_url
from workbench.catalog.crawlers.policies import SchemaChangeRefused, apply, assign_names
from workbench.catalog.crawlers.report import CrawlReport, Problem
from workbench.catalog.crawlers.sensitive import SensitiveRule, column_tags, rule
from workbench.core.types import LType

Progress = Callable[[int, int], None]
"""Called as files are read: (files read so far, files to read)."""

_SUMMARY_VERSION = 1
_SAMPLED_FILES = 3
"""Files per folder whose sampled values are kept for the sensitive-data detection."""


def crawl(
    urls: str | Iterable[str],
    *,
    database: str,
    catalog: str | os.PathLike[str] | Catalog | None = None,
    config: CrawlConfig | str | os.PathLike[str] | None = None,
    storage_options: dict[str, Any] | None = None,
    progress: Progress | None = None,
    **settings: Any,
) -> CrawlReport:
    """Crawl local folders or object-store prefixes into ``database`` of the catalog; return the report.

    ``config`` is a ``CrawlConfig`` or the path of a YAML/JSON settings file; ``settings`` are
    ``CrawlConfig`` fields (``on_schema_change="LOG"``, ``exclude=["**/tmp/**"]``, …) and win over it.
    """
    wanted = [urls] if isinstance(urls, str) else list(urls)
    if isinstance(config, CrawlConfig):
        cfg = CrawlConfig.build(**{**vars(config), **settings})
    else:
        cfg = CrawlConfig.build(None if config is None else str(config), **settings)
    check_name("database", database)
    run = _Run(cfg, database, storage_options or {}, progress)
    if isinstance(catalog, Catalog):
        return run.crawl(catalog, wanted)
    with open_catalog(catalog) as opened:
        return run.crawl(opened, wanted)


class _Run:
    def __init__(self, cfg: CrawlConfig, database: str, options: dict[str, Any], progress: Progress | None):
        self.cfg = cfg
        self.database = database
        self.options = options
        self.progress = progress
        self.classifiers: list[Classifier] = build_classifiers(cfg.classifiers, cfg.sample_rows)
        self.rules: list[SensitiveRule] = [rule(spec) for spec in cfg.sensitive]

    def crawl(self, catalog: Catalog, urls: list[str]) -> CrawlReport:
        started = time.perf_counter()
        states = catalog.folder_states(self.database)
        listings = [list_url(url, self.cfg.exclude, self.options) for url in urls]
        report = CrawlReport(self.database, urls)
        for listing in listings:
            report.problems.extend(listing.problems)
            report.files_seen += sum(len(f.files) for f in listing.folders.values())
            report.files_excluded += listing.excluded
        results, fresh_states = self.folders(listings, states, report)
        planned: list[PlannedTable] = []
        for listing in listings:
            name = listing.root_url.rstrip("/").rsplit("/", 1)[-1]
            mine = [results[f.url] for f in listing.folders.values() if f.url in results]
            grouping = group(
                listing.root_url, name, mine, self.cfg.similarity, self.cfg.max_schemas, self.cfg.table_level
            )
            planned.extend(grouping.tables)
            report.decisions.extend(grouping.decisions)
            report.type_conflicts.extend(grouping.conflicts)
        tags = self.tags(catalog, planned, listings)
        roots = [listing.root_url for listing in listings]
        gone = [u for u in states if _under(u, roots) and u not in fresh_states]
        try:
            with catalog.batch():
                catalog.ensure_database(self.database)
                apply(catalog, self.database, planned, tags, roots, self.cfg, report)
                catalog.put_folder_states(self.database, fresh_states)
                catalog.forget_folders(self.database, gone)
        except SchemaChangeRefused:
            report.failed = True
        report.seconds = time.perf_counter() - started
        return report

    # --- reading folders ---------------------------------------------------------------

    def folders(
        self, listings: list[Listing], states: dict[str, tuple[str, dict[str, Any]]], report: CrawlReport
    ) -> tuple[dict[str, FolderResult], dict[str, tuple[str, dict[str, Any]]]]:
        results: dict[str, FolderResult] = {}
        fresh: dict[str, tuple[str, dict[str, Any]]] = {}
        to_read: list[tuple[Listing, Folder]] = []
        for listing in listings:
            for folder in listing.folders.values():
                known = states.get(folder.url)
                summary = known[1] if known and known[0] == folder.fingerprint else None
                if summary is not None and summary.get("v") == _SUMMARY_VERSION:
                    report.folders_unchanged += 1
                    report.problems.extend(Problem(p, m) for p, m in summary.get("problems", []))
                    report.type_conflicts.extend(summary.get("conflicts", []))
                    fresh[folder.url] = (folder.fingerprint, summary)
                    cached = _from_summary(folder, summary)
                    if cached is not None:
                        results[folder.url] = cached
                else:
                    to_read.append((listing, folder))
        for (_, folder), found in zip(to_read, self.read_all(to_read), strict=True):
            report.folders_visited.append(folder.url)
            result, problems, conflicts = _folder_result(folder, found)
            report.files_read += sum(1 for _, c in found if c is not None)
            report.problems.extend(problems)
            report.type_conflicts.extend(conflicts)
            fresh[folder.url] = (folder.fingerprint, _summary(result, problems, conflicts))
            if result is not None:
                results[folder.url] = result
        return results, fresh

    def read_all(self, folders: list[tuple[Listing, Folder]]) -> list[list[tuple[FileEntry, Any]]]:
        """Each folder's files with their Classification or Problem (None: not sampled)."""
        jobs: list[tuple[Listing, FileEntry]] = []
        for listing, folder in folders:
            jobs.extend((listing, f) for f in _chosen(folder.files, self.cfg.files_per_folder))
        total, done = len(jobs), 0
        found: dict[str, Classification | Problem] = {}
        # Local files are read one at a time: the work is CPU-bound and threads only contend.
        remote = any(not is_local(listing.fs) for listing, _ in folders)
        with ThreadPoolExecutor(max_workers=self.cfg.workers) as pool:
            results = pool.map(self._read_job, jobs) if remote else map(self._read_job, jobs)
            for (_, entry), result in zip(jobs, results, strict=True):
                found[entry.url] = result
                done += 1
                if self.progress is not None:
                    self.progress(done, total)
        return [[(f, found.get(f.url)) for f in _by_name(folder.files)] for _, folder in folders]

    def _read_job(self, job: tuple[Listing, FileEntry]) -> Classification | Problem:
        return self.read_file(*job)

    def read_file(self, listing: Listing, entry: FileEntry) -> Classification | Problem:
        fs = listing.fs
        parquet = entry.name.lower().endswith((".parquet", ".pq", ".parq"))
        limit = 4 if parquet else self.cfg.sample_bytes
        try:
            with fs.open(entry.url, "rb") as handle:
                data = handle.read(min(entry.size, limit))
        except OSError as exc:
            return Problem(entry.url, f"cannot read: {exc.strerror or exc}")
        head = Head(entry.name, entry.size, data, lambda: fs.open(entry.url, "rb"), self.cfg.sample_rows)
        try:
            found = classify_head(head, self.classifiers)
        except Unreadable as exc:
            return Problem(entry.url, str(exc))
        except Exception as exc:  # a classifier must never stop the crawl
            return Problem(entry.url, f"cannot classify: {type(exc).__name__}: {exc}")
        if found is None:
            return Problem(entry.url, "no classifier recognised it (not CSV, TSV, JSON, JSON Lines, Parquet)")
        return found

    # --- sensitive data ----------------------------------------------------------------

    def tags(
        self, catalog: Catalog, planned: list[PlannedTable], listings: list[Listing]
    ) -> dict[str, dict[str, dict[str, str]]]:
        """Tags for the columns of tables new to the catalog, by table location."""
        if not self.cfg.pii and not self.rules:
            return {}
        existing = catalog.tables(self.database)
        matched = assign_names(list(planned), existing)
        out = {}
        for index, table in enumerate(planned):
            if matched[index] is None:
                sample = self.sample(table, listings)
                found = column_tags(sample, self.rules, self.cfg.pii)
                if found:
                    out[table.location] = found
        return out

    def sample(self, table: PlannedTable, listings: list[Listing]) -> dict[str, list[Any]]:
        samples = [s for f in table.folders for s in f.samples]
        if not samples:
            samples = self.reread(table, listings)
        merged: dict[str, list[Any]] = {}
        for sample in samples:
            for column, values in sample.items():
                kept = merged.setdefault(column, [])
                kept.extend(values[: max(0, self.cfg.sample_rows - len(kept))])
        return merged

    def reread(self, table: PlannedTable, listings: list[Listing]) -> list[dict[str, list[Any]]]:
        # A new table made of folders read by an earlier crawl: sample its first file again.
        url = table.folders[0].files[0][0]
        for listing in listings:
            for folder in listing.folders.values():
                for entry in folder.files:
                    if entry.url == url:
                        found = self.read_file(listing, entry)
                        return [found.sample_values()] if isinstance(found, Classification) else []
        return []


def _by_name(files: list[FileEntry]) -> list[FileEntry]:
    return sorted(files, key=lambda f: f.name)


def _suffix(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _chosen(files: list[FileEntry], limit: int | None) -> list[FileEntry]:
    """The files to classify: all, or the first ``limit`` of each file name extension."""
    if not limit:
        return _by_name(files)
    taken: Counter[str] = Counter()
    out = []
    for entry in _by_name(files):
        if taken[_suffix(entry.name)] < limit:
            taken[_suffix(entry.name)] += 1
            out.append(entry)
    return out


def _under(url: str, roots: list[str]) -> bool:
    return any(url == r or url.startswith(r.rstrip("/") + "/") for r in roots)


def _folder_result(
    folder: Folder, found: list[tuple[FileEntry, Any]]
) -> tuple[FolderResult | None, list[Problem], list[str]]:
    """The folder's table-to-be, the problems of its files, and its type conflicts in words."""
    problems = [c for _, c in found if isinstance(c, Problem)]
    classified = [(e, c) for e, c in found if isinstance(c, Classification)]
    if not classified:
        return None, problems, []
    # The folder's kind is the one most of its files have; an unread file counts with its extension.
    on_disk = Counter(_suffix(e.name) for e, _ in found)
    read = Counter(_suffix(e.name) for e, _ in classified)
    kinds: dict[tuple[str, str], float] = {}
    for entry, c in classified:
        share = on_disk[_suffix(entry.name)] / read[_suffix(entry.name)]
        kinds[(c.format, c.classification)] = kinds.get((c.format, c.classification), 0.0) + share
    fmt, classification = max(kinds, key=lambda kind: kinds[kind])
    kept = [(e, c) for e, c in classified if (c.format, c.classification) == (fmt, classification)]
    for entry, c in classified:
        if (c.format, c.classification) != (fmt, classification):
            problems.append(
                Problem(
                    entry.url,
                    f"mixed formats in one folder: this file is {c.classification} and the folder is "
                    f"{classification}; left out of the table",
                )
            )
    schema, conflicts = merge_schemas(((e.name, c.schema) for e, c in kept), f"folder {folder.url}")
    # A file left unread joins the table when a read file of its extension did.
    joining = {_suffix(e.name) for e, _ in kept}
    unsampled = [e for e, c in found if c is None and _suffix(e.name) in joining]
    problems.extend(
        Problem(e.url, f"left unread (files_per_folder) and no read file of its kind is {classification}")
        for e, c in found
        if c is None and _suffix(e.name) not in joining
    )
    left_out = {p.path for p in problems}
    files = [(e.url, e.size) for e, c in found if e.url not in left_out]
    rows = sum(c.rows_estimate or 0 for _, c in kept)
    if unsampled and kept:
        rows += int(rows / len(kept) * len(unsampled))
    result = FolderResult(
        folder.rel,
        folder.url,
        folder.fingerprint,
        classification,
        fmt,
        schema,
        dict(kept[0][1].read_options),
        files,
        rows,
        [c.sample_values() for _, c in kept[:_SAMPLED_FILES]],
    )
    return result, problems, conflicts


def _summary(result: FolderResult | None, problems: list[Problem], conflicts: list[str]) -> dict[str, Any]:
    """What the catalog remembers of a folder between crawls: never a sampled value."""
    out: dict[str, Any] = {
        "v": _SUMMARY_VERSION,
        "problems": [[p.path, p.message] for p in problems],
        "conflicts": conflicts,
    }
    if result is not None:
        out.update(
            classification=result.classification,
            format=result.format,
            schema=[[n, None if t is None else t.value] for n, t in result.schema.items()],
            read_options=result.read_options,
            files=[list(f) for f in result.files],
            rows=result.rows_estimate,
        )
    return out


def _from_summary(folder: Folder, summary: dict[str, Any]) -> FolderResult | None:
    if "format" not in summary:
        return None
    return FolderResult(
        folder.rel,
        folder.url,
        folder.fingerprint,
        summary["classification"],
        summary["format"],
        {n: None if t is None else LType(t) for n, t in summary["schema"]},
        dict(summary["read_options"]),
        [(u, int(s)) for u, s in summary["files"]],
        int(summary["rows"]),
    )
