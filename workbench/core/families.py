"""Family base classes: the engine boilerplate of each shape of transform, written once.

- ``ColumnFunction``: row-wise, returns new or replaced columns (most of the catalogue).
  ``InPlace`` maps one column onto itself; ``Derive`` writes ``targetColumn`` from
  ``sourceColumn``; ``ColumnOrValue`` takes either a column or a literal ``value``.
- ``RowFilter``: removes the rows a predicate marks.
- ``TableTransform``: anything that reshapes the table (sort, join, pivot, group).

Condition expressions are applied here, never in a transform: a column function changes only
the rows where every condition holds, a filter removes only rows where they hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.lazy import F, quoted, scol
from workbench.core.params import KIND, Column, NewColumn, ParamKind, Text
from workbench.core.registry import Example, Transform, _field_extra
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import filter_rows

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


class ColumnFunction(Transform):
    """A row-wise transform that produces columns (new ones or replacements)."""

    abstract: ClassVar[bool] = True
    keeps_row_position: ClassVar[bool] = True

    def produced(self, schema: Schema) -> dict[str, LType]:
        """Names and types of the columns this step writes, in order."""
        raise NotImplementedError

    def anchor(self) -> str | None:
        """New columns are placed right after this column (the end when None)."""
        reads = self.reads()
        return reads[0] if reads else None

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        raise NotImplementedError

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        raise NotImplementedError

    def check(self, schema: Schema) -> None:
        super().check(schema)
        for name, field in type(self).model_fields.items():
            if _field_extra(field).get(KIND) != ParamKind.NEW_COLUMN.value:
                continue
            value = getattr(self, name)
            if isinstance(value, str) and value in schema and value not in self.reads():
                raise ParameterError(
                    f"column {value!r} already exists; choose another name",
                    operation=self.operation,
                    parameter=field.alias or name,
                    column=value,
                )

    def output_schema(self, schema: Schema) -> Schema:
        produced = self.produced(schema)
        return place_columns(schema, produced, self.anchor())

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        produced = self.pandas_columns(df, ctx)
        types = self.produced(ctx.schema_of(df)) if where is not None else {}
        out = df.copy(deep=False)
        for name, values in produced.items():
            if where is not None:
                old = df[name] if name in df.columns else None
                values = _pandas_keep_outside(values, old, where, types[name], ctx)
            out[name] = values
        order = list(place_columns(dict.fromkeys(df.columns), dict.fromkeys(produced), self.anchor()))
        return out if order == list(out.columns) else out[order]

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        produced = self.spark_columns(df, ctx)
        if where is not None:
            types = self.produced(ctx.schema_of(df))
            produced = {
                name: _spark_keep_outside(expr, name, df.columns, where, types[name])
                for name, expr in produced.items()
            }
        columns = list(df.columns)
        order = list(place_columns(dict.fromkeys(columns), dict.fromkeys(produced), self.anchor()))
        added = [name for name in produced if name not in columns]
        if order == [*columns, *added]:
            # withColumns replaces columns in place and appends new ones, in one gateway call.
            return df.withColumns(produced)
        return df.select(*[produced[n].alias(n) if n in produced else df[quoted(n)] for n in order])


def place_columns(schema: dict[str, Any], produced: dict[str, Any], anchor: str | None) -> dict[str, Any]:
    """Replace produced columns in place; insert new ones after ``anchor`` (or at the end)."""
    out = {name: produced.get(name, kind) for name, kind in schema.items()}
    new = {name: kind for name, kind in produced.items() if name not in schema}
    if not new:
        return out
    if anchor is None or anchor not in out:
        return {**out, **new}
    placed: dict[str, Any] = {}
    for name, kind in out.items():
        placed[name] = kind
        if name == anchor:
            placed.update(new)
    return placed


def _pandas_keep_outside(
    values: pd.Series, old: pd.Series | None, where: pd.Series, ltype: LType, ctx: PandasContext
) -> pd.Series:
    values = ctx.as_series(values, ltype, where.index)
    if old is None:
        return values.where(where)
    old = ctx.cast_series(old, ltype)
    return values.where(where, old)


def _spark_keep_outside(
    expr: SparkColumn, name: str, columns: list[str], where: SparkColumn, ltype: LType
) -> SparkColumn:
    from workbench.engines.spark.types import spark_type

    other = scol(name) if name in columns else F.lit(None)
    return F.when(where, expr).otherwise(other.cast(spark_type(ltype)))


class InPlace(ColumnFunction):
    """Rewrites one column in place (case changes, clean-up, fills)."""

    abstract: ClassVar[bool] = True
    source_column: Column

    def result_type(self, source: LType) -> LType:
        return source

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.source_column: self.result_type(schema[self.source_column])}

    def pandas_map(self, s: pd.Series) -> pd.Series:
        raise NotImplementedError

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        return {self.source_column: self.pandas_map(df[self.source_column])}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        return {self.source_column: self.spark_map(scol(self.source_column))}


class Derive(ColumnFunction):
    """Writes ``targetColumn`` computed from ``sourceColumn``."""

    abstract: ClassVar[bool] = True
    source_column: Column
    target_column: NewColumn

    def result_type(self, source: LType) -> LType:
        return source

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: self.result_type(schema[self.source_column])}

    def pandas_map(self, s: pd.Series) -> pd.Series:
        raise NotImplementedError

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        return {self.target_column: self.pandas_map(df[self.source_column])}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        return {self.target_column: self.spark_map(scol(self.source_column))}


class ColumnOrValue(ColumnFunction):
    """Writes ``targetColumn`` from either ``sourceColumn`` or a literal text ``value``."""

    abstract: ClassVar[bool] = True
    source_column: Column | None = None
    value: Text | None = None
    target_column: NewColumn

    @model_validator(mode="after")
    def _one_input(self) -> ColumnOrValue:
        require_one_of(self.operation, "sourceColumn", "value", self.source_column, self.value)
        return self

    def input_type(self, schema: Schema) -> LType:
        return schema[self.source_column] if self.source_column else LType.STRING

    def result_type(self, source: LType) -> LType:
        return source

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: self.result_type(self.input_type(schema))}

    def pandas_map(self, s: pd.Series) -> pd.Series:
        raise NotImplementedError

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        raise NotImplementedError

    @staticmethod
    def column_example(column: str, given: list[Any], target: str, result: list[Any]) -> Example:
        """The example of ``sourceColumn`` ``column`` holding ``given``: ``target`` gets ``result``."""
        return Example(
            given={column: given},
            params={"sourceColumn": column, "targetColumn": target},
            expect={column: given, target: result},
        )

    @staticmethod
    def literal_example(value: str, target: str, result: Any) -> Example:
        """The example of a literal ``value``: each row of a two-row table gets ``result``."""
        return Example(
            given={"id": [1, 2]},
            params={"value": value, "targetColumn": target},
            expect={"id": [1, 2], target: [result, result]},
            title="a literal value",
        )

    def pandas_source(self, df: pd.DataFrame, ctx: PandasContext, ltype: LType = LType.STRING) -> pd.Series:
        """The operand: ``sourceColumn``, or ``value`` as a column of ``ltype`` as long as ``df``."""
        if self.source_column is not None:
            return df[self.source_column]
        return ctx.constant(self.value, ltype, df.index)

    def spark_source(self) -> SparkColumn:
        """The operand: ``sourceColumn``, or ``value`` as a text literal."""
        return scol(self.source_column) if self.source_column else F.lit(self.value)

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        return {self.target_column: self.pandas_map(self.pandas_source(df, ctx))}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        return {self.target_column: self.spark_map(self.spark_source())}


def require_one_of(operation: str, column_param: str, value_param: str, column: Any, value: Any) -> None:
    """Refuse a step that gives both or neither of a column and a literal for one operand."""
    if (column is None) == (value is None):
        raise ParameterError(
            f"give either {column_param} or {value_param}, not both or neither",
            operation=operation,
            parameter=column_param,
        )


class RowFilter(Transform):
    """Removes rows. ``pandas_drop``/``spark_drop`` mark rows to remove (None: all rows)."""

    abstract: ClassVar[bool] = True
    keeps_row_position: ClassVar[bool] = True

    def output_schema(self, schema: Schema) -> Schema:
        return dict(schema)

    def pandas_drop(self, df: pd.DataFrame, ctx: PandasContext) -> pd.Series | None:
        raise NotImplementedError

    def spark_drop(self, df: SparkFrame, ctx: SparkContext) -> SparkColumn | None:
        raise NotImplementedError

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        drop = self.pandas_drop(df, ctx)
        if drop is None and where is None:
            return df
        mask = where if drop is None else _fill_false(drop) & (True if where is None else where)
        return filter_rows(df, ~mask.to_numpy(dtype=bool))

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        drop = self.spark_drop(df, ctx)
        if drop is None and where is None:
            return df
        # ``where`` is already null-free; left bare, Spark can push a simple test into the scan.
        known = None if drop is None else F.coalesce(drop, F.lit(False))
        parts = [p for p in (known, where) if p is not None]
        mask = parts[0] if len(parts) == 1 else parts[0] & parts[1]
        return df.filter(~mask)


def _fill_false(mask: pd.Series) -> pd.Series:
    return mask.fillna(False).astype(bool)


class TableTransform(Transform):
    """Reshapes the whole table; implements ``apply_pandas``/``apply_spark`` directly."""

    abstract: ClassVar[bool] = True
    supports_conditions: ClassVar[bool] = False
