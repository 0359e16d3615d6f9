"""Raw statistics of a Spark frame in three aggregation passes, whatever the number of columns.

1. exact statistics and approximate quartiles of every column (each the mean of a lower and an
   upper quantile, see raw.quantile_positions);
2. histograms and outlier counts, which need pass 1's minimum, maximum, mean and quartiles;
3. value counts of every column at once (again in long form), giving distinct and unique counts,
   top values, text lengths and shapes, and whole-row counts for duplicate rows.

The passes read the frame in long form, one row per (row, column) pair grouped by column, so the
number of aggregate expressions Spark compiles does not grow with the number of columns. A
fourth, bounded read takes a seeded sample for correlations and PII detection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from workbench.core.lazy import F, W, scol
from workbench.core.regex import java_regex
from workbench.core.types import LType
from workbench.profile import raw
from workbench.profile.raw import RawColumn, RawDataset
from workbench.profile.semantic import TEXT_PATTERNS

Progress = Callable[[str], None]


def measure(frame: Any, sample: int | None, progress: Progress) -> tuple[RawDataset, Any]:
    """Measure every column; returns the raw statistics and a pandas sample of the frame."""
    from workbench.engines.spark.types import ltype_of_spark

    columns = [RawColumn(name=f.name, ltype=ltype_of_spark(f.dataType)) for f in frame.schema.fields]
    rows = _pass_exact(frame, columns)
    progress("exact statistics")
    _pass_spread(frame, columns)
    progress("histograms and outliers")
    duplicates = pass_counts(frame, columns, rows)
    progress("value counts")
    sampled = sample_rows(frame, rows, raw.CORRELATION_SAMPLE)
    progress("sample")
    dataset = RawDataset(
        rows=rows,
        columns=columns,
        duplicate_rows=duplicates,
        pearson=[],
        spearman=[],
        numeric_columns=[c.name for c in columns if c.is_numeric and c.count > 0],
        sample=sample,
    )
    return dataset, sampled


def sample_rows(frame: Any, rows: int, limit: int, seed: int = 0) -> Any:
    """A seeded sample of at most ``limit`` rows, as a pandas frame (one Spark job)."""
    if rows > limit:
        frame = frame.sample(fraction=min(1.0, 1.2 * limit / rows), seed=seed).limit(limit)
    return frame.toPandas()


def present(c: RawColumn) -> Any:
    """The column's value where present: null for null, empty text and NaN."""
    col = scol(c.name)
    if c.ltype is LType.STRING:
        return F.when(col != F.lit(""), col)
    if c.ltype is LType.DOUBLE:
        return F.when(~F.isnan(col), col)
    return col


def _long_form(frame: Any, columns: list[RawColumn]) -> Any:
    """One row per (row, column): the column's index, its missing flags and its present value in
    the field of its kind (number, integer, instant)."""
    entries = [_entry(i, c) for i, c in enumerate(columns)]
    return frame.select(F.explode(F.array(*entries)).alias("e")).select("e.*")


def _entry(i: int, c: RawColumn) -> Any:
    col, value = scol(c.name), present(c)
    none = {"double": F.lit(None).cast("double"), "long": F.lit(None).cast("long")}
    number = value.cast("double") if c.is_numeric else none["double"]
    integer = value.cast("long") if c.ltype is LType.INTEGER else none["long"]
    instant = none["long"]
    if c.ltype is LType.TIMESTAMP:
        instant = F.unix_micros(value)
    elif c.ltype is LType.DATE:
        instant = F.unix_date(value).cast("long")
    elements = F.when(col.isNotNull(), F.size(col)) if c.ltype in raw.SIZED_TYPES else none["long"]
    return F.struct(
        F.lit(i).alias("id"),
        col.isNull().alias("is_null"),
        (col == F.lit("")).alias("is_empty") if c.ltype is LType.STRING else F.lit(False).alias("is_empty"),
        F.isnan(col).alias("is_nan") if c.ltype is LType.DOUBLE else F.lit(False).alias("is_nan"),
        (F.lit(True) if c.ltype in raw.PROFILED_TYPES else F.lit(False)).alias("profiled"),
        number.alias("number"),
        integer.alias("integer"),
        instant.alias("instant"),
        elements.cast("long").alias("elements"),
    )


# --- pass 1 --------------------------------------------------------------------------------


def _pass_exact(frame: Any, columns: list[RawColumn]) -> int:
    if not columns:
        return int(frame.count())
    long = _long_form(frame, columns)
    number = F.col("number")
    exprs = {
        "rows": F.count(F.lit(1)),
        "nulls": F.count_if(F.col("is_null")),
        "empty": F.count_if(F.col("is_empty")),
        "nan": F.count_if(F.col("is_nan")),
        "present": F.count_if(F.col("profiled") & ~F.col("is_null") & ~F.col("is_empty") & ~F.col("is_nan")),
        "min": F.min(number),
        "max": F.max(number),
        "int_min": F.min("integer"),
        "int_max": F.max("integer"),
        "int_sum": F.sum("integer"),
        "sum": F.sum(number),
        "mean": F.avg(number),
        "stddev": F.stddev_samp(number),
        "variance": F.var_samp(number),
        "skewness": F.skewness(number),
        "kurtosis": F.kurtosis(number),
        "zeros": F.count_if(number == F.lit(0.0)),
        "negatives": F.count_if(number < F.lit(0.0)),
        "quartiles": F.percentile_approx(number, list(raw.QUARTILES), raw.QUANTILE_ACCURACY),
        # The upper quantiles, as the lower quantiles of the negated values at 1 - p.
        "upper": F.percentile_approx(-number, [1 - p for p in raw.QUARTILES], raw.QUANTILE_ACCURACY),
        "instant_min": F.min("instant"),
        "instant_max": F.max("instant"),
        "elements_min": F.min("elements"),
        "elements_max": F.max("elements"),
        "elements_sum": F.sum("elements"),
    }
    results = long.groupBy("id").agg(*[e.alias(k) for k, e in exprs.items()]).collect()
    for record in results:
        _read_exact(columns[record["id"]], record.asDict())
    return int(results[0]["rows"]) if results else 0


def _read_exact(c: RawColumn, got: dict[str, Any]) -> None:
    c.nulls, c.empty, c.nan = int(got["nulls"]), int(got["empty"]), int(got["nan"])
    c.count = int(got["present"]) if c.ltype in raw.PROFILED_TYPES else int(got["rows"]) - c.nulls
    if c.ltype.is_temporal and c.count:
        c.min, c.max = instant(c.ltype, got["instant_min"]), instant(c.ltype, got["instant_max"])
    elif c.is_numeric and c.count:
        _read_numeric(c, got)
    elif c.ltype in raw.SIZED_TYPES and got["elements_min"] is not None:
        c.elements_min, c.elements_max = int(got["elements_min"]), int(got["elements_max"])
        c.elements_sum = int(got["elements_sum"])


def _read_text(c: RawColumn, got: dict[str, Any]) -> None:
    if got["length_min"] is None:
        return
    c.length_min, c.length_max = int(got["length_min"]), int(got["length_max"])
    c.length_sum, c.text_bytes = int(got["length_sum"]), int(got["text_bytes"])
    c.patterns = {k[len("shape_") :]: int(v or 0) for k, v in got.items() if k.startswith("shape_")}


def _read_numeric(c: RawColumn, got: dict[str, Any]) -> None:
    for key in ("mean", "stddev", "variance", "skewness", "kurtosis"):
        setattr(c, key, got[key])
    c.zeros, c.negatives = int(got["zeros"]), int(got["negatives"])
    q1, median, q3 = (
        raw.quantile(low, -high) for low, high in zip(got["quartiles"], got["upper"], strict=True)
    )
    c.quartiles = (q1, median, q3)
    if c.count > raw.QUANTILE_ACCURACY:  # below it percentile_approx is exact
        for key in ("q1", "median", "q3"):
            c.bounds[key] = raw.Approx(1 / raw.QUANTILE_ACCURACY, "rank", "percentile_approx", 1.0)
    if c.ltype is LType.INTEGER:
        c.min, c.max, c.sum = int(got["int_min"]), int(got["int_max"]), int(got["int_sum"])
        c.mean = c.sum / c.count
    else:
        c.min, c.max, c.sum = float(got["min"]), float(got["max"]), float(got["sum"])


def instant(ltype: LType, value: int) -> Any:
    """A date from days, or a UTC timestamp from microseconds, since the epoch."""
    if ltype is LType.DATE:
        return dt.date(1970, 1, 1) + dt.timedelta(days=value)
    return from_micros(value)


def from_micros(micros: int) -> dt.datetime:
    """A UTC timestamp from microseconds since the epoch."""
    return _EPOCH + dt.timedelta(microseconds=micros)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


# --- pass 2 --------------------------------------------------------------------------------


def _pass_spread(frame: Any, columns: list[RawColumn]) -> None:
    targets = [(i, c) for i, c in enumerate(columns) if c.is_numeric and c.count > 0]
    if not targets:
        return
    # Each numeric column becomes (column, bin, outlier flags) with its own constants, then one
    # small group-by counts them all.
    marks = frame.select(F.explode(F.array(*[_spread_entry(i, c) for i, c in targets])).alias("m"))
    counted = (
        marks.select("m.*")
        .where(F.col("bin").isNotNull())
        .groupBy("id", "bin")
        .agg(F.count(F.lit(1)).alias("n"), F.sum("zscore").alias("zscore"), F.sum("iqr").alias("iqr"))
        .collect()
    )
    tallies: dict[int, tuple[list[int], int, int]] = {}
    for i, c in targets:
        tallies[i] = ([0] * (1 if float(c.min) == float(c.max) else raw.HISTOGRAM_BINS), 0, 0)
    for record in counted:
        bins, zscore, iqr = tallies[record["id"]]
        bins[record["bin"]] += int(record["n"])
        tallies[record["id"]] = (bins, zscore + int(record["zscore"]), iqr + int(record["iqr"]))
    for i, c in targets:
        c.histogram, zscore, c.outliers_iqr = tallies[i]
        c.outliers_zscore = zscore if c.stddev is not None else None


def _spread_entry(i: int, c: RawColumn) -> Any:
    number = _as_double(c)
    low, high = float(c.min), float(c.max)
    if low == high:
        index = F.lit(0)
    else:
        scaled = F.floor((number - F.lit(low)) / F.lit(high - low) * F.lit(float(raw.HISTOGRAM_BINS)))
        # The maximum belongs to the last bin.
        index = F.least(scaled, F.lit(raw.HISTOGRAM_BINS - 1)).cast("int")
    assert c.quartiles is not None
    lower, upper = raw.fences(float(c.quartiles[0]), float(c.quartiles[2]))
    far = F.lit(False)
    if c.stddev is not None and c.mean is not None:
        far = F.abs(number - F.lit(float(c.mean))) > F.lit(raw.ZSCORE_LIMIT * float(c.stddev))
    return F.struct(
        F.lit(i).alias("id"),
        F.when(number.isNotNull(), index).alias("bin"),
        far.cast("long").alias("zscore"),
        ((number < F.lit(lower)) | (number > F.lit(upper))).cast("long").alias("iqr"),
    )


def _as_double(c: RawColumn) -> Any:
    return present(c).cast("double")


def pass_counts(
    frame: Any, columns: list[RawColumn], rows: int, only: set[int] | None = None, *, whole_rows: bool = True
) -> int:
    """Value counts of every column (or of the columns at the indexes ``only``) in long form, and
    whole-row counts unless ``whole_rows`` is false, in one action; returns the duplicate rows."""
    ranked = [
        (i, c) for i, c in enumerate(columns) if c.ltype in raw.PROFILED_TYPES and (only is None or i in only)
    ]
    if not ranked:
        return 0
    entries = F.array(*[_value_entry(i, c) for i, c in ranked])
    long = frame.select(F.explode(entries).alias("e")).select("e.*").where(F.col("present"))
    keys = ["id", *_VALUE_FIELDS]
    counted = long.groupBy(*keys).agg(F.count(F.lit(1)).alias("n"))
    texts = F.col("text")
    parts = [
        _top_values(counted).select(F.lit("top").alias("kind"), *keys, "n"),
        counted.groupBy("id").agg(
            F.lit("stats").alias("kind"),
            F.count(F.lit(1)).alias("n"),
            F.count_if(F.col("n") == F.lit(1)).alias("unique"),
            *_text_exprs(texts),
        ),
    ]
    if whole_rows:
        # Whole rows compare as stored: empty text and NaN differ from null.
        parts.append(
            frame.groupBy(*[scol(c.name) for _, c in ranked])
            .agg(F.count(F.lit(1)).alias("n"))
            .agg(F.lit("rows").alias("kind"), F.count(F.lit(1)).alias("n"))
        )
    result = parts[0]
    for part in parts[1:]:
        result = result.unionByName(part, allowMissingColumns=True)
    return _read_counts(result.collect(), columns, rows, [i for i, _ in ranked])


_VALUE_FIELDS = ("integer", "number", "text", "flag", "instant")


def _value_entry(i: int, c: RawColumn) -> Any:
    """(column index, presence, the present value in the field of its type)."""
    value = present(c)
    field = {
        LType.INTEGER: "integer",
        LType.STRING: "text",
        LType.BOOLEAN: "flag",
        LType.DATE: "instant",
        LType.TIMESTAMP: "instant",
    }.get(c.ltype, "number")
    typed = {
        "integer": value.cast("long"),
        "number": value.cast("double"),
        "text": value.cast("string"),
        "flag": value.cast("boolean"),
        "instant": F.unix_micros(value) if c.ltype is LType.TIMESTAMP else F.unix_date(value).cast("long"),
    }
    empty = {"integer": "long", "number": "double", "text": "string", "flag": "boolean", "instant": "long"}
    return F.struct(
        F.lit(i).alias("id"),
        value.isNotNull().alias("present"),
        *[
            (typed[name] if name == field else F.lit(None).cast(empty[name])).alias(name)
            for name in _VALUE_FIELDS
        ],
    )


def _text_exprs(text: Any) -> list[Any]:
    """Lengths and shapes of the distinct texts of a column, weighted by how often each occurs.

    Within one grouping set a single value key is set, so ``text`` is that column's value.
    """
    n, length = F.col("n"), F.length(text)
    exprs = [
        F.min(length).alias("length_min"),
        F.max(length).alias("length_max"),
        F.sum(length * n).alias("length_sum"),
        F.sum(F.octet_length(text) * n).alias("text_bytes"),
    ]
    for shape, pattern in TEXT_PATTERNS.items():
        exprs.append(F.sum(F.when(text.rlike(java_regex(pattern)), n)).alias(f"shape_{shape}"))
    return exprs


def _top_values(counted: Any) -> Any:
    order = W.Window.partitionBy("id").orderBy(
        F.col("n").desc(), *[F.col(k).asc_nulls_last() for k in _VALUE_FIELDS]
    )
    ranked = counted.withColumn("rank", F.row_number().over(order))
    return ranked.where(F.col("rank") <= F.lit(raw.TOP_VALUES))


def _read_counts(result: list[Any], columns: list[RawColumn], rows: int, counted: list[int]) -> int:
    tops: dict[int, list[tuple[Any, int]]] = {}
    seen: set[int] = set()
    duplicates = 0
    for record in result:
        if record["kind"] == "rows":
            duplicates = rows - int(record["n"])
        elif record["kind"] == "stats":
            seen.add(record["id"])
            column = columns[record["id"]]
            column.distinct, column.unique = int(record["n"]), int(record["unique"])
            if column.ltype is LType.STRING:
                _read_text(column, record.asDict())
        else:
            column = columns[record["id"]]
            value = next((record[k] for k in _VALUE_FIELDS if record[k] is not None), None)
            if column.ltype.is_temporal and value is not None:
                value = instant(column.ltype, value)
            tops.setdefault(record["id"], []).append((value, int(record["n"])))
    for i in counted:
        column = columns[i]
        if i not in seen:  # no present value
            column.distinct, column.unique = 0, 0
        column.exact_counts = True
        column.bounds.pop("distinct", None)
        column.top = sorted(tops.get(i, []), key=lambda vc: -vc[1])
    return duplicates
