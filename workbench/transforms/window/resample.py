"""Time series: RESAMPLE_TIME_SERIES, one row per time bucket (and group) with aggregated values."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.datetimes import (
    MICROS_PER_DAY,
    DateInputColumn,
    TimeUnit,
    civil,
    first_of_month,
    floordiv,
    from_micros,
    instant_pandas,
    instant_spark,
    micros,
    stamp,
)
from workbench.core.errors import ParameterError
from workbench.core.families import TableTransform
from workbench.core.lazy import F, scol
from workbench.core.ordered import combined, position
from workbench.core.params import Columns, Integer, KeyValueMap, enum_param
from workbench.core.pivoting import AggFunction, agg_type, aggregate_pandas, aggregate_spark, group_ids
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


_MONDAY = 4 * MICROS_PER_DAY
"""1970-01-05, a Monday, is 4 days after the epoch: weeks start on Mondays."""


class Resampling(str, Enum):
    """How the values of a bucket are aggregated."""

    SUM = "SUM"
    MEAN = "MEAN"
    MIN = "MIN"
    MAX = "MAX"
    COUNT = "COUNT"
    FIRST = "FIRST"
    LAST = "LAST"


class RowsWithoutTime(str, Enum):
    """What happens to rows whose time is null or text not readable as a time."""

    KEEP = "KEEP"
    DROP = "DROP"
    FAIL = "FAIL"


_GROUP_FUNCTIONS = {
    Resampling.SUM: AggFunction.SUM,
    Resampling.MEAN: AggFunction.MEAN,
    Resampling.MIN: AggFunction.MIN,
    Resampling.MAX: AggFunction.MAX,
    Resampling.COUNT: AggFunction.COUNT,
}


class ResampleTimeSeries(TableTransform):
    """Resample a time series: one row per time bucket (and group), each value column aggregated.

    Buckets are value units long and start at whole multiples of that length: seconds to days
    from 1970-01-01 UTC, weeks on Mondays, months, quarters and years from January 1970 (3
    MONTHS: Jan, Apr, Jul, Oct). sourceColumn (a timestamp, a date, or text read as one) becomes
    each bucket's start. rowsWithoutTime says what happens to rows without a time (null, or text
    not readable as one): DROP (the default) leaves them out; KEEP aggregates them into a bucket
    of their own whose time is null, after the timed buckets of their group; FAIL stops the step
    at the first of them, quoting its value. aggregations maps each value column
    to SUM, MEAN, MIN, MAX, COUNT (non-null values), FIRST or LAST (the earliest or latest
    non-null value by time, then row order); other columns are dropped. Only buckets holding
    rows are written: unlike pandas' resample, empty buckets are not filled in, so a sparse
    series does not grow to every bucket between its first and last time. Rows are sorted by
    groupByColumns then time.
    """

    operation = "RESAMPLE_TIME_SERIES"
    extension: ClassVar[bool] = True
    category = Category.WINDOW
    source_column: DateInputColumn
    value: Integer
    units: enum_param(TimeUnit)  # type: ignore[valid-type]
    aggregations: KeyValueMap
    group_by_columns: Columns = []
    rows_without_time: enum_param(RowsWithoutTime) = RowsWithoutTime.DROP  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            given={
                "t": [
                    stamp(2024, 3, 1, 9, 10),
                    stamp(2024, 3, 1, 9, 50),
                    stamp(2024, 3, 1, 11, 5),
                    None,
                    stamp(2024, 3, 1, 9, 0),
                ],
                "sales": [10, None, 7, 100, 5],
                "note": ["b", "c", "d", "x", ""],
            },
            params={
                "sourceColumn": "t",
                "value": "1",
                "units": "HOURS",
                "aggregations": '{"sales": "SUM", "note": "FIRST"}',
            },
            expect={
                "t": [stamp(2024, 3, 1, 9), stamp(2024, 3, 1, 11)],
                "sales": [15, 7],
                "note": ["", "d"],
            },
            title="hourly; no row for the empty 10:00 bucket; a row without a time is left out by default",
        ),
        Example(
            given={
                "shop": ["a", "a", "b", "a", "b", "a"],
                "t": [
                    "2024-03-01 09:10:00",
                    None,
                    "2024-03-01 09:30:00",
                    "not a time",
                    "",
                    "2024-03-01 09:50:00",
                ],
                "qty": [1, 2, 3, 4, None, 6],
                "who": ["Zoë", "", None, "ß", "x", "y"],
            },
            params={
                "sourceColumn": "t",
                "value": 1,
                "units": "HOURS",
                "groupByColumns": ["shop"],
                "aggregations": {"qty": "SUM", "who": "FIRST"},
                "rowsWithoutTime": "KEEP",
            },
            expect={
                "shop": ["a", "a", "b", "b"],
                "t": [stamp(2024, 3, 1, 9), None, stamp(2024, 3, 1, 9), None],
                "qty": [7, 6, 3, None],
                "who": ["Zoë", "", None, "x"],
            },
            title="KEEP: rows without a time (null, unreadable, empty) get a bucket of their own",
        ),
        Example(
            given={
                "shop": ["a", "b", "a", "a", None],
                "day": ["2024-01-31", "2024-02-10", "2024-02-29", "2024-04-02", "2024-01-01"],
                "price": [2.5, 4.0, None, 1.0, 9.0],
            },
            params={
                "sourceColumn": "day",
                "value": 3,
                "units": "MONTHS",
                "groupByColumns": ["shop"],
                "aggregations": {"price": "MEAN"},
            },
            expect={
                "shop": ["a", "a", "b", None],
                "day": [stamp(2024, 1, 1), stamp(2024, 4, 1), stamp(2024, 1, 1), stamp(2024, 1, 1)],
                "price": [2.5, 1.0, 4.0, 9.0],
            },
            title="quarters per shop; text dates",
        ),
        Example(
            given={
                "t": [stamp(2024, 1, 7, 23, 59), stamp(2024, 1, 8), stamp(2024, 1, 1, 12), stamp(2024, 1, 9)],
                "v": [1.5, 2.0, -1.0, None],
            },
            params={
                "sourceColumn": "t",
                "value": 1,
                "units": "WEEKS",
                "aggregations": {"v": "LAST"},
            },
            expect={"t": [stamp(2024, 1, 1), stamp(2024, 1, 8)], "v": [1.5, 2.0]},
            title="weeks start on Monday; LAST skips nulls",
        ),
        Example(
            given={"t": [stamp(2024, 5, 5, 0, 0, 30), stamp(2024, 5, 5, 0, 0, 50)], "n": [3, None]},
            params={"sourceColumn": "t", "value": 45, "units": "SECONDS", "aggregations": {"n": "COUNT"}},
            expect={"t": [stamp(2024, 5, 5, 0, 0, 0), stamp(2024, 5, 5, 0, 0, 45)], "n": [1, 0]},
        ),
    )

    @model_validator(mode="after")
    def _check(self) -> ResampleTimeSeries:
        if self.value < 1:
            raise ParameterError(
                f"a bucket is 1 unit or more (got {self.value})", operation=self.operation, parameter="value"
            )
        if not self.aggregations:
            raise ParameterError(
                "map at least one column to an aggregate", operation=self.operation, parameter="aggregations"
            )
        for column, function in self.aggregations.items():
            name = str(function).strip().upper()
            if name not in Resampling.__members__:
                raise ParameterError(
                    f"unknown aggregate {function!r} for column {column!r}; use one of "
                    + ", ".join(Resampling.__members__),
                    operation=self.operation,
                    parameter="aggregations",
                    column=column,
                )
            if column == self.source_column or column in self.group_by_columns:
                raise ParameterError(
                    f"column {column!r} is the time or a group column; it cannot be aggregated",
                    operation=self.operation,
                    parameter="aggregations",
                    column=column,
                )
        return self

    def functions(self) -> dict[str, Resampling]:
        return {column: Resampling(str(f).strip().upper()) for column, f in self.aggregations.items()}

    def extra_reads(self) -> list[str]:
        return list(self.aggregations)

    def rename_columns(self, mapping: dict[str, str]) -> ResampleTimeSeries:
        renamed = super().rename_columns(mapping)
        aggregations = {mapping.get(column, column): f for column, f in self.aggregations.items()}
        return renamed.model_copy(update={"aggregations": aggregations})

    def output_schema(self, schema: Schema) -> Schema:
        self.check(schema)
        out: Schema = {g: schema[g] for g in self.group_by_columns}
        out[self.source_column] = LType.TIMESTAMP
        for column, function in self.functions().items():
            if function in _GROUP_FUNCTIONS:
                out[column] = agg_type(
                    _GROUP_FUNCTIONS[function], schema[column], self.operation, "aggregations", column
                )
            else:
                out[column] = schema[column]
        return out

    # --- buckets -------------------------------------------------------------------------------

    def bucket_pandas(self, times: Any) -> pa.Array:
        if self.units.months is not None:
            width = self.units.months * self.value
            days = floordiv(micros(times), MICROS_PER_DAY)
            year, month, _ = civil(days)
            index = pc.add(pc.multiply(pc.subtract(year, 1970), 12), pc.subtract(month, 1))
            start = pc.multiply(floordiv(index, width), width)
            start_year = pc.add(floordiv(start, 12), 1970)
            start_month = pc.add(pc.subtract(start, pc.multiply(floordiv(start, 12), 12)), 1)
            first = first_of_month(start_year, start_month)
            return from_micros(pc.multiply(first, MICROS_PER_DAY))
        width = self.units.micros * self.value
        origin = _MONDAY if self.units is TimeUnit.WEEKS else 0
        since = pc.subtract(micros(times), origin)
        return from_micros(pc.add(pc.multiply(floordiv(since, width), width), origin))

    def bucket_spark(self, time: SparkColumn) -> SparkColumn:
        if self.units.months is not None:
            width = self.units.months * self.value
            index = (F.year(time) - 1970) * 12 + F.month(time) - 1
            start = index - F.pmod(index, F.lit(width))
            start_year = F.floor(start / 12).cast("int") + 1970
            start_month = F.pmod(start, F.lit(12)) + 1
            return F.make_date(start_year, start_month, F.lit(1)).cast("timestamp")
        width = self.units.micros * self.value
        origin = _MONDAY if self.units is TimeUnit.WEEKS else 0
        since = F.unix_micros(time) - F.lit(origin)
        return F.timestamp_micros(since - F.pmod(since, F.lit(width)) + F.lit(origin))

    # --- engines ---------------------------------------------------------------------------------

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        schema = ctx.schema_of(df)
        times = instant_pandas(df[self.source_column], schema[self.source_column])
        times = times.combine_chunks() if isinstance(times, pa.ChunkedArray) else times
        buckets = self.bucket_pandas(times)
        timed = self._timed_rows(df[self.source_column], buckets)
        keys = pd.DataFrame(
            {
                **{f"g{i}": df[g].array.take(timed) for i, g in enumerate(self.group_by_columns)},
                "bucket": pd.arrays.ArrowExtensionArray(pc.take(buckets, pa.array(timed))),
            },
            index=pd.RangeIndex(len(timed)),
        )
        gid, first = group_ids(keys, list(keys.columns))
        groups = len(first)
        columns: dict[str, pa.Array] = {
            g: pc.take(combined(df[g]), pa.array(timed[first])) for g in self.group_by_columns
        }
        columns[self.source_column] = pc.take(buckets, pa.array(timed[first]))
        order_times = pc.take(times, pa.array(timed))
        for column, function in self.functions().items():
            values = pc.take(combined(df[column]), pa.array(timed))
            if function in _GROUP_FUNCTIONS:
                columns[column] = aggregate_pandas(
                    values, schema[column], gid, groups, _GROUP_FUNCTIONS[function]
                )
            else:
                columns[column] = _first_pandas(values, order_times, gid, groups, function is Resampling.LAST)
        table = pa.table(columns)
        sort_keys = [(name, "ascending") for name in [*self.group_by_columns, self.source_column]]
        table = table.take(pc.sort_indices(table, sort_keys=sort_keys))
        index = pd.RangeIndex(groups)
        return pd.DataFrame({name: wrap(table[name], index) for name in table.column_names}, index=index)

    def _timed_rows(self, source: pd.Series, buckets: pa.Array) -> np.ndarray:
        """The positions of the rows the buckets are made of."""
        if self.rows_without_time is RowsWithoutTime.KEEP:
            return np.arange(len(buckets))
        timed = pc.is_valid(buckets).to_numpy(zero_copy_only=False)
        if self.rows_without_time is RowsWithoutTime.FAIL and not timed.all():
            value = source.iloc[int(np.argmin(timed))]
            shown = "null" if value is None or value is pd.NA else repr(str(value))
            count = int((~timed).sum())
            raise ParameterError(
                f"{count} {'row has' if count == 1 else 'rows have'} no time; the first holds {shown} "
                + self._untimed(),
                operation=self.operation,
                parameter="rowsWithoutTime",
                column=self.source_column,
            )
        return np.flatnonzero(timed)

    def _untimed(self) -> str:
        return (
            f"in column {self.source_column!r} (null, or text not readable as a time); "
            "set rowsWithoutTime to KEEP or DROP, or fill or remove those rows first"
        )

    def _bucket_or_fail(self, source: SparkColumn, bucket: SparkColumn) -> SparkColumn:
        """The bucket, or (FAIL) an error raised when the plan runs, quoting the row's value."""
        if self.rows_without_time is not RowsWithoutTime.FAIL:
            return bucket
        shown = F.coalesce(F.concat(F.lit("'"), source.cast("string"), F.lit("'")), F.lit("null"))
        message = F.concat(
            F.lit(f"{self.operation}: a row without a time holds "), shown, F.lit(f" {self._untimed()}")
        )
        return F.when(bucket.isNull(), F.raise_error(message)).otherwise(bucket)

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        schema = ctx.schema_of(df)
        time = instant_spark(scol(self.source_column), schema[self.source_column])
        framed = ctx.with_row_position(df)
        bucket = "__wb_bucket"
        buckets = self._bucket_or_fail(scol(self.source_column), self.bucket_spark(time))
        timed = framed.withColumn(bucket, buckets)
        if self.rows_without_time is RowsWithoutTime.DROP:
            timed = timed.where(scol(bucket).isNotNull())
        timed = timed.withColumn("__wb_time", time)
        aggregates = []
        for column, function in self.functions().items():
            c = scol(column)
            if function in _GROUP_FUNCTIONS:
                expr = aggregate_spark(c, schema[column], _GROUP_FUNCTIONS[function])
            else:
                # The value of the earliest (latest) row holding one, by time then row order.
                key = F.when(c.isNotNull(), F.struct(scol("__wb_time"), position()))
                expr = (F.max_by if function is Resampling.LAST else F.min_by)(c, key)
            aggregates.append(expr.alias(column))
        keys = [scol(g) for g in self.group_by_columns]
        out = timed.groupBy(*keys, scol(bucket)).agg(*aggregates)
        out = out.orderBy(*[k.asc_nulls_last() for k in keys], scol(bucket).asc_nulls_last())
        selected = [scol(g) for g in self.group_by_columns]
        selected.append(scol(bucket).alias(self.source_column))
        selected.extend(scol(column) for column in self.aggregations)
        return out.select(*selected)


def _first_pandas(values: pa.Array, times: pa.Array, gid: np.ndarray, groups: int, last: bool) -> pa.Array:
    """The first (or last) non-null value of each group by time, then row order."""
    table = pa.table(
        {"g": pa.array(gid, pa.int64()), "t": times, "p": pa.array(np.arange(len(gid))), "v": values}
    )
    table = table.filter(pc.is_valid(table["v"]))
    direction = "descending" if last else "ascending"
    table = table.sort_by([("g", "ascending"), ("t", direction), ("p", direction)])
    found = table.group_by("g", use_threads=False).aggregate([("v", "first")])
    where = pc.index_in(pa.array(np.arange(groups, dtype=np.int64)), value_set=found["g"])
    taken = found["v_first"].take(where)
    return taken.combine_chunks() if isinstance(taken, pa.ChunkedArray) else taken
