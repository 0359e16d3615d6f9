"""Functions: date arithmetic (DATE_ADD, DATE_DIFF) in calendar or fixed units."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.datetimes import (
    DEFAULT_FORMAT,
    MICROS_PER_DAY,
    DateFormatSpec,
    DateFunction,
    DateInputColumn,
    TimeUnit,
    add_months_pandas,
    days_and_time,
    format_pandas,
    format_spark,
    format_spec,
    from_micros,
    instant_pandas,
    instant_spark,
    micros,
    on_day,
    packed_month,
    stamp,
)
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import F, scol
from workbench.core.params import (
    DateFormat,
    Integer,
    NewColumn,
    Text,
    enum_param,
)
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


class DateAdd(DateFunction):
    """Add a whole number of time units (negative to subtract) to a date, in a new column.

    Months, quarters and years move the calendar month and keep the day, or use the month's last
    day when it is shorter (Jan 31 + 1 month = Feb 28/29); weeks are 7 days; all in UTC. With
    dateTimeFormat the result is text in that format. Without it the result is a date for a date
    column and units of days or longer, and a timestamp otherwise (its text form is DataBrew's
    default yyyy-mm-dd HH:MM:SS). Unparseable text gives null.
    """

    operation = "DATE_ADD"
    category = Category.DATE
    units: enum_param(TimeUnit)  # type: ignore[valid-type]
    date_add_value: Integer
    date_time_format: DateFormat | None = None
    examples: ClassVar = (
        Example(
            given={"d": [on_day(2024, 2, 20), on_day(2023, 12, 25), None]},
            params={
                "sourceColumn": "d",
                "units": "DAYS",
                "dateAddValue": "14",
                "dateTimeFormat": "mm/dd/yyyy",
                "targetColumn": "later",
            },
            expect={
                "d": [on_day(2024, 2, 20), on_day(2023, 12, 25), None],
                "later": ["03/05/2024", "01/08/2024", None],
            },
            title="DataBrew's documented example",
        ),
        Example(
            given={"d": [on_day(2024, 1, 31), on_day(2023, 1, 31), on_day(2024, 3, 15), None]},
            params={"sourceColumn": "d", "units": "MONTHS", "dateAddValue": 1, "targetColumn": "next"},
            expect={
                "d": [on_day(2024, 1, 31), on_day(2023, 1, 31), on_day(2024, 3, 15), None],
                "next": [
                    on_day(2024, 2, 29),
                    on_day(2023, 2, 28),
                    on_day(2024, 4, 15),
                    None,
                ],
            },
        ),
        Example(
            given={"d": [on_day(2024, 1, 15), on_day(1970, 3, 31), None]},
            params={"sourceColumn": "d", "units": "MONTHS", "dateAddValue": -13, "targetColumn": "before"},
            expect={
                "d": [on_day(2024, 1, 15), on_day(1970, 3, 31), None],
                "before": [on_day(2022, 12, 15), on_day(1969, 2, 28), None],
            },
        ),
        Example(
            given={"t": [stamp(2024, 1, 1, 3, 0), None]},
            params={"sourceColumn": "t", "units": "HOURS", "dateAddValue": -5, "targetColumn": "t2"},
            expect={"t": [stamp(2024, 1, 1, 3, 0), None], "t2": [stamp(2023, 12, 31, 22, 0), None]},
        ),
        Example(
            given={"s": ["2024-02-29", "2023-06-30 12:00:00", "x", None]},
            params={"sourceColumn": "s", "units": "YEARS", "dateAddValue": 1, "targetColumn": "s2"},
            expect={
                "s": ["2024-02-29", "2023-06-30 12:00:00", "x", None],
                "s2": [stamp(2025, 2, 28), stamp(2024, 6, 30, 12, 0), None, None],
            },
        ),
        Example(
            given={"id": [1]},
            params={"value": "2024-05-31", "units": "QUARTERS", "dateAddValue": -1, "targetColumn": "q"},
            expect={"id": [1], "q": [stamp(2024, 2, 29)]},
        ),
        Example(
            given={"t": [stamp(2024, 1, 1, 0, 0, 59, 250000), None]},
            params={"sourceColumn": "t", "units": "MILLISECONDS", "dateAddValue": 1500, "targetColumn": "t2"},
            expect={
                "t": [stamp(2024, 1, 1, 0, 0, 59, 250000), None],
                "t2": [stamp(2024, 1, 1, 0, 1, 0, 750000), None],
            },
        ),
        Example(
            given={"d": [on_day(2024, 2, 26), None]},
            params={"sourceColumn": "d", "units": "WEEKS", "dateAddValue": 1, "targetColumn": "w"},
            expect={"d": [on_day(2024, 2, 26), None], "w": [on_day(2024, 3, 4), None]},
        ),
        Example(
            given={"d": [on_day(2024, 2, 26), None]},
            params={"sourceColumn": "d", "units": "MINUTES", "dateAddValue": 90, "targetColumn": "m"},
            expect={"d": [on_day(2024, 2, 26), None], "m": [stamp(2024, 2, 26, 1, 30), None]},
        ),
    )

    @model_validator(mode="after")
    def _check_format(self) -> DateAdd:
        if self.date_time_format is not None:
            format_spec(self.date_time_format, self.operation, "dateTimeFormat")
        return self

    def spec(self) -> DateFormatSpec:
        return format_spec(self.date_time_format or DEFAULT_FORMAT, self.operation, "dateTimeFormat")

    def result_type(self, source: LType) -> LType:
        if self.date_time_format is not None:
            return LType.STRING
        if source is LType.DATE and self.units.whole_days:
            return LType.DATE
        return LType.TIMESTAMP

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        if self.units.months is not None:
            moved = add_months_pandas(ts, self.units.months * self.date_add_value)
        else:
            moved = from_micros(pc.add(micros(ts), self.units.micros * self.date_add_value))
        kind = self.result_type(source)
        if kind is LType.STRING:
            return format_pandas(moved, self.spec())
        if kind is LType.DATE:
            return pc.cast(pc.cast(moved, pa.timestamp("us")), pa.date32())
        return moved

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        moved = F.timestamp_add(self.units.spark, F.lit(self.date_add_value), ts)
        kind = self.result_type(source)
        if kind is LType.STRING:
            return format_spark(moved, self.spec())
        if kind is LType.DATE:
            return moved.cast("date")
        return moved


class DateDiff(ColumnFunction):
    """Write the time from a first date to a second one, in whole units, to a new integer column.

    The result is second minus first: positive when the second date is later. Partial units are
    dropped toward zero. Months, quarters and years count whole calendar months the way Java's
    ChronoUnit does (Jan 31 to Feb 29 is 0 months; a quarter is 3 and a year 12 whole months).
    Give two inputs: each ``sourceColumnN``/``valueN`` fills slot N; a value whose slot is taken by
    a column fills the other slot. Null or unparseable inputs give null.
    """

    operation = "DATE_DIFF"
    category = Category.DATE
    source_column1: DateInputColumn | None = None
    source_column2: DateInputColumn | None = None
    value1: Text | None = None
    value2: Text | None = None
    units: enum_param(TimeUnit)  # type: ignore[valid-type]
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"id": [1, 2]},
            params={"value1": "2020-01-01", "value2": "2020-10-06", "units": "DAYS", "targetColumn": "days"},
            expect={"id": [1, 2], "days": [279, 279]},
            title="DataBrew's documented example",
        ),
        Example(
            given={
                "a": [
                    "2020-01-31 10:00:00",
                    "2020-03-01 09:00:00",
                    "2024-01-15",
                    "2020-02-29",
                    None,
                    "2020-01-01",
                ],
                "b": [
                    "2020-03-01 09:00:00",
                    "2020-01-31 10:00:00",
                    "2025-03-15",
                    "2021-02-28",
                    "2020-01-01",
                    "bad",
                ],
            },
            params={"sourceColumn1": "a", "sourceColumn2": "b", "units": "MONTHS", "targetColumn": "months"},
            expect={
                "a": [
                    "2020-01-31 10:00:00",
                    "2020-03-01 09:00:00",
                    "2024-01-15",
                    "2020-02-29",
                    None,
                    "2020-01-01",
                ],
                "months": [0, -1, 14, 11, None, None],
                "b": [
                    "2020-03-01 09:00:00",
                    "2020-01-31 10:00:00",
                    "2025-03-15",
                    "2021-02-28",
                    "2020-01-01",
                    "bad",
                ],
            },
        ),
        Example(
            given={
                "a": [on_day(2020, 2, 29), on_day(2020, 1, 1), on_day(2021, 3, 31), None],
                "b": [
                    on_day(2021, 2, 28),
                    on_day(2022, 12, 31),
                    on_day(2020, 1, 1),
                    on_day(2020, 1, 1),
                ],
            },
            params={"sourceColumn1": "a", "sourceColumn2": "b", "units": "YEARS", "targetColumn": "years"},
            expect={
                "a": [on_day(2020, 2, 29), on_day(2020, 1, 1), on_day(2021, 3, 31), None],
                "years": [0, 2, -1, None],
                "b": [
                    on_day(2021, 2, 28),
                    on_day(2022, 12, 31),
                    on_day(2020, 1, 1),
                    on_day(2020, 1, 1),
                ],
            },
        ),
        Example(
            given={"t": [stamp(2024, 1, 2, 0, 0), stamp(2023, 12, 31, 23, 0), None]},
            params={
                "sourceColumn1": "t",
                "value2": "2024-01-01 00:30:00",
                "units": "HOURS",
                "targetColumn": "h",
            },
            expect={
                "t": [stamp(2024, 1, 2, 0, 0), stamp(2023, 12, 31, 23, 0), None],
                "h": [-23, 1, None],
            },
        ),
        Example(
            given={"t": [stamp(2024, 1, 1, 0, 0, 1, 500000), stamp(2023, 12, 31, 23, 59, 59, 999000), None]},
            params={
                "value1": "2024-01-01",
                "sourceColumn2": "t",
                "units": "MILLISECONDS",
                "targetColumn": "ms",
            },
            expect={
                "t": [
                    stamp(2024, 1, 1, 0, 0, 1, 500000),
                    stamp(2023, 12, 31, 23, 59, 59, 999000),
                    None,
                ],
                "ms": [1500, -1, None],
            },
        ),
        Example(
            given={
                "a": ["2024-01-01", "2024-01-01", None],
                "b": ["2024-03-31", "2023-12-24 12:00:00", "2024-01-01"],
            },
            params={"sourceColumn1": "a", "sourceColumn2": "b", "units": "WEEKS", "targetColumn": "w"},
            expect={
                "a": ["2024-01-01", "2024-01-01", None],
                "w": [12, -1, None],
                "b": ["2024-03-31", "2023-12-24 12:00:00", "2024-01-01"],
            },
        ),
        Example(
            given={"a": ["2024-01-01", "2024-01-01"], "b": ["2024-03-31", "2023-10-01 00:00:00"]},
            params={"sourceColumn1": "a", "sourceColumn2": "b", "units": "QUARTERS", "targetColumn": "q"},
            expect={
                "a": ["2024-01-01", "2024-01-01"],
                "q": [0, -1],
                "b": ["2024-03-31", "2023-10-01 00:00:00"],
            },
        ),
        Example(
            given={"b": ["2024-01-01 00:01:30", "2023-12-31 23:59:59", None]},
            params={"sourceColumn2": "b", "value2": "2024-01-01", "units": "SECONDS", "targetColumn": "s"},
            expect={"b": ["2024-01-01 00:01:30", "2023-12-31 23:59:59", None], "s": [90, -1, None]},
            title="value2 fills the free first slot",
        ),
    )

    @model_validator(mode="after")
    def _two_inputs(self) -> DateDiff:
        given = [
            p for p in (self.source_column1, self.source_column2, self.value1, self.value2) if p is not None
        ]
        if len(given) != 2:
            raise ParameterError(
                "give exactly two dates: sourceColumn1/value1 and sourceColumn2/value2",
                operation=self.operation,
                parameter="sourceColumn1",
            )
        return self

    def operands(self) -> tuple[tuple[str, str], tuple[str, str]]:
        """The first and second date as ("column", name) or ("value", text)."""
        slots: list[tuple[str, str] | None] = [None, None]
        if self.source_column1 is not None:
            slots[0] = ("column", self.source_column1)
        if self.source_column2 is not None:
            slots[1] = ("column", self.source_column2)
        for own, value in ((0, self.value1), (1, self.value2)):
            if value is not None:
                slot = own if slots[own] is None else 1 - own
                slots[slot] = ("value", value)
        first, second = slots
        if first is None or second is None:  # the validator makes this impossible
            raise ParameterError("give two dates", operation=self.operation, parameter="sourceColumn1")
        return first, second

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.INTEGER}

    def _pandas_operand(self, df: pd.DataFrame, ctx: PandasContext, operand: tuple[str, str]) -> Any:
        kind, name = operand
        if kind == "column":
            return instant_pandas(df[name], ctx.schema_of(df)[name])
        return instant_pandas(ctx.constant(name, LType.STRING, df.index), LType.STRING)

    def _spark_operand(self, df: SparkFrame, ctx: SparkContext, operand: tuple[str, str]) -> SparkColumn:
        kind, name = operand
        if kind == "column":
            return instant_spark(scol(name), ctx.schema_of(df)[name])
        return instant_spark(F.lit(name), LType.STRING)

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        first, second = (self._pandas_operand(df, ctx, op) for op in self.operands())
        start, end = micros(first), micros(second)
        if self.units.months is None and not self.units.whole_days:
            result = pc.divide(pc.subtract(end, start), self.units.micros)
        else:
            start_day, start_time = days_and_time(start)
            end_day, end_time = days_and_time(end)
            # Like java.time: an end whose time of day is not yet reached counts one day less.
            back = pc.and_(pc.greater(end_day, start_day), pc.less(end_time, start_time))
            ahead = pc.and_(pc.less(end_day, start_day), pc.greater(end_time, start_time))
            shift = pc.subtract(pc.cast(ahead, pa.int64()), pc.cast(back, pa.int64()))
            end_day = pc.add(end_day, shift)
            if self.units.months is None:
                result = pc.divide(pc.subtract(end_day, start_day), self.units.micros // MICROS_PER_DAY)
            else:
                months = pc.divide(pc.subtract(packed_month(end_day), packed_month(start_day)), 32)
                result = pc.divide(months, self.units.months)
        return {self.target_column: wrap(pc.cast(result, pa.int64()), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        first, second = (self._spark_operand(df, ctx, op) for op in self.operands())
        return {self.target_column: F.timestamp_diff(self.units.spark, first, second).cast("long")}
