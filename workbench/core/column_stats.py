"""Statistics of one column's non-missing values, exact, the same on pandas and Spark.

Missing is DataBrew's sense (``workbench/core/missing.py``: null, NaN in a double column, the
empty string in a text column). On Spark every statistic a step wants comes from one job; the
median absolute deviation and the mode, which need a second level of aggregation, are one-row
frames cross-joined into it. Quantiles interpolate linearly between ranks (Spark's
``percentile()``). The fills, the outlier steps and the outlier rescaling steps share these.
"""

from __future__ import annotations

import dataclasses
from functools import reduce
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.context import SparkContext
from workbench.core.lazy import F, scol
from workbench.core.missing import missing_pandas, missing_spark
from workbench.core.types import LType

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkFrame


@dataclasses.dataclass(frozen=True)
class Wanted:
    """The statistics a step needs (the count is always computed)."""

    total: bool = False
    stddev: bool = False
    maximum: bool = False
    quantiles: tuple[float, ...] = ()
    mad: bool = False
    mode: bool = False


@dataclasses.dataclass
class Stats:
    """Statistics of the non-missing values of one column, as plain Python values.

    ``total``, ``maximum`` and the mode fields have the column's own type (int, float,
    Decimal, str, date, bool; timestamps as microseconds since the epoch). ``stddev`` (sample),
    the ``quantiles`` and ``mad`` (median absolute deviation) are floats. Each is None when the
    column has no value to compute it from.
    """

    count: int = 0
    total: Any = None
    stddev: float | None = None
    maximum: Any = None
    quantiles: dict[float, float | None] = dataclasses.field(default_factory=dict)
    mad: float | None = None
    mode_min: Any = None
    mode_max: Any = None
    mode_total: Any = None
    mode_count: int = 0


def _valid_pandas(a: Any, ltype: LType) -> Any:
    values = pc.filter(a, pc.invert(missing_pandas(a, ltype)))
    if ltype is LType.TIMESTAMP:
        values = pc.cast(pc.cast(values, pa.timestamp("us", tz="UTC")), pa.int64())
    if ltype is LType.DOUBLE:
        values = pc.add(values, 0.0)  # -0.0 and 0.0 are one value, as in Spark's grouping
    return values


def stats_pandas(a: Any, ltype: LType, want: Wanted) -> Stats:
    """Compute the wanted statistics of a pandas column's Arrow data."""
    values = _valid_pandas(a, ltype)
    out = Stats(count=len(values))
    if out.count == 0:
        out.quantiles = dict.fromkeys(want.quantiles)
        return out
    numbers = pc.cast(values, pa.float64()) if ltype.is_numeric else None
    if want.total:
        out.total = pc.sum(values).as_py()
    if want.stddev:
        out.stddev = pc.stddev(numbers, ddof=1).as_py()
    if want.maximum:
        out.maximum = pc.max(values).as_py()
    if want.quantiles:
        found = pc.quantile(numbers, q=list(want.quantiles), interpolation="linear").to_pylist()
        out.quantiles = dict(zip(want.quantiles, found, strict=True))
    if want.mad:
        median = pc.quantile(numbers, q=0.5, interpolation="linear")[0]
        deviations = pc.abs(pc.subtract(numbers, median))
        out.mad = pc.quantile(deviations, q=0.5, interpolation="linear")[0].as_py()
    if want.mode:
        counted = pc.value_counts(values)
        counts = counted.field("counts")
        tied = pc.filter(counted.field("values"), pc.equal(counts, pc.max(counts)))
        out.mode_min = pc.min(tied).as_py()
        out.mode_max = pc.max(tied).as_py()
        out.mode_count = len(tied)
        if ltype.is_numeric:
            out.mode_total = pc.sum(tied).as_py()
    return out


def stats_spark(df: SparkFrame, ctx: SparkContext, column: str, ltype: LType, want: Wanted) -> Stats:
    """Compute the wanted statistics of a Spark column with one ``ctx.aggregate``.

    The median absolute deviation and the mode need a second level of aggregation; they are
    built as one-row frames cross-joined to the main one, so one job computes everything.
    """
    c = scol(column)
    value = F.when(~missing_spark(c, ltype), c)
    if ltype is LType.TIMESTAMP:
        value = F.unix_micros(value)
    number = value.cast("double")
    main = {"count": F.count(value)}
    if want.total:
        main["total"] = F.sum(value)
    if want.stddev:
        main["stddev"] = F.stddev_samp(number)
    if want.maximum:
        main["maximum"] = F.max(value)
    if want.quantiles:
        main["quantiles"] = F.percentile(number, list(want.quantiles))
    frames = [df.agg(*[e.alias(k) for k, e in main.items()])]
    names = list(main)
    if want.mad:
        numbers = df.select(number.alias("v")).where(F.col("v").isNotNull())
        median = numbers.agg(F.percentile(F.col("v"), 0.5).alias("m"))
        deviation = F.abs(F.col("v") - F.col("m"))
        frames.append(numbers.crossJoin(median).agg(F.percentile(deviation, 0.5).alias("mad")))
        names.append("mad")
    if want.mode:
        values = df.select(value.alias("v")).where(F.col("v").isNotNull())
        counts = values.groupBy("v").agg(F.count(F.lit(1)).alias("n"))
        top = counts.agg(F.max("n").alias("top"))
        tied = counts.crossJoin(top).where(F.col("n") == F.col("top"))
        aggs = {"mode_min": F.min("v"), "mode_max": F.max("v"), "mode_count": F.count("v")}
        if ltype.is_numeric:
            aggs["mode_total"] = F.sum("v")
        frames.append(tied.agg(*[e.alias(k) for k, e in aggs.items()]))
        names.extend(aggs)
    one_row = reduce(lambda left, right: left.crossJoin(right), frames)
    row = ctx.aggregate(one_row, {name: F.first(F.col(name)) for name in names})
    out = Stats(count=row["count"] or 0)
    out.total = row.get("total")
    out.stddev = row.get("stddev")
    out.maximum = row.get("maximum")
    found = row.get("quantiles") or [None] * len(want.quantiles)
    out.quantiles = dict(zip(want.quantiles, found, strict=True))
    out.mad = row.get("mad")
    out.mode_min = row.get("mode_min")
    out.mode_max = row.get("mode_max")
    out.mode_total = row.get("mode_total")
    out.mode_count = row.get("mode_count") or 0
    return out
