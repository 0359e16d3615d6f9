"""Benchmark: 20 DQDL rules, evaluated together vs one rule at a time.

    .venv/bin/python -m bench.quality [--rows 1000000] [--spark-rows 200000] [--no-spark]

Prints seconds for the batched evaluation (one ``evaluate`` call with all rules) and for a loop of
one-rule rulesets, on pandas and (optionally) on a local Spark session, and the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

RULES = [
    "RowCount > 0",
    'IsComplete "id"',
    'Completeness "email" > 0.8',
    'IsUnique "id"',
    'Uniqueness "email" > 0.5',
    'DistinctValuesCount "cat" > 3',
    'UniqueValueRatio "qty" >= 0',
    'Entropy "cat" > 1',
    'Mean "amount" between 0 and 1000',
    'Sum "qty" > 0',
    'StandardDeviation "amount" > 1',
    'Variance "qty" > 1',
    'ColumnCorrelation "amount" "qty" < 0.5',
    'ColumnLength "email" <= 40',
    'ColumnValues "qty" between -1 and 100 with threshold > 0.8',
    'ColumnValues "cat" in ["a", "b", "c", "d"] with threshold > 0.5',
    'ColumnValues "email" matches "user[0-9]+@example[.]com" with threshold > 0.5',
    'ColumnValues "day" > (now() - 400 days) with threshold > 0.2',
    'Completeness "amount" > 0.5 where "qty > 10"',
    'CustomSql "select count(*) from primary where amount > 900" > 0',
]


def make_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    def arrow(values: Any, kind: pa.DataType, missing: float = 0.05) -> pd.Series:
        mask = rng.random(n) < missing
        return pd.Series(pa.array(values, kind, mask=mask), dtype=pd.ArrowDtype(kind))

    days = (np.datetime64("2024-01-01") - rng.integers(0, 800, n).astype("timedelta64[D]")).astype(
        "datetime64[D]"
    )
    emails = np.char.add(np.char.add("user", rng.integers(0, n, n).astype(str)), "@example.com")
    return pd.DataFrame(
        {
            "id": arrow(np.arange(n), pa.int64(), 0.0),
            "amount": arrow(rng.uniform(0, 1000, n), pa.float64()),
            "qty": arrow(rng.integers(0, 50, n), pa.int64()),
            "cat": arrow(rng.choice(["a", "b", "c", "d", "e"], n), pa.large_string()),
            "email": arrow(emails, pa.large_string(), 0.1),
            "day": arrow(days, pa.date32()),
        }
    )


def timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(frame: Any, label: str) -> tuple[float, float]:
    from workbench.quality import evaluate

    now = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    text = "Rules = [\n" + ",\n".join(RULES) + "\n]"
    result: dict[str, Any] = {}
    batched = timed(lambda: result.setdefault("r", evaluate(frame, text, now=now)))
    errors = [r for r in result["r"].rules if r.outcome == "Error"]
    assert not errors, errors
    separate = timed(lambda: [evaluate(frame, f"Rules = [ {rule} ]", now=now) for rule in RULES])
    print(
        f"{label:<28} batched {batched:7.2f} s   one rule at a time {separate:7.2f} s   "
        f"ratio {separate / batched:5.1f}x   score {result['r'].score:.2f}"
    )
    return batched, separate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--spark-rows", type=int, default=200_000)
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    print(f"{len(RULES)} rules")
    frame = make_frame(args.rows)
    run(frame, f"pandas, {args.rows:,} rows")
    if not args.no_spark:
        from workbench.engines.spark.session import get_session

        session = get_session()
        small = make_frame(args.spark_rows)
        spark_frame = session.createDataFrame(pa.Table.from_pandas(small, preserve_index=False).to_pandas())
        spark_frame = spark_frame.cache()
        spark_frame.count()
        run(spark_frame, f"spark local, {args.spark_rows:,} rows")
        run(small, f"pandas, {args.spark_rows:,} rows")


if __name__ == "__main__":
    main()
