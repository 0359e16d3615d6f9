"""Multi-valued cells: one cell's list of values split into rows, and rows' values joined into one cell."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import TableTransform
from workbench.core.lazy import F, W, quoted, scol
from workbench.core.params import Boolean, Columns, Text, TextColumn, enum_param
from workbench.core.pivoting import flat, frame_of, group_ids
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

SPACE = " \t\n\r\f\v"
"""The characters ``trim`` removes around each part: ASCII white space, the same on both engines."""

_JAVA_SPACE = "[ \\t\\n\\r\\f\\x0B]"


def java_literal(text: str) -> str:
    """A Java regex matching ``text`` literally (every character that is not a letter or digit escaped)."""
    return "".join(c if c.isalnum() else f"\\{c}" for c in text)


def _refuse_empty(operation: str, parameter: str, value: str) -> None:
    if value == "":
        raise ParameterError("must not be empty", operation=operation, parameter=parameter)


class SplitMultiValuedCellsToRows(TableTransform):
    """Split a text column's cells at a delimiter into one row per part, the other columns repeated.

    The parts replace the cell in the same column, in their order, and rows keep their order.
    ``delimiter`` is literal text; with ``trim`` (the default) spaces, tabs and line breaks
    around each part are removed. Empty parts stay as empty text; a null cell keeps its row
    once, with null. OpenRefine's "split multi-valued cells"; pandas ``str.split`` and ``explode``.
    """

    operation = "SPLIT_MULTI_VALUED_CELLS_TO_ROWS"
    category = Category.SPLIT
    extension: ClassVar[bool] = True
    order_sensitive: ClassVar[bool] = True
    source_column: TextColumn
    delimiter: Text = ","
    trim: Boolean = True
    examples: ClassVar = (
        Example(
            given={"id": [1, 2, 3, 4], "tags": ["red, green ,blue", None, "", "ü,,é "]},
            params={"sourceColumn": "tags", "delimiter": ","},
            expect={
                "id": [1, 1, 1, 2, 3, 4, 4, 4],
                "tags": ["red", "green", "blue", None, "", "ü", "", "é"],
            },
        ),
        Example(
            title="a delimiter of several characters, regex characters taken literally; no trim",
            given={"k": ["a", "b"], "v": ["x .| y", "z"], "n": [1.5, None]},
            params={"sourceColumn": "v", "delimiter": ".|", "trim": "false"},
            expect={"k": ["a", "a", "b"], "v": ["x ", " y", "z"], "n": [1.5, 1.5, None]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> SplitMultiValuedCellsToRows:
        _refuse_empty(self.operation, "delimiter", self.delimiter)
        return self

    def output_schema(self, schema: Schema) -> Schema:
        return dict(schema)

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        text = flat(arr(df[self.source_column])).cast(pa.large_string())
        lists = pc.split_pattern(text, pattern=self.delimiter)
        lists = pc.if_else(pc.is_null(lists), pa.scalar([None], lists.type), lists)
        rows = pc.list_parent_indices(lists)
        parts = pc.list_flatten(lists)
        if self.trim:
            parts = pc.utf8_trim(parts, characters=SPACE)
        columns = {
            str(c): parts if c == self.source_column else flat(arr(df[c])).take(rows) for c in df.columns
        }
        return frame_of(columns)

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        parts = F.split(scol(self.source_column), java_literal(self.delimiter), -1)
        if self.trim:
            edges = f"^{_JAVA_SPACE}+|{_JAVA_SPACE}+$"
            parts = F.transform(parts, lambda part: F.regexp_replace(part, edges, ""))
        return df.select(
            *[
                F.explode_outer(parts).alias(c) if c == self.source_column else df[quoted(c)]
                for c in df.columns
            ]
        )


class Grouping(str, Enum):
    RECORDS = "RECORDS"
    SAME_KEYS = "SAME_KEYS"


class JoinMultiValuedCells(TableTransform):
    """Join a text column's values over groups of rows into one cell, keeping each group's first row.

    With ``grouping`` RECORDS (the default, OpenRefine's records) a row whose ``keyColumns`` are
    all null or empty text continues the group of the row above; a row with a key starts a new
    group (rows above the first key form a group of their own). With SAME_KEYS all rows with
    equal keys form a group, wherever they are (null equals null). Each group becomes its first
    row, with ``sourceColumn`` holding the group's non-null, non-empty values in row order joined
    by ``separator`` (null when there are none); groups keep the order of their first rows.
    OpenRefine's "join multi-valued cells"; pandas ``groupby(...).agg(separator.join)``.
    """

    operation = "JOIN_MULTI_VALUED_CELLS"
    category = Category.MERGE
    extension: ClassVar[bool] = True
    order_sensitive: ClassVar[bool] = True
    source_column: TextColumn
    key_columns: Columns
    separator: Text = ","
    grouping: enum_param(Grouping) = Grouping.RECORDS  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            title="records: rows without a key continue the record above",
            given={
                "name": ["Ana", None, "", "Bo", None, "Zoë"],
                "phone": ["1", "2", None, "", "3", None],
                "n": [1, 2, 3, 4, 5, 6],
            },
            params={"sourceColumn": "phone", "keyColumns": '["name"]', "separator": "; "},
            expect={"name": ["Ana", "Bo", "Zoë"], "phone": ["1; 2", "3", None], "n": [1, 4, 6]},
        ),
        Example(
            title="same keys anywhere; null keys form a group",
            given={
                "k": ["a", "b", "a", None, None],
                "j": [1, 1, 1, 2, 2],
                "v": ["x", "é", "y", "z", "w"],
            },
            params={"sourceColumn": "v", "keyColumns": ["k", "j"], "grouping": "SAME_KEYS"},
            expect={"k": ["a", "b", None], "j": [1, 1, 2], "v": ["x,y", "é", "z,w"]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> JoinMultiValuedCells:
        if not self.key_columns:
            raise ParameterError("give at least one column", operation=self.operation, parameter="keyColumns")
        if self.source_column in self.key_columns:
            raise ParameterError(
                f"column {self.source_column!r} cannot be both joined and a key",
                operation=self.operation,
                parameter="keyColumns",
                column=self.source_column,
            )
        return self

    def output_schema(self, schema: Schema) -> Schema:
        return dict(schema)

    def _starts_pandas(self, df: pd.DataFrame, schema: Schema) -> np.ndarray:
        keyed = np.zeros(len(df), dtype=bool)
        for column in self.key_columns:
            values = flat(arr(df[column]))
            present = pc.is_valid(values)
            if schema[column] is LType.STRING:
                present = pc.and_(present, pc.not_equal(values, ""))
            keyed |= pc.fill_null(present, False).to_numpy(zero_copy_only=False)
        return keyed

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        schema = ctx.schema_of(df)
        n = len(df)
        if self.grouping is Grouping.RECORDS:
            gid = np.cumsum(self._starts_pandas(df, schema)).astype(np.int64)
            groups, first = np.unique(gid, return_index=True)
            gid = np.searchsorted(groups, gid)
        else:
            gid, first = group_ids(df, self.key_columns)
        values = flat(arr(df[self.source_column])).cast(pa.large_string())
        table = pa.table(
            {"g": pa.array(gid, pa.int64()), "p": pa.array(np.arange(n, dtype=np.int64)), "v": values}
        )
        kept = table.filter(pc.and_(pc.is_valid(table["v"]), pc.not_equal(table["v"], "")))
        kept = kept.sort_by([("g", "ascending"), ("p", "ascending")])
        lists = kept.group_by("g", use_threads=False).aggregate([("v", "list")])
        joined = pc.binary_join(lists["v_list"], pa.scalar(self.separator, pa.large_string()))
        position = pc.index_in(pa.array(np.arange(len(first), dtype=np.int64)), value_set=lists["g"])
        rows = pa.array(first.astype(np.int64))
        columns = {
            str(c): flat(joined).take(position) if c == self.source_column else flat(arr(df[c])).take(rows)
            for c in df.columns
        }
        return frame_of(columns)

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        from workbench.engines.spark import ROW_POSITION

        schema = ctx.schema_of(df)
        positioned = ctx.with_row_position(df)
        position = F.col(ROW_POSITION)
        if self.grouping is Grouping.RECORDS:
            keyed = None
            for column in self.key_columns:
                present = scol(column).isNotNull()
                if schema[column] is LType.STRING:
                    present = present & (scol(column) != "")
                keyed = present if keyed is None else keyed | present
            # Records follow the whole table's order, so this running count is one window over all rows.
            running = W.Window.orderBy(position).rowsBetween(W.Window.unboundedPreceding, W.Window.currentRow)
            grouped = positioned.withColumn("__wb_g", F.sum(F.when(keyed, 1).otherwise(0)).over(running))
            keys: list[SparkColumn] = [F.col("__wb_g")]
        else:
            grouped = positioned
            keys = [scol(c) for c in self.key_columns]
        value = scol(self.source_column)
        valid = value.isNotNull() & (value != "")
        others = [c for c in df.columns if c != self.source_column]
        pairs = F.array_sort(F.collect_list(F.when(valid, F.struct(position.alias("p"), value.alias("v")))))
        values = F.transform(pairs, lambda pair: pair.getField("v"))
        aggregated = grouped.groupBy(*keys).agg(
            F.min(position).alias(ROW_POSITION),
            F.min_by(F.struct(*[scol(c) for c in others]), position).alias("__wb_first"),
            F.when(F.size(values) > 0, F.array_join(values, self.separator)).alias("__wb_joined"),
        )
        selected = [
            F.col("__wb_joined").alias(c)
            if c == self.source_column
            else F.col("__wb_first").getField(c).alias(c)
            for c in df.columns
        ]
        return aggregated.select(*selected, F.col(ROW_POSITION))
