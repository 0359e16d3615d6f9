"""Functions: random numbers. Seeded, repeatable, and the same on pandas and Spark.

Row ``i`` (0-based, in the table's current order) gets u = unit(splitmix64 hash of ``seed``
and ``i``) in [0, 1) (``workbench/core/row_hash.py``); the same seed and the same rows give the
same numbers on every run and on both engines. ``seed`` is a Workbench extension parameter
(DataBrew takes none), default 0; two steps with the same seed give the same numbers, so give
each its own seed for independent columns. On Spark the rows are numbered by one global window.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import model_validator

from workbench.core import row_hash
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import F
from workbench.core.params import Integer, NewColumn, Number
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

_WHOLE_LIMIT = 2.0**53
"""Whole-number bounds beyond this magnitude are not exact as doubles; they are refused."""


class _Random(ColumnFunction):
    """A new column of seeded numbers, one per row, placed at the end of the table."""

    abstract: ClassVar[bool] = True
    order_sensitive: ClassVar[bool] = True
    if TYPE_CHECKING:  # declared by each subclass, in DataBrew's parameter order
        target_column: str
        seed: int

    def anchor(self) -> str | None:
        return None

    def result_type(self) -> LType:
        return LType.DOUBLE

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: self.result_type()}

    def from_units_numpy(self, u: np.ndarray) -> pa.Array:
        return pa.array(u, pa.float64())

    def from_units_spark(self, u: SparkColumn) -> SparkColumn:
        return u

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        u = row_hash.units_numpy(row_hash.hashes_numpy(row_hash.start(self.seed), len(df.index)))
        return {self.target_column: wrap(self.from_units_numpy(u), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        hashes = row_hash.hashes_spark(row_hash.start(self.seed), row_hash.position_spark())
        return {self.target_column: self.from_units_spark(row_hash.units_spark(hashes))}

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        # The frame keeps the row-position column; the engine restores row order when needed.
        return super().apply_spark(ctx.with_row_position(df), ctx, where)


class Random(_Random):
    """Add a column of random numbers from 0 (included) to 1 (excluded), one per row.

    The numbers are doubles, uniform over [0, 1). They depend only on ``seed`` (a Workbench
    extension, default 0) and the row's position, so a rerun, and either engine, gives the same
    numbers. With condition expressions, rows that do not match get null.
    """

    operation = "RANDOM"
    category = Category.MATH
    target_column: NewColumn
    seed: Integer = 0
    examples: ClassVar = (
        Example(
            given={"name": ["Ana", None, "Zoë", ""]},
            params={"targetColumn": "r"},
            expect={
                "name": ["Ana", None, "Zoë", ""],
                "r": [0.7497482413580301, 0.37239342287916577, 0.4382839062845528, 0.9541167159066205],
            },
        ),
        Example(
            title="another seed, another sequence; rows outside the condition get null",
            given={"n": [1, 2, 3]},
            params={"targetColumn": "r", "seed": "42"},
            conditions=({"Condition": "GREATER_THAN", "Value": "1", "TargetColumn": "n"},),
            expect={"n": [1, 2, 3], "r": [None, 0.2935669707869685, 0.5783768615779985]},
        ),
    )


class RandomBetween(_Random):
    """Add a column of random numbers between a lower and an upper bound, one per row.

    With whole-number bounds the numbers are integers from lowerBound to upperBound, both
    included, each equally likely; with a fractional bound they are doubles from lowerBound
    (included) to upperBound (excluded). Like RANDOM they depend only on ``seed`` (a Workbench
    extension, default 0) and the row's position, the same on both engines.
    """

    operation = "RANDOM_BETWEEN"
    category = Category.MATH
    lower_bound: Number
    upper_bound: Number
    target_column: NewColumn
    seed: Integer = 0
    examples: ClassVar = (
        Example(
            given={"id": ["a", "b", None, "ü", ""]},
            params={"lowerBound": "1", "upperBound": "6", "targetColumn": "die"},
            expect={"id": ["a", "b", None, "ü", ""], "die": [5, 3, 3, 6, 2]},
            expect_schema={"die": "integer"},
        ),
        Example(
            given={"id": [1, 2, 3]},
            params={"lowerBound": "-0.5", "upperBound": "0.5", "targetColumn": "noise", "seed": 7},
            expect={
                "id": [1, 2, 3],
                "noise": [0.457535142838457, -0.04732140397342566, -0.18550304553232588],
            },
            expect_schema={"noise": "double"},
        ),
        Example(
            title="equal bounds: every row gets that number",
            given={"id": [1, None]},
            params={"lowerBound": "-3", "upperBound": "-3", "targetColumn": "k"},
            expect={"id": [1, None], "k": [-3, -3]},
        ),
    )

    @model_validator(mode="after")
    def _bounds(self) -> RandomBetween:
        if self.lower_bound > self.upper_bound:
            raise ParameterError(
                f"upperBound ({self.upper_bound:g}) is smaller than lowerBound ({self.lower_bound:g})",
                operation=self.operation,
                parameter="upperBound",
            )
        if self._whole():
            for name, value in (("lowerBound", self.lower_bound), ("upperBound", self.upper_bound)):
                if abs(value) > _WHOLE_LIMIT:
                    raise ParameterError(
                        f"{value:g} is beyond ±2^53, where whole numbers are no longer exact",
                        operation=self.operation,
                        parameter=name,
                    )
        return self

    def _whole(self) -> bool:
        return float(self.lower_bound).is_integer() and float(self.upper_bound).is_integer()

    def result_type(self) -> LType:
        return LType.INTEGER if self._whole() else LType.DOUBLE

    def from_units_numpy(self, u: np.ndarray) -> pa.Array:
        low, high = float(self.lower_bound), float(self.upper_bound)
        if self._whole():
            return pa.array(np.floor(u * (high - low + 1.0)).astype(np.int64) + math.trunc(low), pa.int64())
        return pa.array(low + u * (high - low), pa.float64())

    def from_units_spark(self, u: SparkColumn) -> SparkColumn:
        low, high = float(self.lower_bound), float(self.upper_bound)
        if self._whole():
            return F.floor(u * F.lit(high - low + 1.0)).cast("long") + F.lit(math.trunc(low))
        return F.lit(low) + u * F.lit(high - low)
