"""Invalid values: remove their rows, or replace them with a constant."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, RowFilter
from workbench.core.invalid_values import (
    DataType,
    Invalid,
    invalid_pandas,
    invalid_spark,
    refuse_advanced,
    target_type,
)
from workbench.core.lazy import F, scol
from workbench.core.params import Column, Columns, Text, enum_param
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


# --- removal and constants -----------------------------------------------------------------------


class RemoveInvalid(RowFilter):
    """Remove the rows whose value in a column is not valid for the given data type.

    Invalid is what IS_INVALID tests: a present value of a text column that does not parse as
    columnDataType. Rows with a null or empty value are kept (they are missing, not invalid);
    a column that already has a type has no invalid values.
    """

    operation = "REMOVE_INVALID"
    category = Category.INVALID
    source_column: Column
    column_data_type: enum_param(DataType)  # type: ignore[valid-type]
    advanced_data_type: Text | None = None
    examples: ClassVar = (
        Example(
            given={"n": ["1", "x", None, "", " 2 ", "1.5", "١٢", "-3"], "k": [1, 2, 3, 4, 5, 6, 7, 8]},
            params={"sourceColumn": "n", "columnDataType": "int"},
            expect={"n": ["1", None, "", " 2 ", "-3"], "k": [1, 3, 4, 5, 8]},
        ),
        Example(
            title="dates must be real calendar dates",
            given={"d": ["2024-02-29", "2023-02-29", "soon", None]},
            params={"sourceColumn": "d", "columnDataType": "date"},
            expect={"d": ["2024-02-29", None]},
        ),
        Example(
            title="only the rows the conditions select are removed",
            given={"x": ["a", "b", "1e3"], "g": ["keep", "drop", "drop"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            conditions=({"Condition": "IS", "Value": '["drop"]', "TargetColumn": "g"},),
            expect={"x": ["a", "1e3"], "g": ["keep", "drop"]},
        ),
        Example(
            title="a typed column has no invalid values",
            given={"n": [1, None, 3]},
            params={"sourceColumn": "n", "columnDataType": "boolean"},
            expect={"n": [1, None, 3]},
        ),
    )

    @model_validator(mode="after")
    def _advanced(self) -> RemoveInvalid:
        refuse_advanced(self)
        return self

    def pandas_drop(self, df: pd.DataFrame, ctx: PandasContext) -> pd.Series:
        ltype = ctx.schema_of(df)[self.source_column]
        invalid = invalid_pandas(df[self.source_column], ltype, target_type(self.column_data_type))
        return pd.Series(invalid.to_numpy(zero_copy_only=False), index=df.index, dtype=bool)

    def spark_drop(self, df: SparkFrame, ctx: SparkContext) -> SparkColumn:
        ltype = ctx.schema_of(df)[self.source_column]
        return invalid_spark(scol(self.source_column), ltype, target_type(self.column_data_type))


class _Constant(Invalid):
    """Replace invalid values by one fixed value."""

    abstract: ClassVar[bool] = True
    replacement: ClassVar[str | None]
    column_data_type: enum_param(DataType)  # type: ignore[valid-type]
    advanced_data_type: Text | None = None

    def replace_pandas(self, s: pd.Series, invalid: Any, ctx: PandasContext) -> Any:
        a = arr(s)
        return pc.if_else(invalid, pa.scalar(self.replacement, a.type), a)

    def replace_spark(
        self, df: SparkFrame, c: SparkColumn, invalid: SparkColumn, ctx: SparkContext
    ) -> SparkColumn:
        return F.when(invalid, F.lit(self.replacement).cast("string")).otherwise(c)


class ReplaceWithNull(_Constant):
    """Replace the values that are not valid for the given data type with null.

    Missing values (null, empty text) and valid values stay as they are.
    """

    operation = "REPLACE_WITH_NULL"
    category = Category.INVALID
    examples: ClassVar = (
        Example(
            given={"x": ["3.5", "abc", None, "", "-1E2", "NaN", "½", " "]},
            params={"sourceColumn": "x", "columnDataType": "double"},
            expect={"x": ["3.5", None, None, "", "-1E2", "NaN", None, None]},
        ),
        Example(
            given={"ok": ["true", "FALSE", "yes", None, "0"]},
            params={"sourceColumn": "ok", "columnDataType": "boolean"},
            expect={"ok": ["true", "FALSE", None, None, None]},
        ),
        Example(
            title="string: every present value is valid",
            given={"s": ["Zürich", None, "日本"]},
            params={"sourceColumn": "s", "columnDataType": "string"},
            expect={"s": ["Zürich", None, "日本"]},
        ),
    )

    replacement = None


class ReplaceWithEmpty(_Constant):
    """Replace the values that are not valid for the given data type with the empty string.

    Missing values (null, empty text) and valid values stay as they are.
    """

    operation = "REPLACE_WITH_EMPTY"
    category = Category.INVALID
    examples: ClassVar = (
        Example(
            given={"d": ["2024-01-31", "2024-13-01", None, "31/01/2024", "", "2024-01-31 10:00:00"]},
            params={"sourceColumn": "d", "columnDataType": "date"},
            expect={"d": ["2024-01-31", "", None, "", "", ""]},
        ),
        Example(
            given={"t": ["2024-01-31 10:00:00", "2024-01-31", "noon", None]},
            params={"sourceColumn": "t", "columnDataType": "timestamp"},
            expect={"t": ["2024-01-31 10:00:00", "2024-01-31", "", None]},
        ),
    )

    replacement = ""


class ReplaceWithCustom(ColumnFunction):
    """Replace the values that are not valid for the given data type with a value you give.

    Give sourceColumn or sourceColumns (a list) and columnDataType; the value is written as
    text, as given. Replacing detected PII entities (advancedDataType) is not supported yet and
    is refused.
    """

    operation = "REPLACE_WITH_CUSTOM"
    category = Category.INVALID
    source_column: Column | None = None
    source_columns: Columns | None = None
    column_data_type: enum_param(DataType) | None = None  # type: ignore[valid-type]
    value: Text
    advanced_data_type: Text | None = None
    examples: ClassVar = (
        Example(
            given={"age": ["42", "forty", None, "", "4.0", "7½"]},
            params={"sourceColumn": "age", "columnDataType": "int", "value": "0"},
            expect={"age": ["42", "0", None, "", "4.0", "0"]},
        ),
        Example(
            given={"a": ["1", "x", None], "b": ["y", "2.5", "é"], "c": ["z", "z", "z"]},
            params={"sourceColumns": '["a", "b"]', "columnDataType": "number", "value": "n/a"},
            expect={"a": ["1", "n/a", None], "b": ["n/a", "2.5", "n/a"], "c": ["z", "z", "z"]},
        ),
        Example(
            given={"d": ["2024-02-30", "2024-02-28", None], "g": ["x", "x", "y"]},
            params={"sourceColumn": "d", "columnDataType": "date", "value": "1970-01-01"},
            conditions=({"Condition": "IS", "Value": '["y"]', "TargetColumn": "g"},),
            expect={"d": ["2024-02-30", "2024-02-28", None], "g": ["x", "x", "y"]},
        ),
    )

    @model_validator(mode="after")
    def _shape(self) -> ReplaceWithCustom:
        refuse_advanced(self)
        if (self.source_column is None) == (self.source_columns is None):
            raise ParameterError(
                "give either sourceColumn or sourceColumns",
                operation=self.operation,
                parameter="sourceColumn",
            )
        if self.source_columns is not None and not self.source_columns:
            raise ParameterError(
                "name at least one column", operation=self.operation, parameter="sourceColumns"
            )
        if self.column_data_type is None:
            raise ParameterError(
                "columnDataType is needed to tell which values are invalid",
                operation=self.operation,
                parameter="columnDataType",
            )
        return self

    def columns(self) -> list[str]:
        return [self.source_column] if self.source_column is not None else list(self.source_columns or [])

    def anchor(self) -> str | None:
        return None

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {name: schema[name] for name in self.columns()}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        schema = ctx.schema_of(df)
        out = {}
        for name in self.columns():
            s = df[name]
            if schema[name] is not LType.STRING:
                out[name] = s
                continue
            a = arr(s)
            invalid = invalid_pandas(s, schema[name], target_type(self.column_data_type))
            out[name] = wrap(pc.if_else(invalid, pa.scalar(self.value, a.type), a), s)
        return out

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        schema = ctx.schema_of(df)
        out = {}
        for name in self.columns():
            c = scol(name)
            invalid = invalid_spark(c, schema[name], target_type(self.column_data_type))
            out[name] = F.when(invalid, F.lit(self.value)).otherwise(c) if schema[name] is LType.STRING else c
        return out
