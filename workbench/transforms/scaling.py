"""Scale: reshape skewed numeric columns, and rescale outliers (z-score or a skew function).

The skew functions, shared by every transform here, give a double and keep a value's sign so
that they order values as the source does:

- LOG: sign(x) * log_b(1 + |x|), base ``value`` (default e): defined for every number, 0 stays 0.
- ROOT: the ``value``-th root (default 2, the square root). A negative number has a real root
  only for an odd whole degree (the cube root of -8 is -2); for any other degree it gives null.
- SQUARE: x * x (takes no ``value``).

A null gives null, NaN gives NaN, infinities give infinities (null for an even root of -inf).
Integer and decimal inputs are computed as doubles.

The outlier rescaling steps first cap each outlier (``workbench/core/outlier_detection.py``,
the test of FLAG_OUTLIERS) at the fence it crossed, then transform every value: z-score with
the mean and the *population* standard deviation (n, as NORMALIZATION's Z_SCORE) of the
column's non-missing values, or a skew function. On Spark the statistics come from one job.
"""

from __future__ import annotations

import dataclasses
import math
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.column_stats import Stats, Wanted, stats_pandas, stats_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, Derive
from workbench.core.lazy import F, scol
from workbench.core.outlier_detection import Detector, OutlierStrategy
from workbench.core.params import NewColumn, Number, NumericColumn, enum_param
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


class SkewFunction(str, Enum):
    """The function that reshapes the distribution."""

    ROOT = "ROOT"
    LOG = "LOG"
    SQUARE = "SQUARE"


def check_skew_value(operation: str, function: SkewFunction, value: float | None) -> None:
    """Refuse a log base or root degree that has no meaning (or a value for SQUARE)."""
    if value is None:
        return
    if function is SkewFunction.SQUARE:
        raise ParameterError("SQUARE takes no value; remove it", operation=operation, parameter="value")
    if function is SkewFunction.LOG and not (value > 0 and value != 1):
        raise ParameterError(
            f"the base of a logarithm must be positive and not 1 (got {value:g})",
            operation=operation,
            parameter="value",
        )
    if function is SkewFunction.ROOT and not value > 0:
        raise ParameterError(
            f"the degree of a root must be positive (got {value:g})", operation=operation, parameter="value"
        )


def _odd_degree(degree: float) -> bool:
    return degree.is_integer() and int(degree) % 2 == 1


def skew_pandas(x: Any, function: SkewFunction, value: float | None) -> Any:
    """The skew function of an Arrow double array."""
    if function is SkewFunction.SQUARE:
        return pc.multiply(x, x)
    negative = pc.less(x, 0.0)
    magnitude = pc.abs(x)
    if function is SkewFunction.LOG:
        shrunk = pc.log1p(magnitude)
        if value is not None and value != math.e:
            shrunk = pc.divide(shrunk, math.log(value))
        return pc.if_else(negative, pc.negate(shrunk), shrunk)
    degree = 2.0 if value is None else float(value)
    if degree == 2:
        root = pc.sqrt(magnitude)
    elif degree == 3:
        cubed = np.cbrt(magnitude.to_numpy(zero_copy_only=False))
        root = pa.array(cubed, pa.float64(), mask=pc.is_null(magnitude).to_numpy(zero_copy_only=False))
    else:
        root = pc.power(magnitude, 1.0 / degree)
    signed = pc.negate(root) if _odd_degree(degree) else pa.nulls(len(x), pa.float64())
    return pc.if_else(negative, signed, root)


def skew_spark(x: SparkColumn, function: SkewFunction, value: float | None) -> SparkColumn:
    """The skew function of a Spark double column."""
    if function is SkewFunction.SQUARE:
        return x * x
    magnitude = F.abs(x)
    if function is SkewFunction.LOG:
        shrunk = F.log1p(magnitude)
        if value is not None and value != math.e:
            shrunk = shrunk / F.lit(math.log(value))
        return F.when(x < 0, -shrunk).otherwise(shrunk)
    degree = 2.0 if value is None else float(value)
    if degree == 2:
        root = F.sqrt(magnitude)
    elif degree == 3:
        root = F.cbrt(magnitude)
    else:
        root = F.pow(magnitude, F.lit(1.0 / degree))
    signed = -root if _odd_degree(degree) else F.lit(None).cast("double")
    return F.when(x < 0, signed).otherwise(root)


def _double_pandas(s: pd.Series) -> Any:
    a = arr(s)
    return a if a.type == pa.float64() else pc.cast(a, pa.float64(), safe=False)


class Skewness(Derive):
    """Reshape a skewed numeric column with a log, root or square function, into a new column.

    LOG gives sign(x) * log(1 + |x|) in base ``value`` (default e), so zeros and negative
    numbers keep a place; ROOT gives the ``value``-th root (default 2), the real root of a
    negative number for an odd whole degree and null for any other; SQUARE gives x * x. The
    result is a double; null stays null.
    """

    operation = "SKEWNESS"
    category = Category.SCALE
    source_column: NumericColumn
    skew_function: enum_param(SkewFunction)  # type: ignore[valid-type]
    value: Number | None = None
    examples: ClassVar = (
        Example(
            title="natural log of 1 + |x|, the sign kept",
            given={"level": [0.0, math.e - 1, -(math.e**2 - 1), None, float("nan")]},
            params={"sourceColumn": "level", "targetColumn": "bin", "skewFunction": "LOG"},
            expect={
                "level": [0.0, math.e - 1, -(math.e**2 - 1), None, float("nan")],
                "bin": [0.0, 1.0, -2.0, None, float("nan")],
            },
        ),
        Example(
            given={"n": [0, 9, 99, -999, None]},
            params={"sourceColumn": "n", "targetColumn": "lg", "skewFunction": "LOG", "value": "10"},
            expect={"n": [0, 9, 99, -999, None], "lg": [0.0, 1.0, 2.0, -3.0, None]},
            expect_schema={"lg": "double"},
        ),
        Example(
            title="the square root (default degree) of a negative number is null",
            given={"x": [16, 2, 0, -4, None]},
            params={"sourceColumn": "x", "targetColumn": "r", "skewFunction": "ROOT"},
            expect={"x": [16, 2, 0, -4, None], "r": [4.0, math.sqrt(2), 0.0, None, None]},
        ),
        Example(
            title="an odd degree keeps the sign",
            given={"x": [27.0, -8.0, 0.0, float("-inf"), None]},
            params={"sourceColumn": "x", "targetColumn": "r", "skewFunction": "ROOT", "value": "3"},
            expect={"x": [27.0, -8.0, 0.0, float("-inf"), None], "r": [3.0, -2.0, 0.0, float("-inf"), None]},
        ),
        Example(
            given={"x": [16.0, -16.0, 1e-8, None]},
            params={"sourceColumn": "x", "targetColumn": "r", "skewFunction": "ROOT", "value": "4"},
            expect={"x": [16.0, -16.0, 1e-8, None], "r": [2.0, None, 0.01, None]},
        ),
        Example(
            given={"x": [-3, 0, 4, None, 3037000500]},
            params={"sourceColumn": "x", "targetColumn": "sq", "skewFunction": "SQUARE"},
            expect={"x": [-3, 0, 4, None, 3037000500], "sq": [9.0, 0.0, 16.0, None, 9.223372037e18]},
        ),
    )

    @model_validator(mode="after")
    def _value(self) -> Skewness:
        check_skew_value(self.operation, self.skew_function, self.value)
        return self

    def result_type(self, source: LType) -> LType:
        return LType.DOUBLE

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(skew_pandas(_double_pandas(s), self.skew_function, self.value), s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        return skew_spark(c.cast("double"), self.skew_function, self.value)


# --- outlier rescaling ---------------------------------------------------------------------------


class _RescaleOutliers(ColumnFunction):
    """Cap the outliers of a numeric column at their fence, then transform every value."""

    abstract: ClassVar[bool] = True
    uses_statistics: ClassVar[bool] = True
    if TYPE_CHECKING:  # declared by each subclass, in DataBrew's parameter order
        source_column: str
        target_column: str
        outlier_strategy: OutlierStrategy
        threshold: float

    def _check_threshold(self) -> None:
        if self.threshold < 0:
            raise ParameterError(
                "threshold must be zero or more", operation=self.operation, parameter="threshold"
            )

    def detector(self) -> Detector:
        return Detector(self.outlier_strategy, self.threshold)

    def wanted(self) -> Wanted:
        return self.detector().wanted()

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.DOUBLE}

    def finish_pandas(self, capped: Any, stats: Stats) -> Any:
        raise NotImplementedError

    def finish_spark(self, capped: SparkColumn, stats: Stats) -> SparkColumn:
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        s = df[self.source_column]
        a = arr(s)
        stats = stats_pandas(a, ctx.schema_of(df)[self.source_column], self.wanted())
        x = _double_pandas(s)
        bounds = self.detector().bounds(stats)
        if bounds is not None:
            low, high = bounds
            x = pc.if_else(pc.greater(x, high), high, pc.if_else(pc.less(x, low), low, x))
        return {self.target_column: wrap(self.finish_pandas(x, stats), s)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        stats = stats_spark(df, ctx, self.source_column, ctx.schema_of(df)[self.source_column], self.wanted())
        x = scol(self.source_column).cast("double")
        bounds = self.detector().bounds(stats)
        if bounds is not None:
            low, high = bounds
            # NaN is missing, never an outlier (Spark orders NaN above every number).
            x = (
                F.when(F.isnan(x), x)
                .when(x > F.lit(high), F.lit(high))
                .when(x < F.lit(low), F.lit(low))
                .otherwise(x)
            )
        return {self.target_column: self.finish_spark(x, stats)}


def _mean_and_spread(stats: Stats) -> tuple[float, float] | None:
    """The mean and the population standard deviation, or None when there is no spread."""
    if stats.count == 0 or stats.total is None or not stats.stddev:
        return None
    n = stats.count
    return float(stats.total) / n, stats.stddev * math.sqrt((n - 1) / n)


class RescaleOutliersWithZScore(_RescaleOutliers):
    """Write a z-score copy of a numeric column with its outliers first capped at their fence.

    Outliers (Z_SCORE, MODIFIED_Z_SCORE or IQR above ``threshold``, default 3, as
    FLAG_OUTLIERS finds them) are capped at the fence they crossed; then every value becomes
    (x - mean) / sd, the mean and the population standard deviation sd being those of the
    column's non-missing values. The result is a double; null stays null and NaN stays NaN; a
    column without spread (fewer than two distinct values) gives null everywhere.
    """

    operation = "RESCALE_OUTLIERS_WITH_Z_SCORE"
    category = Category.OUTLIERS
    source_column: NumericColumn
    target_column: NewColumn
    outlier_strategy: enum_param(OutlierStrategy)  # type: ignore[valid-type]
    threshold: Number = 3.0
    examples: ClassVar = (
        Example(
            title="mean 19, population sd 27; 100 is first capped at 19 + 2 * 28.46 (sample sd)",
            given={"x": [10, 10, 10, None, 10, 10, 10, 10, 10, 10, 100]},
            params={"sourceColumn": "x", "targetColumn": "z", "outlierStrategy": "Z_SCORE", "threshold": "2"},
            expect={
                "x": [10, 10, 10, None, 10, 10, 10, 10, 10, 10, 100],
                "z": [-1 / 3] * 3 + [None] + [-1 / 3] * 6 + [2.1081851067789192],
            },
        ),
        Example(
            title="no outliers: the plain z-score",
            given={"x": [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0, None, float("nan")]},
            params={"sourceColumn": "x", "targetColumn": "z", "outlierStrategy": "IQR"},
            expect={
                "x": [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0, None, float("nan")],
                "z": [-1.5, -0.5, -0.5, -0.5, 0.0, 0.0, 1.0, 2.0, None, float("nan")],
            },
        ),
        Example(
            title="-100 is capped at 3 - 4.45 = -1.45; the mean (-18) and sd (41.01) include it",
            given={"x": [1, 2, 3, 4, -100]},
            params={"sourceColumn": "x", "targetColumn": "z", "outlierStrategy": "MODIFIED_Z_SCORE"},
            expect={
                "x": [1, 2, 3, 4, -100],
                "z": [
                    0.4632768566394622,
                    0.48765984909417076,
                    0.5120428415488792,
                    0.5364258340035878,
                    0.37921066100799483,
                ],
            },
        ),
        Example(
            title="one distinct value: no spread, null everywhere",
            given={"x": [5, 5, None]},
            params={"sourceColumn": "x", "targetColumn": "z", "outlierStrategy": "Z_SCORE"},
            expect={"x": [5, 5, None], "z": [None, None, None]},
        ),
    )

    @model_validator(mode="after")
    def _numbers(self) -> RescaleOutliersWithZScore:
        self._check_threshold()
        return self

    def wanted(self) -> Wanted:
        return dataclasses.replace(super().wanted(), total=True, stddev=True)

    def finish_pandas(self, capped: Any, stats: Stats) -> Any:
        scale = _mean_and_spread(stats)
        if scale is None:
            return pa.nulls(len(capped), pa.float64())
        return pc.divide(pc.subtract(capped, scale[0]), scale[1])

    def finish_spark(self, capped: SparkColumn, stats: Stats) -> SparkColumn:
        scale = _mean_and_spread(stats)
        if scale is None:
            return F.lit(None).cast("double")
        return (capped - F.lit(scale[0])) / F.lit(scale[1])


class RescaleOutliersWithSkew(_RescaleOutliers):
    """Write a copy of a numeric column with outliers capped at their fence and skew reduced by a log or root.

    Outliers (Z_SCORE, MODIFIED_Z_SCORE or IQR above ``threshold``, default 3, as
    FLAG_OUTLIERS finds them) are capped at the fence they crossed; then every value goes
    through skewFunction: LOG, sign(x) * log(1 + |x|) in base ``value`` (default e); ROOT, the
    ``value``-th root (default 2; a negative number has one only for an odd whole degree, else
    null); SQUARE, x * x. The result is a double; null stays null and NaN stays NaN.
    """

    operation = "RESCALE_OUTLIERS_WITH_SKEW"
    category = Category.OUTLIERS
    source_column: NumericColumn
    target_column: NewColumn
    outlier_strategy: enum_param(OutlierStrategy)  # type: ignore[valid-type]
    threshold: Number = 3.0
    skew_function: enum_param(SkewFunction)  # type: ignore[valid-type]
    value: Number | None = None
    examples: ClassVar = (
        Example(
            title="median 3, MAD 2: 100 is capped at 3 + 8.9, then ln(1 + x)",
            given={"x": [0, 1, 2, 3, 4, 5, 100, None]},
            params={
                "sourceColumn": "x",
                "targetColumn": "y",
                "outlierStrategy": "MODIFIED_Z_SCORE",
                "skewFunction": "LOG",
            },
            expect={
                "x": [0, 1, 2, 3, 4, 5, 100, None],
                "y": [
                    0.0,
                    math.log(2),
                    math.log(3),
                    math.log(4),
                    math.log(5),
                    math.log(6),
                    2.5568767175097733,
                    None,
                ],
            },
        ),
        Example(
            title="Tukey's fences -16.75 and 17.25; cube roots keep the sign",
            given={"x": [-1000.0, 8.0, -8.0, 1.0, 0.0, 1.0, 8.0, float("nan")]},
            params={
                "sourceColumn": "x",
                "targetColumn": "y",
                "outlierStrategy": "IQR",
                "threshold": "1.5",
                "skewFunction": "ROOT",
                "value": "3",
            },
            expect={
                "x": [-1000.0, 8.0, -8.0, 1.0, 0.0, 1.0, 8.0, float("nan")],
                "y": [-(16.75 ** (1 / 3)), 2.0, -2.0, 1.0, 0.0, 1.0, 2.0, float("nan")],
            },
        ),
        Example(
            given={"x": [1, 2, 3, None]},
            params={
                "sourceColumn": "x",
                "targetColumn": "y",
                "outlierStrategy": "Z_SCORE",
                "skewFunction": "SQUARE",
            },
            expect={"x": [1, 2, 3, None], "y": [1.0, 4.0, 9.0, None]},
        ),
    )

    @model_validator(mode="after")
    def _numbers(self) -> RescaleOutliersWithSkew:
        self._check_threshold()
        check_skew_value(self.operation, self.skew_function, self.value)
        return self

    def finish_pandas(self, capped: Any, stats: Stats) -> Any:
        return skew_pandas(capped, self.skew_function, self.value)

    def finish_spark(self, capped: SparkColumn, stats: Stats) -> SparkColumn:
        return skew_spark(capped, self.skew_function, self.value)
