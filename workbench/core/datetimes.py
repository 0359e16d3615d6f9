"""Dates on both engines: DataBrew date formats, reading text, dates and timestamps as UTC
instants, and writing instants as text.

A date format (``dateTimeFormat``, ``targetDateFormat``) is read by one tokenizer,
``DateFormatSpec``: ``yyyy`` year, ``yy`` two-digit year, ``month``/``MMMM`` English month name,
``mon``/``MMM`` its three-letter abbreviation, ``MM``/``mm`` two-digit month or minutes, ``dd``
day, ``HH`` hour 00-23, ``hh`` hour 01-12, ``a`` AM/PM, ``SS``/``ss`` seconds. ``MM`` and ``mm``
(either case) mean the month, except next to a time field: right after ``HH``/``hh`` or right
before ``SS``/``ss``, directly or across one ``:``, they mean minutes. Every other ASCII letter is
refused (quote literal text as ``'T'``; ``''`` is a quote); anything else is copied as it is.
"""

from __future__ import annotations

import dataclasses
import zoneinfo
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import AfterValidator, Field, model_validator

from workbench.core.casting import TEXT_PATTERNS, cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, ColumnOrValue
from workbench.core.lazy import F
from workbench.core.params import KIND, ParamKind, Text
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

DateInputColumn = Annotated[
    str,
    Field(json_schema_extra={KIND: ParamKind.COLUMN.value, "x-wb-types": ["string", "date", "timestamp"]}),
]
"""An existing column holding dates: text, date or timestamp."""


def _known_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        msg = f"unknown time zone {value!r}; use a tz database name such as 'America/New_York'"
        raise ValueError(msg) from None
    return value


TimeZone = Annotated[Text, AfterValidator(_known_zone)]
"""A tz database time zone name (``UTC``, ``America/New_York``, ``US/Pacific``)."""

DEFAULT_FORMAT = "yyyy-mm-dd HH:MM:SS"
"""DataBrew's documented default ``dateTimeFormat``."""

UTC = pa.timestamp("us", tz="UTC")
MICROS_PER_DAY = 86_400_000_000
MICROS_PER_SECOND = 1_000_000


class TimeUnit(str, Enum):
    """Time units of date arithmetic, session gaps and resampling buckets (DataBrew's names)."""

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
        return self in (TimeUnit.YEARS, TimeUnit.QUARTERS, TimeUnit.MONTHS, TimeUnit.WEEKS, TimeUnit.DAYS)


# --- the date format tokenizer -------------------------------------------------------------

_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("month", "month_name"),
    ("MMMM", "month_name"),
    ("yyyy", "year"),
    ("MMM", "month_abbr"),
    ("mon", "month_abbr"),
    ("yy", "year2"),
    ("MM", "month_or_minute"),
    ("mm", "month_or_minute"),
    ("dd", "day"),
    ("HH", "hour"),
    ("hh", "hour12"),
    ("SS", "second"),
    ("ss", "second"),
    ("a", "ampm"),
)
"""Letters of a format, longest spelling first where spellings share a prefix."""

_RENDER = {
    "year": ("%Y", "yyyy"),
    "year2": ("%y", "yy"),
    "month_name": ("%B", "MMMM"),
    "month_abbr": ("%b", "MMM"),
    "month": ("%m", "MM"),
    "minute": ("%M", "mm"),
    "day": ("%d", "dd"),
    "hour": ("%H", "HH"),
    "hour12": ("%I", "hh"),
    "second": ("%S", "ss"),
    "ampm": ("%p", "a"),
}
"""Each field as a pyarrow strftime directive (locale C) and a Spark date_format letter run."""

_KNOWN = "yyyy, yy, month/MMMM, mon/MMM, MM/mm, dd, HH, hh, a, SS/ss"


@dataclasses.dataclass(frozen=True)
class DateFormatSpec:
    """A DataBrew date format translated for both engines."""

    source: str
    strftime: str
    spark: str

    @classmethod
    def parse(cls, text: str, *, operation: str, parameter: str) -> DateFormatSpec:
        """Tokenize ``text``; unknown letters raise a ParameterError naming ``parameter``."""

        def fail(detail: str) -> ParameterError:
            return ParameterError(detail, operation=operation, parameter=parameter)

        tokens = _tokenize(text, fail)
        if not any(kind != "literal" for kind, _ in tokens):
            raise fail(f"date format {text!r} has no date or time field; use {_KNOWN}")
        kinds = [_resolve(tokens, i) for i in range(len(tokens))]
        strftime, spark = [], []
        for kind, (_, value) in zip(kinds, tokens, strict=True):
            if kind == "literal":
                strftime.append(value.replace("%", "%%"))
                spark.append("'" + value.replace("'", "''") + "'")
            else:
                strftime.append(_RENDER[kind][0])
                spark.append(_RENDER[kind][1])
        return cls(text, "".join(strftime), "".join(spark))


def _tokenize(text: str, fail: Any) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []

    def literal(value: str) -> None:
        if tokens and tokens[-1][0] == "literal":
            tokens[-1] = ("literal", tokens[-1][1] + value)
        else:
            tokens.append(("literal", value))

    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "'":
            end = i + 1
            quoted: list[str] = []
            while True:
                if end >= len(text):
                    raise fail(f"date format {text!r} has an unclosed quote")
                if text[end] == "'":
                    if end + 1 < len(text) and text[end + 1] == "'" and quoted:
                        quoted.append("'")
                        end += 2
                        continue
                    break
                quoted.append(text[end])
                end += 1
            literal("".join(quoted) or "'")
            i = end + 1
        elif ch.isascii() and ch.isalpha():
            for spelling, kind in _SPELLINGS:
                if text.startswith(spelling, i):
                    tokens.append((kind, spelling))
                    i += len(spelling)
                    break
            else:
                run = ch
                while i + len(run) < len(text) and text[i + len(run)] == ch:
                    run += ch
                raise fail(
                    f"unknown letters {run!r} in date format {text!r}; use {_KNOWN} "
                    "and quote other text ('T')"
                )
        else:
            literal(ch)
            i += 1
    return tokens


def _resolve(tokens: list[tuple[str, str]], index: int) -> str:
    """The field of token ``index``: ``MM``/``mm`` next to a time field are minutes."""
    kind = tokens[index][0]
    if kind != "month_or_minute":
        return kind
    before = _neighbour(tokens, index, -1)
    after = _neighbour(tokens, index, 1)
    return "minute" if before in ("hour", "hour12") or after == "second" else "month"


def _neighbour(tokens: list[tuple[str, str]], index: int, step: int) -> str | None:
    at = index + step
    if 0 <= at < len(tokens) and tokens[at] == ("literal", ":"):
        at += step
    return tokens[at][0] if 0 <= at < len(tokens) else None


# --- reading dates on each engine ------------------------------------------------------------

_TIME_ONLY = r"^([0-9]{2}:[0-9]{2}:[0-9]{2})$"
_TRIM = r"^\s+|\s+$"


def instant_pandas(s: pd.Series, ltype: LType, *, us_dates: bool = False) -> pa.ChunkedArray:
    """A string, date or timestamp column as UTC timestamps (microseconds)."""
    if ltype is LType.TIMESTAMP:
        values = arr(s)
        return values if values.type == UTC else pc.cast(values, UTC)
    if ltype is LType.DATE:
        return arr(cast_pandas(s, LType.DATE, LType.TIMESTAMP))
    text = pc.replace_substring_regex(arr(s), _TRIM, "")
    text = pc.replace_substring_regex(text, _TIME_ONLY, r"1970-01-01 \1")
    if us_dates:
        for sep in "/-":
            text = pc.replace_substring_regex(text, rf"^([0-9]){sep}", rf"0\1{sep}")
            text = pc.replace_substring_regex(text, rf"^([0-9]{{2}}){sep}([0-9]){sep}", rf"\1{sep}0\2{sep}")
            text = pc.replace_substring_regex(
                text, rf"^([0-9]{{2}}){sep}([0-9]{{2}}){sep}([0-9]{{4}})$", r"\3-\1-\2"
            )
    return _parse_iso_pandas(text)


def _parse_iso_pandas(text: Any) -> Any:
    """Text to UTC timestamps by the rules of ``casting.py`` (same pattern, impossible dates null).

    It reads an arrow array that may hold rewritten text (a time alone, US dates), where
    casting's parser takes a Series of a typed column; a roll-over (Feb 30 read as Mar 2) is
    found by printing the parsed value at whole seconds and comparing it with the text.
    """
    ok = pc.match_substring_regex(text, TEXT_PATTERNS[LType.TIMESTAMP])
    text = pc.if_else(ok, pc.utf8_trim_whitespace(text), pa.scalar(None, text.type))
    text = pc.cast(pc.replace_substring(text, "T", " "), pa.large_string())
    found = []
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        parsed = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
        printed = pc.cast(pc.strftime(parsed, format=fmt, locale="C"), pa.large_string())
        found.append(pc.if_else(pc.equal(printed, text), parsed, pa.scalar(None, parsed.type)))
    return pc.assume_timezone(pc.cast(pc.coalesce(*found), pa.timestamp("us")), "UTC")


def instant_spark(c: SparkColumn, ltype: LType, *, us_dates: bool = False) -> SparkColumn:
    """A string, date or timestamp column as UTC timestamps."""
    if ltype is LType.TIMESTAMP:
        return c
    if ltype is LType.DATE:
        return c.cast("timestamp")
    text = F.regexp_replace(c.cast("string"), _TRIM, "")
    text = F.regexp_replace(text, _TIME_ONLY, "1970-01-01 $1")
    if us_dates:
        for sep in "/-":
            text = F.regexp_replace(text, f"^([0-9]){sep}", f"0$1{sep}")
            text = F.regexp_replace(text, f"^([0-9]{{2}}){sep}([0-9]){sep}", f"$1{sep}0$2{sep}")
            text = F.regexp_replace(text, f"^([0-9]{{2}}){sep}([0-9]{{2}}){sep}([0-9]{{4}})$", "$3-$1-$2")
    return cast_spark(text, LType.STRING, LType.TIMESTAMP)


def format_pandas(ts: Any, spec: DateFormatSpec) -> pa.ChunkedArray:
    """UTC timestamps as text; fractions of a second are dropped."""
    seconds = pc.cast(pc.floor_temporal(ts, unit="second"), pa.timestamp("s", tz="UTC"))
    return pc.cast(pc.strftime(seconds, format=spec.strftime, locale="C"), pa.large_string())


def format_spark(ts: SparkColumn, spec: DateFormatSpec) -> SparkColumn:
    """UTC timestamps as text (the session time zone is UTC)."""
    return F.date_format(ts, spec.spark)


# --- calendar arithmetic on arrow arrays ----------------------------------------------------


def format_spec(value: str, operation: str, parameter: str) -> DateFormatSpec:
    return DateFormatSpec.parse(value, operation=operation, parameter=parameter)


def micros(ts: Any) -> Any:
    return pc.cast(ts, pa.int64())


def from_micros(micros: Any) -> Any:
    return pc.cast(micros, UTC)


def floordiv(a: Any, b: int) -> Any:
    """Integer division rounding down (pyarrow's integer divide truncates toward zero)."""
    q = pc.divide(a, b)
    inexact = pc.and_(pc.less(a, 0), pc.not_equal(pc.multiply(q, b), a))
    return pc.if_else(inexact, pc.subtract(q, 1), q)


def days_and_time(micros: Any) -> tuple[Any, Any]:
    days = floordiv(micros, MICROS_PER_DAY)
    return days, pc.subtract(micros, pc.multiply(days, MICROS_PER_DAY))


def civil(days: Any) -> tuple[Any, Any, Any]:
    date = pc.cast(pc.cast(days, pa.int32()), pa.date32())
    return pc.year(date), pc.month(date), pc.day(date)


def first_of_month(year: Any, month: Any) -> Any:
    """Days since 1970-01-01 of the first day of each (year, month), proleptic Gregorian."""
    y = pc.subtract(year, pc.cast(pc.less_equal(month, 2), pa.int64()))
    era = floordiv(y, 400)
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


def add_months_pandas(ts: Any, months: int) -> Any:
    """Add calendar months; a day past the end of the new month becomes its last day."""
    days, time = days_and_time(micros(ts))
    year, month, day = civil(days)
    total = pc.add(pc.add(pc.multiply(year, 12), pc.subtract(month, 1)), months)
    new_year = floordiv(total, 12)
    new_month = pc.add(pc.subtract(total, pc.multiply(new_year, 12)), 1)
    after = pc.add(total, 1)
    next_year = floordiv(after, 12)
    next_month = pc.add(pc.subtract(after, pc.multiply(next_year, 12)), 1)
    first = first_of_month(new_year, new_month)
    month_length = pc.subtract(first_of_month(next_year, next_month), first)
    new_day = pc.min_element_wise(day, month_length)
    new_days = pc.add(first, pc.subtract(new_day, 1))
    return from_micros(pc.add(pc.multiply(new_days, MICROS_PER_DAY), time))


def packed_month(days: Any) -> Any:
    year, month, day = civil(days)
    return pc.add(pc.multiply(pc.add(pc.multiply(year, 12), month), 32), day)


# --- the family of steps reading one date --------------------------------------------------


class DateFunction(ColumnOrValue):
    """A new column computed from a date read from ``sourceColumn`` or ``value``."""

    abstract: ClassVar[bool] = True
    row_hooks: ClassVar[tuple[str, str]] = ("from_instant_pandas", "from_instant_spark")
    calendar_only: ClassVar[bool] = False
    """The result depends on the calendar day alone: a date column is read as it is on Spark,
    without the round trip through a timestamp (two time-zone conversions per row)."""
    result: ClassVar[LType] = LType.INTEGER
    """The type of the new column."""
    source_column: DateInputColumn | None = None

    def result_type(self, source: LType) -> LType:
        return self.result

    def from_instant_pandas(self, ts: Any, source: LType) -> Any:
        raise NotImplementedError

    def from_instant_spark(self, ts: SparkColumn, source: LType) -> SparkColumn:
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        ltype = self.input_type(ctx.schema_of(df))
        source = self.pandas_source(df, ctx)
        result = self.from_instant_pandas(instant_pandas(source, ltype), ltype)
        return {self.target_column: wrap(result, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        ltype = self.input_type(ctx.schema_of(df))
        source = self.spark_source()
        instant = source if ltype is LType.DATE and self.calendar_only else instant_spark(source, ltype)
        return {self.target_column: self.from_instant_spark(instant, ltype)}


def stamp(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> Any:
    import datetime as dt

    return dt.datetime(
        year, month, day, hour, minute, second, micro
    )  # examples hold naive values, read as UTC


def on_day(*args: int) -> Any:
    import datetime as dt

    return dt.date(*args)


class DateText(ColumnFunction):
    """A step writing dates as text in the format held by parameter ``format_parameter``.

    The format is checked when the step is read; ``spec`` is its translation for both engines.
    """

    abstract: ClassVar[bool] = True
    format_parameter: ClassVar[str] = "dateTimeFormat"

    @model_validator(mode="after")
    def _check_format(self) -> DateText:
        self.spec()
        return self

    def spec(self) -> DateFormatSpec:
        field = next(
            name for name, info in type(self).model_fields.items() if info.alias == self.format_parameter
        )
        return format_spec(getattr(self, field), self.operation, self.format_parameter)
