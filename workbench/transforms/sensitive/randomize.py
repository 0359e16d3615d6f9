"""Sensitive data: replacing values with seeded random numbers or dates, and shuffling rows.

Each row's random number comes from the splitmix64 hash of the seed, the column's place in
sourceColumns (its stream) and the row's 0-based position (``workbench/core/row_hash.py``),
computed with the same 64-bit wrapping arithmetic on both engines, so both give the same rows.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core import row_hash
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import TableTransform
from workbench.core.lazy import F, W, scol
from workbench.core.params import Columns, Integer, Number, Text
from workbench.core.registry import Category, Example
from workbench.core.sensitive import TEXT, SourceColumns
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


def _units_numpy(seed: int, stream: int, count: int) -> np.ndarray:
    return row_hash.units_numpy(row_hash.hashes_numpy(row_hash.start(seed, stream), count))


def _units_spark(seed: int, stream: int) -> SparkColumn:
    return row_hash.units_spark(
        row_hash.hashes_spark(row_hash.start(seed, stream), row_hash.position_spark())
    )


class _Random(SourceColumns):
    """Row-position-seeded values: on Spark the rows are numbered first (their current order)."""

    abstract: ClassVar[bool] = True
    order_sensitive: ClassVar[bool] = True
    seed: Integer = 0

    def _units_pandas(self, n: int, index: int) -> np.ndarray:
        return _units_numpy(self.seed, index, n)

    def _unit_spark(self, index: int) -> SparkColumn:
        return _units_spark(self.seed, index)

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        # The frame keeps the row-position column: the engine restores row order when needed.
        return super().apply_spark(ctx.with_row_position(df), ctx, where)


class ReplaceWithRandomBetween(_Random):
    """Replace values with random numbers between a lower and an upper bound (seeded, repeatable).

    An integer column with whole-number bounds gets whole numbers from lowerBound to upperBound,
    both included; any other column gets decimal numbers from lowerBound (included) to
    upperBound (excluded), as a double column. Nulls stay null. The numbers depend only on
    ``seed`` (a Workbench extension, default 0), the column's place in sourceColumns and the
    row's position, so a rerun, and either engine, gives the same numbers.
    """

    operation = "REPLACE_WITH_RANDOM_BETWEEN"
    category = Category.SENSITIVE
    lower_bound: Number
    upper_bound: Number
    examples: ClassVar = (
        Example(
            given={"age": [34, None, 71, 18, 50]},
            params={"sourceColumns": ["age"], "lowerBound": "20", "upperBound": "30"},
            expect={"age": [28, None, 24, 30, 22]},
        ),
        Example(
            given={"score": [0.5, None, 2.0], "salary": ["high", "low", None]},
            params={"sourceColumns": ["score", "salary"], "lowerBound": -1, "upperBound": 1, "seed": 7},
            expect={
                "score": [0.915070285676914, None, -0.37100609106465177],
                "salary": [-0.35557553431059996, -0.8572450197965884, None],
            },
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> ReplaceWithRandomBetween:
        if self.lower_bound > self.upper_bound:
            raise ParameterError(
                "upperBound must not be smaller than lowerBound",
                operation=self.operation,
                parameter="upperBound",
            )
        return self

    def _whole(self) -> bool:
        return float(self.lower_bound).is_integer() and float(self.upper_bound).is_integer()

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER if source is LType.INTEGER and self._whole() else LType.DOUBLE

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: PandasContext, index: int) -> pd.Series:
        u = self._units_pandas(len(s), index)
        low, high = float(self.lower_bound), float(self.upper_bound)
        if self.result_type(ltype) is LType.INTEGER:
            values = pa.array(np.floor(u * (high - low + 1.0)).astype(np.int64) + int(low), pa.int64())
        else:
            values = pa.array(low + u * (high - low), pa.float64())
        present = pc.is_valid(arr(s))
        return wrap(pc.if_else(present, values, pa.scalar(None, values.type)), s)

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: SparkContext, index: int) -> SparkColumn:
        u = self._unit_spark(index)
        low, high = float(self.lower_bound), float(self.upper_bound)
        if self.result_type(ltype) is LType.INTEGER:
            value = F.floor(u * F.lit(high - low + 1.0)).cast("long") + F.lit(int(low))
        else:
            value = F.lit(low) + u * F.lit(high - low)
        return F.when(c.isNotNull(), value)


def _parse_moment(text: str, operation: str, parameter: str) -> dt.datetime:
    value = text.strip().replace("T", " ")
    fmt = "%Y-%m-%d %H:%M:%S" if len(value) > 10 else "%Y-%m-%d"
    try:
        return dt.datetime.strptime(value, fmt).replace(tzinfo=dt.UTC)
    except ValueError:
        raise ParameterError(
            f"{text!r} is not a date; write yyyy-MM-dd HH:mm:ss or yyyy-MM-dd",
            operation=operation,
            parameter=parameter,
        ) from None


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class ReplaceWithRandomDateBetween(_Random):
    """Replace values with random dates and times between a start and an end date (seeded).

    startDate and endDate are ``yyyy-MM-dd HH:mm:ss`` (or ``yyyy-MM-dd``), UTC, both included.
    A timestamp column gets timestamps (whole seconds), a date column dates, and a text column
    the text ``yyyy-MM-dd HH:mm:ss``; other column types are refused. Nulls stay null. As with
    REPLACE_WITH_RANDOM_BETWEEN, the values depend only on ``seed`` (a Workbench extension,
    default 0), the column's place in sourceColumns and the row's position.
    """

    operation = "REPLACE_WITH_RANDOM_DATE_BETWEEN"
    category = Category.SENSITIVE
    accepted = (LType.DATE, LType.TIMESTAMP, LType.STRING)
    start_date: Text
    end_date: Text
    examples: ClassVar = (
        Example(
            given={"visit": ["2021-03-04 10:00:00", None, "2020-01-01 00:00:00"]},
            params={
                "sourceColumns": ["visit"],
                "startDate": "2024-01-01 00:00:00",
                "endDate": "2024-12-31 23:59:59",
            },
            schema={"visit": "timestamp"},
            expect={"visit": [dt.datetime(2024, 10, 1, 9, 47, 18), None, dt.datetime(2024, 6, 9, 9, 53, 8)]},
            expect_schema={"visit": "timestamp"},
        ),
        Example(
            given={"born": ["1980-02-03", None, "1975-12-30"], "label": ["x", None, ""]},
            params={"sourceColumns": ["born", "label"], "startDate": "2000-01-01", "endDate": "2000-01-31"},
            schema={"born": "date"},
            expect={
                "born": [dt.date(2000, 1, 24), None, dt.date(2000, 1, 14)],
                "label": ["2000-01-18 05:08:16", None, "2000-01-25 04:25:17"],
            },
            expect_schema={"born": "date", "label": "string"},
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> ReplaceWithRandomDateBetween:
        start = _parse_moment(self.start_date, self.operation, "startDate")
        end = _parse_moment(self.end_date, self.operation, "endDate")
        if end < start:
            raise ParameterError(
                "endDate must not be before startDate", operation=self.operation, parameter="endDate"
            )
        return self

    def result_type(self, source: LType) -> LType:
        return source

    def _range(self, ltype: LType) -> tuple[int, int]:
        """First value and number of values: days for dates, seconds otherwise."""
        start = _parse_moment(self.start_date, self.operation, "startDate")
        end = _parse_moment(self.end_date, self.operation, "endDate")
        if ltype is LType.DATE:
            first = (start.date() - _EPOCH.date()).days
            return first, (end.date() - start.date()).days + 1
        first = int((start - _EPOCH).total_seconds())
        return first, int((end - start).total_seconds()) + 1

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: PandasContext, index: int) -> pd.Series:
        first, count = self._range(ltype)
        offsets = np.floor(self._units_pandas(len(s), index) * float(count)).astype(np.int64) + first
        if ltype is LType.DATE:
            values = pc.cast(pa.array(offsets.astype(np.int32), pa.int32()), pa.date32())
        else:
            values = pc.cast(pa.array(offsets * 1_000_000, pa.int64()), pa.timestamp("us", tz="UTC"))
            if ltype is LType.STRING:
                values = pc.cast(
                    pc.strftime(
                        pc.cast(values, pa.timestamp("s", tz="UTC")), "%Y-%m-%d %H:%M:%S", locale="C"
                    ),
                    TEXT,
                )
        present = pc.is_valid(arr(s))
        return wrap(pc.if_else(present, values, pa.scalar(None, values.type)), s)

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: SparkContext, index: int) -> SparkColumn:
        first, count = self._range(ltype)
        offset = F.floor(self._unit_spark(index) * F.lit(float(count))).cast("long") + F.lit(first)
        if ltype is LType.DATE:
            value = F.date_from_unix_date(offset.cast("int"))
        else:
            value = F.timestamp_seconds(offset)
            if ltype is LType.STRING:
                value = F.date_format(value, "yyyy-MM-dd HH:mm:ss")
        return F.when(c.isNotNull(), value)


class ShuffleRows(TableTransform):
    """Shuffle the values of columns across rows (within groups when given), seeded and repeatable.

    The rows stay where they are; the values of sourceColumns move together to other rows, so
    a row's values in those columns no longer belong with its other columns. Within each group
    of equal groupByColumns values (nulls form a group), rows are ordered by
    splitmix64(seed, row position), ties by position, and the k-th row in that order gives its
    values to the k-th row of the group in table order. The permutation depends only on
    ``seed`` (a Workbench extension, default 0), the groups and the row order: both engines give
    the same result.
    """

    operation = "SHUFFLE_ROWS"
    category = Category.SENSITIVE
    order_sensitive = True
    keeps_row_position = True
    source_columns: Columns
    group_by_columns: Columns | None = None
    seed: Integer = 0
    examples: ClassVar = (
        Example(
            given={"id": [1, 2, 3, 4, 5], "name": ["a", "b", None, "d", ""], "age": [10, 20, 30, 40, 50]},
            params={"sourceColumns": ["name", "age"]},
            expect={"id": [1, 2, 3, 4, 5], "name": ["a", "d", "", "b", None], "age": [10, 40, 50, 20, 30]},
        ),
        Example(
            given={
                "team": ["x", "y", "x", None, "x", None, "y"],
                "salary": [1, 2, 3, 4, 5, 6, 7],
            },
            params={"sourceColumns": '["salary"]', "groupByColumns": '["team"]', "seed": "3"},
            expect={"team": ["x", "y", "x", None, "x", None, "y"], "salary": [1, 7, 3, 4, 5, 6, 2]},
        ),
    )

    def output_schema(self, schema: Schema) -> Schema:
        return dict(schema)

    def check(self, schema: Schema) -> None:
        if not self.source_columns:
            raise ParameterError(
                "give at least one column", operation=self.operation, parameter="sourceColumns"
            )
        super().check(schema)

    def _groups(self) -> list[str]:
        return list(self.group_by_columns or [])

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        from workbench.core.pivoting import group_ids

        n = len(df)
        position = np.arange(n, dtype=np.int64)
        h = row_hash.hashes_numpy(row_hash.start(self.seed), n).view(np.int64)
        gid, _ = group_ids(df, self._groups())
        in_table_order = np.lexsort((position, gid))
        in_hash_order = np.lexsort((position, h, gid))
        source_of = np.empty(n, dtype=np.int64)
        source_of[in_table_order] = in_hash_order
        indices = pa.array(source_of, pa.int64())
        out = df.copy(deep=False)
        for column in self.source_columns:
            out[column] = wrap(pc.take(arr(df[column]), indices), df[column])
        return out

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        from workbench.engines.spark import ROW_POSITION

        positioned = ctx.with_row_position(df)
        groups = self._groups()
        rank_in = "__wb_shuffle_rank"
        take = "__wb_shuffle_take"
        by_group = (
            W.Window.partitionBy(*[scol(g) for g in groups]) if groups else W.Window.partitionBy(F.lit(0))
        )
        h = row_hash.hashes_spark(row_hash.start(self.seed), row_hash.position_spark())
        numbered = positioned.select(
            "*",
            F.row_number().over(by_group.orderBy(F.col(ROW_POSITION))).alias(rank_in),
            h.alias("__wb_shuffle_hash"),
        ).select(
            "*",
            F.row_number()
            .over(by_group.orderBy(F.col("__wb_shuffle_hash"), F.col(ROW_POSITION)))
            .alias(take),
        )
        keys = [f"__wb_shuffle_key{i}" for i in range(len(groups))]
        moved = [f"__wb_shuffle_value{i}" for i in range(len(self.source_columns))]
        values = numbered.select(
            *[scol(g).alias(k) for g, k in zip(groups, keys, strict=True)],
            F.col(take).alias("__wb_shuffle_slot"),
            *[scol(c).alias(m) for c, m in zip(self.source_columns, moved, strict=True)],
        )
        keep = [c for c in positioned.columns if c not in self.source_columns]
        rows = numbered.select(*[scol(c) for c in keep], F.col(rank_in))
        condition = F.col(rank_in) == F.col("__wb_shuffle_slot")
        for g, k in zip(groups, keys, strict=True):
            condition = condition & scol(g).eqNullSafe(F.col(k))
        joined = rows.join(values, on=condition, how="inner")
        mapping = dict(zip(self.source_columns, moved, strict=True))
        return joined.select(
            *[F.col(mapping[c]).alias(c) if c in mapping else scol(c) for c in positioned.columns]
        )
