"""Outliers: flag, remove or replace the values of a numeric column that lie far from the rest.

Detection uses the non-missing values of the whole column (NaN is missing), whatever the
step's conditions select; a missing value is never an outlier. A value is an outlier when its
score *exceeds* ``threshold`` (default 3):

- Z_SCORE: |x - mean| / s > threshold, with s the sample standard deviation (n - 1).
- MODIFIED_Z_SCORE: 0.6745 * |x - median| / MAD > threshold, MAD being the median of
  |x - median| (Iglewicz and Hoaglin).
- IQR: x < Q1 - threshold * IQR or x > Q3 + threshold * IQR (Tukey's fences, IQR = Q3 - Q1).

Medians, quartiles and percentiles interpolate linearly between ranks, like Spark's
``percentile()``. When the spread is zero or unknown (s or MAD is 0, fewer than two values)
no value is an outlier. ``trimValue`` TRUE narrows the outliers to those also below the
``minValue``-th or above the ``maxValue``-th percentile (0-100) of the column.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.casting import cast_spark
from workbench.core.column_stats import Stats, Wanted, stats_pandas, stats_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, InPlace, RowFilter
from workbench.core.fill_values import check_fits, pandas_scalar, spark_literal, typed_text_pandas
from workbench.core.flagging import flag_ltype, flag_pandas, flag_spark
from workbench.core.lazy import F, scol
from workbench.core.outlier_detection import Detector, OutlierStrategy
from workbench.core.params import Boolean, NewColumn, Number, NumericColumn, Text, enum_param
from workbench.core.registry import Category, Example
from workbench.core.stats import column_value, mean_value, mode_value
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


class RemoveType(str, Enum):
    """What REMOVE_OUTLIERS does with an outlier."""

    DELETE_ROWS = "DELETE_ROWS"
    CLEAR = "CLEAR"


class ReplaceType(str, Enum):
    """What REPLACE_OUTLIERS writes in place of an outlier."""

    WINSORIZE_VALUES = "WINSORIZE_VALUES"
    REPLACE_WITH_CUSTOM = "REPLACE_WITH_CUSTOM"
    REPLACE_WITH_EMPTY = "REPLACE_WITH_EMPTY"
    REPLACE_WITH_NULL = "REPLACE_WITH_NULL"
    REPLACE_WITH_MODE = "REPLACE_WITH_MODE"
    REPLACE_WITH_AVERAGE = "REPLACE_WITH_AVERAGE"
    REPLACE_WITH_MEDIAN = "REPLACE_WITH_MEDIAN"
    REPLACE_WITH_SUM = "REPLACE_WITH_SUM"
    REPLACE_WITH_MAX = "REPLACE_WITH_MAX"


class OutlierModeType(str, Enum):
    """Which of several equally frequent values REPLACE_WITH_MODE uses."""

    MIN = "MIN"
    MAX = "MAX"
    AVERAGE = "AVERAGE"


_MODE_CHOICE = {"MIN": "MINIMUM", "MAX": "MAXIMUM", "AVERAGE": "AVERAGE"}


class _Outliers(ColumnFunction):
    """Shared parameters checks and detection of the three outlier steps."""

    abstract: ClassVar[bool] = True
    uses_statistics: ClassVar[bool] = True
    if TYPE_CHECKING:  # declared by each subclass, in DataBrew's parameter order
        source_column: str
        outlier_strategy: OutlierStrategy
        threshold: float

    def detector(self) -> Detector:
        trim = bool(getattr(self, "trim_value", False))
        return Detector(
            self.outlier_strategy,
            self.threshold,
            trim,
            getattr(self, "min_value", None),
            getattr(self, "max_value", None),
        )

    def extra_wanted(self) -> Wanted:
        return Wanted()

    def wanted(self) -> Wanted:
        extra = self.extra_wanted()
        return self.detector().wanted(extra=extra.quantiles, total=extra.total, mode=extra.mode)

    def _check_numbers(self) -> None:
        if self.threshold < 0:
            raise ParameterError(
                "threshold must be zero or more", operation=self.operation, parameter="threshold"
            )
        low, high = getattr(self, "min_value", None), getattr(self, "max_value", None)
        for name, value in (("minValue", low), ("maxValue", high)):
            if value is not None and not 0 <= value <= 100:
                raise ParameterError(
                    "a percentile must be between 0 and 100", operation=self.operation, parameter=name
                )
        if low is not None and high is not None and low > high:
            raise ParameterError("minValue is above maxValue", operation=self.operation, parameter="minValue")
        if getattr(self, "trim_value", False):
            self._require_limits("trimValue is TRUE")

    def _require_limits(self, why: str) -> None:
        for name, value in (("minValue", self.min_value), ("maxValue", self.max_value)):  # type: ignore[attr-defined]
            if value is None:
                raise ParameterError(
                    f"{why}: give {name} (a percentile, 0-100)", operation=self.operation, parameter=name
                )

    def stats_and_hits_pandas(self, df: pd.DataFrame, ctx: PandasContext) -> tuple[Any, LType, Stats, Any]:
        a = arr(df[self.source_column])
        ltype = ctx.schema_of(df)[self.source_column]
        stats = stats_pandas(a, ltype, self.wanted())
        return a, ltype, stats, self.detector().pandas_hits(a, ltype, stats)

    def stats_and_hits_spark(
        self, df: SparkFrame, ctx: SparkContext
    ) -> tuple[SparkColumn, LType, Stats, SparkColumn]:
        c = scol(self.source_column)
        ltype = ctx.schema_of(df)[self.source_column]
        stats = stats_spark(df, ctx, self.source_column, ltype, self.wanted())
        return c, ltype, stats, self.detector().spark_hits(c, ltype, stats)


class FlagOutliers(_Outliers):
    """Add a column that says whether each value of a numeric column is an outlier.

    Missing values are never outliers (flag false). The flag is boolean unless
    trueString/falseString are given, then text ("True"/"False" stand in for the one not given).
    """

    operation = "FLAG_OUTLIERS"
    category = Category.OUTLIERS
    source_column: NumericColumn
    target_column: NewColumn
    outlier_strategy: enum_param(OutlierStrategy)  # type: ignore[valid-type]
    threshold: Number = 3.0
    true_string: Text | None = None
    false_string: Text | None = None
    examples: ClassVar = (
        Example(
            title="mean 19, sample standard deviation 28.46: only 100 is more than 2 deviations away",
            given={"x": [10, 10, 10, None, 10, 10, 10, 10, 10, 10, 100]},
            params={
                "sourceColumn": "x",
                "targetColumn": "far",
                "outlierStrategy": "Z_SCORE",
                "threshold": "2",
            },
            expect={
                "x": [10, 10, 10, None, 10, 10, 10, 10, 10, 10, 100],
                "far": [False, False, False, False, False, False, False, False, False, False, True],
            },
        ),
        Example(
            title="Q1 2.5, Q3 7.5: the fences are -12.5 and 22.5",
            given={"x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 100.0, -80.0, float("nan")]},
            params={
                "sourceColumn": "x",
                "targetColumn": "o",
                "outlierStrategy": "IQR",
                "trueString": "outlier",
                "falseString": "normal",
            },
            expect={
                "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 100.0, -80.0, float("nan")],
                "o": ["normal"] * 9 + ["outlier", "outlier", "normal"],
            },
        ),
        Example(
            title="median 3, MAD 1: values more than 4.45 from 3 are outliers",
            given={"x": [1, 2, None, 3, 4, 100]},
            params={"sourceColumn": "x", "targetColumn": "o", "outlierStrategy": "MODIFIED_Z_SCORE"},
            expect={"x": [1, 2, None, 3, 4, 100], "o": [False, False, False, False, False, True]},
        ),
        Example(
            title="no spread (MAD 0): no outliers",
            given={"x": [5, 5, 5, 5, 50]},
            params={"sourceColumn": "x", "targetColumn": "o", "outlierStrategy": "MODIFIED_Z_SCORE"},
            expect={"x": [5, 5, 5, 5, 50], "o": [False, False, False, False, False]},
        ),
        Example(
            given={"x": [5.0, 5.0, None]},
            params={
                "sourceColumn": "x",
                "targetColumn": "o",
                "outlierStrategy": "Z_SCORE",
                "trueString": "yes",
            },
            expect={"x": [5.0, 5.0, None], "o": ["False", "False", "False"]},
        ),
    )

    @model_validator(mode="after")
    def _numbers(self) -> FlagOutliers:
        self._check_numbers()
        return self

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: flag_ltype(self.true_string, self.false_string)}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        *_, hits = self.stats_and_hits_pandas(df, ctx)
        return {self.target_column: flag_pandas(hits, df.index, self.true_string, self.false_string)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        *_, hits = self.stats_and_hits_spark(df, ctx)
        return {self.target_column: flag_spark(hits, self.true_string, self.false_string)}


class RemoveOutliers(RowFilter, _Outliers):
    """Remove the rows holding outliers of a numeric column (DELETE_ROWS), or clear those values.

    CLEAR sets the outliers to null and keeps the rows and the column's type. Missing values
    are never outliers. With trimValue TRUE only outliers below the minValue-th or above the
    maxValue-th percentile are removed (both then required).
    """

    operation = "REMOVE_OUTLIERS"
    category = Category.OUTLIERS
    source_column: NumericColumn
    outlier_strategy: enum_param(OutlierStrategy)  # type: ignore[valid-type]
    threshold: Number = 3.0
    remove_type: enum_param(RemoveType)  # type: ignore[valid-type]
    trim_value: Boolean = False
    min_value: Number | None = None
    max_value: Number | None = None
    examples: ClassVar = (
        Example(
            given={"x": [1, 2, None, 3, 4, 100], "id": ["a", "b", "c", "d", "e", "f"]},
            params={"sourceColumn": "x", "outlierStrategy": "MODIFIED_Z_SCORE", "removeType": "DELETE_ROWS"},
            expect={"x": [1, 2, None, 3, 4], "id": ["a", "b", "c", "d", "e"]},
        ),
        Example(
            given={"x": [10, 10, 10, 10, 10, 10, 10, 10, 10, 100]},
            params={
                "sourceColumn": "x",
                "outlierStrategy": "Z_SCORE",
                "threshold": "2",
                "removeType": "CLEAR",
            },
            expect={"x": [10, 10, 10, 10, 10, 10, 10, 10, 10, None]},
            expect_schema={"x": "integer"},
        ),
        Example(
            title="outliers -50 and 60; only 60 is above the 90th percentile (27)",
            given={"x": [-50, 1, 2, 3, 4, 5, 60]},
            params={
                "sourceColumn": "x",
                "outlierStrategy": "MODIFIED_Z_SCORE",
                "removeType": "DELETE_ROWS",
                "trimValue": "TRUE",
                "minValue": "0",
                "maxValue": "90",
            },
            expect={"x": [-50, 1, 2, 3, 4, 5]},
        ),
        Example(
            given={
                "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 100.0, -80.0],
                "k": ["b"] * 9 + ["a", "b"],
            },
            params={"sourceColumn": "x", "outlierStrategy": "IQR", "removeType": "DELETE_ROWS"},
            conditions=({"Condition": "IS", "Value": '["a"]', "TargetColumn": "k"},),
            expect={"x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, -80.0], "k": ["b"] * 10},
        ),
        Example(
            given={"x": [1.5, float("nan"), None, 1.5, 99.0, 1.4, 1.6]},
            params={"sourceColumn": "x", "outlierStrategy": "IQR", "removeType": "CLEAR"},
            expect={"x": [1.5, float("nan"), None, 1.5, None, 1.4, 1.6]},
        ),
    )

    @model_validator(mode="after")
    def _numbers(self) -> RemoveOutliers:
        self._check_numbers()
        return self

    def output_schema(self, schema: Schema) -> Schema:
        return dict(schema)

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.source_column: schema[self.source_column]}

    def pandas_drop(self, df: pd.DataFrame, ctx: PandasContext) -> pd.Series:
        *_, hits = self.stats_and_hits_pandas(df, ctx)
        return pd.Series(hits.to_numpy(zero_copy_only=False), index=df.index, dtype=bool)

    def spark_drop(self, df: SparkFrame, ctx: SparkContext) -> SparkColumn:
        *_, hits = self.stats_and_hits_spark(df, ctx)
        return hits

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        a, _, _, hits = self.stats_and_hits_pandas(df, ctx)
        cleared = pc.if_else(hits, pa.scalar(None, a.type), a)
        return {self.source_column: wrap(cleared, df[self.source_column])}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        c, _, _, hits = self.stats_and_hits_spark(df, ctx)
        return {self.source_column: F.when(~hits, c)}

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        if self.remove_type is RemoveType.CLEAR:
            return ColumnFunction.apply_pandas(self, df, ctx, where)
        return RowFilter.apply_pandas(self, df, ctx, where)

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        if self.remove_type is RemoveType.CLEAR:
            return ColumnFunction.apply_spark(self, df, ctx, where)
        return RowFilter.apply_spark(self, df, ctx, where)


class ReplaceOutliers(InPlace, _Outliers):
    """Replace the outliers of a numeric column: cap them (winsorize) or write another value.

    WINSORIZE_VALUES caps an outlier below the minValue-th percentile at that percentile and
    one above the maxValue-th at that one (both required). The statistics (mode, average,
    median, sum, max) are of all non-missing values, outliers included. REPLACE_WITH_EMPTY
    writes null, as a numeric column has no empty value. An integer column stays integer:
    averages, medians and percentiles are rounded half away from zero. modeType (MIN, the
    default, MAX or AVERAGE) picks among equally frequent values; value (for
    REPLACE_WITH_CUSTOM) must be a number the column can hold.
    """

    operation = "REPLACE_OUTLIERS"
    category = Category.OUTLIERS
    source_column: NumericColumn
    outlier_strategy: enum_param(OutlierStrategy)  # type: ignore[valid-type]
    threshold: Number = 3.0
    replace_type: enum_param(ReplaceType)  # type: ignore[valid-type]
    mode_type: enum_param(OutlierModeType) | None = None  # type: ignore[valid-type]
    value: Text | None = None
    trim_value: Boolean = False
    min_value: Number | None = None
    max_value: Number | None = None
    examples: ClassVar = (
        Example(
            title="outliers -50 and 60 capped at the 10th (-19.4) and 90th (27) percentiles",
            given={"x": [-50.0, 1.0, 2.0, 3.0, 4.0, 5.0, 60.0, None]},
            params={
                "sourceColumn": "x",
                "outlierStrategy": "MODIFIED_Z_SCORE",
                "replaceType": "WINSORIZE_VALUES",
                "minValue": "10",
                "maxValue": "90",
            },
            expect={"x": [-19.4, 1.0, 2.0, 3.0, 4.0, 5.0, 27.0, None]},
        ),
        Example(
            title="integer column: the 5th percentile -34.7 is rounded to -35",
            given={"x": [-50, 1, 2, 3, 4, 5, 60]},
            params={
                "sourceColumn": "x",
                "outlierStrategy": "MODIFIED_Z_SCORE",
                "replaceType": "WINSORIZE_VALUES",
                "trimValue": "TRUE",
                "minValue": "5",
                "maxValue": "90",
            },
            expect={"x": [-35, 1, 2, 3, 4, 5, 27]},
        ),
        Example(
            given={"x": [1, 2, None, 3, 4, 100]},
            params={
                "sourceColumn": "x",
                "outlierStrategy": "MODIFIED_Z_SCORE",
                "replaceType": "REPLACE_WITH_MEDIAN",
            },
            expect={"x": [1, 2, None, 3, 4, 3]},
        ),
        Example(
            given={"x": [10, 10, 10, None, 10, 10, 10, 10, 10, 10, 100]},
            params={
                "sourceColumn": "x",
                "outlierStrategy": "Z_SCORE",
                "threshold": "2",
                "replaceType": "REPLACE_WITH_AVERAGE",
            },
            expect={"x": [10, 10, 10, None, 10, 10, 10, 10, 10, 10, 19]},
        ),
        Example(
            given={"x": [1, 1, 2, 2, 3, 100]},
            params={
                "sourceColumn": "x",
                "outlierStrategy": "MODIFIED_Z_SCORE",
                "replaceType": "REPLACE_WITH_MODE",
                "modeType": "MAX",
            },
            expect={"x": [1, 1, 2, 2, 3, 2]},
        ),
        Example(
            given={"x": [1.0, 1.0, 2.0, 2.0, 3.0, 100.0]},
            params={
                "sourceColumn": "x",
                "outlierStrategy": "MODIFIED_Z_SCORE",
                "replaceType": "REPLACE_WITH_MODE",
                "modeType": "AVERAGE",
            },
            expect={"x": [1.0, 1.0, 2.0, 2.0, 3.0, 1.5]},
        ),
        Example(
            given={"x": [1, 1, 2, 2, 3, 100]},
            params={
                "sourceColumn": "x",
                "outlierStrategy": "MODIFIED_Z_SCORE",
                "replaceType": "REPLACE_WITH_MODE",
            },
            expect={"x": [1, 1, 2, 2, 3, 1]},
        ),
        Example(
            given={"x": [-100, 1, 2, 3, 4]},
            params={
                "sourceColumn": "x",
                "outlierStrategy": "MODIFIED_Z_SCORE",
                "replaceType": "REPLACE_WITH_MAX",
            },
            expect={"x": [4, 1, 2, 3, 4]},
        ),
        Example(
            given={"x": [-100, 1, 2, 3, 4]},
            params={
                "sourceColumn": "x",
                "outlierStrategy": "MODIFIED_Z_SCORE",
                "replaceType": "REPLACE_WITH_SUM",
            },
            expect={"x": [-90, 1, 2, 3, 4]},
        ),
        Example(
            given={"x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 100.0, -80.0, None]},
            params={
                "sourceColumn": "x",
                "outlierStrategy": "IQR",
                "replaceType": "REPLACE_WITH_CUSTOM",
                "value": "-1",
            },
            expect={"x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, -1.0, -1.0, None]},
        ),
        Example(
            given={"x": [-50, 1, 2, 3, 4, 5, 60]},
            params={
                "sourceColumn": "x",
                "outlierStrategy": "MODIFIED_Z_SCORE",
                "replaceType": "REPLACE_WITH_NULL",
                "trimValue": "TRUE",
                "minValue": "0",
                "maxValue": "90",
            },
            expect={"x": [-50, 1, 2, 3, 4, 5, None]},
        ),
        Example(
            given={"x": [-50, 1, 2, 3, 4, 5, 60]},
            params={
                "sourceColumn": "x",
                "outlierStrategy": "MODIFIED_Z_SCORE",
                "replaceType": "REPLACE_WITH_EMPTY",
            },
            expect={"x": [None, 1, 2, 3, 4, 5, None]},
        ),
        Example(
            given={"d": [Decimal(v) for v in ("1", "2", "3", "4", "100.5")]},
            params={
                "sourceColumn": "d",
                "outlierStrategy": "MODIFIED_Z_SCORE",
                "replaceType": "REPLACE_WITH_AVERAGE",
            },
            expect={"d": [Decimal(v) for v in ("1", "2", "3", "4", "22.1")]},
            expect_schema={"d": "decimal"},
        ),
    )

    @model_validator(mode="after")
    def _numbers(self) -> ReplaceOutliers:
        self._check_numbers()
        if self.replace_type is ReplaceType.WINSORIZE_VALUES:
            self._require_limits("WINSORIZE_VALUES caps at percentiles")
        if self.replace_type is ReplaceType.REPLACE_WITH_CUSTOM and self.value is None:
            raise ParameterError(
                "REPLACE_WITH_CUSTOM needs a value", operation=self.operation, parameter="value"
            )
        return self

    def check(self, schema: Schema) -> None:
        super().check(schema)
        if self.replace_type is ReplaceType.REPLACE_WITH_CUSTOM and self.value is not None:
            check_fits(self, self.value, schema[self.source_column], self.source_column)

    def detector(self) -> Detector:
        winsorize = self.replace_type is ReplaceType.WINSORIZE_VALUES
        return dataclasses.replace(super().detector(), trim=self.trim_value or winsorize)

    def extra_wanted(self) -> Wanted:
        kind = self.replace_type
        return Wanted(
            total=kind in (ReplaceType.REPLACE_WITH_AVERAGE, ReplaceType.REPLACE_WITH_SUM),
            quantiles=(0.5,) if kind is ReplaceType.REPLACE_WITH_MEDIAN else (),
            mode=kind is ReplaceType.REPLACE_WITH_MODE,
        )

    def wanted(self) -> Wanted:
        want = super().wanted()
        if self.replace_type is ReplaceType.REPLACE_WITH_MAX:
            want = dataclasses.replace(want, maximum=True)
        return want

    def replacement(self, stats: Stats, ltype: LType) -> Any:
        """The value written over every outlier (not for WINSORIZE_VALUES and REPLACE_WITH_CUSTOM)."""
        kind = self.replace_type
        if kind is ReplaceType.REPLACE_WITH_MODE:
            return mode_value(stats, ltype, _MODE_CHOICE[(self.mode_type or OutlierModeType.MIN).value])
        if kind is ReplaceType.REPLACE_WITH_AVERAGE:
            return mean_value(stats.total, stats.count, ltype)
        if kind is ReplaceType.REPLACE_WITH_MEDIAN:
            return column_value(stats.quantiles.get(0.5), ltype)
        if kind is ReplaceType.REPLACE_WITH_SUM:
            return column_value(stats.total, ltype)
        if kind is ReplaceType.REPLACE_WITH_MAX:
            return stats.maximum
        return None

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        a, ltype, stats, hits = self.stats_and_hits_pandas(df, ctx)
        s = df[self.source_column]
        kind = self.replace_type
        if kind is ReplaceType.WINSORIZE_VALUES:
            limits = self.detector().limits(stats)
            if limits is None:
                return {self.source_column: s}
            x = pc.cast(a, pa.float64())
            low = pandas_scalar(column_value(limits[0], ltype), ltype, a.type)
            high = pandas_scalar(column_value(limits[1], ltype), ltype, a.type)
            capped = pc.if_else(pc.and_(hits, pc.fill_null(pc.less(x, limits[0]), False)), low, a)
            capped = pc.if_else(pc.and_(hits, pc.fill_null(pc.greater(x, limits[1]), False)), high, capped)
            return {self.source_column: wrap(capped, s)}
        if kind is ReplaceType.REPLACE_WITH_CUSTOM:
            scalar = typed_text_pandas(self.value or "", ltype)
            scalar = scalar if scalar.type == a.type else scalar.cast(a.type, safe=False)
        else:
            value = self.replacement(stats, ltype)
            scalar = pa.scalar(None, a.type) if value is None else pandas_scalar(value, ltype, a.type)
        return {self.source_column: wrap(pc.if_else(hits, scalar, a), s)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        from workbench.engines.spark.types import spark_type

        c, ltype, stats, hits = self.stats_and_hits_spark(df, ctx)
        kind = self.replace_type
        if kind is ReplaceType.WINSORIZE_VALUES:
            limits = self.detector().limits(stats)
            if limits is None:
                return {self.source_column: c}
            x = c.cast("double")
            low = spark_literal(column_value(limits[0], ltype), ltype)
            high = spark_literal(column_value(limits[1], ltype), ltype)
            capped = F.when(hits & (x < F.lit(limits[0])), low).when(hits & (x > F.lit(limits[1])), high)
            return {self.source_column: capped.otherwise(c)}
        if kind is ReplaceType.REPLACE_WITH_CUSTOM:
            new = cast_spark(F.lit(self.value or ""), LType.STRING, ltype)
        else:
            value = self.replacement(stats, ltype)
            new = F.lit(None).cast(spark_type(ltype)) if value is None else spark_literal(value, ltype)
        return {self.source_column: F.when(hits, new).otherwise(c)}
