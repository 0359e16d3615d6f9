"""Functions: aggregate. Median, mode and k-th largest across the listed columns of each row."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.errors import ParameterError
from workbench.core.lazy import F
from workbench.core.params import Integer, enum_param
from workbench.core.registry import Category, Example
from workbench.core.row_aggregates import (
    RowAggregate,
    Stacked,
    pick,
    sp_present,
)
from workbench.core.types import LType, Schema

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


# --- order statistics -------------------------------------------------------------------------


class Median(RowAggregate):
    """Write the median of the listed columns for each row to a new column (a double).

    With an even number of values it is the mean of the two middle ones. Missing values and
    text that is not a number are skipped; a row with none gives null.
    """

    operation = "MEDIAN"
    category = Category.AGGREGATE
    as_double: ClassVar[bool] = True
    examples: ClassVar = (
        Example(
            given={
                "a": [5, 1, None, 7],
                "b": [1, 4, None, None],
                "c": [3, None, None, None],
                "d": [9, 2, None, None],
            },
            params={"sourceColumns": '["a","b","c","d"]', "targetColumn": "med"},
            expect={
                "a": [5, 1, None, 7],
                "med": [4.0, 2.0, None, 7.0],
                "b": [1, 4, None, None],
                "c": [3, None, None, None],
                "d": [9, 2, None, None],
            },
        ),
        Example(
            given={"a": [-1.5, 2.0], "b": [10.0, -3.0], "c": [0.0, 2.0]},
            params={"sourceColumns": '["a","b","c"]', "targetColumn": "med"},
            expect={"a": [-1.5, 2.0], "med": [0.0, 2.0], "b": [10.0, -3.0], "c": [0.0, 2.0]},
        ),
    )

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        stacked = Stacked(values, n)
        counts, starts = stacked.counts()
        ok = counts > 0
        low = pick(stacked.values, starts + (counts - 1) // 2, ok)
        high = pick(stacked.values, starts + counts // 2, ok)
        return pc.divide(pc.add(low, high), 2.0)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        ordered = F.array_sort(sp_present(values))
        size = F.size(ordered)
        low = F.get(ordered, F.floor((size - 1) / 2).cast("int"))
        high = F.get(ordered, F.floor(size / 2).cast("int"))
        return F.when(size > 0, (low + high) / F.lit(2.0))


class _Kth(RowAggregate):
    """The k-th largest value of the row (k = ``value``); null when the row has fewer."""

    abstract: ClassVar[bool] = True
    unique: ClassVar[bool] = False
    value: Integer

    @model_validator(mode="after")
    def _positive_k(self) -> _Kth:
        if self.value < 1:
            raise ParameterError(
                f"k must be 1 or more (got {self.value})", operation=self.operation, parameter="value"
            )
        return self

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        stacked = Stacked(values, n)
        if self.unique:
            stacked = stacked.distinct()
        counts, starts = stacked.counts()
        return pick(stacked.values, starts + counts - self.value, counts >= self.value)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        present = sp_present(values)
        if self.unique:
            present = F.array_distinct(present)
        return F.get(F.sort_array(present, asc=False), F.lit(self.value - 1))


class KthLargest(_Kth):
    """Write the k-th largest number among the listed columns for each row to a new column.

    k is ``value`` (1 = the largest). Equal numbers each count (in 5, 5, 3 the 2nd largest is
    5). Missing values are skipped; a row with fewer than k numbers gives null. Integer columns
    give an integer, otherwise a double.
    """

    operation = "KTH_LARGEST"
    category = Category.AGGREGATE
    examples: ClassVar = (
        Example(
            given={"a": [5, 1, None, 4], "b": [5, 9, 2, None], "c": [3, 7, None, None]},
            params={"sourceColumns": '["a","b","c"]', "targetColumn": "second", "value": "2"},
            expect={
                "a": [5, 1, None, 4],
                "second": [5, 7, None, None],
                "b": [5, 9, 2, None],
                "c": [3, 7, None, None],
            },
            expect_schema={"second": "integer"},
        ),
    )


class KthLargestUnique(_Kth):
    """Write the k-th largest distinct number among the listed columns for each row to a new column.

    k is ``value`` (1 = the largest); equal numbers count once (in 5, 5, 3 the 2nd largest unique
    is 3). Missing values are skipped; a row with fewer than k distinct numbers gives null.
    Integer columns give an integer, otherwise a double.
    """

    operation = "KTH_LARGEST_UNIQUE"
    category = Category.AGGREGATE
    unique: ClassVar[bool] = True
    examples: ClassVar = (
        Example(
            given={"a": [5.0, 1.0, None, 4.5], "b": [5.0, 9.0, 2.0, 4.5], "c": [3, 7, None, -1]},
            params={"sourceColumns": '["a","b","c"]', "targetColumn": "second", "value": "2"},
            expect={
                "a": [5.0, 1.0, None, 4.5],
                "second": [3.0, 7.0, None, -1.0],
                "b": [5.0, 9.0, 2.0, 4.5],
                "c": [3, 7, None, -1],
            },
        ),
    )


class ModeType(str, Enum):
    """How MODE picks one value when several are equally frequent."""

    MINIMUM = "MINIMUM"
    MAXIMUM = "MAXIMUM"
    AVERAGE = "AVERAGE"
    NONE = "NONE"


class Mode(RowAggregate):
    """Write the most frequent number among the listed columns for each row to a new column.

    When several numbers are equally frequent, modeType picks the smallest (MINIMUM, the
    default), the largest (MAXIMUM) or their mean (AVERAGE, a double); NONE gives null unless
    there is exactly one mode. All values occurring once are all modes. Missing values and text
    that is not a number are skipped; a row with none gives null. Integer columns give an
    integer (except AVERAGE), otherwise a double.
    """

    operation = "MODE"
    category = Category.AGGREGATE
    mode_type: enum_param(ModeType) = ModeType.MINIMUM  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            given={
                "a": [1, 1, 2, None, 4],
                "b": [2, 3, 2, None, None],
                "c": [2, 3, 1, None, None],
                "d": [3, 4, 1, None, None],
            },
            params={"sourceColumns": '["a","b","c","d"]', "targetColumn": "mode", "modeType": "MINIMUM"},
            expect={
                "a": [1, 1, 2, None, 4],
                "mode": [2, 3, 1, None, 4],
                "b": [2, 3, 2, None, None],
                "c": [2, 3, 1, None, None],
                "d": [3, 4, 1, None, None],
            },
            expect_schema={"mode": "integer"},
        ),
        Example(
            given={"a": [1, 1, 2, None], "b": [2, 3, 2, None], "c": [2, 3, 1, None], "d": [3, 4, 1, None]},
            params={"sourceColumns": '["a","b","c","d"]', "targetColumn": "mode", "modeType": "MAXIMUM"},
            expect={
                "a": [1, 1, 2, None],
                "mode": [2, 3, 2, None],
                "b": [2, 3, 2, None],
                "c": [2, 3, 1, None],
                "d": [3, 4, 1, None],
            },
        ),
        Example(
            given={"a": [1, 1, 2, 6], "b": [2, 3, 2, None], "c": [2, 3, 1, None], "d": [3, 4, 1, None]},
            params={"sourceColumns": '["a","b","c","d"]', "targetColumn": "mode", "modeType": "AVERAGE"},
            expect={
                "a": [1, 1, 2, 6],
                "mode": [2.0, 3.0, 1.5, 6.0],
                "b": [2, 3, 2, None],
                "c": [2, 3, 1, None],
                "d": [3, 4, 1, None],
            },
            expect_schema={"mode": "double"},
        ),
        Example(
            given={"a": [1.0, 1.0, 2.5, None], "b": [2.0, 3.0, 2.5, 7.0], "c": [2, 3, 1, None]},
            params={"sourceColumns": '["a","b","c"]', "targetColumn": "mode", "modeType": "NONE"},
            expect={
                "a": [1.0, 1.0, 2.5, None],
                "mode": [2.0, 3.0, 2.5, 7.0],
                "b": [2.0, 3.0, 2.5, 7.0],
                "c": [2, 3, 1, None],
            },
        ),
        Example(
            given={"a": [1, 4], "b": [2, 4], "c": [3, 5]},
            params={"sourceColumns": '["a","b","c"]', "targetColumn": "mode", "modeType": "none"},
            title="NONE: no single mode gives null",
            expect={"a": [1, 4], "mode": [None, 4], "b": [2, 4], "c": [3, 5]},
        ),
    )

    def value_type(self, schema: Schema) -> LType | None:
        if self.mode_type is ModeType.AVERAGE:
            return LType.DOUBLE
        return super().value_type(schema)

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        stacked = Stacked(values, n)
        starts = stacked.run_starts()
        lengths = np.diff(np.append(starts, len(stacked.values)))
        run_rows = stacked.rows[starts]
        top = np.zeros(n, dtype=np.int64)
        np.maximum.at(top, run_rows, lengths)
        is_mode = lengths == top[run_rows]
        mode_rows = run_rows[is_mode]
        modes = stacked.values.take(pa.array(starts[is_mode], pa.int64()))
        counts = np.bincount(mode_rows, minlength=n)
        first = np.cumsum(counts) - counts
        if self.mode_type is ModeType.MINIMUM:
            return pick(modes, first, counts > 0)
        if self.mode_type is ModeType.MAXIMUM:
            return pick(modes, first + counts - 1, counts > 0)
        if self.mode_type is ModeType.NONE:
            return pick(modes, first, counts == 1)
        totals = np.zeros(n, dtype=np.float64)
        np.add.at(totals, mode_rows, modes.to_numpy(zero_copy_only=False))
        return pa.array(totals / np.maximum(counts, 1), pa.float64(), mask=counts == 0)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        present = sp_present(values)

        def frequency(x: SparkColumn) -> SparkColumn:
            return F.size(F.filter(present, lambda y: y == x))

        top = F.array_max(F.transform(present, frequency))
        modes = F.array_sort(F.array_distinct(F.filter(present, lambda x: frequency(x) == top)))
        size = F.size(modes)
        if self.mode_type is ModeType.MINIMUM:
            return F.array_min(modes)
        if self.mode_type is ModeType.MAXIMUM:
            return F.array_max(modes)
        if self.mode_type is ModeType.NONE:
            return F.when(size == 1, F.get(modes, F.lit(0)))
        total = F.aggregate(modes, F.lit(0.0), lambda acc, x: acc + x)
        return F.when(size > 0, total / size)
