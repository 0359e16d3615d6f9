"""UNNEST_ARRAY and UNNEST_MAP: array elements and map entries as rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.context import PandasContext, SparkContext
from workbench.core.lazy import F, quoted, scol
from workbench.core.nesting import (
    ArrayColumn,
    MapColumn,
    Unnest,
    layout,
    pandas_frame,
    refuse_clashes,
    spark_frame,
)
from workbench.core.params import Boolean, NewColumn, Text
from workbench.core.registry import Category, Example
from workbench.core.types import Schema
from workbench.engines.pandas.arrow import arr, take_rows, wrap

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkFrame


# --- arrays and maps into rows -----------------------------------------------------------------


def _explode_pandas(values: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """The row each element comes from, and the elements; an empty or null list gives one null."""
    flat = pc.list_flatten(values)
    parents = np.asarray(pc.list_parent_indices(values), dtype=np.int64)
    lengths = np.asarray(pc.fill_null(pc.list_value_length(values), 0), dtype=np.int64)
    empty = np.flatnonzero(lengths == 0)
    rows = np.concatenate([parents, empty])
    order = np.argsort(rows, kind="stable")
    elements = pa.concat_arrays([flat, pa.nulls(len(empty), flat.type)]).take(pa.array(order))
    return rows[order], elements


def _entries(values: pa.Array) -> pa.Array:
    """A map column as a list of ``{key, value}`` structs (the same offsets and nulls)."""
    t = values.type
    entry = pa.struct([pa.field("key", t.key_type), pa.field("value", t.item_type)])
    return values.cast(pa.list_(entry))


def _rows_with(
    df: pd.DataFrame, rows: np.ndarray, order: list[str], new: dict[str, pa.Array]
) -> pd.DataFrame:
    taken = take_rows(df, rows)
    taken.index = pd.RangeIndex(len(taken))
    columns = {n: wrap(a, taken.index) for n, a in new.items()}
    return pandas_frame(taken, order, columns)


class UnnestArray(Unnest):
    """Write each element of an array column to a row of its own, in a new column.

    A row whose array has n elements becomes n rows, in element order, the other columns
    repeated. A row with an empty or null array is kept once, with null in the new column.
    """

    operation = "UNNEST_ARRAY"
    category = Category.NEST
    keeps_row_position = False
    source_column: ArrayColumn
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"id": [1, 2, 3, 4], "tags": [["a", "b", None], [], None, ["ü", ""]]},
            params={"sourceColumn": "tags", "targetColumn": "tag"},
            expect={
                "id": [1, 1, 1, 2, 3, 4, 4],
                "tags": [["a", "b", None]] * 3 + [[], None] + [["ü", ""]] * 2,
                "tag": ["a", "b", None, None, None, "ü", ""],
            },
            schema={"tags": "array"},
        ),
        Example(
            given={"points": [[{"x": 1}, {"x": None}], [None]]},
            params={"sourceColumn": "points", "targetColumn": "point"},
            expect={
                "points": [[{"x": 1}, {"x": None}], [{"x": 1}, {"x": None}], [None]],
                "point": [{"x": 1}, {"x": None}, None],
            },
            schema={"points": "array"},
            title="arrays of structs; one level only",
        ),
    )

    def check(self, schema: Schema) -> None:
        super().check(schema)
        refuse_clashes(self.operation, "targetColumn", [self.target_column], list(schema))

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        rows, elements = _explode_pandas(arr(df[self.source_column]).combine_chunks())
        order = layout([str(c) for c in df.columns], self.source_column, [self.target_column], False)
        return _rows_with(df, rows, order, {self.target_column: elements})

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        order = layout(list(df.columns), self.source_column, [self.target_column], False)
        new = {self.target_column: F.explode_outer(scol(self.source_column))}
        return spark_frame(df, order, new)


class UnnestMap(Unnest):
    """Write each entry of a map column to a row of its own, as a key column and a value column.

    The new columns are ``<targetColumn>key`` and ``<targetColumn>value`` (``targetColumn`` is a
    prefix; without it the prefix is ``<sourceColumn>_``), right after the source column. A row
    with an empty or null map is kept once, with nulls in both.
    """

    operation = "UNNEST_MAP"
    category = Category.NEST
    keeps_row_position = False
    source_column: MapColumn
    remove_source_column: Boolean = False
    target_column: Text | None = None
    examples: ClassVar = (
        Example(
            given={"id": [1, 2, 3], "m": [{"a": 1, "é": None}, {}, None]},
            params={"sourceColumn": "m"},
            expect={
                "id": [1, 1, 2, 3],
                "m": [{"a": 1, "é": None}, {"a": 1, "é": None}, {}, None],
                "m_key": ["a", "é", None, None],
                "m_value": [1, None, None, None],
            },
            schema={"m": "map"},
        ),
        Example(
            given={"scores": [{"x": 1.5}, {"": 2.0, "y": -0.0}]},
            params={"sourceColumn": "scores", "targetColumn": "score ", "removeSourceColumn": "true"},
            expect={"score key": ["x", "", "y"], "score value": [1.5, 2.0, -0.0]},
            schema={"scores": "map"},
            title="a prefix; the source removed",
        ),
    )

    def _names(self, columns: list[str]) -> list[str]:
        prefix = self.target_column if self.target_column is not None else f"{self.source_column}_"
        names = [f"{prefix}key", f"{prefix}value"]
        taken = [c for c in columns if not (self.remove_source_column and c == self.source_column)]
        refuse_clashes(self.operation, "targetColumn", names, taken)
        return names

    def check(self, schema: Schema) -> None:
        super().check(schema)
        self._names(list(schema))

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        columns = [str(c) for c in df.columns]
        key, value = self._names(columns)
        rows, entries = _explode_pandas(_entries(arr(df[self.source_column]).combine_chunks()))
        order = layout(columns, self.source_column, [key, value], self.remove_source_column)
        new = {key: pc.struct_field(entries, "key"), value: pc.struct_field(entries, "value")}
        return _rows_with(df, rows, order, new)

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        key, value = self._names(list(df.columns))
        order = layout(list(df.columns), self.source_column, [key, value], self.remove_source_column)
        entry = F.explode_outer(scol(self.source_column)).alias(key, value)
        return df.select(*[entry if n == key else df[quoted(n)] for n in order if n != value])
