"""Outlier detection: which values of a numeric column lie far from the rest.

Detection uses the non-missing values of the whole column (NaN is missing); a missing value is
never an outlier. A value is an outlier when its score *exceeds* ``threshold``:

- Z_SCORE: |x - mean| / s > threshold, with s the sample standard deviation (n - 1).
- MODIFIED_Z_SCORE: 0.6745 * |x - median| / MAD > threshold, MAD being the median of
  |x - median| (Iglewicz and Hoaglin).
- IQR: x < Q1 - threshold * IQR or x > Q3 + threshold * IQR (Tukey's fences, IQR = Q3 - Q1).

When the spread is zero or unknown no value is an outlier. The outlier steps and the outlier
rescaling steps share this.
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.column_stats import Stats, Wanted
from workbench.core.lazy import F
from workbench.core.missing import missing_pandas, missing_spark
from workbench.core.types import LType

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn

MODIFIED_Z_CONSTANT = 0.6745


class OutlierStrategy(str, Enum):
    """How outliers are detected."""

    Z_SCORE = "Z_SCORE"
    MODIFIED_Z_SCORE = "MODIFIED_Z_SCORE"
    IQR = "IQR"


@dataclasses.dataclass(frozen=True)
class Detector:
    """One step's outlier test; ``low``/``high`` are percentiles (0-100) used to trim."""

    strategy: OutlierStrategy
    threshold: float
    trim: bool = False
    low: float | None = None
    high: float | None = None

    def wanted(self, *, extra: tuple[float, ...] = (), total: bool = False, mode: bool = False) -> Wanted:
        quantiles = list(extra)
        if self.strategy is OutlierStrategy.MODIFIED_Z_SCORE:
            quantiles.append(0.5)
        if self.strategy is OutlierStrategy.IQR:
            quantiles.extend([0.25, 0.75])
        if self.trim:
            quantiles.extend(self.percentiles())
        z_score = self.strategy is OutlierStrategy.Z_SCORE
        return Wanted(
            total=total or z_score,
            stddev=z_score,
            quantiles=tuple(dict.fromkeys(quantiles)),
            mad=self.strategy is OutlierStrategy.MODIFIED_Z_SCORE,
            mode=mode,
        )

    def percentiles(self) -> tuple[float, float]:
        return ((self.low or 0.0) / 100, (self.high if self.high is not None else 100.0) / 100)

    def bounds(self, stats: Stats) -> tuple[float, float] | None:
        """Values below the first or above the second bound are outliers (None: no outliers)."""
        t = self.threshold
        if self.strategy is OutlierStrategy.Z_SCORE:
            if stats.count == 0 or stats.total is None or not stats.stddev:
                return None
            mean = float(stats.total) / stats.count
            return mean - t * stats.stddev, mean + t * stats.stddev
        if self.strategy is OutlierStrategy.MODIFIED_Z_SCORE:
            median = stats.quantiles.get(0.5)
            if median is None or not stats.mad:
                return None
            radius = t * stats.mad / MODIFIED_Z_CONSTANT
            return median - radius, median + radius
        q1, q3 = stats.quantiles.get(0.25), stats.quantiles.get(0.75)
        if q1 is None or q3 is None:
            return None
        return q1 - t * (q3 - q1), q3 + t * (q3 - q1)

    def limits(self, stats: Stats) -> tuple[float, float] | None:
        """The trimming percentiles' values, when trimming."""
        if not self.trim:
            return None
        low, high = (stats.quantiles.get(q) for q in self.percentiles())
        return None if low is None or high is None else (low, high)

    def pandas_hits(self, a: Any, ltype: LType, stats: Stats) -> Any:
        """True on the outliers of an Arrow column; never null."""
        bounds = self.bounds(stats)
        limits = self.limits(stats)
        if bounds is None or (self.trim and limits is None):
            return pa.array([False] * len(a), pa.bool_())
        x = pc.cast(a, pa.float64())
        hit = pc.or_(pc.less(x, bounds[0]), pc.greater(x, bounds[1]))
        if limits is not None:
            hit = pc.and_(hit, pc.or_(pc.less(x, limits[0]), pc.greater(x, limits[1])))
        return pc.and_(pc.fill_null(hit, False), pc.invert(missing_pandas(a, ltype)))

    def spark_hits(self, c: SparkColumn, ltype: LType, stats: Stats) -> SparkColumn:
        """True on the outliers of a Spark column; never null."""
        bounds = self.bounds(stats)
        limits = self.limits(stats)
        if bounds is None or (self.trim and limits is None):
            return F.lit(False)
        x = c.cast("double")
        hit = (x < F.lit(bounds[0])) | (x > F.lit(bounds[1]))
        if limits is not None:
            hit = hit & ((x < F.lit(limits[0])) | (x > F.lit(limits[1])))
        return F.coalesce(hit, F.lit(False)) & ~missing_spark(c, ltype)
