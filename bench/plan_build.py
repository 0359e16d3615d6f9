"""Plan-build benchmark: how long a 50-step recipe takes to become one lazy Spark plan.

No data is read or computed: the frame is a 12-column Parquet file, and the benchmark times
`replay` (which only builds the plan) beside hand-written PySpark that builds the same plan as one
`select`, on a classic session (counting Py4J round trips) and on a Spark Connect server on
loopback (counting the gRPC calls that analyse a plan). It then checks that both plans give the
same rows.

    .venv/bin/python bench/plan_build.py [--steps 50] [--repeat 5] [--skip-connect]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench import Recipe  # noqa: E402
from workbench.recipe.replay import replay  # noqa: E402

TEXT_COLUMNS = [f"t{i}" for i in range(6)]
NUMBER_COLUMNS = [f"n{i}" for i in range(6)]

# Row-wise steps that cycle over the columns: what a long clean-up recipe is made of.
TEXT_STEPS = ["UPPER_CASE", "LOWER_CASE", "CAPITAL_CASE"]


def recipe_of(steps: int) -> Recipe:
    """Steps alternating text case changes and number arithmetic (ADD into a new column)."""
    out: list[dict[str, Any]] = []
    for i in range(steps):
        if i % 2 == 0:
            operation = TEXT_STEPS[(i // 2) % len(TEXT_STEPS)]
            column = TEXT_COLUMNS[(i // 2) % len(TEXT_COLUMNS)]
            out.append({"Action": {"Operation": operation, "Parameters": {"sourceColumn": column}}})
        else:
            column = NUMBER_COLUMNS[(i // 2) % len(NUMBER_COLUMNS)]
            params = {"sourceColumn1": column, "value1": "2", "targetColumn": f"{column}_plus_{i}"}
            out.append({"Action": {"Operation": "ADD", "Parameters": params}})
    return Recipe.from_data({"steps": out})


def hand_written(df: Any, steps: int) -> Any:
    """The same result as ``recipe_of(steps)``, written as one select."""
    from pyspark.sql import functions as F

    text: dict[str, Any] = {c: F.col(c) for c in TEXT_COLUMNS}
    added: list[Any] = []
    for i in range(steps):
        if i % 2 == 0:
            operation = TEXT_STEPS[(i // 2) % len(TEXT_STEPS)]
            column = TEXT_COLUMNS[(i // 2) % len(TEXT_COLUMNS)]
            change = {"UPPER_CASE": F.upper, "LOWER_CASE": F.lower, "CAPITAL_CASE": F.initcap}[operation]
            text[column] = change(text[column])
        else:
            column = NUMBER_COLUMNS[(i // 2) % len(NUMBER_COLUMNS)]
            added.append((F.col(column) + F.lit(2)).alias(f"{column}_plus_{i}"))
    return df.select(*[text[c].alias(c) for c in TEXT_COLUMNS], *NUMBER_COLUMNS, *added)


def write_input(folder: Path) -> Path:
    rows = 1000
    columns = {c: [f"Row {r} ünicode" for r in range(rows)] for c in TEXT_COLUMNS}
    columns.update({c: pa.array(range(rows), pa.int64()) for c in NUMBER_COLUMNS})
    path = folder / "wide.parquet"
    pq.write_table(pa.table(columns), path)
    return path


@contextlib.contextmanager
def counting(owner: Any, method: str) -> Iterator[list[int]]:
    """Count calls of ``owner.method`` while the block runs."""
    original = getattr(owner, method)
    calls = [0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    setattr(owner, method, counted)
    try:
        yield calls
    finally:
        setattr(owner, method, original)


def rows_of(df: Any) -> list[tuple[Any, ...]]:
    """The rows as sorted tuples of (column, value): the same whatever the column order."""
    return sorted(tuple(sorted(row.asDict().items())) for row in df.collect())


def best_time(repeat: int, build: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        build()
        best = min(best, time.perf_counter() - start)
    return best


def measure(name: str, df: Any, steps: int, repeat: int, owner: Any, method: str) -> None:
    from workbench.engines.spark import SparkEngine

    recipe = recipe_of(steps)
    runners: dict[str, Callable[[], Any]] = {
        "Workbench": lambda: replay(recipe, df).schema,
        "step by step": lambda: (
            replay(recipe, df, engine=SparkEngine(df.sparkSession, fuse_steps=False)).schema
        ),
        "hand-written": lambda: hand_written(df, steps).schema,
    }
    results = []
    for label, run in runners.items():
        run()
        with counting(owner, method) as calls:
            run()
        results.append((label, best_time(repeat, run), calls[0]))
    same = rows_of(replay(recipe, df)) == rows_of(hand_written(df, steps))
    baseline = results[-1][1]
    cells = " | ".join(
        f"{label} {s * 1000:7.1f} ms ({s / baseline:4.1f}x), {n:5d} {method}" for label, s, n in results
    )
    print(f"{name:<14} {cells} | same rows: {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-connect", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_input(Path(tmp))
        from py4j.java_gateway import GatewayClient

        from workbench.engines.spark.session import get_session

        spark = get_session()
        measure(
            "Spark classic",
            spark.read.parquet(str(path)),
            args.steps,
            args.repeat,
            GatewayClient,
            "send_command",
        )
        spark.stop()
        if args.skip_connect:
            return
        from pyspark.sql import SparkSession
        from pyspark.sql.connect.client.core import SparkConnectClient

        from tests.spark_connect import ConnectServer

        server = ConnectServer()
        server.start()
        try:
            remote = SparkSession.builder.remote(server.url).getOrCreate()
            frame = remote.read.parquet(str(path))
            measure("Spark Connect", frame, args.steps, args.repeat, SparkConnectClient, "_analyze")
            remote.stop()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
