"""The base of the row-wise aggregates: inputs brought to one type with missing values as null,
each row's values stacked for order statistics on pandas, and the family base.
"""

from __future__ import annotations

from functools import reduce
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
from workbench.core.params import Columns, NewColumn
from workbench.core.types import NUMERIC, LType, Schema, arrow_type
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

NUMERIC_INPUTS = frozenset({LType.INTEGER, LType.DOUBLE, LType.DECIMAL, LType.STRING})
SCALAR_INPUTS = frozenset(
    {LType.STRING, LType.INTEGER, LType.DOUBLE, LType.DECIMAL, LType.BOOLEAN, LType.DATE, LType.TIMESTAMP}
)


def common_type(types: set[LType]) -> LType:
    """One type for values from several columns: shared, else numeric, else text."""
    if len(types) == 1:
        return next(iter(types))
    if types <= {LType.INTEGER}:
        return LType.INTEGER
    if types <= NUMERIC:
        return LType.DOUBLE
    return LType.STRING


# --- preparing the inputs: one type, missing values as null -----------------------------------


def pd_prepare(s: pd.Series, source: LType, target: LType) -> Any:
    if source is LType.DOUBLE:  # NaN is missing, also once read as text
        a = arr(s)
        s = wrap(pc.if_else(pc.is_nan(a), pa.scalar(None, a.type), a), s)
    a = arr(cast_pandas(s, source, target)) if source is not target else arr(s)
    a = pc.cast(a, arrow_type(target))
    if target is LType.DOUBLE:
        # -0.0 becomes 0.0 so that both engines see one zero.
        a = pc.add(a, 0.0)
    elif target is LType.STRING:
        a = pc.if_else(pc.equal(a, ""), pa.scalar(None, a.type), a)
    return a


def sp_prepare(c: SparkColumn, source: LType, target: LType) -> SparkColumn:
    from workbench.engines.spark.types import spark_type

    if source is LType.DOUBLE:
        c = F.when(~F.isnan(c), c)
    c = cast_spark(c, source, target).cast(spark_type(target))
    if target is LType.DOUBLE:
        return F.when(~F.isnan(c), c + F.lit(0.0))
    if target is LType.STRING:
        return F.when(c != F.lit(""), c)
    return c


# --- pandas: every row's values stacked and sorted, for order statistics ---------------------


class Stacked:
    """The non-missing values of all rows in one array, sorted by (row, value)."""

    def __init__(self, values: list[Any], n: int) -> None:
        chunks = [c for v in values for c in (v.chunks if isinstance(v, pa.ChunkedArray) else [v])]
        flat = pa.chunked_array(chunks, values[0].type).combine_chunks()
        rows = np.tile(np.arange(n, dtype=np.int64), len(values))
        table = pa.table({"r": rows, "v": flat}).filter(pc.is_valid(flat))
        table = table.sort_by([("r", "ascending"), ("v", "ascending")])
        self.n = n
        self.rows = table["r"].to_numpy()
        self.values = table["v"].combine_chunks()

    def counts(self, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Per row: how many values, and where the row's first value is."""
        counts = np.bincount(self.rows if rows is None else rows, minlength=self.n)
        return counts, np.cumsum(counts) - counts

    def run_starts(self) -> np.ndarray:
        """Positions where a new (row, value) pair starts."""
        size = len(self.values)
        if size == 0:
            return np.zeros(0, dtype=np.int64)
        same_row = self.rows[1:] == self.rows[:-1]
        same_value = pc.equal(self.values.slice(1), self.values.slice(0, size - 1))
        same = same_row & same_value.to_numpy(zero_copy_only=False)
        return np.flatnonzero(np.concatenate([[True], ~same]))

    def distinct(self) -> Stacked:
        starts = self.run_starts()
        out = object.__new__(Stacked)
        out.n, out.rows, out.values = self.n, self.rows[starts], self.values.take(pa.array(starts))
        return out


def pick(values: pa.Array, positions: np.ndarray, ok: np.ndarray) -> pa.Array:
    """values[positions] where ``ok``, else null."""
    index = pa.array(np.where(ok, positions, 0), type=pa.int64(), mask=~ok)
    return pc.take(values, index)


def sp_present(values: list[SparkColumn]) -> SparkColumn:
    """The row's non-missing values as an array."""
    return F.filter(F.array(*values), lambda x: x.isNotNull())


def sp_add(values: list[SparkColumn], zero: Any) -> SparkColumn:
    return reduce(lambda acc, c: acc + c, [F.coalesce(c, F.lit(zero)) for c in values])


def sp_count(values: list[SparkColumn]) -> SparkColumn:
    flags = [F.when(c.isNotNull(), F.lit(1)).otherwise(F.lit(0)) for c in values]
    return reduce(lambda acc, c: acc + c, flags)


def pd_add(values: list[Any], zero: Any) -> Any:
    return reduce(pc.add, [pc.coalesce(v, zero) for v in values])


def pd_count(values: list[Any]) -> Any:
    return reduce(pc.add, [pc.cast(pc.is_valid(v), pa.int64()) for v in values])


# --- the family base --------------------------------------------------------------------------


class RowAggregate(ColumnFunction):
    """Computes ``targetColumn`` from the values of ``sourceColumns`` in the same row.

    Subclasses declare whether they need numbers, the result type, and one reduction per
    engine over the prepared inputs (one array / column per source column, missing = null).
    """

    abstract: ClassVar[bool] = True
    row_hooks: ClassVar[tuple[str, str]] = ("pandas_reduce", "spark_reduce")
    numeric: ClassVar[bool] = True
    """True when inputs are read as numbers (text that is not a number is skipped)."""
    as_double: ClassVar[bool] = False
    """True when the inputs are read as doubles even when every column is an integer."""
    source_columns: Columns
    target_column: NewColumn

    @model_validator(mode="after")
    def _some_columns(self) -> RowAggregate:
        if not self.source_columns:
            raise ParameterError(
                "list at least one column", operation=self.operation, parameter="sourceColumns"
            )
        return self

    def check_types(self, schema: Schema) -> None:
        super().check_types(schema)
        allowed = NUMERIC_INPUTS if self.numeric else SCALAR_INPUTS
        for column in self.source_columns:
            if column in schema and schema[column] not in allowed:
                needs = "numbers or text" if self.numeric else "plain values (not arrays, structs or maps)"
                raise ParameterError(
                    f"column {column!r} is {schema[column].value}; {self.operation} needs {needs}",
                    operation=self.operation,
                    parameter="sourceColumns",
                    column=column,
                )

    def value_type(self, schema: Schema) -> LType | None:
        """The one type every input is read as (None: each column keeps its own)."""
        types = {schema[c] for c in self.source_columns}
        if self.numeric:
            return LType.INTEGER if types == {LType.INTEGER} and not self.as_double else LType.DOUBLE
        return common_type(types)

    def result_type(self, vtype: LType | None) -> LType:
        return vtype or LType.STRING

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: self.result_type(self.value_type(schema))}

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        raise NotImplementedError

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        schema = ctx.schema_of(df)
        vtype = self.value_type(schema)
        values = [pd_prepare(df[c], schema[c], vtype or schema[c]) for c in self.source_columns]
        out = self.pandas_reduce(values, vtype, len(df.index))
        out = pc.cast(out, arrow_type(self.result_type(vtype)))
        return {self.target_column: wrap(out, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        from workbench.engines.spark.types import spark_type

        schema = ctx.schema_of(df)
        vtype = self.value_type(schema)
        values = [sp_prepare(scol(c), schema[c], vtype or schema[c]) for c in self.source_columns]
        out = self.spark_reduce(values, vtype)
        return {self.target_column: out.cast(spark_type(self.result_type(vtype)))}
