"""Replay benchmark for the invalid-value, conditional and nested families over 1M generated rows.

An 8-step recipe (drop rows whose order date is not a date, replace invalid quantities with the
median of the valid ones, a CASE_OPERATION price band, a BOOLEAN_OPERATION promotion flag, a
struct and an array built from columns, a field of each read back) runs on our pandas and Spark
engines beside the same logic hand-written in idiomatic pandas/pyarrow and PySpark, in one
process. Each pair must compute the same result before the time ratio is printed.

    .venv/bin/python bench/new_families.py [--rows 1000000] [--repeat 5] [--skip-spark]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.datagen import sales_table  # noqa: E402
from bench.replay import best_of_pair  # noqa: E402
from workbench import Recipe  # noqa: E402

BAND = "case when `unit_price` < 10 then 'budget' when `unit_price` < 40 then 'standard' else 'premium' end"
PROMO = "`discount` > 0 and (`unit_price` >= 30 or startsWith(`product`, 'g'))"
STEPS = [
    ("REMOVE_INVALID", {"sourceColumn": "order_date", "columnDataType": "date"}),
    ("REPLACE_WITH_MEDIAN", {"sourceColumn": "quantity", "columnDataType": "number"}),
    ("CASE_OPERATION", {"valueExpression": BAND, "targetColumn": "band"}),
    (
        "BOOLEAN_OPERATION",
        {
            "valueExpression": PROMO,
            "trueValueExpression": "TRUE",
            "falseValueExpression": "FALSE",
            "targetColumn": "promo",
        },
    ),
    ("NEST_TO_STRUCT", {"sourceColumns": '["city","country"]', "targetColumn": "place"}),
    (
        "EXTRACT_VALUE",
        {"sourceColumn": "place", "path": "`place`.`country`", "targetColumn": "place_country"},
    ),
    ("NEST_TO_ARRAY", {"sourceColumns": '["product","status"]', "targetColumn": "labels"}),
    ("EXTRACT_VALUE", {"sourceColumn": "labels", "path": "[1]", "targetColumn": "second_label"}),
]


def recipe() -> Recipe:
    return Recipe.from_data(
        {"steps": [{"Action": {"Operation": op, "Parameters": params}} for op, params in STEPS]}
    )


# --- hand-written pandas (with pyarrow for the nested columns, as pandas has no struct idiom) ----


def hand_pandas(df: pd.DataFrame) -> pd.DataFrame:
    dates = df["order_date"]
    parsed = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce")
    df = df[dates.isna() | (dates == "") | parsed.notna()]
    numbers = pd.to_numeric(df["quantity"], errors="coerce").astype("float64")
    invalid = (numbers.isna() & df["quantity"].notna() & (df["quantity"] != "")).fillna(False)
    quantity = df["quantity"].mask(invalid.astype(bool), number_text(float(numbers.median())))
    price = df["unit_price"]
    band = np.select(
        [(price < 10).fillna(False), (price < 40).fillna(False)], ["budget", "standard"], "premium"
    )
    promo = ((df["discount"] > 0) & ((price >= 30) | df["product"].str.startswith("g"))).fillna(False)
    city, country = flat(df["city"]), flat(df["country"])
    place = pa.StructArray.from_arrays([city, country], names=["city", "country"])
    labels = pa.ListArray.from_arrays(
        pa.array(np.arange(0, 2 * len(df) + 1, 2, dtype=np.int32)),
        _interleave(flat(df["product"]), flat(df["status"])),
    )
    arrow = pd.ArrowDtype
    out = df.assign(quantity=quantity)
    out.insert(
        out.columns.get_loc("unit_price") + 1,
        "band",
        pd.Series(band, index=df.index, dtype="string[pyarrow]"),
    )
    out.insert(out.columns.get_loc("discount") + 1, "promo", promo.astype("bool[pyarrow]"))
    out.insert(
        out.columns.get_loc("city") + 1, "place", pd.Series(place, index=df.index, dtype=arrow(place.type))
    )
    out.insert(out.columns.get_loc("place") + 1, "place_country", df["country"])
    out.insert(
        out.columns.get_loc("product") + 1,
        "labels",
        pd.Series(labels, index=df.index, dtype=arrow(labels.type)),
    )
    out.insert(out.columns.get_loc("labels") + 1, "second_label", df["status"])
    return out


def flat(s: pd.Series) -> pa.Array:
    """A column as one Arrow array (a large frame's column holds several chunks)."""
    values = pa.array(s)
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def number_text(value: float) -> str:
    """A double as text the way Workbench writes it: no ".0" on whole numbers."""
    return repr(value).removesuffix(".0")


def _interleave(first: pa.Array, second: pa.Array) -> pa.Array:
    """first[0], second[0], first[1], second[1], … as one array."""
    both = pa.concat_arrays([first, second])
    n = len(first)
    order = np.empty(2 * n, dtype=np.int64)
    order[0::2], order[1::2] = np.arange(n), np.arange(n, 2 * n)
    return both.take(pa.array(order))


# --- hand-written PySpark ------------------------------------------------------------------


def hand_spark(df: Any) -> Any:
    from pyspark.sql import functions as F

    date = F.to_date("order_date", "yyyy-MM-dd")
    df = df.filter(F.col("order_date").isNull() | (F.col("order_date") == "") | date.isNotNull())
    number = F.col("quantity").cast("double")
    invalid = number.isNull() & F.col("quantity").isNotNull() & (F.col("quantity") != "")
    median = df.agg(F.percentile(number, 0.5)).first()[0]
    price = F.col("unit_price")
    band = F.when(price < 10, "budget").when(price < 40, "standard").otherwise("premium")
    promo = F.coalesce(
        (F.col("discount") > 0) & ((price >= 30) | F.col("product").startswith("g")), F.lit(False)
    )
    place = F.struct("city", "country")
    labels = F.array("product", "status")
    columns = []
    for name in df.columns:
        if name == "quantity":
            columns.append(
                F.when(invalid, F.lit(number_text(float(median)))).otherwise(F.col(name)).alias(name)
            )
            continue
        columns.append(F.col(name))
        if name == "unit_price":
            columns.append(band.alias("band"))
        elif name == "discount":
            columns.append(promo.alias("promo"))
        elif name == "city":
            columns += [place.alias("place"), F.col("country").alias("place_country")]
        elif name == "product":
            columns += [labels.alias("labels"), F.col("status").alias("second_label")]
    return df.select(*columns)


# --- comparison ----------------------------------------------------------------------------


def same_result(ours: pd.DataFrame, theirs: pd.DataFrame) -> bool:
    if list(ours.columns) != list(theirs.columns):
        print(f"  columns differ: {list(ours.columns)} vs {list(theirs.columns)}")
        return False
    a = ours.reset_index(drop=True).astype(str)
    b = theirs.reset_index(drop=True).astype(str)
    for name in a.columns:
        if not a[name].equals(b[name]):
            print(f"  column {name} differs")
            return False
    return True


def report(engine: str, ours_s: float, hand_s: float, ok: bool) -> float:
    ratio = ours_s / hand_s
    print(
        f"{engine:7} workbench {ours_s:7.2f} s   hand-written {hand_s:7.2f} s"
        f"   ratio {ratio:5.2f}x   same: {ok}"
    )
    return ratio


def bench_pandas(frame: pd.DataFrame, repeat: int) -> float:
    steps = recipe()
    ours_s, ours, hand_s, hand = best_of_pair(repeat, lambda: steps.apply(frame), lambda: hand_pandas(frame))
    return report("pandas", ours_s, hand_s, same_result(ours, hand))


def bench_spark(parquet: Path, repeat: int) -> float:
    from workbench.engines.spark.session import get_session

    spark = get_session()
    steps = recipe()

    def run(build: Callable[[Any], Any]) -> Any:
        plan = build(spark.read.parquet(str(parquet)))
        plan.write.format("noop").mode("overwrite").save()
        return plan

    run(steps.apply)  # warm the JVM for both sides
    run(hand_spark)
    ours_s, ours, hand_s, hand = best_of_pair(repeat, lambda: run(steps.apply), lambda: run(hand_spark))
    return report("spark", ours_s, hand_s, same_result(ours.toPandas(), hand.toPandas()))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-spark", action="store_true")
    args = parser.parse_args()

    data = ROOT / "bench" / ".data"
    data.mkdir(exist_ok=True)
    parquet = data / f"sales-{args.rows}.parquet"
    if not parquet.exists():
        pq.write_table(sales_table(args.rows), parquet)
    frame = pq.read_table(parquet).to_pandas(types_mapper=pd.ArrowDtype)
    print(f"{args.rows:,} rows, {len(STEPS)} steps, best of {args.repeat}")
    bench_pandas(frame, args.repeat)
    if not args.skip_spark:
        bench_spark(parquet, args.repeat)


if __name__ == "__main__":
    main()
