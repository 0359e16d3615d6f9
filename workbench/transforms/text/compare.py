"""Functions: text — comparing two strings (exactly, or by Unicode code point order)."""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.families import ColumnFunction, require_one_of
from workbench.core.lazy import F, scol
from workbench.core.params import NewColumn, Text, TextColumn
from workbench.core.registry import Category, Example
from workbench.core.table import declare, row
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column
    from pyspark.sql import DataFrame as SparkFrame

# --- comparing two strings ----------------------------------------------------------------


class _TwoStrings(ColumnFunction):
    """A comparison of two strings, each a text column or a literal value; boolean result."""

    abstract: ClassVar[bool] = True
    row_hooks: ClassVar[tuple[str, str]] = ("compare_pandas", "compare_spark")
    source_column1: TextColumn | None = None
    source_column2: TextColumn | None = None
    value1: Text | None = None
    value2: Text | None = None
    target_column: NewColumn

    @model_validator(mode="after")
    def _operands(self) -> _TwoStrings:
        for side in ("1", "2"):
            column, value = getattr(self, f"source_column{side}"), getattr(self, f"value{side}")
            require_one_of(self.operation, f"sourceColumn{side}", f"value{side}", column, value)
        return self

    def compare_pandas(self, left: Any, right: Any) -> Any:
        raise NotImplementedError

    def compare_spark(self, left: Column, right: Column) -> Column:
        raise NotImplementedError

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.BOOLEAN}

    def _pandas_operand(self, df: pd.DataFrame, ctx: PandasContext, side: str) -> pd.Series:
        column = getattr(self, f"source_column{side}")
        if column is not None:
            return df[column]
        return ctx.constant(getattr(self, f"value{side}"), LType.STRING, df.index)

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        left, right = self._pandas_operand(df, ctx, "1"), self._pandas_operand(df, ctx, "2")
        large = pa.large_string()
        result = self.compare_pandas(pc.cast(arr(left), large), pc.cast(arr(right), large))
        return {self.target_column: wrap(result, df.index)}

    def _spark_operand(self, side: str) -> Column:
        column = getattr(self, f"source_column{side}")
        return scol(column) if column is not None else F.lit(getattr(self, f"value{side}"))

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, Column]:
        return {self.target_column: self.compare_spark(self._spark_operand("1"), self._spark_operand("2"))}


_COMPARED: dict[str, list[Any]] = {
    "a": ["b", "a", "B", None, "\u00e9", ""],
    "b": ["a", "a", "a", "a", "z", "a"],
}
_COMPARE_PARAMS = {"sourceColumn1": "a", "sourceColumn2": "b", "targetColumn": "cmp"}


def _compared(result: list[bool | None]) -> dict[str, list[Any]]:
    """The expected table: the new column sits right after the first column read."""
    return {"a": _COMPARED["a"], "cmp": result, "b": _COMPARED["b"]}


STRING_COMPARISONS = declare(
    _TwoStrings,
    Category.TEXT,
    __name__,
    row(
        "EXACT",
        """Write true when two strings (columns or literal values) are exactly the same, else false.

        Case, spaces and accents all count; "é" and "e" plus a combining accent differ. The
        result is a boolean column; a null operand gives null.
        """,
        examples=(
            Example(
                given={"a": ["x", "X", None, "", "\u00e9", "x "], "b": ["x", "x", "x", "", "e\u0301", "x"]},
                params={"sourceColumn1": "a", "sourceColumn2": "b", "targetColumn": "same"},
                expect={
                    "a": ["x", "X", None, "", "\u00e9", "x "],
                    "same": [True, False, None, True, False, False],
                    "b": ["x", "x", "x", "", "e\u0301", "x"],
                },
            ),
            Example(
                given={"a": ["x", "y", None]},
                params={"sourceColumn1": "a", "value2": "x", "targetColumn": "is_x"},
                expect={"a": ["x", "y", None], "is_x": [True, False, None]},
                title="against a literal value",
            ),
        ),
        pandas=pc.equal,
        spark=operator.eq,
    ),
    row(
        "STRING_GREATER_THAN",
        """Write true when the first string sorts after the second, else false.

        Strings compare character by character by Unicode code point ("B" sorts before "a", "é"
        after "z"). The result is a boolean column; a null operand gives null.
        """,
        examples=(
            Example(
                given=_COMPARED,
                params=_COMPARE_PARAMS,
                expect=_compared([True, False, False, None, True, False]),
            ),
        ),
        pandas=pc.greater,
        spark=operator.gt,
    ),
    row(
        "STRING_GREATER_THAN_EQUAL",
        """Write true when the first string sorts after or equal to the second, else false.

        Strings compare by Unicode code point. The result is a boolean column; a null operand
        gives null.
        """,
        examples=(
            Example(
                given=_COMPARED,
                params=_COMPARE_PARAMS,
                expect=_compared([True, True, False, None, True, False]),
            ),
        ),
        pandas=pc.greater_equal,
        spark=operator.ge,
    ),
    row(
        "STRING_LESS_THAN",
        """Write true when the first string sorts before the second, else false.

        Strings compare by Unicode code point. The result is a boolean column; a null operand
        gives null.
        """,
        examples=(
            Example(
                given=_COMPARED,
                params=_COMPARE_PARAMS,
                expect=_compared([False, False, True, None, False, True]),
            ),
            Example(
                given={"a": ["apple", "pear", None]},
                params={"value1": "banana", "sourceColumn2": "a", "targetColumn": "cmp"},
                expect={"a": ["apple", "pear", None], "cmp": [False, True, None]},
                title="a literal first operand",
            ),
        ),
        pandas=pc.less,
        spark=operator.lt,
    ),
    row(
        "STRING_LESS_THAN_EQUAL",
        """Write true when the first string sorts before or equal to the second, else false.

        Strings compare by Unicode code point. The result is a boolean column; a null operand
        gives null.
        """,
        examples=(
            Example(
                given=_COMPARED,
                params=_COMPARE_PARAMS,
                expect=_compared([False, True, True, None, False, True]),
            ),
        ),
        pandas=pc.less_equal,
        spark=operator.le,
    ),
)
