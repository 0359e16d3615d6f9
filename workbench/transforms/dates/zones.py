"""Functions: a wall-clock time moved from one time zone to another (CONVERT_TIMEZONE).

A date or time is read as the clock on the wall in ``fromTimeZone`` and written as the clock in
``toTimeZone`` at the same instant, as text in ``dateTimeFormat``. Zones are tz database names.

- A wall time that a change to summer time skips (02:30 on the night the clocks go from 02:00
  to 03:00) is moved forward by the length of the gap (03:30), and one that the change back
  repeats (01:30 twice) is the earlier of the two (summer time): the rule of ``java.time`` and
  of Python's ``zoneinfo`` (``fold=0``), so pandas and Spark agree.
- The default zones are UTC; an unknown zone is refused when the step is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.context import PandasContext, SparkContext
from workbench.core.datetimes import (
    DEFAULT_FORMAT,
    DateInputColumn,
    DateText,
    TimeZone,
    format_pandas,
    format_spark,
    from_micros,
    instant_pandas,
    instant_spark,
    micros,
    on_day,
    stamp,
)
from workbench.core.lazy import F, scol
from workbench.core.params import DateFormat, NewColumn
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

_WALL = pa.timestamp("us")

_NY_IN = [
    "2024-07-01 12:00:00",
    "2024-01-15T08:00:00",
    " 2024-03-05 ",
    "23:15:00",
    "2024-02-30 10:00:00",
    "noon",
    "\u0662\u0660\u0662\u0664-01-01",
    "",
    None,
]

_DST_IN = [
    "2024-03-10 01:59:59",
    "2024-03-10 02:00:00",
    "2024-03-10 02:30:00",
    "2024-03-10 03:00:00",
    "2024-11-03 00:59:59",
    "2024-11-03 01:30:00",
    "2024-11-03 02:00:00",
]

_UTC_IN = [
    stamp(2024, 11, 3, 5, 30),
    stamp(2024, 11, 3, 6, 30),
    stamp(2024, 3, 10, 6, 59, 59, 999999),
    stamp(2024, 3, 10, 7),
    None,
]


def _wall_pandas(ts: Any, zone: str) -> Any:
    """The clock in ``zone`` at each UTC instant, as microseconds of a naive wall time."""
    return micros(pc.local_timestamp(pc.cast(ts, pa.timestamp("us", tz=zone))))


def _instant_pandas(wall: Any, zone: str) -> Any:
    """The UTC instant (microseconds) at which the clock in ``zone`` shows ``wall``.

    A repeated wall time takes the earlier instant. For a skipped one pyarrow gives the last
    instant before the gap; the zone's offset there is the offset before the change, and
    ``wall`` minus that offset moves the time forward by the gap, like java.time.
    """
    earliest = pc.assume_timezone(pc.cast(wall, _WALL), zone, ambiguous="earliest", nonexistent="earliest")
    offset = pc.subtract(_wall_pandas(earliest, zone), micros(earliest))
    return pc.subtract(wall, offset)


class ConvertTimezone(DateText):
    """Write a date and time moved from one time zone to another, as text, to a new column.

    The value is read as the wall-clock time in fromTimeZone and written as the wall-clock time
    in toTimeZone at the same instant, in dateTimeFormat (default yyyy-mm-dd HH:MM:SS); both
    zones are tz database names and default to UTC. A time skipped by a change to summer time
    moves forward by the gap; a repeated one is the earlier. Text that is not a date gives null.
    """

    operation = "CONVERT_TIMEZONE"
    category = Category.DATE
    source_column: DateInputColumn
    from_time_zone: TimeZone = "UTC"
    to_time_zone: TimeZone = "UTC"
    date_time_format: DateFormat = DEFAULT_FORMAT
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"s": _NY_IN},
            params={
                "sourceColumn": "s",
                "fromTimeZone": "America/New_York",
                "toTimeZone": "Asia/Kolkata",
                "targetColumn": "ist",
            },
            expect={
                "s": _NY_IN,
                "ist": [
                    "2024-07-01 21:30:00",
                    "2024-01-15 18:30:00",
                    "2024-03-05 10:30:00",
                    "1970-01-02 09:45:00",
                    None,
                    None,
                    None,
                    None,
                    None,
                ],
            },
            title="text; a date alone is midnight, a time alone is on 1970-01-01",
        ),
        Example(
            given={"s": _DST_IN},
            params={"sourceColumn": "s", "fromTimeZone": "America/New_York", "targetColumn": "utc"},
            expect={
                "s": _DST_IN,
                "utc": [
                    "2024-03-10 06:59:59",
                    "2024-03-10 07:00:00",
                    "2024-03-10 07:30:00",
                    "2024-03-10 07:00:00",
                    "2024-11-03 04:59:59",
                    "2024-11-03 05:30:00",
                    "2024-11-03 07:00:00",
                ],
            },
            title="times skipped by summer time move forward by the gap; repeated ones are the earlier",
        ),
        Example(
            given={"t": _UTC_IN},
            params={
                "sourceColumn": "t",
                "toTimeZone": "America/New_York",
                "dateTimeFormat": "yyyy-MM-dd hh:mm:ss a",
                "targetColumn": "ny",
            },
            expect={
                "t": _UTC_IN,
                "ny": [
                    "2024-11-03 01:30:00 AM",
                    "2024-11-03 01:30:00 AM",
                    "2024-03-10 01:59:59 AM",
                    "2024-03-10 03:00:00 AM",
                    None,
                ],
            },
            title="timestamps; two instants an hour apart show the same repeated wall time",
        ),
        Example(
            given={"t": [stamp(2024, 12, 31, 23, 0, 0, 900000), stamp(2024, 6, 30, 23, 59, 59)]},
            params={
                "sourceColumn": "t",
                "fromTimeZone": "US/Pacific",
                "toTimeZone": "Asia/Kathmandu",
                "dateTimeFormat": "dd mon yyyy, HH:mm '\u23f0'",
                "targetColumn": "ktm",
            },
            expect={
                "t": [stamp(2024, 12, 31, 23, 0, 0, 900000), stamp(2024, 6, 30, 23, 59, 59)],
                "ktm": ["01 Jan 2025, 12:45 \u23f0", "01 Jul 2024, 12:44 \u23f0"],
            },
            title="a legacy zone name, an offset of 5:45 and quoted text",
        ),
        Example(
            given={"d": [on_day(2024, 2, 29), None]},
            params={"sourceColumn": "d", "toTimeZone": "Australia/Sydney", "targetColumn": "syd"},
            expect={"d": [on_day(2024, 2, 29), None], "syd": ["2024-02-29 11:00:00", None]},
            title="a date column, from UTC by default",
        ),
    )

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.STRING}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        ltype = ctx.schema_of(df)[self.source_column]
        wall = micros(instant_pandas(df[self.source_column], ltype))
        instant = from_micros(_instant_pandas(wall, self.from_time_zone))
        moved = from_micros(_wall_pandas(instant, self.to_time_zone))
        return {self.target_column: wrap(format_pandas(moved, self.spec()), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        ltype = ctx.schema_of(df)[self.source_column]
        wall = instant_spark(scol(self.source_column), ltype)
        # The session time zone is UTC, so a timestamp's UTC reading is its wall time.
        instant = F.to_utc_timestamp(wall, self.from_time_zone)
        return {
            self.target_column: format_spark(F.from_utc_timestamp(instant, self.to_time_zone), self.spec())
        }
