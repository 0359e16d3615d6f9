"""Functions: parts of a date (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND, MILLISECOND, WEEK_DAY,
WEEK_NUMBER, QUARTER, MONTH_NAME) and UNIX_TIME.

MILLISECOND reads text with a fraction of a second (``2024-01-01 10:00:00.123``, ``10:00:00.5``)
as well as the forms the other date steps read; no fraction is 0 milliseconds.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.datetimes import (
    MICROS_PER_SECOND,
    DateFormatSpec,
    DateFunction,
    DateInputColumn,
    floordiv,
    format_pandas,
    format_spark,
    micros,
    on_day,
    stamp,
)
from workbench.core.families import ColumnOrValue
from workbench.core.lazy import F
from workbench.core.registry import Category, Example
from workbench.core.table import declare, row
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


_MONTH_NAME = DateFormatSpec("month", "%B", "MMMM")

DATE_PARTS = declare(
    DateFunction,
    Category.DATE,
    __name__,
    row(
        "YEAR",
        """Write the year of a date or timestamp to a new integer column.

        Text is parsed by the date rules of this module; text that is not a date gives null.
        """,
        examples=(
            Example(
                given={
                    "d": [
                        "2024-03-15",
                        "1999-12-31 23:59:59",
                        " 2001-07-04T10:00:00 ",
                        "not a date",
                        "",
                        None,
                    ]
                },
                params={"sourceColumn": "d", "targetColumn": "y"},
                expect={
                    "d": [
                        "2024-03-15",
                        "1999-12-31 23:59:59",
                        " 2001-07-04T10:00:00 ",
                        "not a date",
                        "",
                        None,
                    ],
                    "y": [2024, 1999, 2001, None, None, None],
                },
            ),
            Example(
                given={"t": [stamp(1969, 12, 31, 23, 59, 59), None]},
                params={"sourceColumn": "t", "targetColumn": "y"},
                expect={"t": [stamp(1969, 12, 31, 23, 59, 59), None], "y": [1969, None]},
            ),
            Example(
                given={"id": [1, 2]},
                params={"value": "2020-02-29", "targetColumn": "y"},
                expect={"id": [1, 2], "y": [2020, 2020]},
            ),
            Example(
                given={"d": [on_day(1969, 12, 31), on_day(2024, 1, 1), None]},
                params={"sourceColumn": "d", "targetColumn": "y"},
                expect={
                    "d": [on_day(1969, 12, 31), on_day(2024, 1, 1), None],
                    "y": [1969, 2024, None],
                },
            ),
        ),
        pandas=lambda ts, _: pc.year(ts),
        spark=lambda ts, _: F.year(ts).cast("long"),
        calendar_only=True,
    ),
    row(
        "MONTH",
        """Write the month number (1-12) of a date or timestamp to a new integer column.""",
        examples=(
            Example(
                given={"d": ["2024-03-15", "2024-12-01 00:00:00", "2024-13-01", None]},
                params={"sourceColumn": "d", "targetColumn": "m"},
                expect={
                    "d": ["2024-03-15", "2024-12-01 00:00:00", "2024-13-01", None],
                    "m": [3, 12, None, None],
                },
            ),
            Example(
                given={"d": [on_day(2023, 1, 31), None]},
                params={"sourceColumn": "d", "targetColumn": "m"},
                expect={"d": [on_day(2023, 1, 31), None], "m": [1, None]},
            ),
        ),
        pandas=lambda ts, _: pc.month(ts),
        spark=lambda ts, _: F.month(ts).cast("long"),
        calendar_only=True,
    ),
    row(
        "DAY",
        """Write the day of the month (1-31) of a date or timestamp to a new integer column.

        Impossible dates (2023-02-29) and dates not written yyyy-MM-dd (2024-1-5) give null.
        """,
        examples=(
            Example(
                given={"d": ["2024-02-29", "2023-02-29", "2024-1-5", None]},
                params={"sourceColumn": "d", "targetColumn": "day"},
                expect={"d": ["2024-02-29", "2023-02-29", "2024-1-5", None], "day": [29, None, None, None]},
            ),
            Example(
                given={"t": [stamp(2024, 1, 31, 23, 59, 59), None]},
                params={"sourceColumn": "t", "targetColumn": "day"},
                expect={"t": [stamp(2024, 1, 31, 23, 59, 59), None], "day": [31, None]},
            ),
            Example(
                given={"d": [on_day(1969, 12, 31), on_day(2024, 2, 29), None]},
                params={"sourceColumn": "d", "targetColumn": "dd"},
                expect={"d": [on_day(1969, 12, 31), on_day(2024, 2, 29), None], "dd": [31, 29, None]},
            ),
        ),
        pandas=lambda ts, _: pc.day(ts),
        spark=lambda ts, _: F.dayofmonth(ts).cast("long"),
        calendar_only=True,
    ),
    row(
        "HOUR",
        """Write the hour (0-23, UTC) of a date or timestamp to a new integer column.

        A date, or text holding only a date, is at hour 0. Text holding only a time (22:10:47) is read
        as that time on 1970-01-01.
        """,
        examples=(
            Example(
                given={"t": [stamp(2024, 1, 1, 0, 30), stamp(2024, 1, 1, 23, 5, 7), None]},
                params={"sourceColumn": "t", "targetColumn": "h"},
                expect={
                    "t": [stamp(2024, 1, 1, 0, 30), stamp(2024, 1, 1, 23, 5, 7), None],
                    "h": [0, 23, None],
                },
            ),
            Example(
                given={"s": ["2024-01-01", "22:10:47", "25:00:00", None]},
                params={"sourceColumn": "s", "targetColumn": "h"},
                expect={"s": ["2024-01-01", "22:10:47", "25:00:00", None], "h": [0, 22, None, None]},
            ),
        ),
        pandas=lambda ts, _: pc.hour(ts),
        spark=lambda ts, _: F.hour(ts).cast("long"),
    ),
    row(
        "MINUTE",
        """Write the minute (0-59) of a date or timestamp to a new integer column.

        A date, or text holding only a date, is at minute 0.
        """,
        examples=(
            Example(
                given={"s": ["2024-01-01 10:59:30", "2024-01-01", "10:07:00", None]},
                params={"sourceColumn": "s", "targetColumn": "min"},
                expect={
                    "s": ["2024-01-01 10:59:30", "2024-01-01", "10:07:00", None],
                    "min": [59, 0, 7, None],
                },
            ),
            Example(
                given={"d": [on_day(2024, 5, 1), None]},
                params={"sourceColumn": "d", "targetColumn": "min"},
                expect={"d": [on_day(2024, 5, 1), None], "min": [0, None]},
            ),
        ),
        pandas=lambda ts, _: pc.minute(ts),
        spark=lambda ts, _: F.minute(ts).cast("long"),
    ),
    row(
        "SECOND",
        """Write the whole seconds (0-59) of a date or timestamp to a new integer column.

        Fractions of a second are dropped.
        """,
        examples=(
            Example(
                given={"t": [stamp(2024, 1, 1, 10, 59, 7, 500000), stamp(2024, 1, 1), None]},
                params={"sourceColumn": "t", "targetColumn": "sec"},
                expect={
                    "t": [stamp(2024, 1, 1, 10, 59, 7, 500000), stamp(2024, 1, 1), None],
                    "sec": [7, 0, None],
                },
            ),
            Example(
                given={"s": ["2024-01-01 10:59:30", "2024-01-01 10:59:60", None]},
                params={"sourceColumn": "s", "targetColumn": "sec"},
                expect={"s": ["2024-01-01 10:59:30", "2024-01-01 10:59:60", None], "sec": [30, None, None]},
            ),
        ),
        pandas=lambda ts, _: pc.second(ts),
        spark=lambda ts, _: F.second(ts).cast("long"),
    ),
    row(
        "WEEK_DAY",
        """Write the day of the week of a date to a new integer column, 1 for Monday to 7 for Sunday.

        The ISO 8601 numbering, on both engines.
        """,
        examples=(
            Example(
                given={"d": ["2024-01-01", "2024-01-07", "2024-02-29 18:00:00", None]},
                params={"sourceColumn": "d", "targetColumn": "wd"},
                expect={
                    "d": ["2024-01-01", "2024-01-07", "2024-02-29 18:00:00", None],
                    "wd": [1, 7, 4, None],
                },
            ),
            Example(
                given={"d": [on_day(2023, 12, 30), None]},
                params={"sourceColumn": "d", "targetColumn": "wd"},
                expect={"d": [on_day(2023, 12, 30), None], "wd": [6, None]},
            ),
        ),
        pandas=lambda ts, _: pc.day_of_week(ts, count_from_zero=False, week_start=1),
        spark=lambda ts, _: (F.weekday(ts) + F.lit(1)).cast("long"),
        calendar_only=True,
    ),
    row(
        "WEEK_NUMBER",
        """Write the ISO 8601 week number (1-53) of a date to a new integer column.

        Weeks start on Monday and week 1 holds the year's first Thursday, so early January can be in
        week 52 or 53 and late December in week 1.
        """,
        examples=(
            Example(
                given={"d": ["2024-01-01", "2021-01-01", "2024-12-30", "2024-06-15", None]},
                params={"sourceColumn": "d", "targetColumn": "wk"},
                expect={
                    "d": ["2024-01-01", "2021-01-01", "2024-12-30", "2024-06-15", None],
                    "wk": [1, 53, 1, 24, None],
                },
            ),
            Example(
                given={"d": [on_day(2021, 1, 3), on_day(2024, 12, 30), None]},
                params={"sourceColumn": "d", "targetColumn": "w"},
                expect={"d": [on_day(2021, 1, 3), on_day(2024, 12, 30), None], "w": [53, 1, None]},
            ),
        ),
        pandas=lambda ts, _: pc.iso_week(ts),
        spark=lambda ts, _: F.weekofyear(ts).cast("long"),
        calendar_only=True,
    ),
    row(
        "QUARTER",
        """Write the calendar quarter (1-4) of a date to a new integer column.""",
        examples=(
            Example(
                given={"d": ["2024-03-31", "2024-04-01", "2024-12-31 23:59:59", None]},
                params={"sourceColumn": "d", "targetColumn": "q"},
                expect={"d": ["2024-03-31", "2024-04-01", "2024-12-31 23:59:59", None], "q": [1, 2, 4, None]},
            ),
            Example(
                given={"d": [on_day(1969, 12, 31), on_day(2024, 4, 1), None]},
                params={"sourceColumn": "d", "targetColumn": "q"},
                expect={"d": [on_day(1969, 12, 31), on_day(2024, 4, 1), None], "q": [4, 2, None]},
            ),
        ),
        pandas=lambda ts, _: pc.quarter(ts),
        spark=lambda ts, _: F.quarter(ts).cast("long"),
        calendar_only=True,
    ),
    row(
        "MONTH_NAME",
        """Write the English name of the month of a date (January…December) to a new text column.""",
        examples=(
            Example(
                given={"d": ["2024-01-15", "2024-09-01 08:00:00", "2024-09-31", None]},
                params={"sourceColumn": "d", "targetColumn": "name"},
                expect={
                    "d": ["2024-01-15", "2024-09-01 08:00:00", "2024-09-31", None],
                    "name": ["January", "September", None, None],
                },
            ),
            Example(
                given={"d": [on_day(2020, 5, 5), None]},
                params={"sourceColumn": "d", "targetColumn": "name"},
                expect={"d": [on_day(2020, 5, 5), None], "name": ["May", None]},
            ),
        ),
        result=LType.STRING,
        pandas=lambda ts, _: format_pandas(ts, _MONTH_NAME),
        spark=lambda ts, _: format_spark(ts, _MONTH_NAME),
    ),
    row(
        "UNIX_TIME",
        """Write a date or timestamp as whole seconds since 1970-01-01 00:00:00 UTC to a new column.

        Fractions of a second are dropped (rounding down, also before 1970); a date counts from its
        midnight UTC.
        """,
        examples=(
            Example(
                given={"s": ["1970-01-01 00:00:00", "2000-01-01", "1969-12-31 23:59:59", "x", None]},
                params={"sourceColumn": "s", "targetColumn": "epoch"},
                expect={
                    "s": ["1970-01-01 00:00:00", "2000-01-01", "1969-12-31 23:59:59", "x", None],
                    "epoch": [0, 946684800, -1, None, None],
                },
            ),
            Example(
                given={
                    "t": [stamp(1969, 12, 31, 23, 59, 59, 500000), stamp(1970, 1, 1, 0, 0, 1, 999999), None]
                },
                params={"sourceColumn": "t", "targetColumn": "epoch"},
                expect={
                    "t": [
                        stamp(1969, 12, 31, 23, 59, 59, 500000),
                        stamp(1970, 1, 1, 0, 0, 1, 999999),
                        None,
                    ],
                    "epoch": [-1, 1, None],
                },
            ),
        ),
        pandas=lambda ts, _: floordiv(micros(ts), MICROS_PER_SECOND),
        spark=lambda ts, _: F.unix_seconds(ts),
    ),
)


_SPACE = "[ \t\r\n]*"
_FRACTION = f"[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}\\.([0-9]{{1,9}}){_SPACE}$"
_DROP_FRACTION = f"(:[0-9]{{2}})\\.[0-9]{{1,9}}({_SPACE})$"
_TIME_ONLY = f"^{_SPACE}([0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}){_SPACE}$"

_TIMES = [
    dt.datetime(2024, 1, 1, 10, 0, 0, 123456),
    dt.datetime(1969, 12, 31, 23, 59, 59, 500000),
    dt.datetime(2024, 1, 1),
    None,
]
"""Timestamps of the examples (naive values are read as UTC)."""


_MS_IN = [
    "2024-01-01 10:00:00.123",
    "2024-01-01T10:00:00.5 ",
    "10:00:00.0429",
    "2024-01-01 10:00:00",
    "2024-01-01",
    "2023-02-30 10:00:00.123",
    "2024-01-01 10:00:00.",
    "late",
    "10:00:00.\u0661\u0662\u0663",
    "",
    None,
]


class Millisecond(ColumnOrValue):
    """Write the milliseconds (0-999) of a date or timestamp to a new integer column.

    Text may carry a fraction of a second (``.5`` is 500, digits past the third are dropped); a
    date, or text without a fraction, is at millisecond 0. Text that is not a date gives null.
    """

    operation = "MILLISECOND"
    category = Category.DATE
    source_column: DateInputColumn | None = None
    examples: ClassVar = (
        ColumnOrValue.column_example(
            "s", _MS_IN, "ms", [123, 500, 42, 0, 0, None, None, None, None, None, None]
        ),
        Example(
            given={"t": _TIMES},
            params={"sourceColumn": "t", "targetColumn": "ms"},
            expect={"t": _TIMES, "ms": [123, 500, 0, None]},
        ),
        Example(
            given={"d": [dt.date(2024, 2, 29), None]},
            params={"sourceColumn": "d", "targetColumn": "ms"},
            expect={"d": [dt.date(2024, 2, 29), None], "ms": [0, None]},
        ),
        ColumnOrValue.literal_example("1999-12-31 23:59:59.999", "ms", 999),
    )

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        ltype = self.input_type(ctx.schema_of(df))
        source = self.pandas_source(df, ctx)
        values = arr(source)
        if ltype is LType.TIMESTAMP:
            result = pc.cast(pc.millisecond(values), pa.int64())
        elif ltype is LType.DATE:
            result = pc.if_else(pc.is_valid(values), 0, pa.scalar(None, pa.int64()))
        else:
            text = pc.cast(values, pa.large_string())
            digits = pc.struct_field(pc.extract_regex(text, _FRACTION.replace("(", "(?P<f>", 1)), "f")
            base = pc.replace_substring_regex(text, _DROP_FRACTION, r"\1\2")
            base = pc.replace_substring_regex(base, _TIME_ONLY, r"1970-01-01 \1")
            valid = pc.is_valid(arr(cast_pandas(wrap(base, source), LType.STRING, LType.TIMESTAMP)))
            millis = pc.cast(pc.utf8_rpad(pc.utf8_slice_codeunits(digits, 0, 3), 3, "0"), pa.int64())
            result = pc.if_else(valid, pc.fill_null(millis, 0), pa.scalar(None, pa.int64()))
        return {self.target_column: wrap(result, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        ltype = self.input_type(ctx.schema_of(df))
        source = self.spark_source()
        if ltype is LType.TIMESTAMP:
            result = F.floor(F.pmod(F.unix_micros(source), F.lit(1_000_000)) / F.lit(1000)).cast("long")
        elif ltype is LType.DATE:
            result = F.when(source.isNotNull(), F.lit(0).cast("long"))
        else:
            digits = F.regexp_extract(source, _FRACTION, 1)
            base = F.regexp_replace(
                F.regexp_replace(source, _DROP_FRACTION, "$1$2"), _TIME_ONLY, "1970-01-01 $1"
            )
            valid = cast_spark(base, LType.STRING, LType.TIMESTAMP).isNotNull()
            millis = F.when(digits != F.lit(""), F.rpad(F.substring(digits, 1, 3), 3, "0").cast("long"))
            result = F.when(valid, F.coalesce(millis, F.lit(0).cast("long")))
        return {self.target_column: result}
