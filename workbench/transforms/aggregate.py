"""Functions: aggregate. A statistic across the listed columns within each row, in a new column.

These are row-wise: each row's result comes from that row's values in ``sourceColumns`` only
(aggregation down a column is GROUP_BY). Rules shared by every transform here
(docs/semantics.md):

- Missing values are skipped: null, NaN, and the empty string in text columns.
- The numeric aggregates (all but ANY, COUNT and COUNT_DISTINCT) take integer, double, decimal
  and text columns. Text is read as a number by the shared text rules (``casting.py``); text
  that is not a number is skipped, as DataBrew says "any non-number is ignored". Boolean, date
  and timestamp columns are refused.
- A row with no value to aggregate gives null, except SUM (0: DataBrew counts non-numbers as 0),
  COUNT and COUNT_DISTINCT (0).
- Where a result keeps the input type, integer columns give an integer; a mix of integer and
  double (or decimal, or text) columns gives a double.
"""

from __future__ import annotations

from enum import Enum
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
from workbench.core.params import Columns, Integer, NewColumn, enum_param
from workbench.core.registry import Category, Example
from workbench.core.types import NUMERIC, LType, Schema, arrow_type
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

_NUMERIC_INPUTS = frozenset({LType.INTEGER, LType.DOUBLE, LType.DECIMAL, LType.STRING})
_SCALAR_INPUTS = frozenset(
    {LType.STRING, LType.INTEGER, LType.DOUBLE, LType.DECIMAL, LType.BOOLEAN, LType.DATE, LType.TIMESTAMP}
)


def _common_type(types: set[LType]) -> LType:
    """One type for values from several columns: shared, else numeric, else text."""
    if len(types) == 1:
        return next(iter(types))
    if types <= {LType.INTEGER}:
        return LType.INTEGER
    if types <= NUMERIC:
        return LType.DOUBLE
    return LType.STRING


# --- preparing the inputs: one type, missing values as null -----------------------------------


def _pd_prepare(s: pd.Series, source: LType, target: LType) -> Any:
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


def _sp_prepare(c: SparkColumn, source: LType, target: LType) -> SparkColumn:
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


class _Stacked:
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

    def distinct(self) -> _Stacked:
        starts = self.run_starts()
        out = object.__new__(_Stacked)
        out.n, out.rows, out.values = self.n, self.rows[starts], self.values.take(pa.array(starts))
        return out


def _pick(values: pa.Array, positions: np.ndarray, ok: np.ndarray) -> pa.Array:
    """values[positions] where ``ok``, else null."""
    index = pa.array(np.where(ok, positions, 0), type=pa.int64(), mask=~ok)
    return pc.take(values, index)


def _sp_present(values: list[SparkColumn]) -> SparkColumn:
    """The row's non-missing values as an array."""
    return F.filter(F.array(*values), lambda x: x.isNotNull())


def _sp_add(values: list[SparkColumn], zero: Any) -> SparkColumn:
    return reduce(lambda acc, c: acc + c, [F.coalesce(c, F.lit(zero)) for c in values])


def _sp_count(values: list[SparkColumn]) -> SparkColumn:
    flags = [F.when(c.isNotNull(), F.lit(1)).otherwise(F.lit(0)) for c in values]
    return reduce(lambda acc, c: acc + c, flags)


def _pd_add(values: list[Any], zero: Any) -> Any:
    return reduce(pc.add, [pc.coalesce(v, zero) for v in values])


def _pd_count(values: list[Any]) -> Any:
    return reduce(pc.add, [pc.cast(pc.is_valid(v), pa.int64()) for v in values])


# --- the family base --------------------------------------------------------------------------


class _RowAggregate(ColumnFunction):
    """Computes ``targetColumn`` from the values of ``sourceColumns`` in the same row.

    Subclasses declare whether they need numbers, the result type, and one reduction per
    engine over the prepared inputs (one array / column per source column, missing = null).
    """

    abstract: ClassVar[bool] = True
    numeric: ClassVar[bool] = True
    """True when inputs are read as numbers (text that is not a number is skipped)."""
    as_double: ClassVar[bool] = False
    """True when the inputs are read as doubles even when every column is an integer."""
    source_columns: Columns
    target_column: NewColumn

    @model_validator(mode="after")
    def _some_columns(self) -> _RowAggregate:
        if not self.source_columns:
            raise ParameterError(
                "list at least one column", operation=self.operation, parameter="sourceColumns"
            )
        return self

    def check_types(self, schema: Schema) -> None:
        super().check_types(schema)
        allowed = _NUMERIC_INPUTS if self.numeric else _SCALAR_INPUTS
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
        return _common_type(types)

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
        values = [_pd_prepare(df[c], schema[c], vtype or schema[c]) for c in self.source_columns]
        out = self.pandas_reduce(values, vtype, len(df.index))
        out = pc.cast(out, arrow_type(self.result_type(vtype)))
        return {self.target_column: wrap(out, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        from workbench.engines.spark.types import spark_type

        schema = ctx.schema_of(df)
        vtype = self.value_type(schema)
        values = [_sp_prepare(scol(c), schema[c], vtype or schema[c]) for c in self.source_columns]
        out = self.spark_reduce(values, vtype)
        return {self.target_column: out.cast(spark_type(self.result_type(vtype)))}


# --- sums and means -----------------------------------------------------------------------------


class Sum(_RowAggregate):
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
        return _pd_add(values, 0 if vtype is LType.INTEGER else 0.0)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        return _sp_add(values, 0 if vtype is LType.INTEGER else 0.0)


class Average(_RowAggregate):
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
        count = _pd_count(values)
        count = pc.if_else(pc.equal(count, 0), pa.scalar(None, pa.int64()), count)
        return pc.divide(_pd_add(values, 0.0), count)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        count = _sp_count(values)
        return F.when(count > 0, _sp_add(values, 0.0) / count)


class _Spread(_RowAggregate):
    """Population variance: the mean squared distance from the row's mean (divides by n)."""

    abstract: ClassVar[bool] = True
    as_double: ClassVar[bool] = True

    def finish(self, variance: Any, spark: bool) -> Any:
        return variance

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        count = pc.if_else(pc.equal(_pd_count(values), 0), pa.scalar(None, pa.int64()), _pd_count(values))
        mean = pc.divide(_pd_add(values, 0.0), count)
        squares = [pc.multiply(pc.subtract(v, mean), pc.subtract(v, mean)) for v in values]
        return self.finish(pc.divide(_pd_add(squares, 0.0), count), spark=False)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        count = _sp_count(values)
        mean = _sp_add(values, 0.0) / count
        squares = [(v - mean) * (v - mean) for v in values]
        return F.when(count > 0, self.finish(_sp_add(squares, 0.0) / count, spark=True))


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


# --- extremes and counts ----------------------------------------------------------------------


class Max(_RowAggregate):
    """Write the largest number among the listed columns for each row to a new column.

    Missing values and text that is not a number are skipped; a row with none gives null.
    """

    operation = "MAX"
    category = Category.AGGREGATE
    examples: ClassVar = (
        Example(
            given={"a": [1, None, -7, None], "b": [9, 3, -2, None]},
            params={"sourceColumns": '["a","b"]', "targetColumn": "hi"},
            expect={"a": [1, None, -7, None], "hi": [9, 3, -2, None], "b": [9, 3, -2, None]},
            expect_schema={"hi": "integer"},
        ),
        Example(
            given={"x": [1.5, None], "t": ["10", "n/a"]},
            params={"sourceColumns": '["x","t"]', "targetColumn": "hi"},
            expect={"x": [1.5, None], "hi": [10.0, None], "t": ["10", "n/a"]},
        ),
    )

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        return pc.max_element_wise(*values, skip_nulls=True)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        return F.greatest(*values) if len(values) > 1 else values[0]


class Min(_RowAggregate):
    """Write the smallest number among the listed columns for each row to a new column.

    Missing values and text that is not a number are skipped; a row with none gives null.
    """

    operation = "MIN"
    category = Category.AGGREGATE
    examples: ClassVar = (
        Example(
            given={"a": [1, None, -7, None], "b": [9, 3, -2, None]},
            params={"sourceColumns": '["a","b"]', "targetColumn": "lo"},
            expect={"a": [1, None, -7, None], "lo": [1, 3, -7, None], "b": [9, 3, -2, None]},
            expect_schema={"lo": "integer"},
        ),
        Example(
            given={"x": [0.5, -1.0]},
            params={"sourceColumns": '["x"]', "targetColumn": "lo"},
            expect={"x": [0.5, -1.0], "lo": [0.5, -1.0]},
        ),
    )

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        return pc.min_element_wise(*values, skip_nulls=True)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        return F.least(*values) if len(values) > 1 else values[0]


class Count(_RowAggregate):
    """Count the non-empty values among the listed columns for each row, in a new column.

    Columns of any plain type count; null, NaN and the empty string do not. The result is an
    integer (0 for a row with nothing).
    """

    operation = "COUNT"
    category = Category.AGGREGATE
    numeric: ClassVar[bool] = False
    examples: ClassVar = (
        Example(
            given={
                "name": ["Ann", "", None, "Zoë"],
                "age": [31, None, None, 5],
                "ok": [True, False, None, None],
            },
            params={"sourceColumns": '["name","age","ok"]', "targetColumn": "n"},
            expect={
                "name": ["Ann", "", None, "Zoë"],
                "n": [3, 1, 0, 2],
                "age": [31, None, None, 5],
                "ok": [True, False, None, None],
            },
            expect_schema={"n": "integer"},
        ),
    )

    def value_type(self, schema: Schema) -> LType | None:
        return None

    def result_type(self, vtype: LType | None) -> LType:
        return LType.INTEGER

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        return _pd_count(values)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        return _sp_count(values)


class CountDistinct(_RowAggregate):
    """Count the distinct non-empty values among the listed columns for each row, in a new column.

    Null, NaN and the empty string are skipped. Columns of different types are compared as
    text when they are not all numbers (1 and "1" are then the same value); integers and
    doubles compare as numbers. Text comparison is exact (case-sensitive). The result is an
    integer (0 for a row with nothing).
    """

    operation = "COUNT_DISTINCT"
    category = Category.AGGREGATE
    numeric: ClassVar[bool] = False
    examples: ClassVar = (
        Example(
            given={"a": ["x", "x", None, "é"], "b": ["x", "y", "", "É"], "c": ["X", None, None, "é"]},
            params={"sourceColumns": '["a","b","c"]', "targetColumn": "n"},
            expect={
                "a": ["x", "x", None, "é"],
                "n": [2, 2, 0, 2],
                "b": ["x", "y", "", "É"],
                "c": ["X", None, None, "é"],
            },
        ),
        Example(
            given={"i": [1, 2, None], "d": [1.0, 2.5, None]},
            params={"sourceColumns": '["i","d"]', "targetColumn": "n"},
            expect={"i": [1, 2, None], "n": [1, 2, 0], "d": [1.0, 2.5, None]},
            expect_schema={"n": "integer"},
        ),
        Example(
            given={"i": [1, 7], "s": ["1", "07"]},
            params={"sourceColumns": '["i","s"]', "targetColumn": "n"},
            title="mixed number and text columns compare as text",
            expect={"i": [1, 7], "n": [1, 2], "s": ["1", "07"]},
        ),
    )

    def result_type(self, vtype: LType | None) -> LType:
        return LType.INTEGER

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        counts, _ = _Stacked(values, n).distinct().counts()
        return pa.array(counts, pa.int64())

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        return F.size(F.array_distinct(_sp_present(values)))


class Any_(_RowAggregate):
    """Write the first non-empty value among the listed columns, in their order, to a new column.

    DataBrew returns "any" value; Workbench picks the first one in sourceColumns order so the
    result is reproducible. Null, NaN and the empty string are skipped; a row with nothing gives
    null. Columns of one type keep it; numbers of mixed types give a double; any other mix
    gives text.
    """

    operation = "ANY"
    category = Category.AGGREGATE
    numeric: ClassVar[bool] = False
    examples: ClassVar = (
        Example(
            given={"nick": [None, "", "Bo", None], "name": ["Ann", "Cy", "Bob", None]},
            params={"sourceColumns": '["nick","name"]', "targetColumn": "any"},
            expect={
                "nick": [None, "", "Bo", None],
                "any": ["Ann", "Cy", "Bo", None],
                "name": ["Ann", "Cy", "Bob", None],
            },
        ),
        Example(
            given={"age": [None, 42], "city": ["Oslo", "Lima"]},
            params={"sourceColumns": '["age","city"]', "targetColumn": "any"},
            expect={"age": [None, 42], "any": ["Oslo", "42"], "city": ["Oslo", "Lima"]},
            expect_schema={"any": "string"},
        ),
    )

    def pandas_reduce(self, values: list[Any], vtype: LType | None, n: int) -> Any:
        return pc.coalesce(*values)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        return F.coalesce(*values)


# --- order statistics -------------------------------------------------------------------------


class Median(_RowAggregate):
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
        stacked = _Stacked(values, n)
        counts, starts = stacked.counts()
        ok = counts > 0
        low = _pick(stacked.values, starts + (counts - 1) // 2, ok)
        high = _pick(stacked.values, starts + counts // 2, ok)
        return pc.divide(pc.add(low, high), 2.0)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        ordered = F.array_sort(_sp_present(values))
        size = F.size(ordered)
        low = F.get(ordered, F.floor((size - 1) / 2).cast("int"))
        high = F.get(ordered, F.floor(size / 2).cast("int"))
        return F.when(size > 0, (low + high) / F.lit(2.0))


class _Kth(_RowAggregate):
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
        stacked = _Stacked(values, n)
        if self.unique:
            stacked = stacked.distinct()
        counts, starts = stacked.counts()
        return _pick(stacked.values, starts + counts - self.value, counts >= self.value)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        present = _sp_present(values)
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


class Mode(_RowAggregate):
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
        stacked = _Stacked(values, n)
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
            return _pick(modes, first, counts > 0)
        if self.mode_type is ModeType.MAXIMUM:
            return _pick(modes, first + counts - 1, counts > 0)
        if self.mode_type is ModeType.NONE:
            return _pick(modes, first, counts == 1)
        totals = np.zeros(n, dtype=np.float64)
        np.add.at(totals, mode_rows, modes.to_numpy(zero_copy_only=False))
        return pa.array(totals / np.maximum(counts, 1), pa.float64(), mask=counts == 0)

    def spark_reduce(self, values: list[SparkColumn], vtype: LType | None) -> SparkColumn:
        present = _sp_present(values)

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
