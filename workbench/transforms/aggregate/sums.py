"""Functions: aggregate. Sums and means across the listed columns of each row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.lazy import F
from workbench.core.registry import Category, Example
from workbench.core.row_aggregates import (
    RowAggregate,
    pd_add,
    pd_count,
    sp_add,
    sp_count,
)
from workbench.core.types import LType

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


# --- sums and means -----------------------------------------------------------------------------


class Sum(RowAggregate):
    """Write the total of the listed columns for each row to a new column.

    Missing values and text that is not a number count as 0, so a row with none gives 0.
    Integer columns give an integer (64-bit, wrapping on overflow); otherwise a double.
    """

    operation = "SUM"
    category = Category.AGGREGATE
    examples: ClassVar = (
        Example(
            given={"a": [1, None, None, -4], "b": [2, 5, None, 4]},
            params={"sourceColumns": '["a","b"]', "targetColumn": "total"},
            expect={"a": [1, None, None, -4], "total": [3, 5, 0, 0], "b": [2, 5, None, 4]},
            expect_schema={"total": "integer"},
        ),
        Example(
            given={"x": [1.5, None, 2.0], "n": [1, 2, None], "t": ["2.5", "abc", ""]},
            params={"sourceColumns": ["x", "n", "t"], "targetColumn": "s"},
            title="mixed columns: a double; text that is not a number counts as 0",
            expect={"x": [1.5, None, 2.0], "s": [5.0, 2.0, 2.0], "n": [1, 2, None], "t": ["2.5", "abc", ""]},
        ),
    )

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        return pd_add(values, 0 if vtype is LType.INTEGER else 0.0)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        return sp_add(values, 0 if vtype is LType.INTEGER else 0.0)


class Average(RowAggregate):
    """Write the mean of the listed columns for each row to a new column (a double).

    Missing values and text that is not a number are skipped; a row with none gives null.
    """

    operation = "AVERAGE"
    category = Category.AGGREGATE
    as_double: ClassVar[bool] = True
    examples: ClassVar = (
        Example(
            given={"a": [1, 4, None, -3], "b": [2, None, None, 3], "c": [6, 8, None, 1]},
            params={"sourceColumns": '["a","b","c"]', "targetColumn": "avg"},
            expect={
                "a": [1, 4, None, -3],
                "avg": [3.0, 6.0, None, 1 / 3],
                "b": [2, None, None, 3],
                "c": [6, 8, None, 1],
            },
        ),
    )

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        count = pd_count(values)
        count = pc.if_else(pc.equal(count, 0), pa.scalar(None, pa.int64()), count)
        return pc.divide(pd_add(values, 0.0), count)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        count = sp_count(values)
        return F.when(count > 0, sp_add(values, 0.0) / count)


class _Spread(RowAggregate):
    """Population variance: the mean squared distance from the row's mean (divides by n)."""

    abstract: ClassVar[bool] = True
    as_double: ClassVar[bool] = True

    def finish(self, variance: Any, spark: bool) -> Any:
        return variance

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        count = pc.if_else(pc.equal(pd_count(values), 0), pa.scalar(None, pa.int64()), pd_count(values))
        mean = pc.divide(pd_add(values, 0.0), count)
        squares = [pc.multiply(pc.subtract(v, mean), pc.subtract(v, mean)) for v in values]
        return self.finish(pc.divide(pd_add(squares, 0.0), count), spark=False)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        count = sp_count(values)
        mean = sp_add(values, 0.0) / count
        squares = [(v - mean) * (v - mean) for v in values]
        return F.when(count > 0, self.finish(sp_add(squares, 0.0) / count, spark=True))


class Variance(_Spread):
    """Write the population variance of the listed columns for each row to a new column.

    Var = sum((x - mean)^2) / n over the row's values (DataBrew's definition), a double; one
    value gives 0, no value gives null.
    """

    operation = "VARIANCE"
    category = Category.AGGREGATE
    examples: ClassVar = (
        Example(
            given={"a": [2, 5, None, 1], "b": [4, None, None, 2], "c": [9, 7, None, None]},
            params={"sourceColumns": '["a","b","c"]', "targetColumn": "var"},
            expect={
                "a": [2, 5, None, 1],
                "var": [26 / 3, 1.0, None, 0.25],
                "b": [4, None, None, 2],
                "c": [9, 7, None, None],
            },
        ),
    )


class StandardDeviation(_Spread):
    """Write the population standard deviation of the listed columns for each row to a new column.

    The square root of VARIANCE (divides by n, not n - 1), a double; one value gives 0, no
    value gives null.
    """

    operation = "STANDARD_DEVIATION"
    category = Category.AGGREGATE
    examples: ClassVar = (
        Example(
            given={"a": [2.0, 5.0, None], "b": [4.0, None, None], "c": [6.0, float("nan"), None]},
            params={"sourceColumns": '["a","b","c"]', "targetColumn": "sd"},
            title="NaN counts as missing",
            expect={
                "a": [2.0, 5.0, None],
                "sd": [(8 / 3) ** 0.5, 0.0, None],
                "b": [4.0, None, None],
                "c": [6.0, float("nan"), None],
            },
        ),
    )

    def finish(self, variance: Any, spark: bool) -> Any:
        return F.sqrt(variance) if spark else pc.sqrt(variance)
