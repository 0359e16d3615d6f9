"""Column: change types, delete, duplicate, move, rename and sort."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import field_validator, model_validator

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ColumnNotFoundError, ParameterError, nearest
from workbench.core.families import ColumnFunction, Derive, TableTransform
from workbench.core.lazy import F, scol
from workbench.core.params import (
    Column,
    Columns,
    Integer,
    NewColumn,
    ParamKind,
    ParamModel,
    enum_param,
    structured,
)
from workbench.core.registry import Category, Example
from workbench.core.types import CAST_TARGETS, LType, Schema
from workbench.engines.pandas.arrow import arr, take_rows

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

DataType = Enum("DataType", {name.upper(): name for name in CAST_TARGETS}, type=str)  # type: ignore[misc]


class _Cast(ColumnFunction):
    """Shared body of the type changes: cast in place, failures become null."""

    abstract: ClassVar[bool] = True
    source_column: Column

    def target_type(self) -> LType:
        raise NotImplementedError

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.source_column: self.target_type()}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        source = ctx.schema_of(df)[self.source_column]
        return {self.source_column: cast_pandas(df[self.source_column], source, self.target_type())}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        source = ctx.schema_of(df)[self.source_column]
        return {self.source_column: cast_spark(scol(self.source_column), source, self.target_type())}


class ChangeDataType(_Cast):
    """Change a column's data type; values that cannot be converted become null.

    Text converts by the rules in docs/semantics.md (integers of up to 18 digits, decimal
    numbers, true/false in any case, ISO dates and timestamps); anything else becomes null.
    byte, short, int, integer and long all give a 64-bit integer column.
    """

    operation = "CHANGE_DATA_TYPE"
    category = Category.COLUMN
    column_data_type: enum_param(DataType)  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            given={"age": ["42", " 7 ", "4.5", "x", None, "+3", "63.0"]},
            params={"sourceColumn": "age", "columnDataType": "integer"},
            expect={"age": [42, 7, None, None, None, 3, 63]},
        ),
        Example(
            given={"price": ["1.5", "-2", "1e3", "", None]},
            params={"sourceColumn": "price", "columnDataType": "double"},
            expect={"price": [1.5, -2.0, 1000.0, None, None]},
        ),
        Example(
            given={"n": [3, -1, None]},
            params={"sourceColumn": "n", "columnDataType": "string"},
            expect={"n": ["3", "-1", None]},
        ),
        Example(
            given={"x": [2.5, 3.0, -1.25, None]},
            params={"sourceColumn": "x", "columnDataType": "string"},
            expect={"x": ["2.5", "3", "-1.25", None]},
        ),
        Example(
            given={"ok": ["TRUE", "false", "yes", None]},
            params={"sourceColumn": "ok", "columnDataType": "boolean"},
            expect={"ok": [True, False, None, None]},
        ),
        Example(
            given={"d": ["2024-02-29", "2023-02-30", "2024-1-5", None]},
            params={"sourceColumn": "d", "columnDataType": "date"},
            expect={"d": [dt.date(2024, 2, 29), None, None, None]},
        ),
        Example(
            given={"t": ["2024-01-05 13:07:09", "2024-01-05T01:02:03", "2024-01-05", "13:07", None]},
            params={"sourceColumn": "t", "columnDataType": "timestamp"},
            expect={
                "t": [
                    dt.datetime(2024, 1, 5, 13, 7, 9),
                    dt.datetime(2024, 1, 5, 1, 2, 3),
                    dt.datetime(2024, 1, 5),
                    None,
                    None,
                ]
            },
        ),
        Example(
            given={"t": [dt.datetime(2024, 1, 5, 13, 7, 9, 250000), None]},
            params={"sourceColumn": "t", "columnDataType": "string"},
            expect={"t": ["2024-01-05 13:07:09", None]},
        ),
        Example(
            given={"x": [float("nan"), float("inf"), float("-inf"), 0.25]},
            params={"sourceColumn": "x", "columnDataType": "string"},
            expect={"x": ["NaN", "Infinity", "-Infinity", "0.25"]},
        ),
        Example(
            title="numbers print with up to 6 decimals and no exponent below 9.2e12",
            given={"x": [0.0005, 12345678.5, 1e-7, -1.25, 1e15, 1e300, 123.4567894, -0.0, None]},
            params={"sourceColumn": "x", "columnDataType": "string"},
            expect={
                "x": [
                    "0.0005",
                    "12345678.5",
                    "0",
                    "-1.25",
                    "1000000000000000",
                    "1E300",
                    "123.456789",
                    "0",
                    None,
                ]
            },
        ),
        Example(
            given={"x": [2.7, -2.7, None]},
            params={"sourceColumn": "x", "columnDataType": "long"},
            expect={"x": [2, -2, None]},
        ),
    )

    def target_type(self) -> LType:
        return CAST_TARGETS[self.column_data_type.value]


def _fixed_cast(name: str, target: str, ltype: LType, doc: str, example: Example) -> type[_Cast]:
    choice = Enum(f"{name}Type", {target.upper(): target}, type=str)  # type: ignore[misc]
    namespace = {
        "__doc__": doc,
        "__annotations__": {"column_data_type": enum_param(choice)},
        "column_data_type": target,
        "operation": name,
        "category": Category.COLUMN,
        "examples": (example,),
        "target_type": lambda self: ltype,
        "__module__": __name__,
    }
    return type("".join(p.title() for p in name.split("_")), (_Cast,), namespace)


ToBooleanColumn = _fixed_cast(
    "TO_BOOLEAN_COLUMN",
    "boolean",
    LType.BOOLEAN,
    "Convert a column to true/false values (legacy form of CHANGE_DATA_TYPE).",
    Example(
        given={"b": ["true", "False", "1", None]},
        params={"sourceColumn": "b", "columnDataType": "boolean"},
        expect={"b": [True, False, None, None]},
    ),
)
ToDoubleColumn = _fixed_cast(
    "TO_DOUBLE_COLUMN",
    "double",
    LType.DOUBLE,
    "Convert a column to decimal numbers (legacy form of CHANGE_DATA_TYPE).",
    Example(
        given={"x": ["1.25", "abc", None, "3"]},
        params={"sourceColumn": "x", "columnDataType": "double"},
        expect={"x": [1.25, None, None, 3.0]},
    ),
)
ToNumberColumn = _fixed_cast(
    "TO_NUMBER_COLUMN",
    "number",
    LType.DOUBLE,
    "Convert a column to numbers (legacy form of CHANGE_DATA_TYPE; gives decimal numbers).",
    Example(
        given={"x": ["10", "-0.5", "n/a", None]},
        params={"sourceColumn": "x", "columnDataType": "number"},
        expect={"x": [10.0, -0.5, None, None]},
    ),
)
ToStringColumn = _fixed_cast(
    "TO_STRING_COLUMN",
    "string",
    LType.STRING,
    "Convert a column to text (legacy form of CHANGE_DATA_TYPE).",
    Example(
        given={"x": [1, 20, None]},
        params={"sourceColumn": "x", "columnDataType": "string"},
        expect={"x": ["1", "20", None]},
    ),
)


class Duplicate(Derive):
    """Copy a column into a new column."""

    operation = "DUPLICATE"
    category = Category.COLUMN
    examples: ClassVar = (
        Example(
            given={"a": ["x", None], "b": [1, 2]},
            params={"sourceColumn": "a", "targetColumn": "a_copy"},
            expect={"a": ["x", None], "a_copy": ["x", None], "b": [1, 2]},
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return s.copy(deep=False)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        return c


class _Reorder(TableTransform):
    """Base of the steps that only change column order or names."""

    abstract: ClassVar[bool] = True

    def output_schema(self, schema: Schema) -> Schema:
        return {self.renamed(name): schema[name] for name in self.order(list(schema))}

    def order(self, columns: list[str]) -> list[str]:
        return columns

    def renamed(self, name: str) -> str:
        return name

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        columns = [str(c) for c in df.columns]
        out = df[self.order(columns)]
        mapping = {c: self.renamed(c) for c in columns if self.renamed(c) != c}
        return out.rename(columns=mapping) if mapping else out

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        columns = self.order(list(df.columns))
        return df.select(*[scol(c).alias(self.renamed(c)) for c in columns])


class Delete(_Reorder):
    """Remove one or more columns."""

    operation = "DELETE"
    category = Category.COLUMN
    source_column: Column | None = None
    source_columns: Columns | None = None
    examples: ClassVar = (
        Example(
            given={"a": [1, None], "b": ["x", "y"], "c": [True, False]},
            params={"sourceColumns": '["a","c"]'},
            expect={"b": ["x", "y"]},
        ),
        Example(
            given={"a": [1, None], "b": ["x", "y"]}, params={"sourceColumn": "b"}, expect={"a": [1, None]}
        ),
    )

    @model_validator(mode="after")
    def _some_column(self) -> Delete:
        if not self.source_column and not self.source_columns:
            raise ParameterError(
                "give sourceColumn or sourceColumns", operation=self.operation, parameter="sourceColumns"
            )
        return self

    def order(self, columns: list[str]) -> list[str]:
        gone = set(self.reads())
        return [c for c in columns if c not in gone]


class Rename(_Reorder):
    """Give a column a new name."""

    operation = "RENAME"
    category = Category.COLUMN
    source_column: Column
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"Column_1": [63, None], "b": ["x", "y"]},
            params={"sourceColumn": "Column_1", "targetColumn": "age"},
            expect={"age": [63, None], "b": ["x", "y"]},
        ),
    )

    def check(self, schema: Schema) -> None:
        super().check(schema)
        if self.target_column in schema and self.target_column != self.source_column:
            raise ParameterError(
                f"column {self.target_column!r} already exists; choose another name",
                operation=self.operation,
                parameter="targetColumn",
                column=self.target_column,
            )

    def renamed(self, name: str) -> str:
        return self.target_column if name == self.source_column else name


class MoveToStart(_Reorder):
    """Move a column to the first position."""

    operation = "MOVE_TO_START"
    category = Category.COLUMN
    source_column: Column
    examples: ClassVar = (
        Example(
            given={"a": [1], "b": [None], "c": [3]},
            schema={"b": "integer"},
            params={"sourceColumn": "c"},
            expect={"c": [3], "a": [1], "b": [None]},
        ),
    )

    def order(self, columns: list[str]) -> list[str]:
        return [self.source_column, *[c for c in columns if c != self.source_column]]


class MoveToEnd(_Reorder):
    """Move a column to the last position."""

    operation = "MOVE_TO_END"
    category = Category.COLUMN
    source_column: Column
    examples: ClassVar = (
        Example(
            given={"a": [1], "b": [None], "c": [3]},
            schema={"b": "integer"},
            params={"sourceColumn": "a"},
            expect={"b": [None], "c": [3], "a": [1]},
        ),
    )

    def order(self, columns: list[str]) -> list[str]:
        return [*[c for c in columns if c != self.source_column], self.source_column]


class MoveToIndex(_Reorder):
    """Move a column to a position (0 is the first; past the end means last)."""

    operation = "MOVE_TO_INDEX"
    category = Category.COLUMN
    source_column: Column
    target_index: Integer
    examples: ClassVar = (
        Example(
            given={"a": [1], "b": [None], "c": [3]},
            schema={"b": "integer"},
            params={"sourceColumn": "c", "targetIndex": "1"},
            expect={"a": [1], "c": [3], "b": [None]},
        ),
        Example(
            given={"a": [1], "b": [None], "c": [3]},
            schema={"b": "integer"},
            params={"sourceColumn": "a", "targetIndex": 9},
            expect={"b": [None], "c": [3], "a": [1]},
        ),
    )

    @model_validator(mode="after")
    def _non_negative(self) -> MoveToIndex:
        if self.target_index < 0:
            raise ParameterError(
                "targetIndex must be 0 or more", operation=self.operation, parameter="targetIndex"
            )
        return self

    def order(self, columns: list[str]) -> list[str]:
        rest = [c for c in columns if c != self.source_column]
        rest.insert(min(self.target_index, len(rest)), self.source_column)
        return rest


class MoveAfter(_Reorder):
    """Move a column to just after another column."""

    operation = "MOVE_AFTER"
    category = Category.COLUMN
    source_column: Column
    target_column: Column
    examples: ClassVar = (
        Example(
            given={"a": [1], "b": [None], "c": [3]},
            schema={"b": "integer"},
            params={"sourceColumn": "a", "targetColumn": "b"},
            expect={"b": [None], "a": [1], "c": [3]},
        ),
    )

    def order(self, columns: list[str]) -> list[str]:
        rest = [c for c in columns if c != self.source_column]
        rest.insert(rest.index(self.target_column) + 1, self.source_column)
        return rest


class MoveBefore(_Reorder):
    """Move a column to just before another column."""

    operation = "MOVE_BEFORE"
    category = Category.COLUMN
    source_column: Column
    target_column: Column
    examples: ClassVar = (
        Example(
            given={"a": [1], "b": [None], "c": [3]},
            schema={"b": "integer"},
            params={"sourceColumn": "c", "targetColumn": "a"},
            expect={"c": [3], "a": [1], "b": [None]},
        ),
    )

    def order(self, columns: list[str]) -> list[str]:
        rest = [c for c in columns if c != self.source_column]
        rest.insert(rest.index(self.target_column), self.source_column)
        return rest


def missing_column(column: str, schema: Schema, operation: str, parameter: str) -> ColumnNotFoundError:
    """The error for a column named inside a structured parameter."""
    return ColumnNotFoundError(
        f"column {column!r} does not exist at this step",
        operation=operation,
        parameter=parameter,
        column=column,
        suggestion=nearest(column, schema),
    )


class Ordering(str, Enum):
    ASCENDING = "ASCENDING"
    DESCENDING = "DESCENDING"


class NullsOrdering(str, Enum):
    NULLS_TOP = "NULLS_TOP"
    NULLS_BOTTOM = "NULLS_BOTTOM"


class SortKey(ParamModel):
    """One sort key: a column, its direction, where nulls go and an optional custom order."""

    source_column: str
    ordering: Ordering = Ordering.ASCENDING
    nulls_ordering: NullsOrdering = NullsOrdering.NULLS_BOTTOM
    custom_order: list[str] | None = None
    is_custom_order_case_sensitive: bool = True

    @field_validator("ordering", "nulls_ordering", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("is_custom_order_case_sensitive", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> Any:
        return value.strip().lower() == "true" if isinstance(value, str) else value


class Sort(TableTransform):
    """Sort the rows by one or more columns.

    The sort is stable (rows that tie keep their order) on both engines. Nulls go where each
    key's ``nullsOrdering`` says (bottom by default). With ``customOrder`` the listed values come
    first, in the listed order, and the other values follow in the key's direction.
    """

    operation = "SORT"
    category = Category.SORT
    order_sensitive = True
    keeps_row_position = True
    expressions: structured(ParamKind.SORT_KEYS, list[SortKey])  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            given={"city": ["b", None, "a", "b"], "n": [2, 1, 3, 1]},
            params={
                "expressions": '[{"sourceColumn":"city","ordering":"ASCENDING","nullsOrdering":"NULLS_TOP"},'
                '{"sourceColumn":"n","ordering":"DESCENDING"}]'
            },
            expect={"city": [None, "a", "b", "b"], "n": [1, 3, 2, 1]},
        ),
        Example(
            given={"size": ["M", "XL", None, "S", "m"], "i": [1, 2, 3, 4, 5]},
            params={
                "expressions": [
                    {
                        "sourceColumn": "size",
                        "customOrder": ["S", "M", "L"],
                        "isCustomOrderCaseSensitive": False,
                    }
                ]
            },
            expect={"size": ["S", "M", "m", "XL", None], "i": [4, 1, 5, 2, 3]},
        ),
        Example(
            given={"x": [2.5, None, -1.0, 2.5], "i": [1, 2, 3, 4]},
            params={"expressions": [{"sourceColumn": "x", "ordering": "DESCENDING"}]},
            expect={"x": [2.5, 2.5, -1.0, None], "i": [1, 4, 3, 2]},
        ),
    )

    def extra_reads(self) -> list[str]:
        return [key.source_column for key in self.expressions]

    def rename_columns(self, mapping: dict[str, str]) -> Sort:
        keys = [
            k.model_copy(update={"source_column": mapping.get(k.source_column, k.source_column)})
            for k in self.expressions
        ]
        return self.model_copy(update={"expressions": keys})

    def output_schema(self, schema: Schema) -> Schema:
        return dict(schema)

    def check(self, schema: Schema) -> None:
        for key in self.expressions:
            if key.source_column not in schema:
                raise missing_column(key.source_column, schema, self.operation, "expressions")

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        keys: dict[str, Any] = {}
        order: list[tuple[str, str]] = []
        for i, key in enumerate(self.expressions):
            values = arr(df[key.source_column])
            missing = pc.is_null(values, nan_is_null=True)
            if pc.any(missing).as_py():
                # Arrow places nulls after NaN; one explicit key puts every missing value together.
                nulls_first = key.nulls_ordering is NullsOrdering.NULLS_TOP
                keys[f"null{i}"] = missing
                order.append((f"null{i}", "descending" if nulls_first else "ascending"))
            if key.custom_order:
                keys[f"rank{i}"] = _custom_rank_pandas(values, key)
                order.append((f"rank{i}", "ascending"))
            keys[f"value{i}"] = values
            order.append((f"value{i}", key.ordering.value.lower()))
        indices = pc.sort_indices(pa.table(keys), sort_keys=order)
        return take_rows(df, indices.to_numpy())

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        from workbench.engines.spark import ROW_POSITION

        keys = []
        for key in self.expressions:
            c = scol(key.source_column)
            if ctx.schema_of(df)[key.source_column] is LType.DOUBLE:
                # NaN is missing here, as in pandas; as a null it follows the key's nulls ordering.
                c = F.nanvl(c, F.lit(None).cast("double"))
            if key.custom_order:
                keys.append(_custom_rank_spark(c, key).asc())
            keys.append(_spark_sort_key(c, key))
        positioned = ctx.with_row_position(df)
        return positioned.orderBy(*keys, F.col(ROW_POSITION).asc()).drop(ROW_POSITION)


def _spark_sort_key(c: SparkColumn, key: SortKey) -> SparkColumn:
    """One Spark sort key per column: a leading null test would make Spark's sort-prefix useless."""
    nulls_first = key.nulls_ordering is NullsOrdering.NULLS_TOP
    if key.ordering is Ordering.DESCENDING:
        return c.desc_nulls_first() if nulls_first else c.desc_nulls_last()
    return c.asc_nulls_first() if nulls_first else c.asc_nulls_last()


def _custom_rank_pandas(values: Any, key: SortKey) -> Any:
    listed = [v if key.is_custom_order_case_sensitive else v.lower() for v in key.custom_order or []]
    text = pc.cast(values, pa.large_string())
    if not key.is_custom_order_case_sensitive:
        text = pc.utf8_lower(text)
    rank = pc.index_in(text, value_set=pa.array(listed, pa.large_string()))
    return pc.fill_null(rank, len(listed))


def _custom_rank_spark(c: SparkColumn, key: SortKey) -> SparkColumn:
    listed = key.custom_order or []
    text = c.cast("string") if key.is_custom_order_case_sensitive else F.lower(c.cast("string"))
    missing_rank = -1 if key.nulls_ordering is NullsOrdering.NULLS_TOP else len(listed) + 1
    rank = F.when(c.isNull(), F.lit(missing_rank)).otherwise(F.lit(len(listed)))
    for i, value in reversed(list(enumerate(listed))):
        target = value if key.is_custom_order_case_sensitive else value.lower()
        rank = F.when(text == F.lit(target), F.lit(i)).otherwise(rank)
    return rank
