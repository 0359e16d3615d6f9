"""Benchmark: 20 DQDL rules, evaluated together vs one rule at a time, and vs great_expectations.

    .venv/bin/python -m bench.quality [--rows 1000000] [--spark-rows 200000] [--no-spark]
    python -m bench.quality --great-expectations --no-spark   # in an environment with great_expectations

Prints seconds for the batched evaluation (one ``evaluate`` call with all rules) and for a loop of
one-rule rulesets, on pandas and (optionally) on a local Spark session, and the ratios. With
``--great-expectations`` it also runs great_expectations on the 16 rules it has an equivalent
expectation for, beside Workbench on the same 16 rules, on the same frame.
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


def expectations() -> dict[str, Any]:
    """great_expectations' equivalent of each rule that has one (Entropy, Variance,
    ColumnCorrelation and CustomSql have none on a pandas data source)."""
    import great_expectations.expectations as gxe

    return {
        "RowCount > 0": gxe.ExpectTableRowCountToBeBetween(min_value=1),
        'IsComplete "id"': gxe.ExpectColumnValuesToNotBeNull(column="id"),
        'Completeness "email" > 0.8': gxe.ExpectColumnValuesToNotBeNull(column="email", mostly=0.8),
        'IsUnique "id"': gxe.ExpectColumnValuesToBeUnique(column="id"),
        'Uniqueness "email" > 0.5': gxe.ExpectColumnProportionOfUniqueValuesToBeBetween(
            column="email", min_value=0.5
        ),
        'DistinctValuesCount "cat" > 3': gxe.ExpectColumnUniqueValueCountToBeBetween(
            column="cat", min_value=4
        ),
        'UniqueValueRatio "qty" >= 0': gxe.ExpectColumnProportionOfUniqueValuesToBeBetween(
            column="qty", min_value=0
        ),
        'Mean "amount" between 0 and 1000': gxe.ExpectColumnMeanToBeBetween(
            column="amount", min_value=0, max_value=1000
        ),
        'Sum "qty" > 0': gxe.ExpectColumnSumToBeBetween(column="qty", min_value=1),
        'StandardDeviation "amount" > 1': gxe.ExpectColumnStdevToBeBetween(column="amount", min_value=1),
        'ColumnLength "email" <= 40': gxe.ExpectColumnValueLengthsToBeBetween(column="email", max_value=40),
        'ColumnValues "qty" between -1 and 100 with threshold > 0.8': gxe.ExpectColumnValuesToBeBetween(
            column="qty", min_value=-1, max_value=100, mostly=0.8
        ),
        'ColumnValues "cat" in ["a", "b", "c", "d"] with threshold > 0.5': gxe.ExpectColumnValuesToBeInSet(
            column="cat", value_set=["a", "b", "c", "d"], mostly=0.5
        ),
        'ColumnValues "email" matches "user[0-9]+@example[.]com" with threshold > 0.5': (
            gxe.ExpectColumnValuesToMatchRegex(
                column="email", regex=r"^user[0-9]+@example[.]com$", mostly=0.5
            )
        ),
        'ColumnValues "day" > (now() - 400 days) with threshold > 0.2': gxe.ExpectColumnValuesToBeBetween(
            column="day", min_value=dt.datetime(2022, 11, 28), mostly=0.2
        ),
        'Completeness "amount" > 0.5 where "qty > 10"': gxe.ExpectColumnValuesToNotBeNull(
            column="amount", mostly=0.5, row_condition="qty>10", condition_parser="pandas"
        ),
    }


def run_great_expectations(frame: pd.DataFrame) -> None:
    """Workbench and great_expectations on the rules both can express, on the same data."""
    import great_expectations as gx

    from workbench.quality import evaluate

    chosen = expectations()
    plain = frame.copy()
    for column in plain.columns:  # great_expectations works on NumPy-backed columns
        plain[column] = plain[column].astype(object).where(plain[column].notna(), None)
    plain["day"] = pd.to_datetime(plain["day"])
    for column in ("id", "amount", "qty"):
        plain[column] = pd.to_numeric(plain[column])
    context = gx.get_context(mode="ephemeral")
    batch = context.data_sources.add_pandas("bench").add_dataframe_asset("frame")
    definition = batch.add_batch_definition_whole_dataframe("all")
    suite = context.suites.add(gx.ExpectationSuite(name="bench"))
    for expectation in chosen.values():
        suite.add_expectation(expectation)
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name="bench", data=definition, suite=suite)
    )
    theirs = timed(lambda: validation.run(batch_parameters={"dataframe": plain}))
    now = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    text = "Rules = [\n" + ",\n".join(chosen) + "\n]"
    ours = timed(lambda: evaluate(frame, text, now=now))
    print(
        f"{len(chosen)} equivalent rules, {len(frame):,} rows: Workbench {ours:.2f} s, "
        f"great_expectations {gx.__version__} {theirs:.2f} s, ratio {theirs / ours:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--spark-rows", type=int, default=200_000)
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--great-expectations", action="store_true")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    print(f"{len(RULES)} rules")
    frame = make_frame(args.rows)
    if args.great_expectations:
        run_great_expectations(frame)
        return
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
