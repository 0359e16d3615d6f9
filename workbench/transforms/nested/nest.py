"""NEST_TO_ARRAY, NEST_TO_MAP and NEST_TO_STRUCT: columns packed into one nested column."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import model_validator

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import F, scol
from workbench.core.params import Boolean, Columns, NewColumn
from workbench.core.registry import Category, Example
from workbench.core.types import NESTED, NUMERIC, LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


# --- nesting -----------------------------------------------------------------------------------


def common_type(types: list[LType]) -> LType:
    """The one element type several columns share: numbers widen, anything else mixed is text."""
    kinds = set(types)
    if len(kinds) == 1:
        return types[0]
    if kinds <= NUMERIC:
        return LType.DOUBLE if LType.DOUBLE in kinds else LType.DECIMAL
    return LType.STRING


def _interleaved(arrays: list[pa.Array]) -> pa.Array:
    """The values of equal-length columns row by row: a1, b1, c1, a2, b2, c2, …"""
    n, k = len(arrays[0]), len(arrays)
    order = np.arange(n * k, dtype=np.int64).reshape(k, n).T.ravel()
    return pa.concat_arrays(arrays).take(pa.array(order))


def _offsets(n: int, k: int) -> pa.Array:
    return pa.array(np.arange(0, n * k + 1, k, dtype=np.int32))


class _Nest(ColumnFunction):
    """Packs ``sourceColumns`` into ``targetColumn``, optionally removing the sources."""

    abstract: ClassVar[bool] = True
    supports_conditions: ClassVar[bool] = False
    result: ClassVar[LType]
    source_columns: Columns
    target_column: NewColumn
    remove_source_columns: Boolean = False

    @model_validator(mode="after")
    def _distinct_sources(self) -> _Nest:
        if not self.source_columns:
            raise ParameterError(
                "choose at least one column", operation=self.operation, parameter="sourceColumns"
            )
        twice = sorted({c for c in self.source_columns if self.source_columns.count(c) > 1})
        if twice:
            raise ParameterError(
                f"column {twice[0]!r} is chosen twice",
                operation=self.operation,
                parameter="sourceColumns",
                column=twice[0],
            )
        return self

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: self.result}

    def _removed(self) -> list[str]:
        if not self.remove_source_columns:
            return []
        return [c for c in self.source_columns if c != self.target_column]

    def output_schema(self, schema: Schema) -> Schema:
        out = super().output_schema(schema)
        return {name: t for name, t in out.items() if name not in self._removed()}

    def _elements(self, schema: Schema) -> LType:
        types = [schema[c] for c in self.source_columns]
        nested = sorted({t.value for t in types if t in NESTED})
        if nested and len(set(types)) > 1:
            raise ParameterError(
                f"{nested[0]} columns can only be packed with columns of the same type",
                operation=self.operation,
                parameter="sourceColumns",
                column=next(c for c in self.source_columns if schema[c].value == nested[0]),
            )
        return common_type(types)

    def check(self, schema: Schema) -> None:
        super().check(schema)
        self._elements(schema)

    def _pandas_values(self, df: pd.DataFrame, ctx: PandasContext) -> list[pa.Array]:
        schema = ctx.schema_of(df)
        common = self._elements(schema)
        arrays = [arr(cast_pandas(df[c], schema[c], common)).combine_chunks() for c in self.source_columns]
        return [a.cast(arrays[0].type) for a in arrays]

    def _spark_values(self, df: SparkFrame, ctx: SparkContext) -> list[SparkColumn]:
        schema = ctx.schema_of(df)
        common = self._elements(schema)
        return [cast_spark(scol(c), schema[c], common) for c in self.source_columns]

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        out = super().apply_pandas(df, ctx, where)
        return out.drop(columns=self._removed()) if self._removed() else out

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        out = super().apply_spark(df, ctx, where)
        return out.drop(*self._removed()) if self._removed() else out


class NestToArray(_Nest):
    """Pack the chosen columns, in order, into one array column.

    Each row's array holds one element per column, nulls included. Columns of different types
    are brought to one element type: whole and decimal numbers widen to double, any other mix
    becomes text (numbers written as CAST writes them, dates as yyyy-mm-dd).
    """

    operation = "NEST_TO_ARRAY"
    category = Category.NEST
    result = LType.ARRAY
    examples: ClassVar = (
        Example(
            given={"a": [1, None, 3], "b": [1.5, 2.0, None]},
            params={"sourceColumns": '["a","b"]', "targetColumn": "ab"},
            expect={"a": [1, None, 3], "ab": [[1.0, 1.5], [None, 2.0], [3.0, None]], "b": [1.5, 2.0, None]},
        ),
        Example(
            given={"name": ["Zoë", "", None], "n": [7, 0, None], "ok": [True, False, None]},
            params={
                "sourceColumns": '["name","n","ok"]',
                "targetColumn": "parts",
                "removeSourceColumns": "true",
            },
            expect={"parts": [["Zoë", "7", "true"], ["", "0", "false"], [None, None, None]]},
            title="mixed types become text; sources removed",
        ),
        Example(
            given={"x": ["日本", None]},
            params={"sourceColumns": '["x"]', "targetColumn": "xs", "removeSourceColumns": "true"},
            expect={"xs": [["日本"], [None]]},
            title="one column; the new one takes its place",
        ),
    )

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        arrays = self._pandas_values(df, ctx)
        values = pa.ListArray.from_arrays(_offsets(len(df), len(arrays)), _interleaved(arrays))
        return {self.target_column: wrap(values, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        return {self.target_column: F.array(*self._spark_values(df, ctx))}


class NestToMap(_Nest):
    """Pack the chosen columns into one map column keyed by the column names.

    Every row's map has one entry per column, in the order chosen, nulls kept as null values.
    Values are brought to one type as NEST_TO_ARRAY does.
    """

    operation = "NEST_TO_MAP"
    category = Category.NEST
    result = LType.MAP
    examples: ClassVar = (
        Example(
            given={"id": [1, 2], "city": ["Zürich", None], "zip": ["8001", ""]},
            params={"sourceColumns": '["city","zip"]', "targetColumn": "address"},
            expect={
                "id": [1, 2],
                "city": ["Zürich", None],
                "address": [{"city": "Zürich", "zip": "8001"}, {"city": None, "zip": ""}],
                "zip": ["8001", ""],
            },
        ),
        Example(
            given={"q1": [1, None], "q2": [2.5, 3.0]},
            params={"sourceColumns": '["q2","q1"]', "targetColumn": "q", "removeSourceColumns": "TRUE"},
            expect={"q": [{"q2": 2.5, "q1": 1.0}, {"q2": 3.0, "q1": None}]},
            title="numbers widen; keys in the order chosen",
        ),
    )

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        arrays = self._pandas_values(df, ctx)
        keys = pa.array(np.tile(np.array(self.source_columns, dtype=object), len(df)), pa.large_string())
        offsets = _offsets(len(df), len(arrays))
        values = pa.MapArray.from_arrays(offsets, keys, _interleaved(arrays))
        return {self.target_column: wrap(values, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        pairs = []
        for name, value in zip(self.source_columns, self._spark_values(df, ctx), strict=True):
            pairs.extend([F.lit(name), value])
        return {self.target_column: F.create_map(*pairs)}


class NestToStruct(_Nest):
    """Pack the chosen columns into one struct column whose fields are the columns.

    Fields keep the columns' names, types and the order chosen; a row whose values are all null
    still gets a struct (of null fields).
    """

    operation = "NEST_TO_STRUCT"
    category = Category.NEST
    result = LType.STRUCT
    examples: ClassVar = (
        Example(
            given={"name": ["Ana", "", None], "age": [31, None, 5], "vip": [True, None, False]},
            params={"sourceColumns": '["age","name","vip"]', "targetColumn": "person"},
            expect={
                "name": ["Ana", "", None],
                "age": [31, None, 5],
                "person": [
                    {"age": 31, "name": "Ana", "vip": True},
                    {"age": None, "name": "", "vip": None},
                    {"age": 5, "name": None, "vip": False},
                ],
                "vip": [True, None, False],
            },
        ),
        Example(
            given={"k": ["ß", None], "v": [[1, 2], []]},
            params={"sourceColumns": '["k","v"]', "targetColumn": "kv", "removeSourceColumns": "true"},
            expect={"kv": [{"k": "ß", "v": [1, 2]}, {"k": None, "v": []}]},
            schema={"v": "array"},
            title="fields may be arrays; sources removed",
        ),
    )

    def _elements(self, schema: Schema) -> LType:
        return LType.STRUCT

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        arrays = [arr(df[c]).combine_chunks() for c in self.source_columns]
        values = pa.StructArray.from_arrays(arrays, names=list(self.source_columns))
        return {self.target_column: wrap(values, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        return {self.target_column: F.struct(*[scol(c).alias(c) for c in self.source_columns])}
