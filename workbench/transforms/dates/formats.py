"""Functions: dates written as text (DATE_FORMAT, UNIX_TIME_FORMAT) and the FORMAT_DATE step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.datetimes import (
    DEFAULT_FORMAT,
    MICROS_PER_SECOND,
    DateFormatSpec,
    DateFunction,
    DateInputColumn,
    format_pandas,
    format_spark,
    format_spec,
    from_micros,
    instant_pandas,
    instant_spark,
    on_day,
    stamp,
)
from workbench.core.families import ColumnFunction, ColumnOrValue
from workbench.core.lazy import F, scol
from workbench.core.params import (
    DateFormat,
    Number,
    NumericColumn,
)
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


class DateFormatStep(DateFunction):
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
            given={"t": [stamp(2024, 3, 5, 14, 7, 9, 900000), None]},
            params={"sourceColumn": "t", "dateTimeFormat": "MM/dd/yy HH:mm:ss", "targetColumn": "f"},
            expect={"t": [stamp(2024, 3, 5, 14, 7, 9, 900000), None], "f": ["03/05/24 14:07:09", None]},
            title="Java spelling: MM is the month, mm after HH: the minutes",
        ),
        Example(
            given={"d": [on_day(2024, 3, 5), None]},
            params={"sourceColumn": "d", "dateTimeFormat": "month*dd*yyyy", "targetColumn": "f"},
            expect={"d": [on_day(2024, 3, 5), None], "f": ["March*05*2024", None]},
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
        format_spec(self.date_time_format, self.operation, "dateTimeFormat")
        return self

    def result_type(self, source: LType) -> LType:
        return LType.STRING

    def spec(self) -> DateFormatSpec:
        return format_spec(self.date_time_format, self.operation, "dateTimeFormat")

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
            given={"d": [on_day(2024, 3, 5), None]},
            params={"sourceColumn": "d", "targetDateFormat": "dd month yyyy"},
            expect={"d": ["05 March 2024", None]},
        ),
        Example(
            given={"d": ["2024-11-05 10:00:00", None]},
            params={"sourceColumn": "d", "targetDateFormat": "mm/dd/yyyy"},
            expect={"d": ["11/05/2024", None]},
        ),
        Example(
            given={"t": [stamp(2024, 11, 5, 23, 0), None]},
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
        format_spec(self.target_date_format, self.operation, "targetDateFormat")
        return self

    def spec(self) -> DateFormatSpec:
        return format_spec(self.target_date_format, self.operation, "targetDateFormat")

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.source_column: LType.STRING}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        ltype = ctx.schema_of(df)[self.source_column]
        s = df[self.source_column]
        text = format_pandas(instant_pandas(s, ltype, us_dates=True), self.spec())
        return {self.source_column: wrap(text, s)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
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
        format_spec(self.date_time_format, self.operation, "dateTimeFormat")
        return self

    def spec(self) -> DateFormatSpec:
        return format_spec(self.date_time_format, self.operation, "dateTimeFormat")

    def result_type(self, source: LType) -> LType:
        return LType.STRING

    def input_type(self, schema: Schema) -> LType:
        return schema[self.source_column] if self.source_column else LType.DOUBLE

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        values = arr(self.pandas_source(df, ctx, LType.DOUBLE))
        seconds = pc.cast(values, pa.float64())
        in_range = pc.and_(pc.greater_equal(seconds, self._LOW), pc.less_equal(seconds, self._HIGH))
        seconds = pc.if_else(in_range, seconds, pa.scalar(None, pa.float64()))
        whole = pc.cast(pc.floor(seconds), pa.int64())
        ts = from_micros(pc.multiply(whole, MICROS_PER_SECOND))
        return {self.target_column: wrap(format_pandas(ts, self.spec()), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        source = self.spark_source()
        seconds = source.cast("double")
        in_range = (seconds >= F.lit(self._LOW)) & (seconds <= F.lit(self._HIGH))
        ts = F.timestamp_seconds(F.when(in_range, F.floor(seconds).cast("long")))
        return {self.target_column: format_spark(ts, self.spec())}
