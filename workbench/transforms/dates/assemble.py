"""Functions: dates and times assembled from parts (DATE, TIME, DATE_TIME).

- DATE, TIME and DATE_TIME assemble ``dateTimeParameters`` components, each ``{"sourceColumn"}``
  (an integer column, or text holding whole numbers) or ``{"value"}`` (a whole number), and write
  the result as text in ``dateTimeFormat`` (the date format rules of ``workbench/core/datetimes.py``).
  Without a format DATE writes ``yyyy-mm-dd``, TIME ``HH:MM:SS`` and DATE_TIME ``yyyy-mm-dd HH:MM:SS``.
  Seconds, and the hour and minute of DATE_TIME, are 0 when not given. A component out of range
  (month 13, Feb 30, hour 24, a year outside 1-9999) or missing on a row gives null.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import ValidationError, model_validator

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.datetimes import (
    DateFormatSpec,
    format_pandas,
    format_spark,
)
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import F, scol
from workbench.core.params import (
    DateFormat,
    Integer,
    KeyValueMap,
    NewColumn,
    ParamModel,
)
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


# --- DATE, TIME, DATE_TIME -------------------------------------------------------------------

_RANGES = {
    "year": (1, 9999),
    "month": (1, 12),
    "day": (1, 31),
    "hour": (0, 23),
    "minute": (0, 59),
    "second": (0, 59),
}
_WIDTH = {"year": 4}


class Part(ParamModel):
    """One component: a column of whole numbers, or a whole number."""

    source_column: str | None = None
    value: Integer | None = None

    @model_validator(mode="after")
    def _one(self) -> Part:
        if (self.source_column is None) == (self.value is None):
            msg = "give either sourceColumn or value, not both or neither"
            raise ValueError(msg)
        return self


class DateTimeParts(ParamModel):
    """The components of DATE, TIME and DATE_TIME."""

    year: Part | None = None
    month: Part | None = None
    day: Part | None = None
    hour: Part | None = None
    minute: Part | None = None
    second: Part | None = None


class _Assemble(ColumnFunction):
    """Text in ``dateTimeFormat`` built from date and time components."""

    abstract: ClassVar[bool] = True
    takes: ClassVar[tuple[str, ...]] = ()
    required: ClassVar[tuple[str, ...]] = ()
    default_format: ClassVar[str] = ""
    date_time_parameters: KeyValueMap
    """Component name to ``{"sourceColumn": ...}`` or ``{"value": ...}``."""
    date_time_format: DateFormat | None = None
    target_column: NewColumn

    @model_validator(mode="after")
    def _check_parts(self) -> _Assemble:
        try:
            parts = DateTimeParts.model_validate(self.date_time_parameters)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(at) for at in error["loc"])
            raise ParameterError(
                f"{where + ': ' if where else ''}{error['msg']}",
                operation=self.operation,
                parameter="dateTimeParameters",
            ) from None
        given = [name for name in _RANGES if getattr(parts, name) is not None]
        for name in given:
            if name not in self.takes:
                raise ParameterError(
                    f"{self.operation} takes the components {', '.join(self.takes)}, not {name}",
                    operation=self.operation,
                    parameter="dateTimeParameters",
                )
        missing = [name for name in self.required if name not in given]
        if missing:
            raise ParameterError(
                f"dateTimeParameters needs {', '.join(missing)}",
                operation=self.operation,
                parameter="dateTimeParameters",
            )
        self.spec()
        return self

    def spec(self) -> DateFormatSpec:
        return DateFormatSpec.parse(
            self.date_time_format or self.default_format, operation=self.operation, parameter="dateTimeFormat"
        )

    def _parts(self) -> dict[str, Part | None]:
        parts = DateTimeParts.model_validate(self.date_time_parameters)
        return {name: getattr(parts, name) for name in _RANGES}

    def extra_reads(self) -> list[str]:
        return [p.source_column for p in self._parts().values() if p is not None and p.source_column]

    def rename_columns(self, mapping: dict[str, str]) -> _Assemble:
        renamed = {
            name: {**part, "sourceColumn": mapping.get(part["sourceColumn"], part["sourceColumn"])}
            if isinstance(part, dict) and isinstance(part.get("sourceColumn"), str)
            else part
            for name, part in self.date_time_parameters.items()
        }
        return self.model_copy(update={"date_time_parameters": renamed})

    def check(self, schema: Schema) -> None:
        super().check(schema)
        for name, p in self._parts().items():
            if (
                p is not None
                and p.source_column
                and schema[p.source_column] not in (LType.INTEGER, LType.STRING)
            ):
                raise ParameterError(
                    f"column {p.source_column!r} is {schema[p.source_column].value}; the {name} needs "
                    "integer or string",
                    operation=self.operation,
                    parameter="dateTimeParameters",
                    column=p.source_column,
                )

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.STRING}

    def _value(self, name: str) -> int | None:
        p = self._parts()[name]
        if p is None:
            return 1970 if name == "year" else 1 if name in ("month", "day") else 0
        return p.value

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        schema = ctx.schema_of(df)
        texts = []
        for name, (low, high) in _RANGES.items():
            p = self._parts()[name]
            if p is not None and p.source_column:
                column = df[p.source_column]
                n = arr(cast_pandas(column, schema[p.source_column], LType.INTEGER))
            else:
                n = pa.array([self._value(name)] * len(df), pa.int64())
            n = pc.cast(n, pa.int64())
            n = pc.if_else(
                pc.and_(pc.greater_equal(n, low), pc.less_equal(n, high)), n, pa.scalar(None, pa.int64())
            )
            texts.append(pc.utf8_lpad(pc.cast(n, pa.large_string()), _WIDTH.get(name, 2), "0"))
        text = pc.binary_join_element_wise(
            pc.binary_join_element_wise(*texts[:3], pa.scalar("-", pa.large_string())),
            pc.binary_join_element_wise(*texts[3:], pa.scalar(":", pa.large_string())),
            pa.scalar(" ", pa.large_string()),
        )
        ts = arr(cast_pandas(wrap(text, df.index), LType.STRING, LType.TIMESTAMP))
        return {self.target_column: wrap(format_pandas(ts, self.spec()), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        schema = ctx.schema_of(df)
        numbers = []
        for name, (low, high) in _RANGES.items():
            p = self._parts()[name]
            if p is not None and p.source_column:
                n = cast_spark(scol(p.source_column), schema[p.source_column], LType.INTEGER)
            else:
                n = F.lit(self._value(name)).cast("long")
            numbers.append(F.when((n >= F.lit(low)) & (n <= F.lit(high)), n))
        text = F.format_string("%04d-%02d-%02d %02d:%02d:%02d", *numbers)
        ts = cast_spark(text, LType.STRING, LType.TIMESTAMP)
        return {self.target_column: format_spark(ts, self.spec())}


_DATE_PARTS = {"year": {"sourceColumn": "y"}, "month": {"sourceColumn": "m"}, "day": {"sourceColumn": "d"}}


class Date(_Assemble):
    """Write a date assembled from year, month and day to a new text column.

    Each component is a column of whole numbers or a number; an impossible date (Feb 30,
    month 13) gives null. The text is in ``dateTimeFormat``, yyyy-mm-dd by default.
    """

    operation = "DATE"
    category = Category.DATE
    takes = ("year", "month", "day")
    required = takes
    default_format = "yyyy-mm-dd"
    examples: ClassVar = (
        Example(
            given={
                "y": [2024, 2023, 2024, 2024, None, 2024],
                "m": [2, 2, 13, 0, 1, 12],
                "d": [29, 29, 1, 1, 1, 31],
            },
            params={"dateTimeParameters": _DATE_PARTS, "targetColumn": "date"},
            expect={
                "y": [2024, 2023, 2024, 2024, None, 2024],
                "date": ["2024-02-29", None, None, None, None, "2024-12-31"],
                "m": [2, 2, 13, 0, 1, 12],
                "d": [29, 29, 1, 1, 1, 31],
            },
        ),
        Example(
            given={"y": ["2024", " 7 ", "x", "", "\uff12\uff10\uff12\uff14", None]},
            params={
                "dateTimeParameters": {
                    "year": {"sourceColumn": "y"},
                    "month": {"value": 3},
                    "day": {"value": "5"},
                },
                "dateTimeFormat": "dd/mm/yyyy",
                "targetColumn": "date",
            },
            expect={
                "y": ["2024", " 7 ", "x", "", "\uff12\uff10\uff12\uff14", None],
                "date": ["05/03/2024", "05/03/0007", None, None, None, None],
            },
            title="text components, literals and a format",
        ),
    )


class Time(_Assemble):
    """Write a time of day assembled from hour, minute and second to a new text column.

    Seconds are 0 when not given; an hour above 23 or a minute or second above 59 gives null.
    The text is in ``dateTimeFormat``, HH:MM:SS by default.
    """

    operation = "TIME"
    category = Category.DATE
    takes = ("hour", "minute", "second")
    required = ("hour", "minute")
    default_format = "HH:MM:SS"
    examples: ClassVar = (
        Example(
            given={"h": [0, 23, 24, 12, None, -1], "mi": [0, 59, 0, 60, 1, 0]},
            params={
                "dateTimeParameters": {
                    "hour": {"sourceColumn": "h"},
                    "minute": {"sourceColumn": "mi"},
                    "second": {"value": 30},
                },
                "targetColumn": "t",
            },
            expect={
                "h": [0, 23, 24, 12, None, -1],
                "t": ["00:00:30", "23:59:30", None, None, None, None],
                "mi": [0, 59, 0, 60, 1, 0],
            },
        ),
        Example(
            given={"h": ["0", "13", "12"]},
            params={
                "dateTimeParameters": {"hour": {"sourceColumn": "h"}, "minute": {"value": 5}},
                "dateTimeFormat": "hh:MM a",
                "targetColumn": "t",
            },
            expect={"h": ["0", "13", "12"], "t": ["12:05 AM", "01:05 PM", "12:05 PM"]},
            title="a 12-hour format",
        ),
    )


class DateTime(_Assemble):
    """Write a timestamp assembled from year, month, day, hour, minute and second to a new text column.

    Hour, minute and second are 0 when not given; any component out of range gives null. The
    text is in ``dateTimeFormat``, yyyy-mm-dd HH:MM:SS by default.
    """

    operation = "DATE_TIME"
    category = Category.DATE
    takes = tuple(_RANGES)
    required = ("year", "month", "day")
    default_format = "yyyy-mm-dd HH:MM:SS"
    examples: ClassVar = (
        Example(
            given={"y": [2024, 2023, 1999, None], "m": [2, 2, 12, 1], "d": [29, 30, 31, 1]},
            params={"dateTimeParameters": {**_DATE_PARTS, "hour": {"value": 10}}, "targetColumn": "ts"},
            expect={
                "y": [2024, 2023, 1999, None],
                "ts": ["2024-02-29 10:00:00", None, "1999-12-31 10:00:00", None],
                "m": [2, 2, 12, 1],
                "d": [29, 30, 31, 1],
            },
        ),
        Example(
            given={"s": [59, 60, None]},
            params={
                "dateTimeParameters": {
                    "year": {"value": 2024},
                    "month": {"value": 1},
                    "day": {"value": 2},
                    "hour": {"value": 3},
                    "minute": {"value": 4},
                    "second": {"sourceColumn": "s"},
                },
                "dateTimeFormat": "yyyy-MM-dd'T'HH:mm:ss",
                "targetColumn": "ts",
            },
            expect={"s": [59, 60, None], "ts": ["2024-01-02T03:04:59", None, None]},
            title="literals and a Java-style format",
        ),
    )
