"""Scale benchmark: the 19-step sales-clean recipe replayed on local Spark at 10M and 100M rows.

For each size, in one process: Workbench's plan and the same logic hand-written in PySpark
(`bench/replay.py`'s baseline) each read the same Parquet file and write Parquet, one after the
other. Printed per size and side: seconds, Spark jobs, the driver JVM's peak heap and the Python
process's peak memory; then the time growth from the smallest to the largest size and the
Workbench/hand-written ratio. The data (`bench/datagen.py`'s sales rows, 1M distinct rows
repeated with shifted order ids) is many times the driver's 2 GB heap, so a collect would fail, and a
per-step action would show in the job count, which stays the same at every size. The heap peak
is what the JVM used before collecting garbage, so it sits near the 2 GB limit at every size;
what matters is that the run stays within it.

    .venv/bin/python bench/scale.py [--rows 10000000,100000000] [--keep-data]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.datagen import sales_table  # noqa: E402
from bench.replay import hand_spark  # noqa: E402
from workbench import Recipe  # noqa: E402

RECIPE = ROOT / "recipes" / "sales-clean.json"
CHUNK = 1_000_000


def write_data(path: Path, rows: int) -> None:
    """``rows`` sales rows: one generated 1M-row chunk, written again and again with new order ids."""
    chunk = sales_table(CHUNK)
    staged = path.with_suffix(".partial")
    with pq.ParquetWriter(staged, chunk.schema) as writer:
        for i in range(-(-rows // CHUNK)):
            take = min(CHUNK, rows - i * CHUNK)
            part = chunk.slice(0, take)
            ids = pc.add(part.column("order_id"), pa.scalar(i * CHUNK, pa.int64()))
            writer.write_table(part.set_column(0, "order_id", ids))
    staged.rename(path)


class Meter:
    """Spark jobs run and the driver heap's peak, measured around one action."""

    def __init__(self, spark: Any) -> None:
        self.spark = spark
        self.jvm = spark.sparkContext._jvm
        self.tracker = spark.sparkContext.statusTracker()

    def _pools(self) -> list[Any]:
        management = self.jvm.java.lang.management.ManagementFactory
        heap = self.jvm.java.lang.management.MemoryType.HEAP
        return [p for p in management.getMemoryPoolMXBeans() if p.getType().equals(heap)]

    def measure(self, action: Callable[[], Any]) -> tuple[float, int, int]:
        """Seconds, Spark jobs and peak heap bytes of ``action``."""
        group = f"scale-{time.monotonic_ns()}"
        self.spark.sparkContext.setJobGroup(group, group)
        self.jvm.java.lang.System.gc()
        for pool in self._pools():
            pool.resetPeakUsage()
        started = time.perf_counter()
        action()
        seconds = time.perf_counter() - started
        peak = sum(p.getPeakUsage().getUsed() for p in self._pools())
        jobs = len(self.tracker.getJobIdsForGroup(group))
        self.spark.sparkContext.setJobGroup("", "")
        return seconds, jobs, peak


def python_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_size(spark: Any, meter: Meter, recipe: Recipe, source: Path, out: Path) -> dict[str, Any]:
    sides = {"workbench": lambda df: recipe.apply(df), "hand-written": hand_spark}
    found: dict[str, Any] = {}
    for name, build in sides.items():
        target = out / name
        shutil.rmtree(target, ignore_errors=True)

        def action(build: Callable[[Any], Any] = build, target: Path = target) -> None:
            build(spark.read.parquet(str(source))).write.mode("overwrite").parquet(str(target))

        seconds, jobs, peak = meter.measure(action)
        rows = spark.read.parquet(str(target)).count()
        shutil.rmtree(target, ignore_errors=True)
        found[name] = {"seconds": seconds, "jobs": jobs, "heap_mib": peak / 2**20, "rows_out": rows}
        print(
            f"  {name:<13} {seconds:8.1f} s   {jobs:3d} Spark jobs   driver heap peak "
            f"{peak / 2**20:7.0f} MiB   python peak {python_peak_mib():6.0f} MiB   {rows:,} rows out",
            flush=True,
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", default="10000000,100000000")
    parser.add_argument("--keep-data", action="store_true", help="Keep the generated Parquet files.")
    parser.add_argument("--generate", nargs=2, metavar=("PATH", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        write_data(Path(args.generate[0]), int(args.generate[1]))
        return
    sizes = [int(s) for s in args.rows.split(",")]

    from workbench.engines.spark.session import get_session

    data = ROOT / "bench" / ".data"
    data.mkdir(exist_ok=True)
    spark = get_session()
    meter = Meter(spark)
    recipe = Recipe.load(RECIPE)
    heap = spark.sparkContext.getConf().get("spark.driver.memory")
    print(f"local Spark {spark.version}, {spark.sparkContext.master}, driver memory {heap}", flush=True)
    warm = data / "sales-scale-warm.parquet"
    subprocess.run([sys.executable, __file__, "--generate", str(warm), "100000"], check=True)
    print("warming up both sides on 100,000 rows", flush=True)
    run_size(spark, meter, recipe, warm, data / "scale-out")
    warm.unlink()
    results = {}
    for rows in sizes:
        source = data / f"sales-scale-{rows}.parquet"
        started = time.perf_counter()
        if not source.exists():
            # In a child process, so that the generator's memory is not this process's peak.
            args_ = [sys.executable, __file__, "--generate", str(source), str(rows)]
            subprocess.run(args_, check=True)
        size = source.stat().st_size / 2**20
        print(
            f"{rows:,} rows ({size:,.0f} MiB Parquet, ready in {time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        results[rows] = run_size(spark, meter, recipe, source, data / "scale-out")
        if not args.keep_data:
            source.unlink()
    small, large = sizes[0], sizes[-1]
    for side in ("workbench", "hand-written"):
        growth = results[large][side]["seconds"] / results[small][side]["seconds"]
        print(f"{side}: {large // small}x the rows took {growth:.1f}x the time")
    for rows in sizes:
        ratio = results[rows]["workbench"]["seconds"] / results[rows]["hand-written"]["seconds"]
        print(f"{rows:,} rows: workbench / hand-written = {ratio:.2f}x")


if __name__ == "__main__":
    main()
