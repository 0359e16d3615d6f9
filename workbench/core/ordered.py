"""Order-sensitive column functions: steps that read neighbouring rows in the table's order.

They read the rows in the table's current order (the order pandas holds; on Spark the order of
``SparkEngine.with_row_position``) and never reorder rows. The window steps and the rolling
statistics share these base classes and helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa

from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, Derive
from workbench.core.lazy import W, scol
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

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        from workbench.engines.spark import ROW_POSITION

        out = super().apply_spark(ctx.with_row_position(df), ctx, where)
        if self.restore_order:
            out = out.orderBy(scol(ROW_POSITION))
        return out.drop(ROW_POSITION)


class OrderedDerive(Ordered, Derive):
    """``targetColumn`` from ``sourceColumn`` and its neighbouring rows."""

    abstract: ClassVar[bool] = True
