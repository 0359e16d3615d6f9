"""Nested columns seen the same way on both engines, and the layout of columns unnested from them.

The nesting steps (``workbench/transforms/nested/``) share these: column kinds of a nested type,
the shape of a struct, array or map column's type, where new columns go and the base of steps
whose new columns come from fields inside a column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import pandas as pd
import pyarrow as pa
from pydantic import Field

from workbench.core.errors import ParameterError
from workbench.core.families import TableTransform
from workbench.core.lazy import quoted
from workbench.core.params import KIND, ParamKind
from workbench.core.types import Schema
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


def column_of_types(*names: str) -> Any:
    """A column parameter that accepts columns of the named logical types only."""
    return Field(json_schema_extra={KIND: ParamKind.COLUMN.value, "x-wb-types": list(names)})


StructColumn = Annotated[str, column_of_types("struct")]
ArrayColumn = Annotated[str, column_of_types("array")]
MapColumn = Annotated[str, column_of_types("map")]
NestedColumn = Annotated[str, column_of_types("struct", "map", "array")]


# --- nested types seen the same way on both engines -------------------------------------------


class Shape:
    """The type of a nested column on one engine: its kind, fields and element type."""

    kind: str | None
    """``struct``, ``map``, ``array`` or None for a plain value."""

    def fields(self) -> list[str]:
        raise NotImplementedError

    def field(self, name: str) -> Shape:
        raise NotImplementedError

    def element(self) -> Shape:
        """The element type of an array, the value type of a map."""
        raise NotImplementedError

    def integer_keys(self) -> bool:
        raise NotImplementedError


class ArrowShape(Shape):
    def __init__(self, t: pa.DataType) -> None:
        self.t = t
        if pa.types.is_struct(t):
            self.kind = "struct"
        elif pa.types.is_map(t):
            self.kind = "map"
        elif pa.types.is_list(t) or pa.types.is_large_list(t):
            self.kind = "array"
        else:
            self.kind = None

    def fields(self) -> list[str]:
        return [f.name for f in self.t]

    def field(self, name: str) -> Shape:
        return ArrowShape(self.t.field(name).type)

    def element(self) -> Shape:
        return ArrowShape(self.t.item_type if self.kind == "map" else self.t.value_type)

    def integer_keys(self) -> bool:
        return bool(pa.types.is_integer(self.t.key_type))


_SPARK_KINDS = {"StructType": "struct", "MapType": "map", "ArrayType": "array"}
_SPARK_INTEGERS = {"ByteType", "ShortType", "IntegerType", "LongType"}


class SparkShape(Shape):
    def __init__(self, t: Any) -> None:
        self.t = t
        self.kind = _SPARK_KINDS.get(type(t).__name__)

    def fields(self) -> list[str]:
        return [f.name for f in self.t.fields]

    def field(self, name: str) -> Shape:
        return SparkShape(self.t[name].dataType)

    def element(self) -> Shape:
        return SparkShape(self.t.valueType if self.kind == "map" else self.t.elementType)

    def integer_keys(self) -> bool:
        return type(self.t.keyType).__name__ in _SPARK_INTEGERS


def pandas_shape(df: pd.DataFrame, column: str) -> Shape:
    return ArrowShape(arr(df[column]).type)


def spark_shape(df: SparkFrame, column: str) -> Shape:
    return SparkShape(df.schema[column].dataType)


def layout(columns: list[str], source: str, new: list[str], remove: bool) -> list[str]:
    """Column order after writing ``new`` right after ``source`` (in its place when removed)."""
    out: list[str] = []
    for name in columns:
        if name == source:
            out.extend([] if remove else [name])
            out.extend(new)
        elif name not in new:
            out.append(name)
    return out


def refuse_clashes(operation: str, parameter: str, new: list[str], taken: list[str]) -> None:
    for name in new:
        if name in taken or new.count(name) > 1:
            raise ParameterError(
                f"the new column {name!r} already exists; choose another {parameter}",
                operation=operation,
                parameter=parameter,
                column=name,
            )


def pandas_frame(df: pd.DataFrame, order: list[str], new: dict[str, pd.Series]) -> pd.DataFrame:
    out = df.copy(deep=False)
    for name, values in new.items():
        out[name] = values
    return out[order]


def spark_frame(df: SparkFrame, order: list[str], new: dict[str, SparkColumn]) -> SparkFrame:
    return df.select(*[new[n].alias(n) if n in new else df[quoted(n)] for n in order])


class Unnest(TableTransform):
    """A step whose new columns' types are those of fields inside a column, known from the data."""

    abstract: ClassVar[bool] = True

    def output_schema(self, schema: Schema) -> Schema | None:
        return None


def check_column_choice(step: Any) -> None:
    """Refuse a step choosing no columns (neither sourceColumns nor regexColumnSelector) or an
    unnestLevel below 1: UNNEST_STRUCT_N and JSON_TO_STRUCTS pick their columns the same way."""
    if step.source_columns is None and step.regex_column_selector is None:
        raise ParameterError(
            "choose columns with sourceColumns or regexColumnSelector",
            operation=step.operation,
            parameter="sourceColumns",
        )
    if step.unnest_level is not None and step.unnest_level < 1:
        raise ParameterError(
            "unnestLevel must be 1 or more", operation=step.operation, parameter="unnestLevel"
        )
