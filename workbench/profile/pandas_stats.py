"""Raw statistics of a pandas frame, vectorised over its Arrow data, one column at a time."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.types import LType
from workbench.engines.pandas import canonical_series, ltype_of_dtype, to_arrow_series
from workbench.engines.pandas.arrow import arr
from workbench.profile import raw, semantic
from workbench.profile.raw import RawColumn, RawDataset
from workbench.profile.semantic import TEXT_PATTERNS

Progress = Callable[[str], None]


def measure(
    df: pd.DataFrame, sample: int | None, progress: Progress, seed: int = 0, *, dataset_wide: bool = True
) -> RawDataset:
    """Measure every column of ``df``, then (unless ``dataset_wide`` is false) the dataset-wide
    statistics: correlations and duplicate rows."""
    columns: list[RawColumn] = []
    identities: list[np.ndarray] = []
    numeric = {
        str(name): df.iloc[:, i]
        for i, name in enumerate(df.columns)
        if ltype_of_dtype(df.iloc[:, i].dtype).is_numeric
    }
    # NumPy sorts and Arrow kernels release the GIL: the work runs side by side, the correlations
    # and the costliest columns (text) first, so that no long job starts last and runs alone.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        correlated = pool.submit(_correlations_of, numeric, len(df), seed) if dataset_wide else None
        order = sorted(range(len(df.columns)), key=lambda i: not _is_text(df.iloc[:, i]))
        started = {i: pool.submit(_measure_series, str(df.columns[i]), df.iloc[:, i]) for i in order}
        for i, name in enumerate(df.columns):
            measured = started[i].result()
            columns.append(measured.column)
            identities.extend(measured.identity or [])
            progress(f"column {name}")
        if correlated is None:
            return RawDataset(len(df), columns, 0, [], [], [], sample)
        duplicates = duplicate_rows(identities, len(df))
        progress("duplicate rows")
        present, pearson, spearman = correlated.result()
        progress("correlations")
    return RawDataset(
        rows=len(df),
        columns=columns,
        duplicate_rows=duplicates,
        pearson=pearson,
        spearman=spearman,
        numeric_columns=present,
        sample=sample,
    )


def _correlations_of(
    numeric: dict[str, pd.Series], rows: int, seed: int
) -> tuple[list[str], list[list[float | None]], list[list[float | None]]]:
    """Correlations between the numeric columns that have a value in the sampled rows."""
    chosen = _correlation_rows(rows, seed)
    dense = {name: dense_numeric(s if chosen is None else s.iloc[chosen]) for name, s in numeric.items()}
    present = {name: values for name, values in dense.items() if not np.isnan(values).all()}
    pearson, spearman = correlations(present)
    return list(present), pearson, spearman


def _correlation_rows(rows: int, seed: int) -> np.ndarray | None:
    """Sorted positions of the seeded correlation sample (None: every row is used)."""
    if rows <= raw.CORRELATION_SAMPLE:
        return None
    return np.sort(np.random.default_rng(seed).choice(rows, raw.CORRELATION_SAMPLE, replace=False))


def _object_text_to_arrow(s: pd.Series) -> pd.Series:
    """Text held as Python objects, as Arrow text, converted a slice at a time.

    The conversion holds the GIL; in slices, the other workers get it back between slices
    instead of waiting tens of milliseconds at their next NumPy call.
    """
    slices = [arr(to_arrow_series(s.iloc[i : i + CHUNK])) for i in range(0, len(s), CHUNK)]
    array = pa.chunked_array([chunk for part in slices for chunk in part.chunks], type=pa.large_string())
    return pd.Series(array, index=s.index, dtype=pd.ArrowDtype(pa.large_string()), name=s.name)


def _is_text(s: pd.Series) -> bool:
    return s.dtype == object or pd.api.types.is_string_dtype(s.dtype)


def _measure_series(name: str, s: pd.Series) -> Measured:
    if s.dtype == object:
        return measure_column(name, _object_text_to_arrow(s))
    return measure_column(name, canonical_series(s))


@dataclass
class Measured:
    """One column's statistics and each row's value identity."""

    column: RawColumn
    identity: list[np.ndarray] | None = None
    """Integer arrays, equal at two rows exactly when their stored values are equal."""


def measure_sample(name: str, s: pd.Series) -> RawColumn:
    """The raw statistics of a column of a sample (a pandas frame from Spark)."""
    return _measure_series(name, s).column


def measure_column(name: str, s: pd.Series) -> Measured:
    """One column's raw statistics."""
    ltype = ltype_of_dtype(s.dtype)
    data = arr(s).combine_chunks()
    column = RawColumn(name=name, ltype=ltype, nulls=data.null_count)
    if ltype not in raw.PROFILED_TYPES:
        column.count = len(data) - data.null_count
        if ltype in raw.SIZED_TYPES and column.count:
            _element_counts(column, data)
        return Measured(column)
    if ltype in (LType.STRING, LType.BOOLEAN):
        return _encoded(column, data)
    return _sorted(column, data)


def _element_counts(column: RawColumn, data: pa.Array) -> None:
    """Elements per present list value, entries per present map value."""
    # A map array is a list of key-value entries; its offsets give the entry counts.
    offsets = data.offsets.to_numpy(zero_copy_only=False)
    sizes = np.diff(offsets)[data.is_valid().to_numpy(zero_copy_only=False)]
    column.elements_min, column.elements_max = int(sizes.min()), int(sizes.max())
    column.elements_sum = int(sizes.sum())


# --- text and booleans: dictionary encoding, statistics over distinct values ----------------


def _encoded(column: RawColumn, data: pa.Array) -> Measured:
    encoded = pc.dictionary_encode(data)
    indices = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    dictionary = encoded.dictionary
    counts = np.bincount(indices[indices >= 0], minlength=len(dictionary))
    keep = np.ones(len(dictionary), dtype=bool)
    if column.ltype is LType.STRING:
        keep = ~pc.equal(dictionary, "").to_numpy(zero_copy_only=False)
        column.empty = int(counts[~keep].sum())
    values, weights = pc.filter(dictionary, pa.array(keep)), counts[keep]
    column.count = int(weights.sum())
    column.distinct, column.unique = len(values), int(np.count_nonzero(weights == 1))
    column.top = _top(pa.table({"value": values, "n": pa.array(weights, pa.int64())}))
    if column.ltype is LType.STRING and column.count:
        _text(column, values, weights)
    return Measured(column, identity=[indices])


def _text(column: RawColumn, values: pa.Array, weights: np.ndarray) -> None:
    lengths = pc.utf8_length(values).to_numpy(zero_copy_only=False).astype(np.int64)
    column.length_min, column.length_max = int(lengths.min()), int(lengths.max())
    column.length_sum = int(np.dot(lengths, weights))
    octets = pc.binary_length(values).to_numpy(zero_copy_only=False).astype(np.int64)
    column.text_bytes = int(np.dot(octets, weights))
    column.patterns = _shapes(values, weights, column.count)


def _shapes(values: pa.Array, weights: np.ndarray, count: int) -> dict[str, int]:
    """Matches of each text shape, skipping the shapes that can no longer decide the semantic
    type once one has (the numeric share is always counted: it decides the mixed-types alert)."""
    found: dict[str, int] = {}
    decided = False
    for shape, pattern in TEXT_PATTERNS.items():
        if decided and shape != "numeric_text":
            continue
        matches = pc.match_substring_regex(values, pattern).to_numpy(zero_copy_only=False)
        found[shape] = int(weights[matches].sum())
        decided = decided or found[shape] >= semantic.CONFIDENT_SHARE * count
    return found


def _top(table: pa.Table) -> list[tuple[Any, int]]:
    top = pc.select_k_unstable(table, raw.TOP_VALUES, [("n", "descending"), ("value", "ascending")])
    chosen = table.take(top)
    return list(zip(chosen["value"].to_pylist(), chosen["n"].to_pylist(), strict=True))


# --- numbers, dates and timestamps: one sort gives quantiles, distinct values and top values ---


def _sorted(column: RawColumn, data: pa.Array) -> Measured:
    values, missing = _numbers(column, data)
    any_missing = bool(missing.any())
    present = values[~missing] if any_missing else values
    column.count = len(present)
    ordered = np.sort(present)
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))[: len(ordered)]
    runs = np.diff(np.append(starts, len(ordered)))
    column.distinct, column.unique = len(starts), int(np.count_nonzero(runs == 1))
    column.top = [(_back(column.ltype, ordered[starts[i]]), int(runs[i])) for i in _top_runs(runs)]
    if column.count:
        column.min, column.max = _back(column.ltype, ordered[0]), _back(column.ltype, ordered[-1])
        if column.is_numeric:
            _numeric(column, present, ordered)
    return Measured(column, identity=_identities(column, data, values, missing, any_missing))


def _identities(
    column: RawColumn, data: pa.Array, values: np.ndarray, missing: np.ndarray, any_missing: bool
) -> list[np.ndarray]:
    """Each row's value as exact integers: the value's bits, and a missing-kind flag when needed."""
    # Adding 0.0 makes -0.0 equal 0.0, as value counts and Spark's grouping see them.
    bits = (values + 0.0).view(np.int64) if values.dtype.kind == "f" else values
    if not any_missing:
        return [bits]
    kind = missing.astype(np.int8)
    if column.ltype is LType.DOUBLE:
        kind[_nan_mask(data)] = 2
    return [np.where(missing, 0, bits), kind]


def _numbers(column: RawColumn, data: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The column as a NumPy array of comparable numbers and its missing mask."""
    missing = data.is_null().to_numpy(zero_copy_only=False)
    ltype = column.ltype
    if ltype is LType.DOUBLE or ltype is LType.DECIMAL:
        values = pc.fill_null(data.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False)
        if ltype is LType.DOUBLE:
            nan = _nan_mask(data)
            column.nan = int(np.count_nonzero(nan))
            missing = missing | nan
        return values, missing
    if ltype is LType.DATE:
        days = pc.fill_null(data.cast(pa.int32()), 0)
        return days.to_numpy(zero_copy_only=False).astype(np.int64), missing
    if ltype is LType.TIMESTAMP:
        micros = pc.fill_null(data.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()), 0)
        return micros.to_numpy(zero_copy_only=False), missing
    return pc.fill_null(data, 0).to_numpy(zero_copy_only=False).astype(np.int64), missing


def _nan_mask(data: pa.Array) -> np.ndarray:
    return pc.fill_null(pc.is_nan(data), False).to_numpy(zero_copy_only=False)


_EPOCH_DAY = dt.date(1970, 1, 1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _back(ltype: LType, value: Any) -> Any:
    """A NumPy number back as the column's Python value."""
    if ltype is LType.DATE:
        return _EPOCH_DAY + dt.timedelta(days=int(value))
    if ltype is LType.TIMESTAMP:
        return _EPOCH + dt.timedelta(microseconds=int(value))
    if ltype is LType.INTEGER:
        return int(value)
    return float(value)


def _top_runs(runs: np.ndarray) -> np.ndarray:
    """Indices of the most frequent runs; ties keep ascending value order (the runs' order)."""
    k = raw.TOP_VALUES
    if len(runs) > k:
        threshold = np.partition(runs, len(runs) - k)[len(runs) - k]
        above = np.flatnonzero(runs > threshold)
        tied = np.flatnonzero(runs == threshold)[: k - len(above)]
        candidates = np.concatenate((above, tied))
    else:
        candidates = np.arange(len(runs))
    return candidates[np.lexsort((candidates, -runs[candidates]))]


def _numeric(column: RawColumn, present: np.ndarray, ordered: np.ndarray) -> None:
    values = present.astype(np.float64, copy=False)
    if column.ltype is LType.INTEGER:
        column.sum = int(present.sum())
    else:
        column.sum = float(values.sum())
    column.mean = column.sum / column.count
    _moments(column, values)
    column.zeros = int(np.count_nonzero(values == 0))
    column.negatives = int(np.count_nonzero(values < 0))
    positions = [raw.quantile_positions(p, len(ordered)) for p in raw.QUARTILES]
    q1, median, q3 = (raw.quantile(ordered[low], ordered[high]) for low, high in positions)
    column.quartiles = (q1, median, q3)
    _spread(column, values)


# Products go through einsum rather than BLAS: a multi-threaded BLAS keeps its idle threads
# spinning after every call, and on a small machine they take the cores the column measurements
# need (a third more CPU time for the whole profile).


def _inner(a: np.ndarray, b: np.ndarray) -> Any:
    return np.einsum("i,i->", a, b)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a.T @ b``, without BLAS."""
    return np.einsum("ij,ik->jk", a, b)


CHUNK = 1 << 16
"""Elements per block in the moment and histogram loops (temporaries stay small and in cache), and
rows per slice when object text is converted to Arrow."""


def _blocks(values: np.ndarray) -> Any:
    return (values[i : i + CHUNK] for i in range(0, len(values), CHUNK))


def _moments(column: RawColumn, values: np.ndarray) -> None:
    n, mean = len(values), float(column.mean)  # type: ignore[arg-type]
    m2 = m3 = m4 = 0.0
    for block in _blocks(values):
        deviations = block - mean
        squared = deviations * deviations
        m2 += float(squared.sum())
        m3 += float(_inner(squared, deviations))
        m4 += float(_inner(squared, squared))
    if n > 1:
        column.variance = m2 / (n - 1)
        column.stddev = float(np.sqrt(column.variance))
    if m2 > 0:
        column.skewness = float(np.sqrt(n) * m3 / m2**1.5)
        column.kurtosis = n * m4 / (m2 * m2) - 3.0


def _spread(column: RawColumn, values: np.ndarray) -> None:
    low, high = float(column.min), float(column.max)
    assert column.quartiles is not None
    lower, upper = raw.fences(float(column.quartiles[0]), float(column.quartiles[2]))
    limit = None if column.stddev is None else raw.ZSCORE_LIMIT * column.stddev
    counts = np.zeros(raw.HISTOGRAM_BINS if high > low else 1, dtype=np.int64)
    far = outside = 0
    for block in _blocks(values):
        if high > low:
            bins = np.floor((block - low) / (high - low) * raw.HISTOGRAM_BINS)
            counts += np.bincount(
                np.minimum(bins, raw.HISTOGRAM_BINS - 1).astype(np.int64), minlength=raw.HISTOGRAM_BINS
            )
        else:
            counts[0] += len(block)
        if limit is not None:
            far += int(np.count_nonzero(np.abs(block - column.mean) > limit))
        outside += int(np.count_nonzero((block < lower) | (block > upper)))
    column.histogram = counts.tolist()
    column.outliers_zscore = far if limit is not None else None
    column.outliers_iqr = outside


def correlations(numeric: dict[str, np.ndarray]) -> tuple[list[list[float | None]], list[list[float | None]]]:
    """Pearson and Spearman matrices over pairwise-complete rows (NaN marks a missing value).

    Spearman is Pearson over each column's average ranks among its own present values; without
    missing values that is the textbook coefficient. The caller passes the rows to correlate: a
    seeded sample of at most ``raw.CORRELATION_SAMPLE`` rows on both engines.
    """
    if not numeric:
        return [], []
    columns = list(numeric.values())
    return pairwise_pearson(columns), pairwise_pearson([_average_ranks(c) for c in columns])


def dense_numeric(s: pd.Series) -> np.ndarray:
    """A numeric column as float64 with NaN wherever a value is missing (null or NaN)."""
    data = arr(canonical_series(s)).combine_chunks()
    values = pc.fill_null(data.cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False)
    return values


def pairwise_pearson(columns: list[np.ndarray]) -> list[list[float | None]]:
    """Pearson correlations of every pair of columns over the rows where both are present.

    Four matrix products per block of rows accumulate, for every pair at once, the count, sums,
    sums of squares and sums of products over the rows where both columns are present; two
    block-sized buffers are reused, so no full-size temporary is ever allocated.
    """
    width, rows = len(columns), len(columns[0])
    centres = [float(np.nanmean(c[:CHUNK])) if np.isfinite(c[:CHUNK]).any() else 0.0 for c in columns]
    n, sums, squares, products = (np.zeros((width, width)) for _ in range(4))
    present = np.empty((min(rows, CHUNK), width), order="F")
    centred = np.empty_like(present, order="F")
    for start in range(0, rows, CHUNK):
        size = min(CHUNK, rows - start)
        p, c = present[:size], centred[:size]
        for i, column in enumerate(columns):
            block = column[start : start + size]
            np.isfinite(block, out=p[:, i], casting="unsafe")
            # Centring keeps the sums of products free of cancellation.
            np.subtract(block, centres[i], out=c[:, i])
        np.nan_to_num(c, copy=False, nan=0.0)
        n += _cross(p, p)
        sums += _cross(c, p)  # [a, b]: sum of column a over the rows where a and b are present
        products += _cross(c, c)
        np.multiply(c, c, out=c)
        squares += _cross(c, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        covariance = products - sums * sums.T / n
        spread = squares - sums * sums / n
        result = covariance / np.sqrt(spread * spread.T)
    result[n < 2] = np.nan
    return [[raw.finite_or_none(v) for v in row] for row in result.tolist()]


def _average_ranks(values: np.ndarray) -> np.ndarray:
    ranked = pd.Series(values).rank(method="average").to_numpy(dtype=np.float64)
    return ranked


def duplicate_rows(identities: list[np.ndarray], rows: int) -> int:
    """Rows equal to an earlier row, from each column's value identities (nested columns aside).

    A 64-bit mix of a row's identities finds the candidate rows (a hash table, not a sort); the
    exact comparison runs only on rows whose mix is not unique.
    """
    if not identities or rows == 0:
        return 0
    mixed = np.zeros(rows, dtype=np.uint64)
    for identity in identities:
        mixed = (mixed ^ identity.astype(np.uint64)) * np.uint64(0x100000001B3)
    candidates = pd.Series(mixed, copy=False).duplicated(keep=False).to_numpy()
    if not candidates.any():
        return 0
    exact = np.column_stack([identity[candidates] for identity in identities])
    return int(np.count_nonzero(candidates) - len(np.unique(exact, axis=0)))
