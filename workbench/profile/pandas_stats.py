"""Raw statistics of a pandas frame, vectorised over its Arrow data, one column at a time."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.types import LType
from workbench.engines.pandas import canonical_series, ltype_of_dtype
from workbench.engines.pandas.arrow import arr
from workbench.profile import raw
from workbench.profile.raw import RawColumn, RawDataset
from workbench.profile.semantic import TEXT_PATTERNS

Progress = Callable[[str], None]


def measure(df: pd.DataFrame, sample: int | None, progress: Progress) -> RawDataset:
    """Measure every column of ``df``, then the dataset-wide statistics."""
    columns: list[RawColumn] = []
    numeric: dict[str, np.ndarray] = {}
    for name in df.columns:
        column, values = measure_column(str(name), canonical_series(df[name]))
        columns.append(column)
        if values is not None and column.count > 0:
            numeric[column.name] = values
        progress(f"column {name}")
    pearson, spearman = correlations(numeric)
    progress("correlations")
    duplicates = duplicate_rows(df)
    progress("duplicate rows")
    return RawDataset(
        rows=len(df),
        columns=columns,
        duplicate_rows=duplicates,
        pearson=pearson,
        spearman=spearman,
        numeric_columns=list(numeric),
        sample=sample,
    )


def measure_column(name: str, s: pd.Series) -> tuple[RawColumn, np.ndarray | None]:
    """One column's raw statistics, and its values as float64 with NaN for missing when numeric."""
    ltype = ltype_of_dtype(s.dtype)
    data = arr(s)
    column = RawColumn(name=name, ltype=ltype, nulls=data.null_count)
    if ltype not in raw.PROFILED_TYPES:
        column.count = len(data) - data.null_count
        return column, None
    keep = _present_mask(data, ltype, column)
    present = pc.filter(data, keep)
    column.count = len(present)
    _measure_values(column, present)
    if not ltype.is_numeric:
        return column, None
    return column, _dense(data, keep)


def dense_numeric(s: pd.Series) -> np.ndarray:
    """A numeric column as float64 with NaN wherever a value is missing (null or NaN)."""
    data = arr(canonical_series(s))
    return _dense(data, pc.and_(pc.is_valid(data), pc.invert(pc.fill_null(pc.is_nan(data), False))))


def _dense(data: pa.ChunkedArray, keep: Any) -> np.ndarray:
    dense = pc.if_else(keep, data.cast(pa.float64()), None)
    return dense.to_numpy(zero_copy_only=False)


def _present_mask(data: pa.ChunkedArray, ltype: LType, column: RawColumn) -> pa.ChunkedArray:
    valid = pc.is_valid(data)
    if ltype is LType.STRING:
        is_empty = pc.fill_null(pc.equal(data, ""), False)
        column.empty = _count_true(is_empty)
        return pc.and_(valid, pc.invert(is_empty))
    if ltype is LType.DOUBLE:
        is_nan = pc.fill_null(pc.is_nan(data), False)
        column.nan = _count_true(is_nan)
        return pc.and_(valid, pc.invert(is_nan))
    return valid


def _measure_values(column: RawColumn, present: pa.ChunkedArray) -> None:
    _rank_values(column, present)
    if column.count == 0:
        return
    if column.ltype.is_numeric:
        _numeric(column, present)
    elif column.ltype is LType.STRING:
        _text(column, present)
    elif column.ltype.is_temporal:
        bounds = pc.min_max(present)
        column.min, column.max = bounds["min"].as_py(), bounds["max"].as_py()


def _numeric(column: RawColumn, present: pa.ChunkedArray) -> None:
    if column.ltype is LType.INTEGER:
        bounds = pc.min_max(present)
        column.min, column.max = bounds["min"].as_py(), bounds["max"].as_py()
        column.sum = pc.sum(present).as_py()
        column.mean = column.sum / column.count
        ints = present.to_numpy()
        values = ints.astype(np.float64)
    else:
        values = present.cast(pa.float64()).to_numpy(zero_copy_only=False)
        column.min, column.max = float(values.min()), float(values.max())
        column.sum = float(values.sum())
        column.mean = column.sum / column.count
        ints = None
    _moments(column, values)
    column.zeros = int(np.count_nonzero(values == 0))
    column.negatives = int(np.count_nonzero(values < 0))
    ordered = ints if ints is not None else values
    column.quartiles = _quartiles(ordered)
    _spread(column, values)


def _moments(column: RawColumn, values: np.ndarray) -> None:
    n = len(values)
    deviations = values - column.mean  # type: ignore[operator]
    m2 = float(np.dot(deviations, deviations))
    if n > 1:
        column.variance = m2 / (n - 1)
        column.stddev = float(np.sqrt(column.variance))
    if m2 > 0:
        squared = deviations * deviations
        m3 = float(np.dot(squared, deviations))
        m4 = float(np.dot(squared, squared))
        column.skewness = float(np.sqrt(n) * m3 / m2**1.5)
        column.kurtosis = n * m4 / (m2 * m2) - 3.0


def _quartiles(values: np.ndarray) -> tuple[Any, Any, Any]:
    positions = [raw.quantile_position(p, len(values)) for p in raw.QUARTILES]
    chosen = np.partition(values, positions)[positions]
    q1, median, q3 = (v.item() for v in chosen)
    return q1, median, q3


def _spread(column: RawColumn, values: np.ndarray) -> None:
    low, high = float(column.min), float(column.max)
    if high == low:
        column.histogram = [len(values)]
    else:
        bins = np.floor((values - low) / (high - low) * raw.HISTOGRAM_BINS)
        bins = np.minimum(bins, raw.HISTOGRAM_BINS - 1).astype(np.int64)
        column.histogram = np.bincount(bins, minlength=raw.HISTOGRAM_BINS).tolist()
    if column.stddev is not None:
        far = np.abs(values - column.mean) > raw.ZSCORE_LIMIT * column.stddev  # type: ignore[operator]
        column.outliers_zscore = int(np.count_nonzero(far))
    assert column.quartiles is not None
    lower, upper = raw.fences(float(column.quartiles[0]), float(column.quartiles[2]))
    column.outliers_iqr = int(np.count_nonzero((values < lower) | (values > upper)))


def _text(column: RawColumn, present: pa.ChunkedArray) -> None:
    lengths = pc.utf8_length(present)
    bounds = pc.min_max(lengths)
    column.length_min, column.length_max = bounds["min"].as_py(), bounds["max"].as_py()
    column.length_sum = pc.sum(lengths).as_py()
    column.text_bytes = pc.sum(pc.binary_length(present)).as_py()
    column.patterns = {
        shape: _count_true(pc.match_substring_regex(present, pattern))
        for shape, pattern in TEXT_PATTERNS.items()
    }


def _rank_values(column: RawColumn, present: pa.ChunkedArray) -> None:
    counts = pc.value_counts(present)
    table = pa.table({"value": counts.field("values"), "n": counts.field("counts")})
    column.distinct = table.num_rows
    column.unique = _count_true(pc.equal(table["n"], 1))
    top = table.sort_by([("n", "descending"), ("value", "ascending")]).slice(0, raw.TOP_VALUES)
    column.top = list(zip(top["value"].to_pylist(), top["n"].to_pylist(), strict=True))


def correlations(numeric: dict[str, np.ndarray]) -> tuple[list[list[float | None]], list[list[float | None]]]:
    """Pearson and Spearman matrices over pairwise-complete rows."""
    if len(numeric) < 2:
        empty: list[list[float | None]] = [[1.0]] if numeric else []
        return empty, [row[:] for row in empty]
    frame = pd.DataFrame(numeric)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        pearson = frame.corr(method="pearson", min_periods=2)
        spearman = spearman_matrix(frame)
    return _matrix(pearson), _matrix(spearman)


def spearman_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """Spearman correlation: Pearson over average ranks of the pairwise-complete rows."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return frame.corr(method="spearman", min_periods=2)


def _matrix(frame: pd.DataFrame) -> list[list[float | None]]:
    return [[raw.finite_or_none(v) for v in row] for row in frame.to_numpy().tolist()]


def duplicate_rows(df: pd.DataFrame) -> int:
    """Rows equal to an earlier row (nested columns are left out of the comparison)."""
    flat = [c for c in df.columns if ltype_of_dtype(df[c].dtype) in raw.PROFILED_TYPES]
    if not flat or len(df) == 0:
        return 0
    table = pa.table({f"c{i}": arr(canonical_series(df[c])) for i, c in enumerate(flat)})
    groups = table.group_by(table.column_names, use_threads=False).aggregate([])
    return len(df) - groups.num_rows


def _count_true(mask: Any) -> int:
    return int(pc.sum(pc.cast(mask, pa.int64())).as_py() or 0)
