"""Window functions: rolling order statistics (k-th largest, median, most common value).

The window of a row spans ``numRowsBefore`` rows above it to ``numRowsAfter`` rows below it,
clipped at the ends of the table; nulls and NaN are skipped. On pandas each row's window is a
row of a matrix (rows times window width) sorted at once; on Spark it is the window's values
collected into an array and sorted, so both read the same sorted values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import model_validator

from workbench.core.errors import ParameterError
from workbench.core.lazy import F
from workbench.core.ordered import RollingWindow
from workbench.core.params import Integer, enum_param
from workbench.core.registry import Category, Example
from workbench.core.stats import ModeType
from workbench.core.types import LType
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


class _Sorted(RollingWindow):
    """A statistic read from the window's values in sorted order."""

    abstract: ClassVar[bool] = True
    descending: ClassVar[bool] = False

    def result_type(self, source: LType) -> LType:
        return LType.DOUBLE if source is LType.DECIMAL else source

    def sorted_windows(self, s: pd.Series) -> tuple[np.ndarray, np.ndarray, pa.DataType]:
        """Each row's window values sorted (missing rows last), how many values each holds, and the type."""
        values = self.values_pandas(s)
        data_type = values.type
        if pa.types.is_integer(data_type):
            info = np.iinfo(np.int64)
            values = values.cast(pa.int64())
            missing: Any = info.min if self.descending else info.max
        else:
            values = values.cast(pa.float64())
            missing = -np.inf if self.descending else np.inf
        # Missing rows take the extreme that sorts last; a real value equal to it sorts beside
        # them, which changes no statistic, since only the first ``count`` sorted values are read.
        data, valid = self.matrix(values, missing)
        ordered = np.sort(data, axis=1)
        if self.descending:
            ordered = ordered[:, ::-1]
        return ordered, valid.sum(axis=1), data_type

    def result_array(self, values: np.ndarray, found: np.ndarray, data_type: pa.DataType) -> pa.Array:
        if pa.types.is_integer(data_type):
            return pa.array(values.astype(np.int64), pa.int64(), mask=~found)
        return pa.array(values.astype(np.float64), pa.float64(), mask=~found)

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        return F.collect_list(c)

    def sorted_spark(self, collected: SparkColumn) -> SparkColumn:
        return F.sort_array(collected, asc=not self.descending)


class _Kth(_Sorted):
    """The k-th largest of the window's values (k = value), each value counted once or every time."""

    abstract: ClassVar[bool] = True
    category = Category.WINDOW
    descending = True
    distinct: ClassVar[bool]
    """True when repeated values count once."""
    value: Integer

    @model_validator(mode="after")
    def _check_k(self) -> _Kth:
        if self.value < 1:
            raise ParameterError(
                f"k must be 1 or more (got {self.value})", operation=self.operation, parameter="value"
            )
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        ordered, count, data_type = self.sorted_windows(s)
        counted = np.arange(ordered.shape[1])[None, :] < count[:, None]
        if self.distinct:
            counted[:, 1:] &= ordered[:, 1:] != ordered[:, :-1]
        kth = counted & (np.cumsum(counted, axis=1) == self.value)
        picked = ordered[np.arange(len(ordered)), kth.argmax(axis=1)]
        return wrap(self.result_array(picked, kth.any(axis=1), data_type), s)

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        return F.collect_set(c) if self.distinct else F.collect_list(c)

    def finish_spark(self, aggregated: SparkColumn) -> SparkColumn:
        return F.try_element_at(self.sorted_spark(aggregated), F.lit(self.value))


_TIES = {"x": [5, 5, 3, None, 8, 1]}
"""Ties read by both k-th largest steps: the 2nd largest of 5, 5, 3 is 5 counting each, 3 counting once."""


def _kth_of_x(before: Any, after: Any, k: Any) -> dict[str, Any]:
    """An example's parameters: the k-th largest of x's window into k."""
    return {
        "sourceColumn": "x",
        "numRowsBefore": before,
        "numRowsAfter": after,
        "value": k,
        "targetColumn": "k",
    }


class RollingKthLargest(_Kth):
    """Write the k-th largest value (k = value) from numRowsBefore rows above to numRowsAfter rows below.

    Repeated values count once each (k = 2 of 5, 5, 3 is 5). Nulls and NaN are skipped; a window
    with fewer than k values gives null. Integer and double columns keep their type; decimals
    give doubles.
    """

    operation = "ROLLING_KTH_LARGEST"
    distinct = False
    examples: ClassVar = (
        Example(
            given=_TIES,
            params=_kth_of_x("1", "1", "2"),
            expect={**_TIES, "k": [5, 5, 3, 3, 1, 1]},
            title="ties count once each; the edges hold fewer rows",
        ),
        Example(
            given={"x": [2.5, float("nan"), None, -1.0, 4.0]},
            params=_kth_of_x(2, 0, 2),
            expect={"x": [2.5, float("nan"), None, -1.0, 4.0], "k": [None, None, None, None, -1.0]},
            title="NaN is skipped; fewer than k values give null",
        ),
        Example(
            given={"x": list(range(20))},
            params=_kth_of_x(10, 9, 3),
            expect={"x": list(range(20)), "k": [min(19, i + 9) - 2 for i in range(20)]},
            title="a window of 20 rows",
        ),
    )


class RollingKthLargestUnique(_Kth):
    """Write the k-th largest distinct value (k = value) from numRowsBefore above to numRowsAfter below.

    Repeated values count once (k = 2 of 5, 5, 3 is 3). Nulls and NaN are skipped; a window with
    fewer than k distinct values gives null. Integer and double columns keep their type; decimals
    give doubles.
    """

    operation = "ROLLING_KTH_LARGEST_UNIQUE"
    distinct = True
    examples: ClassVar = (
        Example(given=_TIES, params=_kth_of_x("1", "1", "2"), expect={**_TIES, "k": [None, 3, 3, 3, 1, 1]}),
        Example(
            given={"x": [1.5, 1.5, float("nan"), None, 0.5, -2.0]},
            params=_kth_of_x(5, 5, 3),
            expect={"x": [1.5, 1.5, float("nan"), None, 0.5, -2.0], "k": [-2.0] * 6},
        ),
        Example(
            given={"x": [7, 7, 7]},
            params=_kth_of_x(0, 0, 1),
            expect={"x": [7, 7, 7], "k": [7, 7, 7]},
        ),
    )


class RollingMedian(_Sorted):
    """Write the exact median of the values from numRowsBefore rows above to numRowsAfter rows below.

    The middle value of the sorted window, or the mean of the two middle values when it holds
    an even number of them. Nulls and NaN are skipped; a window with no value gives null. The
    result is a double.
    """

    operation = "ROLLING_MEDIAN"
    extension: ClassVar[bool] = True
    category = Category.WINDOW
    examples: ClassVar = (
        Example(
            given={"x": [3, 1, None, 10, 2, 2]},
            params={"sourceColumn": "x", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "m"},
            expect={"x": [3, 1, None, 10, 2, 2], "m": [2.0, 2.0, 5.5, 6.0, 2.0, 2.0]},
            title="odd and even counts; the edges hold fewer rows",
        ),
        Example(
            given={"x": [None, float("nan"), 0.1, 0.2, -7.5]},
            params={"sourceColumn": "x", "numRowsBefore": 1, "numRowsAfter": 0, "targetColumn": "m"},
            expect={
                "x": [None, float("nan"), 0.1, 0.2, -7.5],
                "m": [None, None, 0.1, (0.1 + 0.2) / 2, (-7.5 + 0.2) / 2],
            },
        ),
        Example(
            given={"x": [float(v % 7) for v in range(25)]},
            params={"sourceColumn": "x", "numRowsBefore": 12, "numRowsAfter": 12, "targetColumn": "m"},
            expect={
                "x": [float(v % 7) for v in range(25)],
                "m": [
                    float(np.median([v % 7 for v in range(max(0, i - 12), min(25, i + 13))]))
                    for i in range(25)
                ],
            },
            title="a window of 25 rows",
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.DOUBLE

    def pandas_map(self, s: pd.Series) -> pd.Series:
        ordered, count, _ = self.sorted_windows(s)
        rows = np.arange(len(ordered))
        low = ordered[rows, np.maximum(count - 1, 0) // 2].astype(np.float64)
        high = ordered[rows, count // 2].astype(np.float64)
        high = np.where(count % 2 == 1, low, high)
        median = (low + high) / 2.0
        return wrap(pa.array(median, pa.float64(), mask=count == 0), s)

    def finish_spark(self, aggregated: SparkColumn) -> SparkColumn:
        ordered = self.sorted_spark(aggregated)
        count = F.size(ordered)
        low = F.try_element_at(ordered, F.greatest(F.floor((count + 1) / 2).cast("int"), F.lit(1))).cast(
            "double"
        )
        high = F.try_element_at(ordered, F.floor(count / 2).cast("int") + 1).cast("double")
        high = F.when(count % 2 == 1, low).otherwise(high)
        return F.when(count > 0, (low + high) / 2.0)


_MODE_TIES = {"x": [1, 2, 2, None, 1, 3]}
"""Windows of up to 4 rows where 1 and 2 tie, read with each way of settling the tie."""


def _mode_of_x(before: Any, after: Any, mode_type: str | None = None) -> dict[str, Any]:
    """An example's parameters: the most common value of x's window into m."""
    chosen = {} if mode_type is None else {"modeType": mode_type}
    return {
        "sourceColumn": "x",
        "numRowsBefore": before,
        "numRowsAfter": after,
        **chosen,
        "targetColumn": "m",
    }


class RollingMode(_Sorted):
    """Write the most common value from numRowsBefore rows above to numRowsAfter rows below each row.

    modeType settles a tie between values that are equally most common: MINIMUM takes the
    smallest tied value, MAXIMUM the largest, AVERAGE the mean of the tied values (a double);
    NONE, the default, takes the smallest, as FILL_WITH_MODE does, so the result never depends
    on the engine. Nulls and NaN are skipped; a window with no value gives
    null. Otherwise integer and double columns keep their type; decimals give doubles.
    """

    operation = "ROLLING_MODE"
    category = Category.WINDOW
    mode_type: enum_param(ModeType) = ModeType.NONE  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            given=_MODE_TIES,
            params=_mode_of_x("2", "1"),
            expect={**_MODE_TIES, "m": [1, 2, 2, 2, 1, 1]},
            title="NONE: a tie takes the smallest value",
        ),
        Example(
            given=_MODE_TIES,
            params=_mode_of_x("2", "1", "MINIMUM"),
            expect={**_MODE_TIES, "m": [1, 2, 2, 2, 1, 1]},
        ),
        Example(
            given=_MODE_TIES,
            params=_mode_of_x("2", "1", "MAXIMUM"),
            expect={**_MODE_TIES, "m": [2, 2, 2, 2, 3, 3]},
        ),
        Example(
            given={"x": [0.1, 0.2, float("nan"), None, 0.2, 0.1]},
            params=_mode_of_x(1, 1, "AVERAGE"),
            expect={
                "x": [0.1, 0.2, float("nan"), None, 0.2, 0.1],
                "m": [(0.1 + 0.2) / 2, (0.1 + 0.2) / 2, 0.2, 0.2, (0.1 + 0.2) / 2, (0.1 + 0.2) / 2],
            },
            title="AVERAGE: the mean of the tied values; NaN and null skipped",
        ),
        Example(
            given={"x": [None, None]},
            params=_mode_of_x(1, 1),
            expect={"x": [None, None], "m": [None, None]},
            schema={"x": "integer"},
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.DOUBLE if self.mode_type is ModeType.AVERAGE or source is LType.DECIMAL else source

    def pandas_map(self, s: pd.Series) -> pd.Series:
        ordered, count, data_type = self.sorted_windows(s)
        present = np.arange(ordered.shape[1])[None, :] < count[:, None]
        # How often each sorted value occurs: the length of its run of equal values, a run
        # ending at the last value (missing rows sort after it and may equal it).
        width = ordered.shape[1]
        index = np.broadcast_to(np.arange(width), ordered.shape)
        first = np.ones_like(ordered, dtype=bool)
        first[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        last = np.ones_like(ordered, dtype=bool)
        last[:, :-1] = first[:, 1:]
        start = np.maximum.accumulate(np.where(first, index, 0), axis=1)
        end = np.minimum.accumulate(np.where(last, index, width - 1)[:, ::-1], axis=1)[:, ::-1]
        end = np.minimum(end, count[:, None] - 1)
        occurs = np.where(present, end - start + 1, 0)
        most = occurs.max(axis=1, initial=0)
        tied = present & first & (occurs == most[:, None]) & (most[:, None] > 0)
        ties = tied.sum(axis=1)
        rows = np.arange(len(ordered))
        smallest = ordered[rows, tied.argmax(axis=1)]
        largest = ordered[rows, ordered.shape[1] - 1 - tied[:, ::-1].argmax(axis=1)]
        if self.mode_type is ModeType.AVERAGE:
            # Added smallest first, one after another, as Spark's aggregate over the sorted ties.
            total = np.cumsum(np.where(tied, ordered.astype(np.float64), 0.0), axis=1)[:, -1]
            mean = total / np.maximum(ties, 1)
            return wrap(pa.array(mean, pa.float64(), mask=ties == 0), s)
        if self.mode_type is ModeType.MAXIMUM:
            return wrap(self.result_array(largest, ties > 0, data_type), s)
        return wrap(self.result_array(smallest, ties > 0, data_type), s)

    def finish_spark(self, aggregated: SparkColumn) -> SparkColumn:
        ordered = self.sorted_spark(aggregated)
        occurs = F.transform(ordered, lambda x: F.size(F.filter(ordered, lambda y: y == x)))
        most = F.array_max(occurs)
        ties = F.array_distinct(F.filter(ordered, lambda _, i: F.element_at(occurs, i + 1) == most))
        count = F.size(ties)
        if self.mode_type is ModeType.AVERAGE:
            total = F.aggregate(ties, F.lit(0.0), lambda acc, x: acc + x.cast("double"))
            return F.when(count > 0, total / count)
        if self.mode_type is ModeType.MAXIMUM:
            return F.try_element_at(ties, F.lit(-1))
        return F.try_element_at(ties, F.lit(1))
