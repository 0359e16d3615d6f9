"""Window functions: rolling sums, means, extremes, counts and spreads of the rows around each row.

Rolling steps depend on row order: they read the rows in the table's current order (the order
pandas holds; on Spark the order of ``SparkEngine.with_row_position``), and never reorder rows.
The window of a row spans ``numRowsBefore`` rows above it to ``numRowsAfter`` rows below it,
clipped at the ends of the table. Nulls (and NaN) are skipped; a window with no value gives null.
On pandas every statistic is built from whole-column operations over blocks of 1, 2, 4… rows
(``workbench/core/rolling.py``); on Spark it is one window aggregate over the row positions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.lazy import F
from workbench.core.ordered import RollingWindow
from workbench.core.params import Column
from workbench.core.registry import Category, Example
from workbench.core.rolling import add, larger, smaller
from workbench.core.types import LType
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


class RollingSum(RollingWindow):
    """Write the sum of the values from numRowsBefore rows above to numRowsAfter rows below each row.

    Nulls (and NaN) are skipped; a window with no value gives null. Integer columns give
    integers, other numbers doubles.
    """

    operation = "ROLLING_SUM"
    category = Category.WINDOW
    examples: ClassVar = (
        Example(
            given={"x": [1, 2, None, 4, 5]},
            params={"sourceColumn": "x", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "s"},
            expect={"x": [1, 2, None, 4, 5], "s": [3, 3, 6, 9, 9]},
        ),
        Example(
            given={"x": [None, None, 3, -1]},
            params={"sourceColumn": "x", "numRowsBefore": 1, "numRowsAfter": 0, "targetColumn": "s"},
            expect={"x": [None, None, 3, -1], "s": [None, None, 3, 2]},
        ),
        Example(
            given={"x": [0.5, float("nan"), 1.25, None]},
            params={"sourceColumn": "x", "numRowsBefore": 0, "numRowsAfter": 2, "targetColumn": "s"},
            expect={"x": [0.5, float("nan"), 1.25, None], "s": [1.75, 1.25, 1.25, None]},
        ),
        Example(
            given={"x": list(range(1, 41))},
            params={"sourceColumn": "x", "numRowsBefore": 10, "numRowsAfter": 9, "targetColumn": "s"},
            expect={
                "x": list(range(1, 41)),
                "s": [sum(range(max(1, i - 10), min(40, i + 9) + 1)) for i in range(1, 41)],
            },
            title="a window of 20 rows",
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER if source is LType.INTEGER else LType.DOUBLE

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(self.rolling(self.values_pandas(s), add), s)

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        return F.sum(c)


class RollingAverage(RollingWindow):
    """Write the mean of the values from numRowsBefore rows above to numRowsAfter rows below each row.

    Nulls (and NaN) are skipped and do not count; a window with no value gives null. The result
    is a double.
    """

    operation = "ROLLING_AVERAGE"
    category = Category.WINDOW
    examples: ClassVar = (
        Example(
            given={"x": [1, 2, None, 4, 5]},
            params={"sourceColumn": "x", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "avg"},
            expect={"x": [1, 2, None, 4, 5], "avg": [1.5, 1.5, 3.0, 4.5, 4.5]},
        ),
        Example(
            given={"x": [1.0, 2.0, None, 4.0, -5.5]},
            params={"sourceColumn": "x", "numRowsBefore": "2", "numRowsAfter": "0", "targetColumn": "avg"},
            expect={"x": [1.0, 2.0, None, 4.0, -5.5], "avg": [1.0, 1.5, 1.5, 3.0, -0.75]},
        ),
        Example(
            given={"x": [None, None, 6]},
            params={"sourceColumn": "x", "numRowsBefore": 0, "numRowsAfter": 0, "targetColumn": "avg"},
            expect={"x": [None, None, 6], "avg": [None, None, 6.0]},
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.DOUBLE

    def pandas_map(self, s: pd.Series) -> pd.Series:
        values = pc.cast(self.values_pandas(s), pa.float64())
        total = self.rolling(values, add)
        counted = self.rolling(pc.cast(pc.is_valid(values), pa.int64()), add)
        counted = pc.if_else(pc.equal(counted, 0), pa.scalar(None, pa.int64()), counted)
        return wrap(pc.divide(total, pc.cast(counted, pa.float64())), s)

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        return F.avg(c.cast("double"))


class RollingMax(RollingWindow):
    """Write the largest value from numRowsBefore rows above to numRowsAfter rows below each row.

    Nulls (and NaN) are skipped; a window with no value gives null. The type is the column's.
    """

    operation = "ROLLING_MAX"
    category = Category.WINDOW
    as_double = False
    examples: ClassVar = (
        Example(
            given={"x": [3, -1, None, 7, 2]},
            params={"sourceColumn": "x", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "m"},
            expect={"x": [3, -1, None, 7, 2], "m": [3, 3, 7, 7, 7]},
        ),
        Example(
            given={"x": [float(v) for v in (5, 1, 4, 9, 2, 6, 8, 3, 7, 0)] * 2 + [None]},
            params={"sourceColumn": "x", "numRowsBefore": 12, "numRowsAfter": 5, "targetColumn": "m"},
            expect={"x": [float(v) for v in (5, 1, 4, 9, 2, 6, 8, 3, 7, 0)] * 2 + [None], "m": [9.0] * 21},
            title="a window of 18 rows",
        ),
    )

    def result_type(self, source: LType) -> LType:
        return source

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(self.rolling(self.values_pandas(s), larger), s)

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        return F.max(c)


class RollingMin(RollingMax):
    """Write the smallest value from numRowsBefore rows above to numRowsAfter rows below each row.

    Nulls (and NaN) are skipped; a window with no value gives null. The type is the column's.
    """

    operation = "ROLLING_MIN"
    category = Category.WINDOW
    examples: ClassVar = (
        Example(
            given={"x": [3, -1, None, 7, 2]},
            params={"sourceColumn": "x", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "m"},
            expect={"x": [3, -1, None, 7, 2], "m": [-1, -1, -1, 2, 2]},
        ),
        Example(
            given={"x": [2.5, None, float("nan"), None]},
            params={"sourceColumn": "x", "numRowsBefore": "0", "numRowsAfter": "1", "targetColumn": "m"},
            expect={"x": [2.5, None, float("nan"), None], "m": [2.5, None, None, None]},
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(self.rolling(self.values_pandas(s), smaller), s)

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        return F.min(c)


class RollingCountA(RollingWindow):
    """Write how many values there are from numRowsBefore rows above to numRowsAfter rows below each row.

    Nulls (and NaN) do not count; empty text and zero do. Works on a column of any type; a
    window with no value gives 0.
    """

    operation = "ROLLING_COUNT_A"
    category = Category.WINDOW
    as_double = False
    source_column: Column  # type: ignore[assignment]
    examples: ClassVar = (
        Example(
            given={"s": ["a", None, "", "ü", None, None]},
            params={"sourceColumn": "s", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "n"},
            expect={"s": ["a", None, "", "ü", None, None], "n": [1, 2, 2, 2, 1, 0]},
        ),
        Example(
            given={"x": [1.5, float("nan"), None, 0.0]},
            params={"sourceColumn": "x", "numRowsBefore": 3, "numRowsAfter": 0, "targetColumn": "n"},
            expect={"x": [1.5, float("nan"), None, 0.0], "n": [1, 1, 1, 2]},
        ),
        Example(
            given={"b": [True, False, None]},
            params={"sourceColumn": "b", "numRowsBefore": 0, "numRowsAfter": 0, "targetColumn": "n"},
            expect={"b": [True, False, None], "n": [1, 1, 0]},
        ),
        Example(
            given={"x": list(range(30))},
            params={"sourceColumn": "x", "numRowsBefore": 12, "numRowsAfter": 7, "targetColumn": "n"},
            expect={"x": list(range(30)), "n": [min(29, i + 7) - max(0, i - 12) + 1 for i in range(30)]},
            title="a window of 20 rows",
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER

    def pandas_map(self, s: pd.Series) -> pd.Series:
        present = pc.cast(pc.is_valid(self.values_pandas(s)), pa.int64())
        return wrap(pc.fill_null(self.rolling(present, add), 0), s)

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        return F.count(c)


_MOMENTS = pa.struct([("n", pa.float64()), ("mean", pa.float64()), ("m2", pa.float64())])
"""Count, mean and sum of squared deviations of a window's values (a null row counts nothing)."""


def _moments(values: pa.Array) -> pa.Array:
    """Each value as the moments of a window of one value (null where the value is null)."""
    present = pc.is_valid(values)
    one = pc.cast(present, pa.float64())
    return pa.StructArray.from_arrays(
        [one, pc.fill_null(values, 0.0), pa.array([0.0] * len(values), pa.float64())],
        fields=list(_MOMENTS),
        mask=pc.invert(present),
    )


def _merge_moments(a: Any, b: Any) -> Any:
    """The moments of two windows together (Chan's parallel update, as Spark merges partial variances)."""
    na, ma, m2a = (pc.fill_null(pc.struct_field(a, k), 0.0) for k in ("n", "mean", "m2"))
    nb, mb, m2b = (pc.fill_null(pc.struct_field(b, k), 0.0) for k in ("n", "mean", "m2"))
    n = pc.add(na, nb)
    some = pc.greater(n, 0.0)
    safe_n = pc.if_else(some, n, 1.0)
    delta = pc.subtract(mb, ma)
    mean = pc.add(ma, pc.divide(pc.multiply(delta, nb), safe_n))
    cross = pc.divide(pc.multiply(pc.multiply(delta, delta), pc.multiply(na, nb)), safe_n)
    m2 = pc.add(pc.add(m2a, m2b), cross)
    return pa.StructArray.from_arrays([n, mean, m2], fields=list(_MOMENTS))


class RollingVariance(RollingWindow):
    """Write the sample variance of the values from numRowsBefore rows above to numRowsAfter rows below.

    The sample variance divides by the count less one (as Spark's ``variance``). Nulls (and NaN)
    are skipped; a window with fewer than two values gives null. The result is a double.
    """

    operation = "ROLLING_VARIANCE"
    category = Category.WINDOW
    examples: ClassVar[tuple[Example, ...]] = (
        Example(
            given={"x": [1, 3, None, 5, 9]},
            params={"sourceColumn": "x", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "v"},
            expect={"x": [1, 3, None, 5, 9], "v": [2.0, 2.0, 2.0, 8.0, 8.0]},
        ),
        Example(
            given={"x": [2.5, None, float("nan"), -1.5, 4.5]},
            params={"sourceColumn": "x", "numRowsBefore": 2, "numRowsAfter": 0, "targetColumn": "v"},
            expect={"x": [2.5, None, float("nan"), -1.5, 4.5], "v": [None, None, None, None, 18.0]},
        ),
        Example(
            given={"x": [float(v) for v in range(40)]},
            params={"sourceColumn": "x", "numRowsBefore": 10, "numRowsAfter": 9, "targetColumn": "v"},
            expect={
                "x": [float(v) for v in range(40)],
                "v": [
                    ((hi - lo + 1) * (hi - lo + 2)) / 12.0
                    for lo, hi in ((max(0, i - 10), min(39, i + 9)) for i in range(40))
                ],
            },
            title="a window of 20 rows",
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.DOUBLE

    def variance_pandas(self, s: pd.Series) -> Any:
        values = pc.cast(self.values_pandas(s), pa.float64())
        found = self.rolling(_moments(values), _merge_moments)
        n = pc.fill_null(pc.struct_field(found, "n"), 0.0)
        m2 = pc.struct_field(found, "m2")
        variance = pc.divide(m2, pc.subtract(n, 1.0))
        return pc.if_else(pc.greater(n, 1.0), variance, pa.scalar(None, pa.float64()))

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(self.variance_pandas(s), s)

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        return F.var_samp(c.cast("double"))


class RollingStandardDeviation(RollingVariance):
    """Write the sample standard deviation of the values from numRowsBefore above to numRowsAfter below.

    The square root of ROLLING_VARIANCE's sample variance (as Spark's ``stddev``). Nulls (and
    NaN) are skipped; a window with fewer than two values gives null. The result is a double.
    """

    operation = "ROLLING_STANDARD_DEVIATION"
    category = Category.WINDOW
    examples: ClassVar = (
        Example(
            given={"x": [1, 3, None, 5, 9]},
            params={"sourceColumn": "x", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "sd"},
            expect={"x": [1, 3, None, 5, 9], "sd": [2.0**0.5, 2.0**0.5, 2.0**0.5, 8.0**0.5, 8.0**0.5]},
        ),
        Example(
            given={"x": [4.0, 4.0, None, float("nan"), -2.0]},
            params={"sourceColumn": "x", "numRowsBefore": 0, "numRowsAfter": 2, "targetColumn": "sd"},
            expect={"x": [4.0, 4.0, None, float("nan"), -2.0], "sd": [0.0, None, None, None, None]},
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(pc.sqrt(self.variance_pandas(s)), s)

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        return F.stddev_samp(c.cast("double"))
