"""Benchmark: a crawl of 10,000 small CSV files across 1,000 Hive partitions, vs pyarrow.dataset.

    .venv/bin/python -m bench.crawl [--partitions 1000] [--files-per-partition 10] [--rows 20]

Generates the tree once under ``bench/.data/crawl/`` (``sales/region=R/day=D/part-N.csv``), then
times, best of 3 each, alternating:

- Workbench: ``workbench.catalog.crawl`` into a fresh catalog (every file sampled and classified,
  types inferred and merged, partitions and PII tags written), and a recrawl with nothing changed;
- the baseline: hand-written ``pyarrow.dataset`` discovery of the same tree with Hive partitioning,
  once inspecting every file's schema (the like-for-like: every file read) and once with pyarrow's
  own default of inspecting the first file only.

Prints seconds, files per second and the ratios (Workbench / baseline; lower is better).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.fs as pafs

from workbench.catalog import crawl

DATA = Path(__file__).parent / ".data" / "crawl"


def generate(partitions: int, files: int, rows: int) -> Path:
    root = DATA / f"p{partitions}-f{files}-r{rows}" / "sales"
    marker = root.parent / "complete"
    if marker.exists():
        return root
    shutil.rmtree(root.parent, ignore_errors=True)
    regions = 10
    for p in range(partitions):
        folder = root / f"region=r{p % regions}" / f"day={p // regions}"
        folder.mkdir(parents=True)
        for f in range(files):
            lines = ["order_id,amount,customer,email"]
            lines += [
                f"{p * 100000 + f * 1000 + r},{(r * 7919) % 1000 / 10},c{r % 50},user{r}@example.com"
                for r in range(rows)
            ]
            (folder / f"part-{f}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    marker.write_text("")
    return root


def workbench_crawl(root: Path, catalog: Path, fresh: bool) -> tuple[float, Any]:
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{catalog}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    report = crawl(str(root), database="bench", catalog=str(catalog))
    return time.perf_counter() - started, report


def arrow_discovery(root: Path, fragments: int | None) -> tuple[float, Any]:
    started = time.perf_counter()
    factory = ds.FileSystemDatasetFactory(
        pafs.LocalFileSystem(),
        pafs.FileSelector(str(root), recursive=True),
        ds.CsvFileFormat(read_options=pacsv.ReadOptions(block_size=1 << 16)),
        ds.FileSystemFactoryOptions(partitioning=ds.HivePartitioning.discover(infer_dictionary=False)),
    )
    schema = factory.inspect(fragments=fragments)
    dataset = factory.finish(schema)
    files = dataset.files
    return time.perf_counter() - started, (schema, files)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partitions", type=int, default=1000)
    parser.add_argument("--files-per-partition", type=int, default=10)
    parser.add_argument("--rows", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = generate(args.partitions, args.files_per_partition, args.rows)
    total = args.partitions * args.files_per_partition
    catalog = Path(tempfile.mkdtemp()) / "bench.db"
    times: dict[str, list[float]] = {"crawl": [], "recrawl": [], "arrow_all": [], "arrow_first": []}
    report: Any = None
    arrow: Any = None
    for _ in range(args.repeat):
        seconds, report = workbench_crawl(root, catalog, fresh=True)
        times["crawl"].append(seconds)
        times["recrawl"].append(workbench_crawl(root, catalog, fresh=False)[0])
        seconds, arrow = arrow_discovery(root, None)
        times["arrow_all"].append(seconds)
        times["arrow_first"].append(arrow_discovery(root, 1)[0])
    best = {k: min(v) for k, v in times.items()}
    table = report.tables[0]
    print(f"tree: {total:,} files in {args.partitions:,} partitions, {args.rows} rows each ({root})")
    print(
        f"workbench: table {table.name} keys {table.partition_keys}, "
        f"{len(table.partitions_added)} partitions, "
        f"{report.files_read:,} files read, tags {sorted(table.tags)}"
    )
    print(f"pyarrow:   schema {arrow[0].names}, {len(arrow[1]):,} files")
    rows = (
        ("workbench crawl (fresh catalog)", best["crawl"]),
        ("workbench recrawl (nothing changed)", best["recrawl"]),
        ("pyarrow.dataset hive discovery, every file inspected", best["arrow_all"]),
        ("pyarrow.dataset hive discovery, first file inspected", best["arrow_first"]),
    )
    for name, seconds in rows:
        print(f"{name:55s} {seconds:8.2f} s  {total / seconds:10,.0f} files/s")
    print(f"ratio crawl / pyarrow (every file): {best['crawl'] / best['arrow_all']:.2f}x")
    print(f"ratio crawl / pyarrow (first file): {best['crawl'] / best['arrow_first']:.2f}x")
    print(f"ratio recrawl / pyarrow (first file): {best['recrawl'] / best['arrow_first']:.2f}x")
    shutil.rmtree(catalog.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
