"""Functions: aggregate. Extremes and counts across the listed columns of each row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.lazy import F
from workbench.core.registry import Category, Example
from workbench.core.row_aggregates import (
    RowAggregate,
    Stacked,
    pd_count,
    sp_count,
    sp_present,
)
from workbench.core.table import declare, row
from workbench.core.types import LType, Schema

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


# --- extremes and counts ----------------------------------------------------------------------


class Count(RowAggregate):
    """Count the non-empty values among the listed columns for each row, in a new column.

    Columns of any plain type count; null, NaN and the empty string do not. The result is an
    integer (0 for a row with nothing).
    """

    operation = "COUNT"
    category = Category.AGGREGATE
    numeric: ClassVar[bool] = False
    examples: ClassVar = (
        Example(
            given={
                "name": ["Ann", "", None, "Zoë"],
                "age": [31, None, None, 5],
                "ok": [True, False, None, None],
            },
            params={"sourceColumns": '["name","age","ok"]', "targetColumn": "n"},
            expect={
                "name": ["Ann", "", None, "Zoë"],
                "n": [3, 1, 0, 2],
                "age": [31, None, None, 5],
                "ok": [True, False, None, None],
            },
            expect_schema={"n": "integer"},
        ),
    )

    def value_type(self, schema: Schema) -> LType | None:
        return None

    def result_type(self, vtype: LType | None) -> LType:
        return LType.INTEGER

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        return pd_count(values)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        return sp_count(values)


class CountDistinct(RowAggregate):
    """Count the distinct non-empty values among the listed columns for each row, in a new column.

    Null, NaN and the empty string are skipped. Columns of different types are compared as
    text when they are not all numbers (1 and "1" are then the same value); integers and
    doubles compare as numbers. Text comparison is exact (case-sensitive). The result is an
    integer (0 for a row with nothing).
    """

    operation = "COUNT_DISTINCT"
    category = Category.AGGREGATE
    numeric: ClassVar[bool] = False
    examples: ClassVar = (
        Example(
            given={"a": ["x", "x", None, "é"], "b": ["x", "y", "", "É"], "c": ["X", None, None, "é"]},
            params={"sourceColumns": '["a","b","c"]', "targetColumn": "n"},
            expect={
                "a": ["x", "x", None, "é"],
                "n": [2, 2, 0, 2],
                "b": ["x", "y", "", "É"],
                "c": ["X", None, None, "é"],
            },
        ),
        Example(
            given={"i": [1, 2, None], "d": [1.0, 2.5, None]},
            params={"sourceColumns": '["i","d"]', "targetColumn": "n"},
            expect={"i": [1, 2, None], "n": [1, 2, 0], "d": [1.0, 2.5, None]},
            expect_schema={"n": "integer"},
        ),
        Example(
            given={"i": [1, 7], "s": ["1", "07"]},
            params={"sourceColumns": '["i","s"]', "targetColumn": "n"},
            title="mixed number and text columns compare as text",
            expect={"i": [1, 7], "n": [1, 2], "s": ["1", "07"]},
        ),
    )

    def result_type(self, vtype: LType | None) -> LType:
        return LType.INTEGER

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        counts, _ = Stacked(values, n).distinct().counts()
        return pa.array(counts, pa.int64())

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        return F.size(F.array_distinct(sp_present(values)))


EXTREMES_AND_ANY = declare(
    RowAggregate,
    Category.AGGREGATE,
    __name__,
    row(
        "MAX",
        """Write the largest number among the listed columns for each row to a new column.

        Missing values and text that is not a number are skipped; a row with none gives null.
        """,
        examples=(
            Example(
                given={"a": [1, None, -7, None], "b": [9, 3, -2, None]},
                params={"sourceColumns": '["a","b"]', "targetColumn": "hi"},
                expect={"a": [1, None, -7, None], "hi": [9, 3, -2, None], "b": [9, 3, -2, None]},
                expect_schema={"hi": "integer"},
            ),
            Example(
                given={"x": [1.5, None], "t": ["10", "n/a"]},
                params={"sourceColumns": '["x","t"]', "targetColumn": "hi"},
                expect={"x": [1.5, None], "hi": [10.0, None], "t": ["10", "n/a"]},
            ),
        ),
        pandas=lambda values, *_: pc.max_element_wise(*values, skip_nulls=True),
        spark=lambda values, _: F.greatest(*values) if len(values) > 1 else values[0],
    ),
    row(
        "MIN",
        """Write the smallest number among the listed columns for each row to a new column.

        Missing values and text that is not a number are skipped; a row with none gives null.
        """,
        examples=(
            Example(
                given={"a": [1, None, -7, None], "b": [9, 3, -2, None]},
                params={"sourceColumns": '["a","b"]', "targetColumn": "lo"},
                expect={"a": [1, None, -7, None], "lo": [1, 3, -7, None], "b": [9, 3, -2, None]},
                expect_schema={"lo": "integer"},
            ),
            Example(
                given={"x": [0.5, -1.0]},
                params={"sourceColumns": '["x"]', "targetColumn": "lo"},
                expect={"x": [0.5, -1.0], "lo": [0.5, -1.0]},
            ),
        ),
        pandas=lambda values, *_: pc.min_element_wise(*values, skip_nulls=True),
        spark=lambda values, _: F.least(*values) if len(values) > 1 else values[0],
    ),
    row(
        "ANY",
        """Write the first non-empty value among the listed columns, in their order, to a new column.

        DataBrew returns "any" value; Workbench picks the first one in sourceColumns order so the
        result is reproducible. Null, NaN and the empty string are skipped; a row with nothing gives
        null. Columns of one type keep it; numbers of mixed types give a double; any other mix
        gives text.
        """,
        examples=(
            Example(
                given={"nick": [None, "", "Bo", None], "name": ["Ann", "Cy", "Bob", None]},
                params={"sourceColumns": '["nick","name"]', "targetColumn": "any"},
                expect={
                    "nick": [None, "", "Bo", None],
                    "any": ["Ann", "Cy", "Bo", None],
                    "name": ["Ann", "Cy", "Bob", None],
                },
            ),
            Example(
                given={"age": [None, 42], "city": ["Oslo", "Lima"]},
                params={"sourceColumns": '["age","city"]', "targetColumn": "any"},
                expect={"age": [None, 42], "any": ["Oslo", "42"], "city": ["Oslo", "Lima"]},
                expect_schema={"any": "string"},
            ),
        ),
        pandas=lambda values, *_: pc.coalesce(*values),
        spark=lambda values, _: F.coalesce(*values),
        numeric=False,
    ),
)
