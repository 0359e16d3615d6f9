"""Order-sensitive column functions: steps that read neighbouring rows in the table's order.

They read the rows in the table's current order (the order pandas holds; on Spark the order of
``SparkEngine.with_row_position``) and never reorder rows. The window steps and the rolling
statistics share these base classes and helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, Derive
from workbench.core.lazy import F, W, scol
from workbench.core.params import Integer, NumericColumn
from workbench.core.rolling import rolling as reduce_window
from workbench.core.rolling import shift, window_matrix
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


def position() -> SparkColumn:
    """The Spark column holding each row's position in the table's order."""
    from workbench.engines.spark import ROW_POSITION

    return scol(ROW_POSITION)


def spark_window() -> Any:
    """Spark's ``Window`` (imported lazily)."""
    return W.Window


def non_negative(step: Any, **values: int) -> None:
    """Refuse negative row counts, naming the parameter."""
    for name, value in values.items():
        if value < 0:
            raise ParameterError(f"must be 0 or more (got {value})", operation=step.operation, parameter=name)


def combined(s: pd.Series) -> pa.Array:
    """A pandas column's Arrow data as one contiguous array."""
    values = arr(s)
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


class Ordered(ColumnFunction):
    """A column function reading neighbouring rows: on Spark it numbers rows first."""

    abstract: ClassVar[bool] = True
    order_sensitive: ClassVar[bool] = True
    restore_order: ClassVar[bool] = False
    """True when the Spark window partitions rows, so the original order must be put back."""

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        from workbench.engines.spark import ROW_POSITION

        out = super().apply_spark(ctx.with_row_position(df), ctx, where)
        if self.restore_order:
            out = out.orderBy(scol(ROW_POSITION))
        return out.drop(ROW_POSITION)


class OrderedDerive(Ordered, Derive):
    """``targetColumn`` from ``sourceColumn`` and its neighbouring rows."""

    abstract: ClassVar[bool] = True


def same_as_previous(values: pa.Array) -> pa.Array:
    """True where a value equals the one before it (nulls equal nulls, NaN equals NaN)."""
    previous = shift(values, -1)
    both_null = pc.and_(pc.is_null(values), pc.is_null(previous))
    same = pc.fill_null(pc.equal(values, previous), False)
    if pa.types.is_floating(values.type):
        same = pc.or_(same, pc.fill_null(pc.and_(pc.is_nan(values), pc.is_nan(previous)), False))
    return pc.or_(same, both_null)


class Arrangement:
    """A table's rows sorted by group keys, then order keys, then position (ascending, nulls last).

    Rows sharing a group key (nulls together, NaN together) form one group; ties in the order
    keys keep the table's order. Steps compute on the sorted rows and put results back with
    ``restore``, so the rows themselves are never reordered.
    """

    def __init__(
        self,
        df: pd.DataFrame,
        groups: list[str],
        order: list[str],
        extra: tuple[tuple[pa.Array, str], ...] = (),
    ) -> None:
        """``extra`` adds computed sort keys after the order columns, each with its direction."""
        position = pa.array(np.arange(len(df), dtype=np.int64))
        keys: dict[str, Any] = {f"k{i}": combined(df[name]) for i, name in enumerate([*groups, *order])}
        directions = ["ascending"] * len(keys)
        for i, (values, direction) in enumerate(extra):
            keys[f"e{i}"] = values
            directions.append(direction)
        keys["position"] = position
        directions.append("ascending")
        sort_keys = list(zip(keys, directions, strict=True))
        self.order = pc.sort_indices(pa.table(keys), sort_keys=sort_keys)
        self.back = pc.sort_indices(self.order)
        starts = pc.equal(position, 0)
        for i in range(len(groups)):
            starts = pc.or_(starts, pc.invert(same_as_previous(pc.take(keys[f"k{i}"], self.order))))
        self.starts = starts
        """True on the first sorted row of each group."""
        self.group = pc.cumulative_sum(pc.cast(starts, pa.int64()))
        """The group number of each sorted row."""

    def take(self, values: Any) -> pa.Array:
        """Values in sorted order."""
        return pc.take(values, self.order)

    def restore(self, values: Any) -> pa.Array:
        """Sorted-order values put back in the table's order."""
        return pc.take(values, self.back)

    def in_group(self, offset: int) -> pa.Array:
        """True where the sorted row ``offset`` rows away exists and is in the same group."""
        return pc.fill_null(pc.equal(shift(self.group, offset), self.group), False)

    def shift(self, values: pa.Array, offset: int) -> pa.Array:
        """Sorted row i gets sorted row i + offset of its own group (null when there is none)."""
        moved = shift(values, offset)
        return pc.if_else(self.in_group(offset), moved, pa.scalar(None, moved.type))

    def nearest_valid(self, valid: pa.Array, forward: bool) -> pa.Array:
        """The sorted index of the nearest valid row at or before (or after) each row, in its group."""
        index = pa.array(np.arange(len(valid), dtype=np.int64))
        usable = pc.if_else(valid, index, pa.scalar(None, pa.int64()))
        nearest = pc.fill_null_forward(usable) if forward else pc.fill_null_backward(usable)
        same = pc.equal(pc.take(self.group, pc.fill_null(nearest, 0)), self.group)
        return pc.if_else(pc.fill_null(same, False), nearest, pa.scalar(None, pa.int64()))

    def segmented(self, values: pa.Array, how: str) -> pa.Array:
        """The running ``how`` ("cumsum", "cummax", "cummin") of each group, nulls skipped.

        pandas' grouped running reductions accumulate row after row, in the order Spark's
        running window frames do, so both engines add floating-point values alike.
        """
        missing = pc.invert(pc.is_valid(values)).to_numpy(zero_copy_only=False)
        if pa.types.is_integer(values.type):
            data = pc.fill_null(pc.cast(values, pa.int64()), 0).to_numpy()
            series = pd.Series(pd.arrays.IntegerArray(data, missing))
        else:
            series = pd.Series(pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False))
        result = getattr(series.groupby(self.group.to_numpy()), how)()
        if pa.types.is_integer(values.type):
            return pa.array(
                result.to_numpy(dtype="int64", na_value=0), pa.int64(), mask=result.isna().to_numpy()
            )
        return pa.array(result.to_numpy(), pa.float64(), from_pandas=True)


def group_window(groups: list[str], order: list[str]) -> Any:
    """The Spark window of ``Arrangement``: partitioned by groups, ordered by keys then position."""
    window = spark_window().orderBy(*[scol(c).asc_nulls_last() for c in order], position())
    if groups:
        window = window.partitionBy(*[scol(c) for c in groups])
    return window


class Grouped(Ordered):
    """An order-dependent step reading the rows of its group in orderByColumns order.

    Empty groupByColumns use the whole table as one group; empty orderByColumns follow row
    order. The rows themselves are not reordered.
    """

    abstract: ClassVar[bool] = True
    restore_order: ClassVar[bool] = True

    def grouping(self) -> tuple[list[str], list[str]]:
        return list(getattr(self, "group_by_columns", [])), list(getattr(self, "order_by_columns", []))

    def arrangement(self, df: pd.DataFrame) -> Arrangement:
        return Arrangement(df, *self.grouping())

    def window(self) -> Any:
        return group_window(*self.grouping())

    def anchor(self) -> str | None:
        source = getattr(self, "source_column", None)
        return source if isinstance(source, str) else super().anchor()


class RollingWindow(OrderedDerive):
    """A statistic of the rows from numRowsBefore above to numRowsAfter below each row.

    Nulls and NaN are skipped; a window with no value gives null unless the statistic says
    otherwise. ``as_double`` reads decimals as doubles.
    """

    abstract: ClassVar[bool] = True
    as_double: ClassVar[bool] = True
    source_column: NumericColumn
    num_rows_before: Integer
    num_rows_after: Integer

    @model_validator(mode="after")
    def _check_rows(self) -> RollingWindow:
        non_negative(self, numRowsBefore=self.num_rows_before, numRowsAfter=self.num_rows_after)
        return self

    def values_pandas(self, s: pd.Series) -> pa.Array:
        """The source values, NaN read as null (decimals as doubles when ``as_double``)."""
        values = combined(s)
        if self.as_double and pa.types.is_decimal(values.type):
            values = pc.cast(values, pa.float64())
        if pa.types.is_floating(values.type):
            values = pc.if_else(pc.is_nan(values), pa.scalar(None, values.type), values)
        return values

    def values_spark(self, c: SparkColumn, source: LType) -> SparkColumn:
        if self.as_double and source is LType.DECIMAL:
            c = c.cast("double")
            source = LType.DOUBLE
        return F.when(~F.isnan(c), c) if source is LType.DOUBLE else c

    def window(self) -> Any:
        return spark_window().orderBy(position()).rowsBetween(-self.num_rows_before, self.num_rows_after)

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        source = ctx.schema_of(df)[self.source_column]
        values = self.values_spark(scol(self.source_column), source)
        return {self.target_column: self.finish_spark(self.statistic_spark(values).over(self.window()))}

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        """The aggregate of ``c`` computed over each row's window."""
        raise NotImplementedError

    def finish_spark(self, aggregated: SparkColumn) -> SparkColumn:
        """The result from the window's aggregate (the aggregate itself unless overridden)."""
        return aggregated

    def rolling(self, values: pa.Array, combine: Callable[[Any, Any], Any]) -> pa.Array:
        return reduce_window(values, self.num_rows_before, self.num_rows_after, combine)

    def matrix(self, values: pa.Array, missing: Any) -> tuple[Any, Any]:
        """Each row's window as a matrix row: (values, valid)."""
        return window_matrix(values, self.num_rows_before, self.num_rows_after, missing)
