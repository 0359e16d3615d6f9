"""Duplicates: flag or remove rows that repeat an earlier row (whole rows or one column's value).

"Earlier" is the current row order: the first occurrence is kept (or flagged false) and every
later repeat is removed (or flagged true). Nulls equal each other, so a second null is a
duplicate; NaN equals NaN and -0.0 equals 0.0; "" is a value like any other; text compares
exactly (case and accents matter). The remaining rows keep their order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.context import PandasContext, SparkContext
from workbench.core.families import ColumnFunction, RowFilter
from workbench.core.fill_values import require_scalar
from workbench.core.flagging import flag_ltype, flag_pandas, flag_spark
from workbench.core.lazy import F, W, scol
from workbench.core.params import Column, NewColumn, Text
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

_REPEAT = "__workbench_repeat"


def repeats_pandas(df: pd.DataFrame, columns: list[str]) -> pa.ChunkedArray:
    """True on every row whose values in ``columns`` already appeared in an earlier row."""
    keys = {}
    for i, name in enumerate(columns):
        a = arr(df[name])
        keys[f"k{i}"] = pc.add(a, 0.0) if pa.types.is_floating(a.type) else a  # -0.0 is 0.0
    position = pa.array(np.arange(len(df), dtype=np.int64))
    table = pa.table({**keys, "position": position})
    firsts = table.group_by(list(keys), use_threads=False).aggregate([("position", "min")])
    return pc.invert(pc.is_in(position, value_set=firsts["position_min"]))


def with_repeats_spark(df: SparkFrame, ctx: SparkContext, columns: list[str]) -> SparkFrame:
    """Add the row position and a ``_REPEAT`` column marking later occurrences of ``columns``."""
    from workbench.engines.spark import ROW_POSITION

    positioned = ctx.with_row_position(df)
    window = W.Window.partitionBy(*[scol(c) for c in columns]).orderBy(F.col(ROW_POSITION))
    return positioned.withColumn(_REPEAT, F.row_number().over(window) > 1)


def in_row_order(df: SparkFrame) -> SparkFrame:
    """Drop the helper column; the rows keep ``ROW_POSITION``, which the engine sorts by when needed."""
    return df.drop(_REPEAT)


def _require_scalars(transform: Any, schema: Schema, columns: list[str]) -> None:
    for column in columns:
        require_scalar(transform, schema, column, transform.parameter_of(column))


class _RemoveRepeats(RowFilter):
    abstract: ClassVar[bool] = True
    order_sensitive: ClassVar[bool] = True

    def key_columns(self, columns: list[str]) -> list[str]:
        raise NotImplementedError

    def check(self, schema: Schema) -> None:
        super().check(schema)
        _require_scalars(self, schema, self.key_columns(list(schema)))

    def pandas_drop(self, df: pd.DataFrame, ctx: PandasContext) -> pd.Series:
        repeats = repeats_pandas(df, self.key_columns([str(c) for c in df.columns]))
        return pd.Series(repeats.to_numpy(zero_copy_only=False), index=df.index, dtype=bool)

    def spark_drop(self, df: SparkFrame, ctx: SparkContext) -> SparkColumn:
        return F.col(_REPEAT)

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        marked = with_repeats_spark(df, ctx, self.key_columns(list(df.columns)))
        return in_row_order(super().apply_spark(marked, ctx, where))


class DeleteDuplicateRows(_RemoveRepeats):
    """Remove every row that exactly repeats an earlier row, keeping the first occurrence.

    Rows are equal when every column is equal (nulls equal nulls). Columns of arrays, structs
    or maps cannot be compared and make the step fail validation.
    """

    operation = "DELETE_DUPLICATE_ROWS"
    category = Category.DUPLICATES
    examples: ClassVar = (
        Example(
            given={"a": ["x", "x", None, None, "y", "x", "X"], "b": [1, 1, None, None, 2, 2, 1]},
            params={},
            expect={"a": ["x", None, "y", "x", "X"], "b": [1, None, 2, 2, 1]},
        ),
        Example(
            given={"v": [0.0, -0.0, float("nan"), 1.5, float("nan"), None, None]},
            params={},
            expect={"v": [0.0, float("nan"), 1.5, None]},
        ),
        Example(
            given={"a": ["p", "p", "q", "q"], "n": [1, 1, 2, 2]},
            params={},
            conditions=({"Condition": "IS", "Value": '["q"]', "TargetColumn": "a"},),
            expect={"a": ["p", "p", "q"], "n": [1, 1, 2]},
        ),
    )

    def key_columns(self, columns: list[str]) -> list[str]:
        return columns


class RemoveDuplicates(_RemoveRepeats):
    """Remove the rows whose value in a column repeats an earlier row's value, keeping the first.

    A second null (or NaN) is a repeat of the first; "" is a value like any other.
    """

    operation = "REMOVE_DUPLICATES"
    category = Category.DUPLICATES
    source_column: Column
    examples: ClassVar = (
        Example(
            given={"id": [1, 2, 1, None, None, 3], "v": ["a", "b", "c", "d", "e", "f"]},
            params={"sourceColumn": "id"},
            expect={"id": [1, 2, None, 3], "v": ["a", "b", "d", "f"]},
        ),
        Example(
            given={"city": ["Oslo", "oslo", "Oslo", "", "", "Zürich", "Zürich"], "n": [1, 2, 3, 4, 5, 6, 7]},
            params={"sourceColumn": "city"},
            expect={"city": ["Oslo", "oslo", "", "Zürich"], "n": [1, 2, 4, 6]},
        ),
    )

    def key_columns(self, columns: list[str]) -> list[str]:
        return [self.source_column]


class _FlagRepeats(ColumnFunction):
    abstract: ClassVar[bool] = True
    order_sensitive: ClassVar[bool] = True
    if TYPE_CHECKING:  # declared by each subclass, in DataBrew's parameter order
        target_column: str
        true_string: str | None
        false_string: str | None

    def key_columns(self, columns: list[str]) -> list[str]:
        raise NotImplementedError

    def check(self, schema: Schema) -> None:
        super().check(schema)
        _require_scalars(self, schema, self.key_columns(list(schema)))

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: flag_ltype(self.true_string, self.false_string)}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        repeats = repeats_pandas(df, self.key_columns([str(c) for c in df.columns]))
        flag = flag_pandas(repeats, df.index, self.true_string, self.false_string)
        return {self.target_column: flag}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        flag = flag_spark(F.col(_REPEAT), self.true_string, self.false_string)
        return {self.target_column: flag}

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        marked = with_repeats_spark(df, ctx, self.key_columns(list(df.columns)))
        return in_row_order(super().apply_spark(marked, ctx, where))


class FlagDuplicateRows(_FlagRepeats):
    """Add a column that is true on every row that exactly repeats an earlier row.

    The first occurrence is false, later repeats true (nulls equal nulls). The flag is boolean
    unless trueString/falseString are given, then text ("True"/"False" stand in for the one
    not given). The new column goes at the end.
    """

    operation = "FLAG_DUPLICATE_ROWS"
    category = Category.DUPLICATES
    target_column: NewColumn
    true_string: Text | None = None
    false_string: Text | None = None
    examples: ClassVar = (
        Example(
            given={"a": ["x", "x", "y", None, None, "x"], "b": [1, 1, 1, None, None, 2]},
            params={"targetColumn": "dup"},
            expect={
                "a": ["x", "x", "y", None, None, "x"],
                "b": [1, 1, 1, None, None, 2],
                "dup": [False, True, False, False, True, False],
            },
        ),
        Example(
            given={"a": ["é", "é", "e"]},
            params={"targetColumn": "dup", "trueString": "repeat", "falseString": "first"},
            expect={"a": ["é", "é", "e"], "dup": ["first", "repeat", "first"]},
        ),
    )

    def key_columns(self, columns: list[str]) -> list[str]:
        return columns


class FlagDuplicatesInColumn(_FlagRepeats):
    """Add a column that is true where a column's value already appeared in an earlier row.

    The first occurrence is false, later repeats true; a second null is a repeat. The flag is
    boolean unless trueString/falseString are given, then text ("True"/"False" stand in for
    the one not given).
    """

    operation = "FLAG_DUPLICATES_IN_COLUMN"
    category = Category.DUPLICATES
    source_column: Column
    target_column: NewColumn
    true_string: Text | None = None
    false_string: Text | None = None
    examples: ClassVar = (
        Example(
            given={"city": ["Oslo", "Rome", "Oslo", None, None, "oslo", ""], "n": [1, 2, 3, 4, 5, 6, 7]},
            params={"sourceColumn": "city", "targetColumn": "seen"},
            expect={
                "city": ["Oslo", "Rome", "Oslo", None, None, "oslo", ""],
                "seen": [False, False, True, False, True, False, False],
                "n": [1, 2, 3, 4, 5, 6, 7],
            },
        ),
        Example(
            given={"x": [2.5, None, 2.5, -1.0]},
            params={"sourceColumn": "x", "targetColumn": "dup", "trueString": "dup"},
            expect={"x": [2.5, None, 2.5, -1.0], "dup": ["False", "False", "dup", "False"]},
        ),
        Example(
            given={"k": ["a", "a", "a"], "g": [1, 2, 2]},
            params={"sourceColumn": "k", "targetColumn": "dup"},
            conditions=({"Condition": "GREATER_THAN", "Value": "1", "TargetColumn": "g"},),
            expect={"k": ["a", "a", "a"], "dup": [None, True, True], "g": [1, 2, 2]},
        ),
    )

    def key_columns(self, columns: list[str]) -> list[str]:
        return [self.source_column]
