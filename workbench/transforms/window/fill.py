"""Window functions: fill blanks from neighbouring rows (FILL, FILL_DOWN, FILL_UP) and BLANK_DOWN.

Blank means null, empty text or NaN, as for every missing-value step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.lazy import F, W, scol
from workbench.core.missing import missing_pandas, missing_spark
from workbench.core.ordered import (
    Grouped,
    OrderedDerive,
    combined,
    non_negative,
    position,
    same_as_previous,
    spark_window,
)
from workbench.core.params import Column, Columns, Integer
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema, ltype_of_arrow
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


class Fill(OrderedDerive):
    """Copy a column, filling each blank with the nearest non-blank value within a window of rows.

    Blank means null, empty text or NaN. The nearest value above (up to numRowsBefore rows) is
    preferred, then the nearest below (up to numRowsAfter rows); only original values are used,
    never filled ones. A blank with no value in its window stays as it was.
    """

    operation = "FILL"
    category = Category.WINDOW
    source_column: Column
    num_rows_before: Integer
    num_rows_after: Integer
    examples: ClassVar = (
        Example(
            given={"s": ["a", None, None, None, "b", "", None]},
            params={"sourceColumn": "s", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "f"},
            expect={"s": ["a", None, None, None, "b", "", None], "f": ["a", "a", None, "b", "b", "b", None]},
        ),
        Example(
            given={"x": [None, 1.5, None, None, float("nan"), 4.0]},
            params={"sourceColumn": "x", "numRowsBefore": "2", "numRowsAfter": "0", "targetColumn": "f"},
            expect={
                "x": [None, 1.5, None, None, float("nan"), 4.0],
                "f": [None, 1.5, 1.5, 1.5, float("nan"), 4.0],
            },
        ),
        Example(
            given={"n": [None, None, 7, None]},
            params={"sourceColumn": "n", "numRowsBefore": 0, "numRowsAfter": 2, "targetColumn": "f"},
            expect={"n": [None, None, 7, None], "f": [7, 7, 7, None]},
        ),
    )

    @model_validator(mode="after")
    def _check_rows(self) -> Fill:
        non_negative(self, numRowsBefore=self.num_rows_before, numRowsAfter=self.num_rows_after)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        values = combined(s)
        blank = missing_pandas(values, ltype_of_arrow(values.type))
        position = pa.array(np.arange(len(values), dtype=np.int64))
        usable = pc.if_else(blank, pa.scalar(None, pa.int64()), position)
        found = []
        for nearest, limit in (
            (pc.fill_null_forward(usable), self.num_rows_before),
            (pc.fill_null_backward(usable), self.num_rows_after),
        ):
            close = pc.less_equal(pc.abs(pc.subtract(position, nearest)), limit)
            found.append(pc.if_else(close, nearest, pa.scalar(None, pa.int64())))
        source_row = pc.coalesce(*found)
        filled = pc.coalesce(pc.take(values, source_row), values)
        return wrap(pc.if_else(blank, filled, values), s)

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        source = ctx.schema_of(df)[self.source_column]
        c = scol(self.source_column)
        blank = missing_spark(c, source)
        usable = F.when(~blank, c)
        order = spark_window().orderBy(position())
        found = []
        if self.num_rows_before > 0:
            found.append(F.last(usable, ignorenulls=True).over(order.rowsBetween(-self.num_rows_before, -1)))
        if self.num_rows_after > 0:
            found.append(F.first(usable, ignorenulls=True).over(order.rowsBetween(1, self.num_rows_after)))
        return {self.target_column: F.when(blank, F.coalesce(*found, c)).otherwise(c)}


class _FillOnward(Grouped):
    """Blanks take the nearest non-blank value above (or below) in their group, however far."""

    abstract: ClassVar[bool] = True
    extension: ClassVar[bool] = True
    category = Category.WINDOW
    forward: ClassVar[bool]
    """True to fill from above (down the table), False from below."""
    source_column: Column
    group_by_columns: Columns = []
    order_by_columns: Columns = []

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.source_column: schema[self.source_column]}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        s = df[self.source_column]
        arranged = self.arrangement(df)
        values = arranged.take(combined(s))
        blank = missing_pandas(values, ltype_of_arrow(values.type))
        nearest = arranged.nearest_valid(pc.invert(blank), forward=self.forward)
        filled = pc.if_else(blank, pc.coalesce(pc.take(values, nearest), values), values)
        return {self.source_column: wrap(arranged.restore(filled), s)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        c = scol(self.source_column)
        blank = missing_spark(c, ctx.schema_of(df)[self.source_column])
        usable = F.when(~blank, c)
        if self.forward:
            frame = self.window().rowsBetween(W.Window.unboundedPreceding, 0)
            nearest = F.last(usable, ignorenulls=True).over(frame)
        else:
            frame = self.window().rowsBetween(0, W.Window.unboundedFollowing)
            nearest = F.first(usable, ignorenulls=True).over(frame)
        return {self.source_column: F.when(blank, F.coalesce(nearest, c)).otherwise(c)}


_BLANKS = {"s": [None, "a", "", None, "ü", None]}
"""Blanks both ways fill: null and empty text, at the ends and between values."""


class FillDown(_FillOnward):
    """Fill each blank with the nearest non-blank value above it, within its group (pandas ffill).

    Blank means null, empty text or NaN. The column is rewritten in place. Rows are read per
    group of groupByColumns in orderByColumns order (empty lists: the whole table in row
    order); a blank with no value above it in its group stays as it was.
    """

    operation = "FILL_DOWN"
    forward = True
    examples: ClassVar = (
        Example(
            given=_BLANKS,
            params={"sourceColumn": "s"},
            expect={"s": [None, "a", "a", "a", "ü", "ü"]},
        ),
        Example(
            given={
                "g": ["x", "y", "x", "y", "x"],
                "t": [2, 1, 1, 2, 3],
                "v": [None, 1.5, 2.5, float("nan"), None],
            },
            params={"sourceColumn": "v", "groupByColumns": '["g"]', "orderByColumns": '["t"]'},
            expect={
                "g": ["x", "y", "x", "y", "x"],
                "t": [2, 1, 1, 2, 3],
                "v": [2.5, 1.5, 2.5, 1.5, 2.5],
            },
            title="within groups, in time order",
        ),
        Example(
            given={"g": [1, 2, 1], "n": [7, None, None]},
            params={"sourceColumn": "n", "groupByColumns": ["g"]},
            expect={"g": [1, 2, 1], "n": [7, None, 7]},
        ),
    )


class FillUp(_FillOnward):
    """Fill each blank with the nearest non-blank value below it, within its group (pandas bfill).

    Blank means null, empty text or NaN. The column is rewritten in place. Rows are read per
    group of groupByColumns in orderByColumns order (empty lists: the whole table in row
    order); a blank with no value below it in its group stays as it was.
    """

    operation = "FILL_UP"
    forward = False
    examples: ClassVar = (
        Example(
            given=_BLANKS,
            params={"sourceColumn": "s"},
            expect={"s": ["a", "a", "ü", "ü", "ü", None]},
        ),
        Example(
            given={"g": ["x", "y", "x", "y"], "t": [2, 1, 1, 2], "v": [5, None, None, 9]},
            params={"sourceColumn": "v", "groupByColumns": '["g"]', "orderByColumns": '["t"]'},
            expect={"g": ["x", "y", "x", "y"], "t": [2, 1, 1, 2], "v": [5, 9, 5, 9]},
        ),
    )


class BlankDown(Grouped):
    """Blank each value equal to the one right above it in its group, keeping the first of each run.

    OpenRefine's "blank down": repeated values become null. Values compare exactly (text is case
    sensitive, NaN equals NaN); empty text is a value. Rows are read per group of groupByColumns
    in orderByColumns order (empty lists: the whole table in row order). The column is
    rewritten in place.
    """

    operation = "BLANK_DOWN"
    extension: ClassVar[bool] = True
    category = Category.WINDOW
    source_column: Column
    group_by_columns: Columns = []
    order_by_columns: Columns = []
    examples: ClassVar = (
        Example(
            given={"s": ["a", "a", "A", None, None, "", "", "é", "a"]},
            params={"sourceColumn": "s"},
            expect={"s": ["a", None, "A", None, None, "", None, "é", "a"]},
        ),
        Example(
            given={
                "g": [1, 2, 1, 2, 1],
                "t": [3, 1, 1, 2, 2],
                "x": [4.0, 1.0, float("nan"), 1.0, float("nan")],
            },
            params={"sourceColumn": "x", "groupByColumns": ["g"], "orderByColumns": ["t"]},
            expect={"g": [1, 2, 1, 2, 1], "t": [3, 1, 1, 2, 2], "x": [4.0, 1.0, float("nan"), None, None]},
        ),
    )

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.source_column: schema[self.source_column]}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        s = df[self.source_column]
        arranged = self.arrangement(df)
        values = arranged.take(combined(s))
        repeated = pc.and_(same_as_previous(values), arranged.in_group(-1))
        blanked = pc.if_else(repeated, pa.scalar(None, values.type), values)
        return {self.source_column: wrap(arranged.restore(blanked), s)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        c = scol(self.source_column)
        above = F.lag(c, 1).over(self.window())
        return {self.source_column: F.when(c.eqNullSafe(above), F.lit(None)).otherwise(c)}
