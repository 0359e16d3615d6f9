"""Spark's approximate profile: one aggregation with sketches, exact counts only where they are cheap.

1. One aggregation computes, for every column, a HyperLogLog sketch of its present values (the
   distinct count) and a KLL sketch of its numbers (quartiles, histogram, outliers), and a
   HyperLogLog sketch of whole rows (duplicate rows). Code-generated aggregations of a few
   columns each compute the exact counts (rows, nulls, empty texts, NaN, present values),
   minimum, maximum, sum and moments, zeros and negatives, text lengths and element counts.
2. The sketches are read on the one-row result, a local relation, which runs no Spark job.
3. The columns whose estimated distinct count is at most :data:`EXACT_COUNTS_LIMIT` get exact
   value counts (distinct, unique, top values, text shapes) in one more aggregation.
4. The seeded sample the correlations and PII checks read gives the other columns' frequent
   values and text shapes, scaled to all rows.

Every approximate number gets its bound (:class:`workbench.profile.raw.Approx`); the sketches
travel in the profile so that profiles of parts of a dataset merge (:mod:`workbench.profile.merge`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

from workbench.core.lazy import F, scol
from workbench.core.types import LType
from workbench.profile import raw, spark_stats
from workbench.profile.raw import Approx, RawColumn, RawDataset

Progress = Callable[[str], None]

HLL_LG_K = 12
"""HLL sketches with 2^12 buckets: about 3 KB each."""
KLL_K = 200
"""KLL sketches with k = 200: a few KB each."""
EXACT_COUNTS_LIMIT = 10_000
"""Columns with at most this many estimated distinct values get exact value counts."""
SAMPLED_TOP_MIN = 10
"""A value of a high-cardinality column is reported as frequent when the sample holds it this often."""

SAMPLED_TYPES = frozenset({LType.STRING, LType.INTEGER, LType.DOUBLE, LType.DECIMAL})
"""Types whose frequent values and shapes the sample gives when the column has many distinct values."""

Z99 = 2.5758
"""Standard normal quantile of a two-sided 99% interval."""
HLL_ERROR = Z99 * 1.04 / math.sqrt(2**HLL_LG_K)
"""Relative error of an HLL distinct count at 99% confidence (standard error 1.04 / sqrt(2^lgK))."""
KLL_RANK_ERROR = 2.296 / KLL_K**0.9723
"""Normalized rank error of one KLL quantile or rank at 99% confidence (DataSketches' formula)."""
KLL_MASS_ERROR = 2.446 / KLL_K**0.9433
"""Error of the share of values between two points (a histogram bin) at 99% confidence."""


def measure(frame: Any, sample: int | None, progress: Progress) -> tuple[RawDataset, Any]:
    """Measure every column approximately; the raw statistics and a pandas sample of the frame."""
    from workbench.engines.spark.types import ltype_of_spark

    columns = [RawColumn(name=f.name, ltype=ltype_of_spark(f.dataType)) for f in frame.schema.fields]
    got = _pass_sketches(frame, columns, _pivots(frame, columns))
    rows = int(got["rows"])
    for i, c in enumerate(columns):
        _read_column(c, i, got)
    read_sketches(frame.sparkSession, columns)
    progress("sketches")
    counted = {i for i, c in enumerate(columns) if _exact_counts_pay(c)}
    spark_stats.pass_counts(frame, columns, rows, only=counted, whole_rows=False)
    progress("value counts")
    sampled = spark_stats.sample_rows(frame, rows, raw.CORRELATION_SAMPLE)
    for i, c in enumerate(columns):
        if c.ltype in raw.PROFILED_TYPES and i not in counted:
            from_sample(c, sampled[c.name])
    progress("sample")
    dataset = RawDataset(
        rows=rows,
        columns=columns,
        duplicate_rows=0,
        pearson=[],
        spearman=[],
        numeric_columns=[c.name for c in columns if c.is_numeric and c.count > 0],
        sample=sample,
        rows_hll=got.get("rows_hll"),
        sketch_sizes=(HLL_LG_K, KLL_K),
    )
    if dataset.rows_hll is not None:
        distinct_rows = estimate_distinct(frame.sparkSession, [dataset.rows_hll])[0]
        set_duplicates(dataset, distinct_rows)
    return dataset, sampled


def set_duplicates(dataset: RawDataset, distinct_rows: int) -> None:
    """Duplicate rows from the estimated number of distinct rows, with its bound."""
    distinct_rows = min(distinct_rows, dataset.rows)
    dataset.duplicate_rows = dataset.rows - distinct_rows
    dataset.bounds["duplicate_rows"] = Approx(math.ceil(HLL_ERROR * distinct_rows), "count", "hll")


# --- the aggregation ------------------------------------------------------------------------


def _pivots(frame: Any, columns: list[RawColumn]) -> dict[int, float]:
    """A value of each numeric column (its first row's, or 0) that the power sums are taken around.

    Spark's skewness and kurtosis aggregates compile to code too large for the JVM to optimise
    beyond a few columns (10x slower); sums of powers are cheap, and centring them on a value of
    the column keeps the cancellation in the central moments small.
    """
    numeric = [(i, c) for i, c in enumerate(columns) if c.is_numeric]
    if not numeric:
        return {}
    first = frame.select(*[spark_stats.present(c).cast("double") for _, c in numeric]).limit(1).collect()
    values = list(first[0]) if first else [None] * len(numeric)
    return {
        i: float(v) if v is not None and math.isfinite(v) else 0.0
        for (i, _), v in zip(numeric, values, strict=False)
    }


FIELDS_PER_PASS = 90
"""Aggregation-buffer fields per pass of the ordinary aggregates: above 100 output fields Spark
stops generating code for the whole stage and evaluates each aggregate row by row, ~5x slower."""


def _pass_sketches(frame: Any, columns: list[RawColumn], pivots: dict[int, float]) -> dict[str, Any]:
    """Every column's statistics: the sketches in one aggregation, the ordinary aggregates (counts,
    extremes, sums, moments) in as few code-generated ones as Spark's field limit allows."""
    got = _aggregate_sketches(frame, columns)
    for part in _ordinary_parts(columns, pivots):
        got.update(frame.agg(*[e.alias(k) for k, e in part.items()]).collect()[0].asDict())
    return got


def _aggregate_sketches(frame: Any, columns: list[RawColumn]) -> dict[str, Any]:
    """The HLL and KLL sketches and the row count, in one aggregation over a projection of the
    sketches' inputs: the projection is compiled, while sketch aggregates evaluate their input
    row by row, so they get plain columns."""
    inputs: dict[str, Any] = {}
    sketches: dict[str, Any] = {}
    for i, c in enumerate(columns):
        value = spark_stats.present(c)
        if c.ltype in raw.PROFILED_TYPES:
            inputs[f"h{i}"] = _hashable(c, value)
            sketches[f"{i}_hll"] = F.hll_sketch_agg(F.col(f"h{i}"), HLL_LG_K)
        if c.is_numeric:
            inputs[f"k{i}"] = value.cast("double")
            sketches[f"{i}_kll"] = F.kll_sketch_agg_double(F.col(f"k{i}"), KLL_K)
    profiled = [scol(c.name) for c in columns if c.ltype in raw.PROFILED_TYPES]
    if profiled:
        # Spark's hash skips nulls, so the null pattern is hashed too: (null, "a") is not ("a", null).
        inputs["row"] = F.xxhash64(*profiled, F.array(*[p.isNull() for p in profiled]))
        sketches["rows_hll"] = F.hll_sketch_agg(F.col("row"), HLL_LG_K)
    projected = frame.select(*[e.alias(k) for k, e in inputs.items()]) if inputs else frame
    aggregates = [F.count(F.lit(1)).alias("rows"), *[e.alias(k) for k, e in sketches.items()]]
    return dict(projected.agg(*aggregates).collect()[0].asDict())


def _ordinary_parts(columns: list[RawColumn], pivots: dict[int, float]) -> list[dict[str, Any]]:
    """The columns' ordinary aggregates, whole columns at a time, in parts of at most
    :data:`FIELDS_PER_PASS` buffer fields (one column may exceed it alone)."""
    parts: list[dict[str, Any]] = []
    part: dict[str, Any] = {}
    fields = 0
    for i, c in enumerate(columns):
        exprs = {f"{i}_{k}": e for k, e in _column_exprs(c, pivots.get(i, 0.0)).items()}
        width = sum(_BUFFER_FIELDS.get(k.split("_", 1)[1], 1) for k in exprs)
        if part and fields + width > FIELDS_PER_PASS:
            parts.append(part)
            part, fields = {}, 0
        part.update(exprs)
        fields += width
    if part:
        parts.append(part)
    return parts


_BUFFER_FIELDS = {"mean": 2, "stddev": 3, "variance": 3}
"""Aggregation-buffer fields of the aggregates that keep more than one (the rest keep one)."""


def _column_exprs(c: RawColumn, pivot: float) -> dict[str, Any]:
    """The ordinary aggregates of one column (its sketches are in :func:`_aggregate_sketches`)."""
    col, value = scol(c.name), spark_stats.present(c)
    exprs: dict[str, Any] = {"nulls": F.count_if(col.isNull()), "present": F.count(value)}
    if c.ltype is LType.STRING:
        exprs.update(
            empty=F.count_if(col == F.lit("")),
            length_min=F.min(F.length(value)),
            length_max=F.max(F.length(value)),
            length_sum=F.sum(F.length(value)),
            text_bytes=F.sum(F.octet_length(value)),
        )
    elif c.ltype is LType.DOUBLE:
        exprs["nan"] = F.count_if(F.isnan(col))
    if c.is_numeric:
        exprs.update(_numeric_exprs(c, value, pivot))
    elif c.ltype.is_temporal:
        instant = F.unix_micros(value) if c.ltype is LType.TIMESTAMP else F.unix_date(value).cast("long")
        exprs.update(instant_min=F.min(instant), instant_max=F.max(instant))
    elif c.ltype in raw.SIZED_TYPES:
        size = F.when(col.isNotNull(), F.size(col)).cast("long")
        exprs.update(elements_min=F.min(size), elements_max=F.max(size), elements_sum=F.sum(size))
    return exprs


def _hashable(c: RawColumn, value: Any) -> Any:
    """What the HLL sketch counts: text and integers as they are, other values by a 64-bit hash."""
    if c.ltype in (LType.STRING, LType.INTEGER):
        return value.cast("string") if c.ltype is LType.STRING else value.cast("long")
    if c.ltype is LType.DOUBLE:
        value = value + F.lit(0.0)  # -0.0 and 0.0 are one value, as in exact counting
    return F.when(value.isNotNull(), F.xxhash64(value))


def _numeric_exprs(c: RawColumn, value: Any, pivot: float) -> dict[str, Any]:
    number = value.cast("double")
    d = number - F.lit(pivot)
    exprs = {
        "min": F.min(number),
        "max": F.max(number),
        "sum": F.sum(number),
        "mean": F.avg(number),
        "stddev": F.stddev_samp(number),
        "variance": F.var_samp(number),
        "s1": F.sum(d),
        "s2": F.sum(d * d),
        "s3": F.sum(d * d * d),
        "s4": F.sum(d * d * d * d),
        "zeros": F.count_if(number == F.lit(0.0)),
        "negatives": F.count_if(number < F.lit(0.0)),
    }
    if c.ltype is LType.INTEGER:
        exprs.update(int_min=F.min(value), int_max=F.max(value), int_sum=F.sum(value))
    return exprs


def _read_column(c: RawColumn, i: int, got: dict[str, Any]) -> None:
    def at(key: str) -> Any:
        return got.get(f"{i}_{key}")

    c.nulls, c.empty, c.nan = int(at("nulls")), int(at("empty") or 0), int(at("nan") or 0)
    c.count = int(at("present"))
    c.hll, c.kll = at("hll"), at("kll")
    if c.ltype is LType.STRING and c.count:
        c.length_min, c.length_max = int(at("length_min")), int(at("length_max"))
        c.length_sum, c.text_bytes = int(at("length_sum")), int(at("text_bytes"))
    if not c.count:
        c.kll = None
        return
    if c.ltype.is_temporal:
        c.min = spark_stats.instant(c.ltype, at("instant_min"))
        c.max = spark_stats.instant(c.ltype, at("instant_max"))
    elif c.is_numeric:
        for key in ("mean", "stddev", "variance"):
            setattr(c, key, at(key))
        c.skewness, c.kurtosis = shape_moments(c.count, at("s1"), at("s2"), at("s3"), at("s4"))
        c.zeros, c.negatives = int(at("zeros")), int(at("negatives"))
        if c.ltype is LType.INTEGER:
            c.min, c.max, c.sum = int(at("int_min")), int(at("int_max")), int(at("int_sum"))
            c.mean = c.sum / c.count
        else:
            c.min, c.max, c.sum = float(at("min")), float(at("max")), float(at("sum"))
    elif c.ltype in raw.SIZED_TYPES and at("elements_min") is not None:
        c.elements_min, c.elements_max = int(at("elements_min")), int(at("elements_max"))
        c.elements_sum = int(at("elements_sum"))


def shape_moments(n: int, s1: float, s2: float, s3: float, s4: float) -> tuple[float | None, float | None]:
    """Population skewness and excess kurtosis (as Spark's) from sums of powers of x - pivot."""
    m = s1 / n
    m2 = s2 - n * m * m
    m3 = s3 - 3 * m * s2 + 2 * n * m**3
    m4 = s4 - 4 * m * s3 + 6 * m * m * s2 - 3 * n * m**4
    if not m2 > 0:
        return None, None
    return math.sqrt(n) * m3 / m2**1.5, n * m4 / (m2 * m2) - 3


def _exact_counts_pay(c: RawColumn) -> bool:
    return c.ltype in raw.PROFILED_TYPES and c.count > 0 and (c.distinct or 0) <= EXACT_COUNTS_LIMIT


# --- reading sketches -----------------------------------------------------------------------


def one_row(session: Any, blobs: list[bytes]) -> Any:
    """A one-row local relation holding the sketches; queries over it run in the driver."""
    from pyspark.sql.types import BinaryType, StructField, StructType

    schema = StructType([StructField(f"s{i}", BinaryType()) for i in range(len(blobs))])
    return session.createDataFrame([tuple(bytearray(b) for b in blobs)], schema)


def estimate_distinct(session: Any, sketches: list[bytes]) -> list[int]:
    """The distinct-count estimates of HLL sketches."""
    if not sketches:
        return []
    row = (
        one_row(session, sketches)
        .select(*[F.hll_sketch_estimate(f"s{i}").alias(f"e{i}") for i in range(len(sketches))])
        .collect()[0]
    )
    return [int(row[f"e{i}"]) for i in range(len(sketches))]


def read_sketches(session: Any, columns: list[RawColumn]) -> None:
    """Distinct counts from the HLL sketches; quartiles, histograms and outliers from the KLL ones."""
    counted = [c for c in columns if c.hll is not None and c.count]
    for c, estimate in zip(
        counted, estimate_distinct(session, [c.hll for c in counted if c.hll is not None]), strict=True
    ):
        set_distinct(c, estimate)
    numeric = [c for c in columns if c.kll is not None and c.count]
    if not numeric:
        return
    sketches = one_row(session, [c.kll for c in numeric if c.kll is not None])
    quartiles = sketches.select(
        *[
            F.kll_sketch_get_quantile_double(f"s{i}", F.array(*[F.lit(p) for p in raw.QUARTILES])).alias(
                f"q{i}"
            )
            for i in range(len(numeric))
        ]
    ).collect()[0]
    for i, c in enumerate(numeric):
        q1, median, q3 = quartiles[f"q{i}"]
        c.quartiles = (q1, median, q3)
        for key in ("q1", "median", "q3"):
            c.bounds[key] = Approx(KLL_RANK_ERROR, "rank", "kll")
    points = [_rank_points(c) for c in numeric]
    ranks = sketches.select(
        *[
            F.kll_sketch_get_rank_double(f"s{i}", F.array(*[F.lit(x) for x in p])).alias(f"r{i}")
            for i, p in enumerate(points)
        ]
    ).collect()[0]
    for i, c in enumerate(numeric):
        _spread_from_ranks(c, list(ranks[f"r{i}"]))


def set_distinct(c: RawColumn, estimate: int) -> None:
    """The column's distinct count from its HLL estimate, unless exact counts replace it later."""
    c.exact_counts = False
    c.distinct = min(estimate, c.count)
    if c.count - c.distinct <= HLL_ERROR * c.count:
        # The estimate cannot tell the column from one whose every value is different.
        c.distinct = c.count
    c.unique = None
    c.bounds["distinct"] = Approx(HLL_ERROR, "relative", "hll")


def _below(x: float) -> float:
    """The largest double below ``x``: an inclusive rank there is the share of values under ``x``."""
    return math.nextafter(x, -math.inf)


def _rank_points(c: RawColumn) -> list[float]:
    """Where the KLL sketch is asked for ranks: just below each inner histogram edge, then at
    the outlier thresholds (below the lower ones, at the upper ones)."""
    low, high = float(c.min), float(c.max)
    edges = raw.histogram_edges(low, high)[1:-1] if low != high else []
    q1, _, q3 = c.quartiles or (low, low, high)
    lower, upper = raw.fences(float(q1), float(q3))
    points = [_below(e) for e in edges] + [_below(lower), upper]
    if c.stddev is not None and c.mean is not None:
        spread = raw.ZSCORE_LIMIT * float(c.stddev)
        points += [_below(float(c.mean) - spread), float(c.mean) + spread]
    return points


def _spread_from_ranks(c: RawColumn, ranks: list[float]) -> None:
    n = c.count
    inner = raw.HISTOGRAM_BINS - 1 if float(c.min) != float(c.max) else 0
    below = [0, *[round(r * n) for r in ranks[:inner]], n]
    c.histogram = [max(0, b - a) for a, b in itertools.pairwise(below)]
    c.bounds["histogram"] = Approx(math.ceil(KLL_MASS_ERROR * n), "count", "kll")
    rest = ranks[inner:]
    c.outliers_iqr = round(rest[0] * n) + round((1 - rest[1]) * n)
    c.outliers_zscore = round(rest[2] * n) + round((1 - rest[3]) * n) if len(rest) > 2 else None
    c.bounds["outliers"] = Approx(math.ceil(2 * KLL_RANK_ERROR * n), "count", "kll")


# --- the sample -----------------------------------------------------------------------------


def from_sample(c: RawColumn, values: Any) -> None:
    """Frequent values and text shapes of a high-cardinality column, from the sample, scaled."""
    from workbench.profile import pandas_stats

    if c.ltype not in SAMPLED_TYPES or not c.count:
        return
    seen = pandas_stats.measure_sample(c.name, values)
    if not seen.count:
        return
    scale = c.count / seen.count
    frequent = [(v, k) for v, k in seen.top if k >= SAMPLED_TOP_MIN]
    # A sampled integer column with nulls arrives as floats.
    typed = int if c.ltype is LType.INTEGER else (lambda v: v)
    c.top = [(typed(v), round(k * scale)) for v, k in frequent]
    if frequent:
        share = min(0.5, max(k for _, k in frequent) / seen.count)
        c.bounds["top_values"] = _sampled(share, seen.count, c.count)
        c.bounds["mode"] = c.bounds["top_values"]
    if c.ltype is LType.STRING:
        c.patterns = {shape: round(k * scale) for shape, k in seen.patterns.items()}
        c.bounds["valid"] = c.bounds["invalid"] = _sampled(0.5, seen.count, c.count)


def _sampled(share: float, sampled: int, count: int) -> Approx:
    """The 99% bound of a count scaled from a share measured on ``sampled`` values."""
    return Approx(math.ceil(Z99 * math.sqrt(share * (1 - share) / sampled) * count), "count", "sample")
