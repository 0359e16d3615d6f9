"""Window functions: SESSION, numbering runs of events separated by gaps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.datetimes import (
    DateInputColumn,
    TimeUnit,
    add_months_pandas,
    from_micros,
    instant_pandas,
    instant_spark,
    micros,
    on_day,
    stamp,
)
from workbench.core.lazy import F, W, scol
from workbench.core.ordered import Grouped, non_negative
from workbench.core.params import Columns, Integer, NewColumn, enum_param
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

_NEW_SESSION = "__wb_new_session"
"""A Spark column marking the rows that start a session (a window of a window needs two steps)."""


class Session(Grouped):
    """Number the sessions of each group 1, 2, 3…: a new one starts after a gap longer than value units.

    Rows are read per group of groupByColumns in orderByColumns order (ascending, nulls last,
    ties in row order). A row starts a new session when its time (sourceColumn: a timestamp, a
    date, or text read as one) is later than the time of the previous timed row of its group
    plus value units; a gap of exactly value units stays in the session. Months, quarters and
    years are calendar units (Jan 31 + 1 month = Feb 28/29), all in UTC. The first row of each
    group is session 1. A row whose time is null (or unreadable text) gets a null session and
    neither starts nor ends one. The rows themselves are not reordered.
    """

    operation = "SESSION"
    category = Category.WINDOW
    source_column: DateInputColumn
    units: enum_param(TimeUnit)  # type: ignore[valid-type]
    value: Integer
    group_by_columns: Columns
    order_by_columns: Columns
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={
                "user": ["a", "a", "b", "a", "a", "b"],
                "t": [
                    stamp(2024, 1, 1, 10, 0),
                    stamp(2024, 1, 1, 10, 20),
                    stamp(2024, 1, 1, 10, 5),
                    stamp(2024, 1, 1, 10, 50),
                    None,
                    stamp(2024, 1, 1, 11, 0),
                ],
            },
            params={
                "sourceColumn": "t",
                "units": "MINUTES",
                "value": "30",
                "groupByColumns": '["user"]',
                "orderByColumns": '["t"]',
                "targetColumn": "session",
            },
            expect={
                "user": ["a", "a", "b", "a", "a", "b"],
                "t": [
                    stamp(2024, 1, 1, 10, 0),
                    stamp(2024, 1, 1, 10, 20),
                    stamp(2024, 1, 1, 10, 5),
                    stamp(2024, 1, 1, 10, 50),
                    None,
                    stamp(2024, 1, 1, 11, 0),
                ],
                "session": [1, 1, 1, 1, None, 2],
            },
            title="a gap of exactly 30 minutes stays in the session; null times get no session",
        ),
        Example(
            given={
                "k": [1, 2, 3, 4, 5],
                "d": ["2024-01-31", "2024-02-29", "", "2024-04-01", "2024-04-30 12:00:00"],
            },
            params={
                "sourceColumn": "d",
                "units": "MONTHS",
                "value": 1,
                "groupByColumns": [],
                "orderByColumns": ["k"],
                "targetColumn": "s",
            },
            expect={
                "k": [1, 2, 3, 4, 5],
                "d": ["2024-01-31", "2024-02-29", "", "2024-04-01", "2024-04-30 12:00:00"],
                "s": [1, 1, None, 2, 2],
            },
            title="calendar months; text times, an empty one skipped",
        ),
        Example(
            given={
                "g": [None, None, "x", None],
                "n": [on_day(2024, 1, 3), on_day(2024, 1, 1), on_day(2024, 1, 2), on_day(2024, 1, 2)],
            },
            params={
                "sourceColumn": "n",
                "units": "DAYS",
                "value": 0,
                "groupByColumns": ["g"],
                "orderByColumns": ["n"],
                "targetColumn": "s",
            },
            expect={
                "g": [None, None, "x", None],
                "n": [on_day(2024, 1, 3), on_day(2024, 1, 1), on_day(2024, 1, 2), on_day(2024, 1, 2)],
                "s": [3, 1, 1, 2],
            },
            title="dates; rows with a null group key form one group",
        ),
    )

    @model_validator(mode="after")
    def _check_value(self) -> Session:
        non_negative(self, value=self.value)
        return self

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.INTEGER}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        ltype = ctx.schema_of(df)[self.source_column]
        arranged = self.arrangement(df)
        instants = instant_pandas(df[self.source_column], ltype)
        if isinstance(instants, pa.ChunkedArray):
            instants = instants.combine_chunks()
        times = arranged.take(instants)
        timed = pc.is_valid(times)
        latest = arranged.nearest_valid(timed, forward=True)
        previous = pc.take(times, arranged.shift(latest, -1))
        starts = pc.and_(timed, pc.fill_null(pc.greater(times, self.limit_pandas(previous)), True))
        numbers = arranged.segmented(pc.cast(starts, pa.int64()), "cumsum")
        numbers = pc.if_else(timed, numbers, pa.scalar(None, pa.int64()))
        return {self.target_column: wrap(arranged.restore(numbers), df.index)}

    def limit_pandas(self, previous: Any) -> Any:
        """The latest time that stays in the session of a row at ``previous``."""
        if self.units.months is not None:
            return add_months_pandas(previous, self.units.months * self.value)
        return from_micros(pc.add(micros(previous), self.units.micros * self.value))

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        ltype = ctx.schema_of(df)[self.source_column]
        time = instant_spark(scol(self.source_column), ltype)
        earlier = self.window().rowsBetween(W.Window.unboundedPreceding, -1)
        previous = F.last(time, ignorenulls=True).over(earlier)
        limit = F.timestamp_add(self.units.value.removesuffix("S"), F.lit(self.value), previous)
        starts = F.when(time.isNotNull() & (previous.isNull() | (time > limit)), 1).otherwise(0)
        staged = ctx.with_row_position(df).withColumn(_NEW_SESSION, starts)
        return super().apply_spark(staged, ctx, where).drop(_NEW_SESSION)

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        ltype = ctx.schema_of(df)[self.source_column]
        time = instant_spark(scol(self.source_column), ltype)
        so_far = self.window().rowsBetween(W.Window.unboundedPreceding, 0)
        numbers = F.sum(scol(_NEW_SESSION)).over(so_far).cast("long")
        return {self.target_column: F.when(time.isNotNull(), numbers)}
