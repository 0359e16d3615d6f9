"""Date functions that read the clock: TODAY and NOW.

Both read the run's clock (``ctx.now``), taken once when the engine is created, so every row and
every step of one run sees the same instant and pandas and Spark agree.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from workbench.core.context import PandasContext, SparkContext
from workbench.core.datetimes import TimeZone
from workbench.core.families import ColumnFunction
from workbench.core.lazy import slit
from workbench.core.params import NewColumn
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema

if TYPE_CHECKING:
    from pyspark.sql import Column
    from pyspark.sql import DataFrame as SparkFrame


class _Clock(ColumnFunction):
    abstract: ClassVar[bool] = True
    result: ClassVar[LType]
    time_zone: TimeZone = "UTC"
    target_column: NewColumn

    def anchor(self) -> str | None:
        return None

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: self.result}

    def local_now(self, ctx: Any) -> dt.datetime:
        return ctx.now.astimezone(zoneinfo.ZoneInfo(self.time_zone)).replace(tzinfo=None)

    def value(self, ctx: Any) -> Any:
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        return {self.target_column: ctx.constant(self.value(ctx), self.result, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, Column]:
        return {self.target_column: slit(self.value(ctx))}


class Today(_Clock):
    """Add a column holding today's date in a time zone (UTC by default).

    "Today" is the date, in ``timeZone``, of the moment the run started; every row gets the same date.
    """

    operation = "TODAY"
    category = Category.DATE
    result = LType.DATE
    examples: ClassVar = (
        Example(
            title="the run started at 2024-05-17 23:30:15 UTC",
            given={"id": [1, None]},
            params={"targetColumn": "today"},
            expect={"id": [1, None], "today": [dt.date(2024, 5, 17)] * 2},
        ),
        Example(
            given={"id": [1, None]},
            params={"targetColumn": "today", "timeZone": "Asia/Tokyo"},
            expect={"id": [1, None], "today": [dt.date(2024, 5, 18)] * 2},
        ),
        Example(
            given={"id": [1, None]},
            params={"targetColumn": "d", "timeZone": "America/New_York", "functionStepType": "TODAY"},
            expect={"id": [1, None], "d": [dt.date(2024, 5, 17)] * 2},
        ),
    )

    def value(self, ctx: Any) -> dt.date:
        return self.local_now(ctx).date()


class Now(_Clock):
    """Add a column holding the current date and time as read in a time zone (UTC by default).

    The value is the wall-clock time in ``timeZone`` of the moment the run started, to the second,
    stored as a timestamp; every row gets the same value.
    """

    operation = "NOW"
    category = Category.DATE
    result = LType.TIMESTAMP
    examples: ClassVar = (
        Example(
            title="the run started at 2024-05-17 23:30:15 UTC",
            given={"id": [1, None]},
            params={"targetColumn": "now"},
            expect={"id": [1, None], "now": [dt.datetime(2024, 5, 17, 23, 30, 15)] * 2},
        ),
        Example(
            given={"id": [1, None]},
            params={"targetColumn": "now", "timeZone": "Asia/Tokyo"},
            expect={"id": [1, None], "now": [dt.datetime(2024, 5, 18, 8, 30, 15)] * 2},
        ),
    )

    def value(self, ctx: Any) -> dt.datetime:
        return self.local_now(ctx).replace(microsecond=0)
