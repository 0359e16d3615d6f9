"""Window functions: row numbers, neighbouring rows (PREV, NEXT, LAG, LEAD) and COALESCE."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import F, scol
from workbench.core.ordered import Grouped, OrderedDerive, combined, non_negative, position, spark_window
from workbench.core.params import Column, Columns, Integer, NewColumn, Text
from workbench.core.registry import Category, Example
from workbench.core.rolling import shift
from workbench.core.types import LType, Schema, arrow_type
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


# --- row numbers ---------------------------------------------------------------------------------


class RowNumber(Grouped):
    """Number the rows 1, 2, 3… within each group, in the order of the given columns, in a new column.

    Rows are numbered by orderByColumns ascending (nulls last); rows that tie keep their current
    order. Empty groupByColumns number the whole table; empty orderByColumns follow row order.
    Rows that share a null group key form one group. The rows themselves are not reordered.
    """

    operation = "ROW_NUMBER"
    category = Category.WINDOW
    group_by_columns: Columns
    order_by_columns: Columns
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"g": ["a", "b", "a", "a", None, "b"], "v": [3, 1, None, 3, 5, 0]},
            params={"groupByColumns": '["g"]', "orderByColumns": '["v"]', "targetColumn": "n"},
            expect={
                "g": ["a", "b", "a", "a", None, "b"],
                "n": [1, 2, 3, 2, 1, 1],
                "v": [3, 1, None, 3, 5, 0],
            },
        ),
        Example(
            given={"v": ["b", "a", None, "é", "a"]},
            params={"groupByColumns": [], "orderByColumns": ["v"], "targetColumn": "n"},
            expect={"v": ["b", "a", None, "é", "a"], "n": [3, 1, 5, 4, 2]},
        ),
        Example(
            given={"x": [2.5, None, -1.0]},
            params={"groupByColumns": "[]", "orderByColumns": "[]", "targetColumn": "n"},
            expect={"x": [2.5, None, -1.0], "n": [1, 2, 3]},
        ),
    )

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.INTEGER}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        arranged = self.arrangement(df)
        index = pa.array(np.arange(len(df), dtype=np.int64))
        start = pc.fill_null_forward(pc.if_else(arranged.starts, index, pa.scalar(None, pa.int64())))
        numbers = pc.add(pc.subtract(index, start), 1)
        return {self.target_column: wrap(arranged.restore(numbers), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        return {self.target_column: F.row_number().over(self.window()).cast("long")}


# --- neighbouring rows -------------------------------------------------------------------------------


class Prev(OrderedDerive):
    """Copy the value from numRows rows above into a new column (null where there is no such row)."""

    operation = "PREV"
    category = Category.WINDOW
    source_column: Column
    num_rows: Integer
    examples: ClassVar = (
        Example(
            given={"x": [1, 2, None, 4]},
            params={"sourceColumn": "x", "numRows": "1", "targetColumn": "p"},
            expect={"x": [1, 2, None, 4], "p": [None, 1, 2, None]},
        ),
        Example(
            given={"s": ["a", "b", "ü", None]},
            params={"sourceColumn": "s", "numRows": 2, "targetColumn": "p"},
            expect={"s": ["a", "b", "ü", None], "p": [None, None, "a", "b"]},
        ),
        Example(
            given={"s": ["a", None]},
            params={"sourceColumn": "s", "numRows": 5, "targetColumn": "p"},
            expect={"s": ["a", None], "p": [None, None]},
        ),
        Example(
            given={"s": ["a", None]},
            params={"sourceColumn": "s", "numRows": 0, "targetColumn": "p"},
            expect={"s": ["a", None], "p": ["a", None]},
        ),
    )

    @model_validator(mode="after")
    def _check_rows(self) -> Prev:
        non_negative(self, numRows=self.num_rows)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(shift(combined(s), -self.num_rows), s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        if self.num_rows == 0:
            return c
        return F.lag(c, self.num_rows).over(spark_window().orderBy(position()))


class Next(OrderedDerive):
    """Copy the value from numRows rows below into a new column (null where there is no such row)."""

    operation = "NEXT"
    category = Category.WINDOW
    source_column: Column
    num_rows: Integer
    examples: ClassVar = (
        Example(
            given={"x": [1, 2, None, 4]},
            params={"sourceColumn": "x", "numRows": "1", "targetColumn": "n"},
            expect={"x": [1, 2, None, 4], "n": [2, None, 4, None]},
        ),
        Example(
            given={"d": [1.5, -2.0, 3.25]},
            params={"sourceColumn": "d", "numRows": 2, "targetColumn": "n"},
            expect={"d": [1.5, -2.0, 3.25], "n": [3.25, None, None]},
        ),
    )

    @model_validator(mode="after")
    def _check_rows(self) -> Next:
        non_negative(self, numRows=self.num_rows)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(shift(combined(s), self.num_rows), s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        if self.num_rows == 0:
            return c
        return F.lead(c, self.num_rows).over(spark_window().orderBy(position()))


class _Offset(Grouped):
    """The value ``offset`` rows away within the group, in orderByColumns order."""

    abstract: ClassVar[bool] = True
    direction: ClassVar[int]
    """-1 reads rows above, 1 rows below."""
    source_column: Column
    group_by_columns: Columns = []
    order_by_columns: Columns = []
    offset: Integer = 1
    default_value: Text | None = None
    target_column: NewColumn

    @model_validator(mode="after")
    def _check_offset(self) -> _Offset:
        non_negative(self, offset=self.offset)
        return self

    def check(self, schema: Schema) -> None:
        super().check(schema)
        self.default(schema[self.source_column])

    def default(self, ltype: LType) -> Any:
        """defaultValue read as a value of the column's type (None when not given)."""
        if self.default_value is None:
            return None
        if ltype not in _DEFAULT_READERS:
            raise ParameterError(
                f"a default value needs a text, integer, double or boolean column, not {ltype.value}",
                operation=self.operation,
                parameter="defaultValue",
                column=self.source_column,
            )
        try:
            return _DEFAULT_READERS[ltype](self.default_value)
        except ValueError:
            raise ParameterError(
                f"{self.default_value!r} is not a {ltype.value} value like the column's",
                operation=self.operation,
                parameter="defaultValue",
                column=self.source_column,
            ) from None

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: schema[self.source_column]}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        ltype = ctx.schema_of(df)[self.source_column]
        arranged = self.arrangement(df)
        values = arranged.take(combined(df[self.source_column]))
        offset = self.direction * self.offset
        moved = arranged.shift(values, offset)
        default = self.default(ltype)
        if default is not None:
            moved = pc.if_else(arranged.in_group(offset), moved, pa.scalar(default, arrow_type(ltype)))
        return {self.target_column: wrap(arranged.restore(moved), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        ltype = ctx.schema_of(df)[self.source_column]
        c = scol(self.source_column)
        if self.offset == 0:
            return {self.target_column: c}
        move = F.lag if self.direction < 0 else F.lead
        moved = move(c, self.offset).over(self.window())
        default = self.default(ltype)
        if default is not None:
            # Only rows with no row that far away take the default; a null read from a row stays null.
            exists = move(F.lit(1), self.offset).over(self.window()).isNotNull()
            moved = F.when(exists, moved).otherwise(F.lit(default).cast(_SPARK_TYPES[ltype]))
        return {self.target_column: moved}


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise ValueError(text)
    return lowered == "true"


_DEFAULT_READERS: dict[LType, Any] = {
    LType.STRING: str,
    LType.INTEGER: lambda text: int(text.strip()),
    LType.DOUBLE: lambda text: float(text.strip()),
    LType.BOOLEAN: _boolean,
}
_SPARK_TYPES = {
    LType.STRING: "string",
    LType.INTEGER: "long",
    LType.DOUBLE: "double",
    LType.BOOLEAN: "boolean",
}


class Lag(_Offset):
    """Copy the value from offset rows above within each group, in orderByColumns order, to a new column.

    Like pandas ``groupby().shift(offset)``: rows with no row that far above in their group get
    defaultValue (null when none is given); a null read from a row stays null. Empty
    groupByColumns use the whole table, empty orderByColumns row order (nulls sort last, ties keep
    row order). defaultValue is read as the column's type (text, integer, double or boolean).
    """

    operation = "LAG"
    extension: ClassVar[bool] = True
    category = Category.WINDOW
    direction = -1
    examples: ClassVar = (
        Example(
            given={
                "g": ["a", "b", "a", None, "a", None],
                "t": [3, 1, 1, None, 2, 5],
                "x": [30, 10, 11, None, 20, 7],
            },
            params={
                "sourceColumn": "x",
                "groupByColumns": '["g"]',
                "orderByColumns": '["t"]',
                "targetColumn": "p",
            },
            expect={
                "g": ["a", "b", "a", None, "a", None],
                "t": [3, 1, 1, None, 2, 5],
                "x": [30, 10, 11, None, 20, 7],
                "p": [20, None, None, 7, 11, None],
            },
            title="grouped and ordered; null keys form a group and sort last",
        ),
        Example(
            given={"s": ["é", None, "", "z"]},
            params={"sourceColumn": "s", "offset": "2", "defaultValue": "—", "targetColumn": "p"},
            expect={"s": ["é", None, "", "z"], "p": ["—", "—", "é", None]},
            title="row order, a default for the rows at the top",
        ),
        Example(
            given={"x": [1.5, float("nan"), None]},
            params={"sourceColumn": "x", "offset": 1, "defaultValue": "0", "targetColumn": "p"},
            expect={"x": [1.5, float("nan"), None], "p": [0.0, 1.5, float("nan")]},
        ),
        Example(
            given={"x": [1, 2]},
            params={"sourceColumn": "x", "offset": 0, "targetColumn": "p"},
            expect={"x": [1, 2], "p": [1, 2]},
        ),
    )


class Lead(_Offset):
    """Copy the value from offset rows below within each group, in orderByColumns order, to a new column.

    Like pandas ``groupby().shift(-offset)``: rows with no row that far below in their group get
    defaultValue (null when none is given); a null read from a row stays null. Empty
    groupByColumns use the whole table, empty orderByColumns row order (nulls sort last, ties keep
    row order). defaultValue is read as the column's type (text, integer, double or boolean).
    """

    operation = "LEAD"
    extension: ClassVar[bool] = True
    category = Category.WINDOW
    direction = 1
    examples: ClassVar = (
        Example(
            given={
                "g": [1, 1, 2, 1, 2],
                "t": ["b", "a", "x", "a", "y"],
                "b": [True, False, None, True, False],
            },
            params={
                "sourceColumn": "b",
                "groupByColumns": ["g"],
                "orderByColumns": ["t"],
                "defaultValue": "FALSE",
                "targetColumn": "n",
            },
            expect={
                "g": [1, 1, 2, 1, 2],
                "t": ["b", "a", "x", "a", "y"],
                "b": [True, False, None, True, False],
                "n": [False, True, False, True, False],
            },
            title="ties in the order keep row order",
        ),
        Example(
            given={"x": [3, None, 5, 6]},
            params={"sourceColumn": "x", "offset": "3", "targetColumn": "n"},
            expect={"x": [3, None, 5, 6], "n": [6, None, None, None]},
        ),
    )


# --- coalesce ------------------------------------------------------------------------------------------


def _common_type(types: list[LType]) -> LType:
    kinds = set(types)
    if len(kinds) == 1:
        return types[0]
    if all(t.is_numeric for t in kinds):
        return LType.DOUBLE
    return LType.STRING


class Coalesce(ColumnFunction):
    """Write the first non-null value of the listed columns, in the listed order, to a new column.

    Only null counts as missing (empty text is a value). Columns of one type keep it; numbers of
    different types give a double; any other mix gives text, each value converted by the casting
    rules (3.0 prints as "3").
    """

    operation = "COALESCE"
    category = Category.OTHER
    source_columns: Columns
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"a": [None, "x", None, ""], "b": ["y", "z", None, "w"]},
            params={"sourceColumns": '["a","b"]', "targetColumn": "c"},
            expect={"a": [None, "x", None, ""], "c": ["y", "x", None, ""], "b": ["y", "z", None, "w"]},
        ),
        Example(
            given={"a": [1, None, None], "b": [2.5, 3.5, None]},
            params={"sourceColumns": ["b", "a"], "targetColumn": "c"},
            expect={"a": [1, None, None], "b": [2.5, 3.5, None], "c": [2.5, 3.5, None]},
        ),
        Example(
            given={"a": [1, None, None], "b": [2.5, 3.5, None]},
            params={"sourceColumns": ["a", "b"], "targetColumn": "c"},
            expect={"a": [1, None, None], "c": [1.0, 3.5, None], "b": [2.5, 3.5, None]},
        ),
        Example(
            given={"s": [None, "k", None], "n": [7, 8, None], "f": [None, None, 3.0]},
            params={"sourceColumns": ["s", "n", "f"], "targetColumn": "c"},
            expect={"s": [None, "k", None], "c": ["7", "k", "3"], "n": [7, 8, None], "f": [None, None, 3.0]},
        ),
    )

    @model_validator(mode="after")
    def _some_columns(self) -> Coalesce:
        if not self.source_columns:
            raise ParameterError(
                "list at least one column", operation=self.operation, parameter="sourceColumns"
            )
        return self

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: _common_type([schema[c] for c in self.source_columns])}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        schema = ctx.schema_of(df)
        target = _common_type([schema[c] for c in self.source_columns])
        columns = [arr(cast_pandas(df[c], schema[c], target)) for c in self.source_columns]
        result = columns[0] if len(columns) == 1 else pc.coalesce(*columns)
        return {self.target_column: wrap(result, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        schema = ctx.schema_of(df)
        target = _common_type([schema[c] for c in self.source_columns])
        columns = [cast_spark(scol(c), schema[c], target) for c in self.source_columns]
        return {self.target_column: F.coalesce(*columns)}
