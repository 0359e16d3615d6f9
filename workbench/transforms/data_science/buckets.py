"""Encode: BUCKETIZATION and BINARIZATION."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import field_serializer, model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.data_science_values import (
    double_pandas,
    double_spark,
)
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, Derive
from workbench.core.lazy import F, scol
from workbench.core.params import (
    Boolean,
    NewColumn,
    Number,
    NumberList,
    NumericColumn,
    TextList,
)
from workbench.core.pivoting import (
    flat,
)
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


# --- BUCKETIZATION -----------------------------------------------------------------------------


class Bucketization(ColumnFunction):
    """Put each number into a named bucket, by boundaries (splits) or by percentiles (percentage).

    With ``splits`` [s0, s1, …, sn] (``-Infinity`` and ``Infinity`` allowed) bucket i holds
    s(i) <= x < s(i+1), the last bucket also x = sn; values outside every bucket are null.
    With ``percentage`` p the boundaries are the p-th, 2p-th, … percentiles of the column's
    non-null values (exact, interpolated linearly between values) and the first and last
    buckets are open-ended, so there are ceil(100 / p) buckets. ``bucketNames`` gives one name
    per bucket, in order; the new column is text. A null value gives null.
    """

    operation = "BUCKETIZATION"
    category = Category.ENCODE
    uses_statistics = True
    source_column: NumericColumn
    target_column: NewColumn
    bucket_names: TextList
    splits: NumberList | None = None
    percentage: Number | None = None
    examples: ClassVar = (
        Example(
            title="DataBrew's documented splits",
            given={"level": [-5.0, 2.0, 19.9, 20.0, 1e9, None]},
            params={
                "sourceColumn": "level",
                "targetColumn": "bin",
                "bucketNames": '["Bin1","Bin2","Bin3"]',
                "splits": '["-Infinity","2","20","Infinity"]',
            },
            expect={
                "level": [-5.0, 2.0, 19.9, 20.0, 1e9, None],
                "bin": ["Bin1", "Bin2", "Bin2", "Bin3", "Bin3", None],
            },
        ),
        Example(
            title="bounded splits: the last bucket includes its upper bound, values outside are null",
            given={"x": [0, 5, 10, 11, -1]},
            params={
                "sourceColumn": "x",
                "targetColumn": "b",
                "bucketNames": ["low", "high"],
                "splits": [0, 5, 10],
            },
            expect={"x": [0, 5, 10, 11, -1], "b": ["low", "high", "high", None, None]},
        ),
        Example(
            title="two buckets at the median",
            given={"level": [1, 2, 3, 4, None]},
            params={
                "sourceColumn": "level",
                "targetColumn": "bin",
                "bucketNames": '["Bin1","Bin2"]',
                "percentage": "50",
            },
            expect={"level": [1, 2, 3, 4, None], "bin": ["Bin1", "Bin1", "Bin2", "Bin2", None]},
        ),
        Example(
            title="quartiles",
            given={"v": [10.0, 20.0, 30.0, 40.0, 50.0]},
            params={
                "sourceColumn": "v",
                "targetColumn": "q",
                "bucketNames": ["q1", "q2", "q3", "q4"],
                "percentage": 25,
            },
            expect={"v": [10.0, 20.0, 30.0, 40.0, 50.0], "q": ["q1", "q2", "q3", "q4", "q4"]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> Bucketization:
        names = len(self.bucket_names)
        if (self.splits is None) == (self.percentage is None):
            raise ParameterError(
                "give either splits or percentage", operation=self.operation, parameter="splits"
            )
        if names == 0:
            raise ParameterError(
                "give at least one bucket name", operation=self.operation, parameter="bucketNames"
            )
        if self.splits is not None:
            if len(self.splits) != names + 1:
                raise ParameterError(
                    f"{names} buckets need {names + 1} splits (got {len(self.splits)})",
                    operation=self.operation,
                    parameter="splits",
                )
            if any(math.isnan(s) for s in self.splits) or any(
                a >= b for a, b in zip(self.splits, self.splits[1:], strict=False)
            ):
                raise ParameterError(
                    "splits must increase strictly", operation=self.operation, parameter="splits"
                )
        else:
            p = self.percentage
            if p is None or not 0 < p <= 100:
                raise ParameterError(
                    "percentage must be more than 0 and at most 100",
                    operation=self.operation,
                    parameter="percentage",
                )
            buckets = math.ceil(100 / p - 1e-9)
            if buckets != names:
                raise ParameterError(
                    f"percentage {p:g} makes {buckets} buckets but bucketNames has {names} names",
                    operation=self.operation,
                    parameter="bucketNames",
                )
        return self

    @field_serializer("splits")
    def _splits_text(self, splits: list[float] | None) -> list[float | str] | None:
        # Infinite splits are written as DataBrew writes them, "-Infinity" and "Infinity",
        # which keeps the recipe standard JSON.
        if splits is None:
            return None
        return [("Infinity" if s > 0 else "-Infinity") if math.isinf(s) else s for s in splits]

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.STRING}

    def _quantiles(self) -> list[float]:
        p = self.percentage or 100.0
        return [k * p / 100 for k in range(1, len(self.bucket_names))]

    def _bounds(self, quantiles: list[Any] | None) -> list[float] | None:
        if self.splits is not None:
            return list(self.splits)
        if quantiles is None or any(q is None for q in quantiles):
            return None
        return [-math.inf, *[float(q) for q in quantiles], math.inf]

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        source = df[self.source_column]
        x = double_pandas(source, ctx.schema_of(df)[self.source_column])
        quantiles = None
        if self.percentage is not None:
            quantiles = (
                pc.quantile(x, q=self._quantiles(), interpolation="linear").to_pylist()
                if pc.count(x).as_py()
                else None
            )
        bounds = self._bounds(quantiles)
        result = pa.nulls(len(x), pa.large_string())
        if bounds is not None:
            last = len(self.bucket_names) - 1
            for i, name in enumerate(self.bucket_names):
                upper = pc.less_equal(x, bounds[i + 1]) if i == last else pc.less(x, bounds[i + 1])
                inside = pc.and_(pc.greater_equal(x, bounds[i]), upper)
                result = pc.if_else(pc.fill_null(inside, False), pa.scalar(name, pa.large_string()), result)
        return {self.target_column: wrap(result, source)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        x = double_spark(scol(self.source_column))
        quantiles = None
        if self.percentage is not None:
            stats = ctx.aggregate(df, {"q": F.percentile(x, self._quantiles())})
            quantiles = stats["q"]
        bounds = self._bounds(quantiles)
        if bounds is None:
            return {self.target_column: F.lit(None).cast("string")}
        result: Any = None
        last = len(self.bucket_names) - 1
        for i, name in enumerate(self.bucket_names):
            upper = (x <= F.lit(bounds[i + 1])) if i == last else (x < F.lit(bounds[i + 1]))
            inside = (x >= F.lit(bounds[i])) & upper
            result = F.when(inside, F.lit(name)) if result is None else result.when(inside, F.lit(name))
        return {self.target_column: result}


# --- BINARIZATION ------------------------------------------------------------------------------


class Binarization(Derive):
    """Write 1 where a number is above a threshold and 0 elsewhere (the other way round with flip).

    Without ``flip`` values greater than ``threshold`` give 1 and the others 0; with ``flip``
    values less than or equal to ``threshold`` give 1 and greater ones 0. The new column is an
    integer column; a null value gives null.
    """

    operation = "BINARIZATION"
    category = Category.ENCODE
    source_column: NumericColumn
    threshold: Number
    flip: Boolean = False
    examples: ClassVar = (
        Example(
            given={"level": [50.0, 100.0, 100.5, -3.0, None]},
            params={"sourceColumn": "level", "targetColumn": "bin", "threshold": "100.0", "flip": "false"},
            expect={"level": [50.0, 100.0, 100.5, -3.0, None], "bin": [0, 0, 1, 0, None]},
        ),
        Example(
            given={"n": [1, 2, 3, None]},
            params={"sourceColumn": "n", "targetColumn": "small", "threshold": 2, "flip": True},
            expect={"n": [1, 2, 3, None], "small": [1, 1, 0, None]},
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER

    def pandas_map(self, s: pd.Series) -> pd.Series:
        x = flat(arr(s))
        if not pa.types.is_floating(x.type) and not pa.types.is_integer(x.type):
            x = x.cast(pa.float64())
        above = pc.greater(x, pa.scalar(float(self.threshold), pa.float64()))
        hit = pc.invert(above) if self.flip else above
        return wrap(pc.cast(hit, pa.int64()), s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        x = double_spark(c)
        threshold = F.lit(float(self.threshold))
        hit = (x <= threshold) if self.flip else (x > threshold)
        return hit.cast("long")
