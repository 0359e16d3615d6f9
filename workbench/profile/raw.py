"""Raw statistics: what each engine measures, before the shared code turns it into a profile.

Both engines fill the same fields with the same definitions; everything derived from them
(semantic type, validity, alerts, the JSON form) is computed once, in :mod:`workbench.profile.build`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from workbench.core.types import LType

QUARTILES = (0.25, 0.5, 0.75)
HISTOGRAM_BINS = 20
TOP_VALUES = 10
ZSCORE_LIMIT = 3.0
IQR_FACTOR = 1.5
QUANTILE_ACCURACY = 10_000
"""Spark's percentile_approx accuracy: each value a quartile averages has its rank off by at most
rows / accuracy."""

CORRELATION_SAMPLE = 50_000
"""Spark computes correlations on a seeded sample of at most this many rows (all rows when fewer)."""

PROFILED_TYPES = frozenset(
    {LType.STRING, LType.INTEGER, LType.DOUBLE, LType.DECIMAL, LType.BOOLEAN, LType.DATE, LType.TIMESTAMP}
)
"""Types whose values are counted and ranked; nested columns get counts (and element counts) only."""

SIZED_TYPES = frozenset({LType.ARRAY, LType.MAP})
"""Nested types whose values hold a number of elements (entries for maps)."""

CONFIDENCE = 0.99
"""The confidence of every probabilistic error bound a profile states."""


@dataclass(frozen=True)
class Approx:
    """How far an approximate statistic may be from the exact one.

    ``unit`` says how to read ``error``: "relative" (the exact value is within error x the
    estimate), "rank" (the value's rank among the column's present values is within
    error x count of the rank asked for) or "count" (an absolute number of values).
    """

    error: float
    unit: str
    method: str
    confidence: float = CONFIDENCE


@dataclass
class RawColumn:
    """One column's measurements."""

    name: str
    ltype: LType
    nulls: int = 0
    empty: int = 0
    nan: int = 0
    count: int = 0
    min: Any = None
    max: Any = None
    sum: float | None = None
    mean: float | None = None
    stddev: float | None = None
    variance: float | None = None
    skewness: float | None = None
    kurtosis: float | None = None
    zeros: int | None = None
    negatives: int | None = None
    quartiles: tuple[Any, Any, Any] | None = None
    length_min: int | None = None
    length_max: int | None = None
    length_sum: int | None = None
    text_bytes: int = 0
    elements_min: int | None = None
    elements_max: int | None = None
    elements_sum: int | None = None
    patterns: dict[str, int] = field(default_factory=dict)
    histogram: list[int] | None = None
    outliers_zscore: int | None = None
    outliers_iqr: int | None = None
    distinct: int | None = None
    unique: int | None = None
    top: list[tuple[Any, int]] = field(default_factory=list)
    bounds: dict[str, Approx] = field(default_factory=dict)
    """The approximate statistics of the column, by profile key, with their bounds."""
    hll: bytes | None = None
    """A HyperLogLog sketch of the present values (Spark's approximate mode), for merging."""
    kll: bytes | None = None
    """A KLL sketch of the present numbers (Spark's approximate mode), for merging."""
    exact_counts: bool = True
    """Whether distinct, unique and top values come from exact value counts."""

    @property
    def is_numeric(self) -> bool:
        return self.ltype.is_numeric


@dataclass
class RawDataset:
    """The dataset's measurements."""

    rows: int
    columns: list[RawColumn]
    duplicate_rows: int
    pearson: list[list[float | None]]
    spearman: list[list[float | None]]
    numeric_columns: list[str]
    sample: int | None = None
    bounds: dict[str, Approx] = field(default_factory=dict)
    """Approximate dataset-wide statistics (duplicate rows), with their bounds."""
    rows_hll: bytes | None = None
    """A HyperLogLog sketch of whole rows (Spark's approximate mode), for merging."""
    sketch_sizes: tuple[int, int] | None = None
    """(HLL lgConfigK, KLL k) when the statistics come from sketches."""


def finite_or_none(value: Any) -> float | None:
    """A float, or None for null, NaN and infinities (JSON has no NaN)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def quantile_positions(p: float, n: int) -> tuple[int, int]:
    """0-based positions among n sorted values of the two values whose mean is the p-quantile.

    They are the lower p-quantile (the smallest value with at least p of the values at or below it,
    what Spark's percentile_approx approximates) and the upper one (the largest value with at least
    1 - p of the values at or above it): the same value unless p * n is a whole number, and then
    the two values either side of the cut. For p = 0.5 their mean is the conventional median
    (the middle value, or the mean of the two middle values); for the quartiles it is the
    empirical distribution's inverse averaged at its jumps (Hyndman and Fan's definition 2).
    """
    return max(0, math.ceil(p * n) - 1), min(n - 1, math.floor(p * n))


def quantile(lower: float, upper: float) -> float:
    """The p-quantile from the lower and upper p-quantile."""
    return (float(lower) + float(upper)) / 2


def histogram_edges(low: float, high: float, bins: int = HISTOGRAM_BINS) -> list[float]:
    """The bin edges both engines report; a constant column has one bin."""
    if high == low:
        return [low, high]
    width = high - low
    return [low + width * i / bins for i in range(bins)] + [high]


def fences(q1: float, q3: float) -> tuple[float, float]:
    """The IQR rule's lower and upper fences."""
    spread = q3 - q1
    return q1 - IQR_FACTOR * spread, q3 + IQR_FACTOR * spread


def estimated_size(ltype: LType, rows: int, text_bytes: int) -> int:
    """Arrow's in-memory size of a column: values, offsets for text, and a validity bitmap."""
    validity = (rows + 7) // 8
    if ltype is LType.STRING:
        return text_bytes + 8 * (rows + 1) + validity
    width = {LType.BOOLEAN: 1, LType.DATE: 4, LType.DECIMAL: 16}.get(ltype, 8)
    return width * rows + validity
