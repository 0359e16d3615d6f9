"""Scale: scikit-learn's scalers over several numeric columns at once, and clipping to bounds.

STANDARD_SCALING, ROBUST_SCALING and MAX_ABS_SCALING learn one centre and one scale per column
from its non-missing values (null and NaN are skipped, as scikit-learn skips NaN when fitting)
and write (x - centre) / scale as a double. A column without spread (standard deviation, IQR or
largest magnitude 0) is scaled by 1, as scikit-learn does, so it is centred but not divided by
zero. Null stays null and NaN stays NaN. The columns are rewritten in place, or written to new
columns named ``<column><targetColumnSuffix>`` added at the end of the table. On Spark the
statistics of every column come from one job.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import F, scol
from workbench.core.params import Boolean, Columns, Number, Text
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

NUMERIC = (LType.INTEGER, LType.DOUBLE, LType.DECIMAL)


def _doubles(s: pd.Series) -> Any:
    a = arr(s)
    return a if a.type == pa.float64() else pc.cast(a, pa.float64(), safe=False)


def _present(x: Any) -> Any:
    """The non-missing values of an Arrow double array (null and NaN dropped)."""
    return pc.filter(x, pc.invert(pc.fill_null(pc.is_nan(x), True)))


def _present_spark(x: SparkColumn) -> SparkColumn:
    return F.when(~F.isnan(x), x)


class _NumericColumns(ColumnFunction):
    """Rewrites (or derives new columns from) each of several numeric source columns."""

    abstract: ClassVar[bool] = True
    if TYPE_CHECKING:  # declared by each subclass, in parameter order
        source_columns: list[str]
        target_column_suffix: str | None

    def anchor(self) -> str | None:
        return None

    def target(self, column: str) -> str:
        return column + self.target_column_suffix if self.target_column_suffix else column

    def result_type(self, source: LType) -> LType:
        return LType.DOUBLE

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target(c): self.result_type(schema[c]) for c in self.source_columns}

    def check(self, schema: Schema) -> None:
        if not self.source_columns:
            raise ParameterError(
                "give at least one column", operation=self.operation, parameter="sourceColumns"
            )
        if len(set(self.source_columns)) != len(self.source_columns):
            raise ParameterError(
                "a column is listed twice", operation=self.operation, parameter="sourceColumns"
            )
        super().check(schema)
        for column in self.source_columns:
            if schema[column] not in NUMERIC:
                raise ParameterError(
                    f"column {column!r} is {schema[column].value}; this needs integer, double or decimal",
                    operation=self.operation,
                    parameter="sourceColumns",
                    column=column,
                )
            new = self.target(column)
            if new != column and new in schema:
                raise ParameterError(
                    f"column {new!r} already exists; choose another targetColumnSuffix",
                    operation=self.operation,
                    parameter="targetColumnSuffix",
                    column=new,
                )


class _Scaler(_NumericColumns):
    """(x - centre) / scale per column, the centre and scale learnt from the column."""

    abstract: ClassVar[bool] = True
    uses_statistics: ClassVar[bool] = True

    def stats_pandas(self, values: Any) -> dict[str, Any]:
        """Statistics of one column's present values (a non-empty Arrow double array)."""
        raise NotImplementedError

    def stats_spark(self, x: SparkColumn) -> dict[str, SparkColumn]:
        """Aggregates of one column's present values (null where missing)."""
        raise NotImplementedError

    def affine(self, stats: dict[str, Any]) -> tuple[float, float]:
        """The centre and the scale (never 0) from the statistics (None where there were no values)."""
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        out = {}
        for column in self.source_columns:
            x = _doubles(df[column])
            values = _present(x)
            stats = self.stats_pandas(values) if len(values) else {}
            centre, scale = self.affine(stats)
            out[self.target(column)] = wrap(_rescale_pandas(x, centre, scale), df[column])
        return out

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        wanted: dict[str, SparkColumn] = {}
        for i, column in enumerate(self.source_columns):
            x = _present_spark(scol(column).cast("double"))
            wanted.update({f"{i}_{name}": e for name, e in self.stats_spark(x).items()})
        row = ctx.aggregate(df, wanted)
        out = {}
        for i, column in enumerate(self.source_columns):
            prefix = f"{i}_"
            stats = {k.removeprefix(prefix): v for k, v in row.items() if k.startswith(prefix)}
            if all(v is None for v in stats.values()):
                stats = {}
            centre, scale = self.affine(stats)
            out[self.target(column)] = _rescale_spark(scol(column).cast("double"), centre, scale)
        return out


def _rescale_pandas(x: Any, centre: float, scale: float) -> Any:
    if centre:
        x = pc.subtract(x, centre)
    return pc.divide(x, scale) if scale != 1 else x


def _rescale_spark(x: SparkColumn, centre: float, scale: float) -> SparkColumn:
    if centre:
        x = x - F.lit(centre)
    return x / F.lit(scale) if scale != 1 else x


def _spread(value: Any) -> float:
    """A learnt scale, 1 where the column has no spread (or no values), as scikit-learn does."""
    return 1.0 if value is None or value == 0 else float(value)


class StandardScaling(_Scaler):
    """Standardise numeric columns: subtract the mean, divide by the standard deviation (scikit-learn's).

    Each column becomes (x - mean) / sd, with the mean and the *population* standard deviation
    (n in the denominator, as scikit-learn's StandardScaler and NORMALIZATION's Z_SCORE) of its
    non-missing values. ``withMean`` false skips the centring and ``withStd`` false the
    division. Unlike NORMALIZATION it takes several columns, can rewrite them in place, and
    gives 0 (not null) for a column whose values are all equal: a standard deviation of 0 is
    replaced by 1. Null stays null and NaN stays NaN; the result is a double.
    """

    operation = "STANDARD_SCALING"
    category = Category.SCALE
    extension: ClassVar[bool] = True
    source_columns: Columns
    with_mean: Boolean = True
    with_std: Boolean = True
    target_column_suffix: Text | None = None
    examples: ClassVar = (
        Example(
            title="mean 5, population sd 2; NaN and null are skipped and kept",
            given={
                "x": [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0, None, float("nan")],
                "n": [1, 1, 1, 1, 1, 1, 1, 1, None, 1],
            },
            params={"sourceColumns": ["x", "n"]},
            expect={
                "x": [-1.5, -0.5, -0.5, -0.5, 0.0, 0.0, 1.0, 2.0, None, float("nan")],
                "n": [0.0] * 8 + [None, 0.0],
            },
        ),
        Example(
            title="to new columns, only divided by the standard deviation",
            given={"a": [1, 3, None], "b": [-2.5, 2.5, 0.0], "label": ["x", "ü", ""]},
            params={"sourceColumns": '["a", "b"]', "withMean": "false", "targetColumnSuffix": "_std"},
            expect={
                "a": [1, 3, None],
                "b": [-2.5, 2.5, 0.0],
                "label": ["x", "ü", ""],
                "a_std": [1.0, 3.0, None],
                "b_std": [-2.5 / 2.0412414523193148, 2.5 / 2.0412414523193148, 0.0],
            },
        ),
        Example(
            title="only centred; a column without values stays as it is",
            given={"x": [1.0, 2.0, 6.0], "empty": [None, None, None]},
            params={"sourceColumns": ["x", "empty"], "withStd": False},
            schema={"empty": "double"},
            expect={"x": [-2.0, -1.0, 3.0], "empty": [None, None, None]},
        ),
    )

    def stats_pandas(self, values: Any) -> dict[str, Any]:
        return {"mean": pc.mean(values).as_py(), "sd": pc.stddev(values, ddof=0).as_py()}

    def stats_spark(self, x: SparkColumn) -> dict[str, SparkColumn]:
        return {"mean": F.avg(x), "sd": F.stddev_pop(x)}

    def affine(self, stats: dict[str, Any]) -> tuple[float, float]:
        centre = float(stats.get("mean") or 0.0) if self.with_mean else 0.0
        scale = _spread(stats.get("sd")) if self.with_std else 1.0
        return centre, scale


class RobustScaling(_Scaler):
    """Scale numeric columns robustly to outliers: subtract the median, divide by the IQR (scikit-learn's).

    Each column becomes (x - median) / (q_upper - q_lower), the quantiles of its non-missing
    values interpolated linearly between ranks (as scikit-learn's RobustScaler and NumPy's
    default); ``lowerQuantile`` and ``upperQuantile`` are percentages (default 25 and 75).
    ``withCentering`` false skips subtracting the median and ``withScaling`` false the division.
    A column whose quantile range is 0 is divided by 1 (only centred). Null stays null and NaN
    stays NaN; the result is a double.
    """

    operation = "ROBUST_SCALING"
    category = Category.SCALE
    extension: ClassVar[bool] = True
    source_columns: Columns
    with_centering: Boolean = True
    with_scaling: Boolean = True
    lower_quantile: Number = 25.0
    upper_quantile: Number = 75.0
    target_column_suffix: Text | None = None
    examples: ClassVar = (
        Example(
            title="median 3, IQR 4 - 2 = 2; the outlier 100 barely moves the scale",
            given={"x": [1, 2, 3, 4, 100, None], "c": [7.0, 7.0, 7.0, 7.0, float("nan"), 8.0]},
            params={"sourceColumns": ["x", "c"]},
            expect={"x": [-1.0, -0.5, 0.0, 0.5, 48.5, None], "c": [0.0, 0.0, 0.0, 0.0, float("nan"), 1.0]},
        ),
        Example(
            title="the 10th to 90th percentile range, to a new column",
            given={"x": [0.0, 10.0, 20.0, 30.0, 40.0, None]},
            params={
                "sourceColumns": ["x"],
                "lowerQuantile": "10",
                "upperQuantile": "90",
                "targetColumnSuffix": "_robust",
            },
            expect={
                "x": [0.0, 10.0, 20.0, 30.0, 40.0, None],
                "x_robust": [-0.625, -0.3125, 0.0, 0.3125, 0.625, None],
            },
        ),
        Example(
            given={"x": [-4, 0, 4, None]},
            params={"sourceColumns": ["x"], "withCentering": "false"},
            expect={"x": [-1.0, 0.0, 1.0, None]},
        ),
    )

    @model_validator(mode="after")
    def _quantiles(self) -> RobustScaling:
        if not 0 <= self.lower_quantile < self.upper_quantile <= 100:
            raise ParameterError(
                "lowerQuantile and upperQuantile are percentages, 0 <= lowerQuantile < upperQuantile <= 100 "
                f"(got {self.lower_quantile:g} and {self.upper_quantile:g})",
                operation=self.operation,
                parameter="lowerQuantile",
            )
        return self

    def _levels(self) -> list[float]:
        return [self.lower_quantile / 100, 0.5, self.upper_quantile / 100]

    def stats_pandas(self, values: Any) -> dict[str, Any]:
        found = pc.quantile(values, q=self._levels(), interpolation="linear").to_pylist()
        return {"quantiles": found}

    def stats_spark(self, x: SparkColumn) -> dict[str, SparkColumn]:
        return {"quantiles": F.percentile(x, self._levels())}

    def affine(self, stats: dict[str, Any]) -> tuple[float, float]:
        low, median, high = stats.get("quantiles") or (None, None, None)
        centre = float(median) if self.with_centering and median is not None else 0.0
        scale = _spread(None if low is None else high - low) if self.with_scaling else 1.0
        return centre, scale


class MaxAbsScaling(_Scaler):
    """Scale numeric columns into [-1, 1] by their largest absolute value, keeping zeros and signs.

    Each column becomes x / max(|x|) over its non-missing values (scikit-learn's MaxAbsScaler):
    nothing is centred, so zeros stay zero and sparse data stays sparse. A column of zeros (or
    without values) is divided by 1. Null stays null and NaN stays NaN; the result is a double.
    """

    operation = "MAX_ABS_SCALING"
    category = Category.SCALE
    extension: ClassVar[bool] = True
    source_columns: Columns
    target_column_suffix: Text | None = None
    examples: ClassVar = (
        Example(
            given={"x": [-8, 2, 0, 4, None], "z": [0.0, -0.0, None, 0.0, float("nan")]},
            params={"sourceColumns": ["x", "z"]},
            expect={"x": [-1.0, 0.25, 0.0, 0.5, None], "z": [0.0, -0.0, None, 0.0, float("nan")]},
        ),
        Example(
            title="a decimal column is scaled as doubles",
            given={"d": [Decimal("-2.5"), Decimal("1.25"), None, Decimal("0")]},
            schema={"d": "decimal"},
            params={"sourceColumns": ["d"]},
            expect={"d": [-1.0, 0.5, None, 0.0]},
            expect_schema={"d": "double"},
        ),
        Example(
            given={"price": [1.5, 3.0, None], "name": ["a", None, "Zoë"]},
            params={"sourceColumns": ["price"], "targetColumnSuffix": "_scaled"},
            expect={"price": [1.5, 3.0, None], "name": ["a", None, "Zoë"], "price_scaled": [0.5, 1.0, None]},
        ),
    )

    def stats_pandas(self, values: Any) -> dict[str, Any]:
        return {"maxabs": pc.max(pc.abs(values)).as_py()}

    def stats_spark(self, x: SparkColumn) -> dict[str, SparkColumn]:
        return {"maxabs": F.max(F.abs(x))}

    def affine(self, stats: dict[str, Any]) -> tuple[float, float]:
        return 0.0, _spread(stats.get("maxabs"))


class ClipValues(_NumericColumns):
    """Limit numeric columns to a range: values below lowerBound or above upperBound become that bound.

    As pandas' ``clip``: either bound may be left out, and a value inside the range, null and
    NaN stay as they are. An integer column clipped at whole-number bounds stays integer;
    otherwise the result is a double. The columns are rewritten in place, or written to new
    columns named ``<column><targetColumnSuffix>`` at the end of the table.
    """

    operation = "CLIP_VALUES"
    category = Category.SCALE
    extension: ClassVar[bool] = True
    source_columns: Columns
    lower_bound: Number | None = None
    upper_bound: Number | None = None
    target_column_suffix: Text | None = None
    examples: ClassVar = (
        Example(
            given={"age": [-3, 15, 130, None, 0], "score": [0.5, float("nan"), 1.7, -0.2, None]},
            params={"sourceColumns": ["age", "score"], "lowerBound": "0", "upperBound": "100"},
            expect={"age": [0, 15, 100, None, 0], "score": [0.5, float("nan"), 1.7, 0.0, None]},
            expect_schema={"age": "integer", "score": "double"},
        ),
        Example(
            title="only an upper bound, fractional: the integer column becomes double",
            given={"n": [1, 5, None, -(2**40)]},
            params={"sourceColumns": ["n"], "upperBound": "2.5", "targetColumnSuffix": "_clipped"},
            expect={"n": [1, 5, None, -(2**40)], "n_clipped": [1.0, 2.5, None, float(-(2**40))]},
            expect_schema={"n_clipped": "double"},
        ),
        Example(
            title="a decimal column becomes double",
            given={"d": [Decimal("1.5"), Decimal("-3"), None]},
            schema={"d": "decimal"},
            params={"sourceColumns": ["d"], "lowerBound": "0"},
            expect={"d": [1.5, 0.0, None]},
            expect_schema={"d": "double"},
        ),
        Example(
            title="only a lower bound; infinities are clipped too",
            given={"x": [float("-inf"), float("inf"), -0.0, None]},
            params={"sourceColumns": ["x"], "lowerBound": -1},
            expect={"x": [-1.0, float("inf"), -0.0, None]},
        ),
    )

    @model_validator(mode="after")
    def _bounds(self) -> ClipValues:
        if self.lower_bound is None and self.upper_bound is None:
            raise ParameterError(
                "give lowerBound, upperBound or both", operation=self.operation, parameter="lowerBound"
            )
        if (
            self.lower_bound is not None
            and self.upper_bound is not None
            and self.lower_bound > self.upper_bound
        ):
            raise ParameterError(
                f"upperBound ({self.upper_bound:g}) is smaller than lowerBound ({self.lower_bound:g})",
                operation=self.operation,
                parameter="upperBound",
            )
        return self

    def _bounds_whole(self) -> bool:
        return all(b is None or float(b).is_integer() for b in (self.lower_bound, self.upper_bound))

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER if source is LType.INTEGER and self._bounds_whole() else LType.DOUBLE

    def _bound(self, value: float | None, ltype: LType) -> Any:
        if value is None:
            return None
        return int(value) if ltype is LType.INTEGER else float(value)

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        schema = ctx.schema_of(df)
        out = {}
        for column in self.source_columns:
            ltype = self.result_type(schema[column])
            x = arr(df[column]) if ltype is LType.INTEGER else _doubles(df[column])
            low, high = self._bound(self.lower_bound, ltype), self._bound(self.upper_bound, ltype)
            # Comparisons with NaN are false, so NaN stays NaN, as in pandas.
            if low is not None:
                x = pc.if_else(pc.less(x, low), low, x)
            if high is not None:
                x = pc.if_else(pc.greater(x, high), high, x)
            out[self.target(column)] = wrap(x, df[column])
        return out

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        schema = ctx.schema_of(df)
        out = {}
        for column in self.source_columns:
            ltype = self.result_type(schema[column])
            x = scol(column).cast("long" if ltype is LType.INTEGER else "double")
            low, high = self._bound(self.lower_bound, ltype), self._bound(self.upper_bound, ltype)
            rules = []
            if ltype is LType.DOUBLE:
                # Spark orders NaN above every number; pandas leaves it alone.
                rules.append((F.isnan(x), x))
            if low is not None:
                rules.append((x < F.lit(low), F.lit(low)))
            if high is not None:
                rules.append((x > F.lit(high), F.lit(high)))
            condition, value = rules[0]
            clipped = F.when(condition, value)
            for condition, value in rules[1:]:
                clipped = clipped.when(condition, value)
            out[self.target(column)] = clipped.otherwise(x)
        return out
