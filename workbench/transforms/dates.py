"""Functions: date and time (parts, arithmetic, formatting) and the FORMAT_DATE clean step.

Shared rules of every transform here (docs/semantics.md):

- Input: a string, date or timestamp column, or a literal ``value``. Timestamps are UTC; a date
  is midnight UTC. Text is parsed with the casting rules of ``workbench/core/casting.py``
  (``yyyy-MM-dd`` or ``yyyy-MM-dd HH:mm:ss``, a ``T`` also separating date and time,
  surrounding white space ignored), plus a time alone (``HH:mm:ss``), which is taken on
  1970-01-01. FORMAT_DATE also reads US month-first dates (``M/d/yyyy`` or ``M-d-yyyy``).
  Text that does not parse, and impossible dates (Feb 30), give null.
- Date format strings (``dateTimeFormat``, ``targetDateFormat``) are read by one tokenizer,
  ``DateFormatSpec``: ``yyyy`` year, ``yy`` two-digit year, ``month``/``MMMM`` English month
  name, ``mon``/``MMM`` its three-letter abbreviation, ``MM``/``mm`` two-digit month or
  minutes, ``dd`` day, ``HH`` hour 00-23, ``hh`` hour 01-12, ``a`` AM/PM, ``SS``/``ss``
  seconds. ``MM`` and ``mm`` (either case) mean the month, except next to a time field: right
  after ``HH``/``hh`` or right before ``SS``/``ss``, directly or across one ``:``, they mean
  minutes. So DataBrew's ``yyyy-mm-dd HH:MM:SS`` and Java's ``yyyy-MM-dd HH:mm:ss`` both work.
  Every other ASCII letter is refused (quote literal text as ``'T'``; ``''`` is a quote);
  anything else is copied as it is.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.datetimes import (
    DEFAULT_FORMAT,
    MICROS_PER_DAY,
    MICROS_PER_SECOND,
    UTC,
    DateFormatSpec,
    DateInputColumn,
    format_pandas,
    format_spark,
    instant_pandas,
    instant_spark,
)
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, ColumnOrValue
from workbench.core.lazy import F, scol
from workbench.core.params import (
    DateFormat,
    Integer,
    NewColumn,
    Number,
    NumericColumn,
    Text,
    enum_param,
)
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


def _format_spec(value: str, operation: str, parameter: str) -> DateFormatSpec:
    return DateFormatSpec.parse(value, operation=operation, parameter=parameter)


def _micros(ts: Any) -> Any:
    return pc.cast(ts, pa.int64())


def _from_micros(micros: Any) -> Any:
    return pc.cast(micros, UTC)


def _floordiv(a: Any, b: int) -> Any:
    """Integer division rounding down (pyarrow's integer divide truncates toward zero)."""
    q = pc.divide(a, b)
    inexact = pc.and_(pc.less(a, 0), pc.not_equal(pc.multiply(q, b), a))
    return pc.if_else(inexact, pc.subtract(q, 1), q)


def _days_and_time(micros: Any) -> tuple[Any, Any]:
    days = _floordiv(micros, MICROS_PER_DAY)
    return days, pc.subtract(micros, pc.multiply(days, MICROS_PER_DAY))


def _civil(days: Any) -> tuple[Any, Any, Any]:
    date = pc.cast(pc.cast(days, pa.int32()), pa.date32())
    return pc.year(date), pc.month(date), pc.day(date)


def _first_of_month(year: Any, month: Any) -> Any:
    """Days since 1970-01-01 of the first day of each (year, month), proleptic Gregorian."""
    y = pc.subtract(year, pc.cast(pc.less_equal(month, 2), pa.int64()))
    era = _floordiv(y, 400)
    year_of_era = pc.subtract(y, pc.multiply(era, 400))
    shifted_month = pc.if_else(pc.greater(month, 2), pc.subtract(month, 3), pc.add(month, 9))
    day_of_year = pc.divide(pc.add(pc.multiply(shifted_month, 153), 2), 5)
    day_of_era = pc.add(
        pc.subtract(
            pc.add(pc.multiply(year_of_era, 365), pc.divide(year_of_era, 4)), pc.divide(year_of_era, 100)
        ),
        day_of_year,
    )
    return pc.subtract(pc.add(pc.multiply(era, 146097), day_of_era), 719468)


def _add_months_pandas(ts: Any, months: int) -> Any:
    """Add calendar months; a day past the end of the new month becomes its last day."""
    days, time = _days_and_time(_micros(ts))
    year, month, day = _civil(days)
    total = pc.add(pc.add(pc.multiply(year, 12), pc.subtract(month, 1)), months)
    new_year = _floordiv(total, 12)
    new_month = pc.add(pc.subtract(total, pc.multiply(new_year, 12)), 1)
    after = pc.add(total, 1)
    next_year = _floordiv(after, 12)
    next_month = pc.add(pc.subtract(after, pc.multiply(next_year, 12)), 1)
    first = _first_of_month(new_year, new_month)
    month_length = pc.subtract(_first_of_month(next_year, next_month), first)
    new_day = pc.min_element_wise(day, month_length)
    new_days = pc.add(first, pc.subtract(new_day, 1))
    return _from_micros(pc.add(pc.multiply(new_days, MICROS_PER_DAY), time))


def _packed_month(days: Any) -> Any:
    year, month, day = _civil(days)
    return pc.add(pc.multiply(pc.add(pc.multiply(year, 12), month), 32), day)


# --- units -------------------------------------------------------------------------------------


class Unit(str, Enum):
    """Time units of DATE_ADD and DATE_DIFF."""

    YEARS = "YEARS"
    QUARTERS = "QUARTERS"
    MONTHS = "MONTHS"
    WEEKS = "WEEKS"
    DAYS = "DAYS"
    HOURS = "HOURS"
    MINUTES = "MINUTES"
    SECONDS = "SECONDS"
    MILLISECONDS = "MILLISECONDS"
    MICROSECONDS = "MICROSECONDS"

    @property
    def spark(self) -> str:
        return self.value.removesuffix("S")

    @property
    def months(self) -> int | None:
        return {"YEARS": 12, "QUARTERS": 3, "MONTHS": 1}.get(self.value)

    @property
    def micros(self) -> int:
        return {
            "WEEKS": 7 * MICROS_PER_DAY,
            "DAYS": MICROS_PER_DAY,
            "HOURS": 3600 * MICROS_PER_SECOND,
            "MINUTES": 60 * MICROS_PER_SECOND,
            "SECONDS": MICROS_PER_SECOND,
            "MILLISECONDS": 1000,
            "MICROSECONDS": 1,
        }[self.value]

    @property
    def whole_days(self) -> bool:
        return self in (Unit.YEARS, Unit.QUARTERS, Unit.MONTHS, Unit.WEEKS, Unit.DAYS)


# --- families ----------------------------------------------------------------------------------


class _FromDate(ColumnOrValue):
    """A new column computed from a date read from ``sourceColumn`` or ``value``."""

    abstract: ClassVar[bool] = True
    calendar_only: ClassVar[bool] = False
    """The result depends on the calendar day alone: a date column is read as it is on Spark,
    without the round trip through a timestamp (two time-zone conversions per row)."""
    source_column: DateInputColumn | None = None

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        raise NotImplementedError

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: Any) -> dict[str, pd.Series]:
        ltype = self.input_type(ctx.schema_of(df))
        source = self.pandas_source(df, ctx)
        result = self.from_instant_pandas(instant_pandas(source, ltype), ltype)
        return {self.target_column: wrap(result, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
        ltype = self.input_type(ctx.schema_of(df))
        source = self.spark_source()
        instant = source if ltype is LType.DATE and self.calendar_only else instant_spark(source, ltype)
        return {self.target_column: self.from_instant_spark(instant, ltype)}


def _dt(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> Any:
    import datetime as dt

    return dt.datetime(
        year, month, day, hour, minute, second, micro
    )  # examples hold naive values, read as UTC


def _d(*args: int) -> Any:
    import datetime as dt

    return dt.date(*args)


# --- parts -------------------------------------------------------------------------------------


class Year(_FromDate):
    """Write the year of a date or timestamp to a new integer column.

    Text is parsed by the date rules of this module; text that is not a date gives null.
    """

    operation = "YEAR"
    category = Category.DATE
    calendar_only = True
    examples: ClassVar = (
        Example(
            given={
                "d": ["2024-03-15", "1999-12-31 23:59:59", " 2001-07-04T10:00:00 ", "not a date", "", None]
            },
            params={"sourceColumn": "d", "targetColumn": "y"},
            expect={
                "d": ["2024-03-15", "1999-12-31 23:59:59", " 2001-07-04T10:00:00 ", "not a date", "", None],
                "y": [2024, 1999, 2001, None, None, None],
            },
        ),
        Example(
            given={"t": [_dt(1969, 12, 31, 23, 59, 59), None]},
            params={"sourceColumn": "t", "targetColumn": "y"},
            expect={"t": [_dt(1969, 12, 31, 23, 59, 59), None], "y": [1969, None]},
        ),
        Example(
            given={"id": [1, 2]},
            params={"value": "2020-02-29", "targetColumn": "y"},
            expect={"id": [1, 2], "y": [2020, 2020]},
        ),
        Example(
            given={"d": [_d(1969, 12, 31), _d(2024, 1, 1), None]},
            params={"sourceColumn": "d", "targetColumn": "y"},
            expect={"d": [_d(1969, 12, 31), _d(2024, 1, 1), None], "y": [1969, 2024, None]},
        ),
    )

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        return pc.year(ts)

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        return F.year(ts).cast("long")


class Month(_FromDate):
    """Write the month number (1-12) of a date or timestamp to a new integer column."""

    operation = "MONTH"
    category = Category.DATE
    calendar_only = True
    examples: ClassVar = (
        Example(
            given={"d": ["2024-03-15", "2024-12-01 00:00:00", "2024-13-01", None]},
            params={"sourceColumn": "d", "targetColumn": "m"},
            expect={"d": ["2024-03-15", "2024-12-01 00:00:00", "2024-13-01", None], "m": [3, 12, None, None]},
        ),
        Example(
            given={"d": [_d(2023, 1, 31), None]},
            params={"sourceColumn": "d", "targetColumn": "m"},
            expect={"d": [_d(2023, 1, 31), None], "m": [1, None]},
        ),
    )

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        return pc.month(ts)

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        return F.month(ts).cast("long")


class Day(_FromDate):
    """Write the day of the month (1-31) of a date or timestamp to a new integer column.

    Impossible dates (2023-02-29) and dates not written yyyy-MM-dd (2024-1-5) give null.
    """

    operation = "DAY"
    category = Category.DATE
    calendar_only = True
    examples: ClassVar = (
        Example(
            given={"d": ["2024-02-29", "2023-02-29", "2024-1-5", None]},
            params={"sourceColumn": "d", "targetColumn": "day"},
            expect={"d": ["2024-02-29", "2023-02-29", "2024-1-5", None], "day": [29, None, None, None]},
        ),
        Example(
            given={"t": [_dt(2024, 1, 31, 23, 59, 59), None]},
            params={"sourceColumn": "t", "targetColumn": "day"},
            expect={"t": [_dt(2024, 1, 31, 23, 59, 59), None], "day": [31, None]},
        ),
        Example(
            given={"d": [_d(1969, 12, 31), _d(2024, 2, 29), None]},
            params={"sourceColumn": "d", "targetColumn": "dd"},
            expect={"d": [_d(1969, 12, 31), _d(2024, 2, 29), None], "dd": [31, 29, None]},
        ),
    )

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        return pc.day(ts)

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        return F.dayofmonth(ts).cast("long")


class Hour(_FromDate):
    """Write the hour (0-23, UTC) of a date or timestamp to a new integer column.

    A date, or text holding only a date, is at hour 0. Text holding only a time (22:10:47) is read
    as that time on 1970-01-01.
    """

    operation = "HOUR"
    category = Category.DATE
    examples: ClassVar = (
        Example(
            given={"t": [_dt(2024, 1, 1, 0, 30), _dt(2024, 1, 1, 23, 5, 7), None]},
            params={"sourceColumn": "t", "targetColumn": "h"},
            expect={"t": [_dt(2024, 1, 1, 0, 30), _dt(2024, 1, 1, 23, 5, 7), None], "h": [0, 23, None]},
        ),
        Example(
            given={"s": ["2024-01-01", "22:10:47", "25:00:00", None]},
            params={"sourceColumn": "s", "targetColumn": "h"},
            expect={"s": ["2024-01-01", "22:10:47", "25:00:00", None], "h": [0, 22, None, None]},
        ),
    )

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        return pc.hour(ts)

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        return F.hour(ts).cast("long")


class Minute(_FromDate):
    """Write the minute (0-59) of a date or timestamp to a new integer column.

    A date, or text holding only a date, is at minute 0.
    """

    operation = "MINUTE"
    category = Category.DATE
    examples: ClassVar = (
        Example(
            given={"s": ["2024-01-01 10:59:30", "2024-01-01", "10:07:00", None]},
            params={"sourceColumn": "s", "targetColumn": "min"},
            expect={"s": ["2024-01-01 10:59:30", "2024-01-01", "10:07:00", None], "min": [59, 0, 7, None]},
        ),
        Example(
            given={"d": [_d(2024, 5, 1), None]},
            params={"sourceColumn": "d", "targetColumn": "min"},
            expect={"d": [_d(2024, 5, 1), None], "min": [0, None]},
        ),
    )

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        return pc.minute(ts)

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        return F.minute(ts).cast("long")


class Second(_FromDate):
    """Write the whole seconds (0-59) of a date or timestamp to a new integer column.

    Fractions of a second are dropped.
    """

    operation = "SECOND"
    category = Category.DATE
    examples: ClassVar = (
        Example(
            given={"t": [_dt(2024, 1, 1, 10, 59, 7, 500000), _dt(2024, 1, 1), None]},
            params={"sourceColumn": "t", "targetColumn": "sec"},
            expect={"t": [_dt(2024, 1, 1, 10, 59, 7, 500000), _dt(2024, 1, 1), None], "sec": [7, 0, None]},
        ),
        Example(
            given={"s": ["2024-01-01 10:59:30", "2024-01-01 10:59:60", None]},
            params={"sourceColumn": "s", "targetColumn": "sec"},
            expect={"s": ["2024-01-01 10:59:30", "2024-01-01 10:59:60", None], "sec": [30, None, None]},
        ),
    )

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        return pc.second(ts)

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        return F.second(ts).cast("long")


class WeekDay(_FromDate):
    """Write the day of the week of a date to a new integer column, 1 for Monday to 7 for Sunday.

    The ISO 8601 numbering, on both engines.
    """

    operation = "WEEK_DAY"
    category = Category.DATE
    calendar_only = True
    examples: ClassVar = (
        Example(
            given={"d": ["2024-01-01", "2024-01-07", "2024-02-29 18:00:00", None]},
            params={"sourceColumn": "d", "targetColumn": "wd"},
            expect={"d": ["2024-01-01", "2024-01-07", "2024-02-29 18:00:00", None], "wd": [1, 7, 4, None]},
        ),
        Example(
            given={"d": [_d(2023, 12, 30), None]},
            params={"sourceColumn": "d", "targetColumn": "wd"},
            expect={"d": [_d(2023, 12, 30), None], "wd": [6, None]},
        ),
    )

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        return pc.day_of_week(ts, count_from_zero=False, week_start=1)

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        return (F.weekday(ts) + F.lit(1)).cast("long")


class WeekNumber(_FromDate):
    """Write the ISO 8601 week number (1-53) of a date to a new integer column.

    Weeks start on Monday and week 1 holds the year's first Thursday, so early January can be in
    week 52 or 53 and late December in week 1.
    """

    operation = "WEEK_NUMBER"
    category = Category.DATE
    calendar_only = True
    examples: ClassVar = (
        Example(
            given={"d": ["2024-01-01", "2021-01-01", "2024-12-30", "2024-06-15", None]},
            params={"sourceColumn": "d", "targetColumn": "wk"},
            expect={
                "d": ["2024-01-01", "2021-01-01", "2024-12-30", "2024-06-15", None],
                "wk": [1, 53, 1, 24, None],
            },
        ),
        Example(
            given={"d": [_d(2021, 1, 3), _d(2024, 12, 30), None]},
            params={"sourceColumn": "d", "targetColumn": "w"},
            expect={"d": [_d(2021, 1, 3), _d(2024, 12, 30), None], "w": [53, 1, None]},
        ),
    )

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        return pc.iso_week(ts)

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        return F.weekofyear(ts).cast("long")


class Quarter(_FromDate):
    """Write the calendar quarter (1-4) of a date to a new integer column."""

    operation = "QUARTER"
    category = Category.DATE
    calendar_only = True
    examples: ClassVar = (
        Example(
            given={"d": ["2024-03-31", "2024-04-01", "2024-12-31 23:59:59", None]},
            params={"sourceColumn": "d", "targetColumn": "q"},
            expect={"d": ["2024-03-31", "2024-04-01", "2024-12-31 23:59:59", None], "q": [1, 2, 4, None]},
        ),
        Example(
            given={"d": [_d(1969, 12, 31), _d(2024, 4, 1), None]},
            params={"sourceColumn": "d", "targetColumn": "q"},
            expect={"d": [_d(1969, 12, 31), _d(2024, 4, 1), None], "q": [4, 2, None]},
        ),
    )

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        return pc.quarter(ts)

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        return F.quarter(ts).cast("long")


class MonthName(_FromDate):
    """Write the English name of the month of a date (January…December) to a new text column."""

    operation = "MONTH_NAME"
    category = Category.DATE
    examples: ClassVar = (
        Example(
            given={"d": ["2024-01-15", "2024-09-01 08:00:00", "2024-09-31", None]},
            params={"sourceColumn": "d", "targetColumn": "name"},
            expect={
                "d": ["2024-01-15", "2024-09-01 08:00:00", "2024-09-31", None],
                "name": ["January", "September", None, None],
            },
        ),
        Example(
            given={"d": [_d(2020, 5, 5), None]},
            params={"sourceColumn": "d", "targetColumn": "name"},
            expect={"d": [_d(2020, 5, 5), None], "name": ["May", None]},
        ),
    )

    _SPEC: ClassVar = DateFormatSpec("month", "%B", "MMMM")

    def result_type(self, source: LType) -> LType:
        return LType.STRING

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        return format_pandas(ts, self._SPEC)

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        return format_spark(ts, self._SPEC)


class UnixTime(_FromDate):
    """Write a date or timestamp as whole seconds since 1970-01-01 00:00:00 UTC to a new column.

    Fractions of a second are dropped (rounding down, also before 1970); a date counts from its
    midnight UTC.
    """

    operation = "UNIX_TIME"
    category = Category.DATE
    examples: ClassVar = (
        Example(
            given={"s": ["1970-01-01 00:00:00", "2000-01-01", "1969-12-31 23:59:59", "x", None]},
            params={"sourceColumn": "s", "targetColumn": "epoch"},
            expect={
                "s": ["1970-01-01 00:00:00", "2000-01-01", "1969-12-31 23:59:59", "x", None],
                "epoch": [0, 946684800, -1, None, None],
            },
        ),
        Example(
            given={"t": [_dt(1969, 12, 31, 23, 59, 59, 500000), _dt(1970, 1, 1, 0, 0, 1, 999999), None]},
            params={"sourceColumn": "t", "targetColumn": "epoch"},
            expect={
                "t": [_dt(1969, 12, 31, 23, 59, 59, 500000), _dt(1970, 1, 1, 0, 0, 1, 999999), None],
                "epoch": [-1, 1, None],
            },
        ),
    )

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        return _floordiv(_micros(ts), MICROS_PER_SECOND)

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        return F.unix_seconds(ts)


# --- formatting --------------------------------------------------------------------------------


class DateFormatStep(_FromDate):
    """Write a date or timestamp as text in a chosen date format, to a new column.

    The format follows the module rules (yyyy, mm/MM, dd, HH, MM/mm, SS, month, mon…); the default
    is DataBrew's yyyy-mm-dd HH:MM:SS. Fractions of a second are dropped. Unparseable text gives
    null.
    """

    operation = "DATE_FORMAT"
    category = Category.DATE
    date_time_format: DateFormat = DEFAULT_FORMAT
    examples: ClassVar = (
        Example(
            given={"s": ["2024-03-05 14:07:09", "2024-12-25", "bad", None]},
            params={"sourceColumn": "s", "targetColumn": "f"},
            expect={
                "s": ["2024-03-05 14:07:09", "2024-12-25", "bad", None],
                "f": ["2024-03-05 14:07:09", "2024-12-25 00:00:00", None, None],
            },
            title="DataBrew spelling: mm is the month, MM after HH: the minutes",
        ),
        Example(
            given={"t": [_dt(2024, 3, 5, 14, 7, 9, 900000), None]},
            params={"sourceColumn": "t", "dateTimeFormat": "MM/dd/yy HH:mm:ss", "targetColumn": "f"},
            expect={"t": [_dt(2024, 3, 5, 14, 7, 9, 900000), None], "f": ["03/05/24 14:07:09", None]},
            title="Java spelling: MM is the month, mm after HH: the minutes",
        ),
        Example(
            given={"d": [_d(2024, 3, 5), None]},
            params={"sourceColumn": "d", "dateTimeFormat": "month*dd*yyyy", "targetColumn": "f"},
            expect={"d": [_d(2024, 3, 5), None], "f": ["March*05*2024", None]},
        ),
        Example(
            given={"id": [1]},
            params={"value": "22:10:47", "dateTimeFormat": "HH:MM:SS", "targetColumn": "f"},
            expect={"id": [1], "f": ["22:10:47"]},
        ),
        Example(
            given={"s": ["2024-03-05 14:07:09", "2024-03-05 00:30:00", None]},
            params={"sourceColumn": "s", "dateTimeFormat": "dd mon yyyy, hh:mm a", "targetColumn": "f"},
            expect={
                "s": ["2024-03-05 14:07:09", "2024-03-05 00:30:00", None],
                "f": ["05 Mar 2024, 02:07 PM", "05 Mar 2024, 12:30 AM", None],
            },
        ),
        Example(
            given={"s": ["2024-03-05 14:07:09", None]},
            params={
                "sourceColumn": "s",
                "dateTimeFormat": "yyyy-MM-dd'T'HHmmss' é 100%'",
                "targetColumn": "f",
            },
            expect={"s": ["2024-03-05 14:07:09", None], "f": ["2024-03-05T140709 é 100%", None]},
            title="quoted literal text; mm right after HH is the minutes",
        ),
        Example(
            given={"s": ["2024-03-05 14:07:09", None]},
            params={"sourceColumn": "s", "dateTimeFormat": "yyyyMMdd mm:ss", "targetColumn": "f"},
            expect={"s": ["2024-03-05 14:07:09", None], "f": ["20240305 07:09", None]},
            title="MM away from time fields is the month; mm before :ss the minutes",
        ),
    )

    @model_validator(mode="after")
    def _check_format(self) -> DateFormatStep:
        _format_spec(self.date_time_format, self.operation, "dateTimeFormat")
        return self

    def result_type(self, source: LType) -> LType:
        return LType.STRING

    def spec(self) -> DateFormatSpec:
        return _format_spec(self.date_time_format, self.operation, "dateTimeFormat")

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        return format_pandas(ts, self.spec())

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        return format_spark(ts, self.spec())


class FormatDate(ColumnFunction):
    """Rewrite a date column in place as text in a chosen date format.

    Reads ISO dates (yyyy-MM-dd[ HH:mm:ss]) and US month-first dates (M/d/yyyy or M-d-yyyy, so
    the step can be applied again to its own MM-dd-yyyy output). The column becomes text; values
    that are not dates become null. targetDateFormat takes DataBrew's presets (mm/dd/yyyy,
    mm-dd-yyyy, dd month yyyy, month yyyy, dd month) or any format of the module rules (MM-dd-yyyy).
    """

    operation = "FORMAT_DATE"
    category = Category.FORMAT
    source_column: DateInputColumn
    target_date_format: DateFormat
    examples: ClassVar = (
        Example(
            given={
                "DoB": [
                    "1/2/1908",
                    "12/30/2019",
                    "6/3/1928",
                    None,
                    "2019-12-30",
                    "13/01/2020",
                    "2/30/2020",
                    "",
                    "01-02-1908",
                ]
            },
            params={"sourceColumn": "DoB", "targetDateFormat": "MM-dd-yyyy"},
            expect={
                "DoB": [
                    "01-02-1908",
                    "12-30-2019",
                    "06-03-1928",
                    None,
                    "12-30-2019",
                    None,
                    None,
                    None,
                    "01-02-1908",
                ]
            },
            title="a real DataBrew export: Java-style format on US dates",
        ),
        Example(
            given={"d": [_d(2024, 3, 5), None]},
            params={"sourceColumn": "d", "targetDateFormat": "dd month yyyy"},
            expect={"d": ["05 March 2024", None]},
        ),
        Example(
            given={"d": ["2024-11-05 10:00:00", None]},
            params={"sourceColumn": "d", "targetDateFormat": "mm/dd/yyyy"},
            expect={"d": ["11/05/2024", None]},
        ),
        Example(
            given={"t": [_dt(2024, 11, 5, 23, 0), None]},
            params={"sourceColumn": "t", "targetDateFormat": "month yyyy"},
            expect={"t": ["November 2024", None]},
        ),
        Example(
            given={"s": ["7/4/1976", None]},
            params={"sourceColumn": "s", "targetDateFormat": "dd month"},
            expect={"s": ["04 July", None]},
        ),
    )

    @model_validator(mode="after")
    def _check_format(self) -> FormatDate:
        _format_spec(self.target_date_format, self.operation, "targetDateFormat")
        return self

    def spec(self) -> DateFormatSpec:
        return _format_spec(self.target_date_format, self.operation, "targetDateFormat")

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.source_column: LType.STRING}

    def pandas_columns(self, df: pd.DataFrame, ctx: Any) -> dict[str, pd.Series]:
        ltype = ctx.schema_of(df)[self.source_column]
        s = df[self.source_column]
        text = format_pandas(instant_pandas(s, ltype, us_dates=True), self.spec())
        return {self.source_column: wrap(text, s)}

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
        ltype = ctx.schema_of(df)[self.source_column]
        ts = instant_spark(scol(self.source_column), ltype, us_dates=True)
        return {self.source_column: format_spark(ts, self.spec())}


class UnixTimeFormat(ColumnOrValue):
    """Write seconds since 1970-01-01 00:00:00 UTC as text in a chosen date format, to a new column.

    Fractions of a second are dropped (rounding down). Values outside years 1-9999, NaN and
    infinities give null. The format follows the module rules; the default is yyyy-mm-dd HH:MM:SS.
    """

    operation = "UNIX_TIME_FORMAT"
    category = Category.DATE
    source_column: NumericColumn | None = None
    value: Number | None = None  # type: ignore[assignment]  # epoch seconds, not text
    date_time_format: DateFormat = DEFAULT_FORMAT
    examples: ClassVar = (
        Example(
            given={"e": [0, 946684800, -1, None]},
            params={"sourceColumn": "e", "targetColumn": "f"},
            expect={
                "e": [0, 946684800, -1, None],
                "f": ["1970-01-01 00:00:00", "2000-01-01 00:00:00", "1969-12-31 23:59:59", None],
            },
        ),
        Example(
            given={"e": [86400.75, -0.5, 1e300, None]},
            params={"sourceColumn": "e", "dateTimeFormat": "mm/dd/yyyy HH:MM:SS", "targetColumn": "f"},
            expect={
                "e": [86400.75, -0.5, 1e300, None],
                "f": ["01/02/1970 00:00:00", "12/31/1969 23:59:59", None, None],
            },
        ),
        Example(
            given={"id": [1]},
            params={"value": "1700000000", "dateTimeFormat": "yyyy-MM-dd HH:mm", "targetColumn": "f"},
            expect={"id": [1], "f": ["2023-11-14 22:13"]},
        ),
    )

    _LOW: ClassVar[int] = -62135596800
    """0001-01-01 00:00:00 UTC."""
    _HIGH: ClassVar[int] = 253402300799
    """9999-12-31 23:59:59 UTC."""

    @model_validator(mode="after")
    def _check_format(self) -> UnixTimeFormat:
        _format_spec(self.date_time_format, self.operation, "dateTimeFormat")
        return self

    def spec(self) -> DateFormatSpec:
        return _format_spec(self.date_time_format, self.operation, "dateTimeFormat")

    def result_type(self, source: LType) -> LType:
        return LType.STRING

    def input_type(self, schema: Schema) -> LType:
        return schema[self.source_column] if self.source_column else LType.DOUBLE

    def pandas_columns(self, df: pd.DataFrame, ctx: Any) -> dict[str, pd.Series]:
        values = arr(self.pandas_source(df, ctx, LType.DOUBLE))
        seconds = pc.cast(values, pa.float64())
        in_range = pc.and_(pc.greater_equal(seconds, self._LOW), pc.less_equal(seconds, self._HIGH))
        seconds = pc.if_else(in_range, seconds, pa.scalar(None, pa.float64()))
        whole = pc.cast(pc.floor(seconds), pa.int64())
        ts = _from_micros(pc.multiply(whole, MICROS_PER_SECOND))
        return {self.target_column: wrap(format_pandas(ts, self.spec()), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
        source = self.spark_source()
        seconds = source.cast("double")
        in_range = (seconds >= F.lit(self._LOW)) & (seconds <= F.lit(self._HIGH))
        ts = F.timestamp_seconds(F.when(in_range, F.floor(seconds).cast("long")))
        return {self.target_column: format_spark(ts, self.spec())}


# --- arithmetic ---------------------------------------------------------------------------------


class DateAdd(_FromDate):
    """Add a whole number of time units (negative to subtract) to a date, in a new column.

    Months, quarters and years move the calendar month and keep the day, or use the month's last
    day when it is shorter (Jan 31 + 1 month = Feb 28/29); weeks are 7 days; all in UTC. With
    dateTimeFormat the result is text in that format. Without it the result is a date for a date
    column and units of days or longer, and a timestamp otherwise (its text form is DataBrew's
    default yyyy-mm-dd HH:MM:SS). Unparseable text gives null.
    """

    operation = "DATE_ADD"
    category = Category.DATE
    units: enum_param(Unit)  # type: ignore[valid-type]
    date_add_value: Integer
    date_time_format: DateFormat | None = None
    examples: ClassVar = (
        Example(
            given={"d": [_d(2024, 2, 20), _d(2023, 12, 25), None]},
            params={
                "sourceColumn": "d",
                "units": "DAYS",
                "dateAddValue": "14",
                "dateTimeFormat": "mm/dd/yyyy",
                "targetColumn": "later",
            },
            expect={
                "d": [_d(2024, 2, 20), _d(2023, 12, 25), None],
                "later": ["03/05/2024", "01/08/2024", None],
            },
            title="DataBrew's documented example",
        ),
        Example(
            given={"d": [_d(2024, 1, 31), _d(2023, 1, 31), _d(2024, 3, 15), None]},
            params={"sourceColumn": "d", "units": "MONTHS", "dateAddValue": 1, "targetColumn": "next"},
            expect={
                "d": [_d(2024, 1, 31), _d(2023, 1, 31), _d(2024, 3, 15), None],
                "next": [_d(2024, 2, 29), _d(2023, 2, 28), _d(2024, 4, 15), None],
            },
        ),
        Example(
            given={"d": [_d(2024, 1, 15), _d(1970, 3, 31), None]},
            params={"sourceColumn": "d", "units": "MONTHS", "dateAddValue": -13, "targetColumn": "before"},
            expect={
                "d": [_d(2024, 1, 15), _d(1970, 3, 31), None],
                "before": [_d(2022, 12, 15), _d(1969, 2, 28), None],
            },
        ),
        Example(
            given={"t": [_dt(2024, 1, 1, 3, 0), None]},
            params={"sourceColumn": "t", "units": "HOURS", "dateAddValue": -5, "targetColumn": "t2"},
            expect={"t": [_dt(2024, 1, 1, 3, 0), None], "t2": [_dt(2023, 12, 31, 22, 0), None]},
        ),
        Example(
            given={"s": ["2024-02-29", "2023-06-30 12:00:00", "x", None]},
            params={"sourceColumn": "s", "units": "YEARS", "dateAddValue": 1, "targetColumn": "s2"},
            expect={
                "s": ["2024-02-29", "2023-06-30 12:00:00", "x", None],
                "s2": [_dt(2025, 2, 28), _dt(2024, 6, 30, 12, 0), None, None],
            },
        ),
        Example(
            given={"id": [1]},
            params={"value": "2024-05-31", "units": "QUARTERS", "dateAddValue": -1, "targetColumn": "q"},
            expect={"id": [1], "q": [_dt(2024, 2, 29)]},
        ),
        Example(
            given={"t": [_dt(2024, 1, 1, 0, 0, 59, 250000), None]},
            params={"sourceColumn": "t", "units": "MILLISECONDS", "dateAddValue": 1500, "targetColumn": "t2"},
            expect={
                "t": [_dt(2024, 1, 1, 0, 0, 59, 250000), None],
                "t2": [_dt(2024, 1, 1, 0, 1, 0, 750000), None],
            },
        ),
        Example(
            given={"d": [_d(2024, 2, 26), None]},
            params={"sourceColumn": "d", "units": "WEEKS", "dateAddValue": 1, "targetColumn": "w"},
            expect={"d": [_d(2024, 2, 26), None], "w": [_d(2024, 3, 4), None]},
        ),
        Example(
            given={"d": [_d(2024, 2, 26), None]},
            params={"sourceColumn": "d", "units": "MINUTES", "dateAddValue": 90, "targetColumn": "m"},
            expect={"d": [_d(2024, 2, 26), None], "m": [_dt(2024, 2, 26, 1, 30), None]},
        ),
    )

    @model_validator(mode="after")
    def _check_format(self) -> DateAdd:
        if self.date_time_format is not None:
            _format_spec(self.date_time_format, self.operation, "dateTimeFormat")
        return self

    def spec(self) -> DateFormatSpec:
        return _format_spec(self.date_time_format or DEFAULT_FORMAT, self.operation, "dateTimeFormat")

    def result_type(self, source: LType) -> LType:
        if self.date_time_format is not None:
            return LType.STRING
        if source is LType.DATE and self.units.whole_days:
            return LType.DATE
        return LType.TIMESTAMP

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        if self.units.months is not None:
            moved = _add_months_pandas(ts, self.units.months * self.date_add_value)
        else:
            moved = _from_micros(pc.add(_micros(ts), self.units.micros * self.date_add_value))
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
    units: enum_param(Unit)  # type: ignore[valid-type]
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
                "a": [_d(2020, 2, 29), _d(2020, 1, 1), _d(2021, 3, 31), None],
                "b": [_d(2021, 2, 28), _d(2022, 12, 31), _d(2020, 1, 1), _d(2020, 1, 1)],
            },
            params={"sourceColumn1": "a", "sourceColumn2": "b", "units": "YEARS", "targetColumn": "years"},
            expect={
                "a": [_d(2020, 2, 29), _d(2020, 1, 1), _d(2021, 3, 31), None],
                "years": [0, 2, -1, None],
                "b": [_d(2021, 2, 28), _d(2022, 12, 31), _d(2020, 1, 1), _d(2020, 1, 1)],
            },
        ),
        Example(
            given={"t": [_dt(2024, 1, 2, 0, 0), _dt(2023, 12, 31, 23, 0), None]},
            params={
                "sourceColumn1": "t",
                "value2": "2024-01-01 00:30:00",
                "units": "HOURS",
                "targetColumn": "h",
            },
            expect={"t": [_dt(2024, 1, 2, 0, 0), _dt(2023, 12, 31, 23, 0), None], "h": [-23, 1, None]},
        ),
        Example(
            given={"t": [_dt(2024, 1, 1, 0, 0, 1, 500000), _dt(2023, 12, 31, 23, 59, 59, 999000), None]},
            params={
                "value1": "2024-01-01",
                "sourceColumn2": "t",
                "units": "MILLISECONDS",
                "targetColumn": "ms",
            },
            expect={
                "t": [_dt(2024, 1, 1, 0, 0, 1, 500000), _dt(2023, 12, 31, 23, 59, 59, 999000), None],
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

    def _pandas_operand(self, df: pd.DataFrame, ctx: Any, operand: tuple[str, str]) -> Any:
        kind, name = operand
        if kind == "column":
            return instant_pandas(df[name], ctx.schema_of(df)[name])
        return instant_pandas(ctx.constant(name, LType.STRING, df.index), LType.STRING)

    def _spark_operand(self, df: SparkFrame, ctx: Any, operand: tuple[str, str]) -> SparkColumn:
        kind, name = operand
        if kind == "column":
            return instant_spark(scol(name), ctx.schema_of(df)[name])
        return instant_spark(F.lit(name), LType.STRING)

    def pandas_columns(self, df: pd.DataFrame, ctx: Any) -> dict[str, pd.Series]:
        first, second = (self._pandas_operand(df, ctx, op) for op in self.operands())
        start, end = _micros(first), _micros(second)
        if self.units.months is None and not self.units.whole_days:
            result = pc.divide(pc.subtract(end, start), self.units.micros)
        else:
            start_day, start_time = _days_and_time(start)
            end_day, end_time = _days_and_time(end)
            # Like java.time: an end whose time of day is not yet reached counts one day less.
            back = pc.and_(pc.greater(end_day, start_day), pc.less(end_time, start_time))
            ahead = pc.and_(pc.less(end_day, start_day), pc.greater(end_time, start_time))
            shift = pc.subtract(pc.cast(ahead, pa.int64()), pc.cast(back, pa.int64()))
            end_day = pc.add(end_day, shift)
            if self.units.months is None:
                result = pc.divide(pc.subtract(end_day, start_day), self.units.micros // MICROS_PER_DAY)
            else:
                months = pc.divide(pc.subtract(_packed_month(end_day), _packed_month(start_day)), 32)
                result = pc.divide(months, self.units.months)
        return {self.target_column: wrap(pc.cast(result, pa.int64()), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
        first, second = (self._spark_operand(df, ctx, op) for op in self.operands())
        return {self.target_column: F.timestamp_diff(self.units.spark, first, second).cast("long")}
