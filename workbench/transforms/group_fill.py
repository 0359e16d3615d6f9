"""Missing values: fill from a statistic of the row's group (pandas' groupby().transform idiom).

The statistic of each group is computed over the group's non-missing values and written into
the missing ones, as ``df[c].fillna(df.groupby(keys)[c].transform("mean"))`` does. On Spark the
statistics are window aggregates over the groups: the plan stays lazy and needs no job of its
own, and rows keep their order.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import TableTransform
from workbench.core.lazy import F, W, scol
from workbench.core.missing import missing_pandas, missing_spark
from workbench.core.params import Column, Columns, enum_param
from workbench.core.pivoting import group_ids
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

_NESTED = (LType.ARRAY, LType.STRUCT, LType.MAP)


class GroupStatistic(str, Enum):
    MEAN = "MEAN"
    MEDIAN = "MEDIAN"
    MODE = "MODE"


def _combined(a: Any) -> Any:
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


def _round_half_away(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


class FillWithGroupStatistic(TableTransform):
    """Fill missing values with the mean, median or most frequent value of the row's group.

    Groups are the rows with equal ``groupByColumns`` values (null is a value, as in SQL's
    GROUP BY). MEAN and MEDIAN (linear interpolation, the middle two values' mean for an even
    count) take integer and double columns, an integer column getting the statistic rounded half
    away from zero; MODE takes any column, equally frequent values resolved to the smallest (text
    by code point). Missing is null, NaN and, for text, the empty string; such values are not
    counted. A group with no value keeps its missing values.
    """

    operation = "FILL_WITH_GROUP_STATISTIC"
    category = Category.MISSING
    extension: ClassVar[bool] = True
    keeps_row_position: ClassVar[bool] = True
    source_column: Column
    group_by_columns: Columns
    statistic: enum_param(GroupStatistic) = GroupStatistic.MEAN  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            title="each team's mean; team z has no value to fill from",
            given={
                "team": ["x", "x", "y", "y", "x", None, None, "z"],
                "pts": [1.0, None, 4.0, float("nan"), 2.5, 10.0, None, None],
            },
            params={"sourceColumn": "pts", "groupByColumns": ["team"]},
            expect={
                "team": ["x", "x", "y", "y", "x", None, None, "z"],
                "pts": [1.0, 1.75, 4.0, 4.0, 2.5, 10.0, 10.0, None],
            },
        ),
        Example(
            title="the median 1.5 of an integer column is rounded to 2; two grouping columns",
            given={
                "a": ["p", "p", "p", "p", "p", "q", "q"],
                "b": [1, 1, 1, 1, 1, 1, 2],
                "n": [1, 2, None, -9, 4, None, 5],
            },
            params={"sourceColumn": "n", "groupByColumns": '["a", "b"]', "statistic": "MEDIAN"},
            expect={
                "a": ["p", "p", "p", "p", "p", "q", "q"],
                "b": [1, 1, 1, 1, 1, 1, 2],
                "n": [1, 2, 2, -9, 4, None, 5],
            },
        ),
        Example(
            title="most frequent text per group, ties to the smallest; the empty text is missing",
            given={
                "shop": ["n", "n", "n", "n", "s", "s", "s"],
                "city": ["Oslo", "Bergen", "", None, "Åre", "Bodø", None],
            },
            params={"sourceColumn": "city", "groupByColumns": ["shop"], "statistic": "mode"},
            expect={
                "shop": ["n", "n", "n", "n", "s", "s", "s"],
                "city": ["Oslo", "Bergen", "Bergen", "Bergen", "Åre", "Bodø", "Bodø"],
            },
        ),
    )

    def output_schema(self, schema: Schema) -> Schema:
        return dict(schema)

    def check(self, schema: Schema) -> None:
        if not self.group_by_columns:
            raise ParameterError(
                "give at least one column to group by", operation=self.operation, parameter="groupByColumns"
            )
        super().check(schema)
        ltype = schema[self.source_column]
        numeric_only = self.statistic is not GroupStatistic.MODE
        if (numeric_only and ltype not in (LType.INTEGER, LType.DOUBLE)) or ltype in _NESTED:
            needs = "integer or double" if numeric_only else "a column of plain values"
            raise ParameterError(
                f"column {self.source_column!r} is {ltype.value}; {self.statistic.value} needs {needs}",
                operation=self.operation,
                parameter="sourceColumn",
                column=self.source_column,
            )
        if self.source_column in self.group_by_columns:
            raise ParameterError(
                f"column {self.source_column!r} is both filled and grouped by",
                operation=self.operation,
                parameter="groupByColumns",
                column=self.source_column,
            )

    # --- pandas ----------------------------------------------------------------------------------

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        source = df[self.source_column]
        ltype = ctx.schema_of(df)[self.source_column]
        a = _combined(arr(source))
        missing = missing_pandas(a, ltype).to_numpy(zero_copy_only=False)
        gid, first = group_ids(df, list(self.group_by_columns))
        groups = len(first)
        if self.statistic is GroupStatistic.MODE:
            fill = self._mode_pandas(a, ltype, gid, groups, missing)
        else:
            fill = self._number_pandas(a, ltype, gid, groups, missing)
        # A group without values has no statistic: its missing values stay as they are (NaN too).
        replace = pc.and_(pa.array(missing), pc.is_valid(fill))
        out = df.copy(deep=False)
        out[self.source_column] = wrap(pc.if_else(replace, fill, a), source)
        return out

    def _number_pandas(self, a: Any, ltype: LType, gid: np.ndarray, groups: int, missing: np.ndarray) -> Any:
        x = pc.cast(a, pa.float64()).to_numpy(zero_copy_only=False)
        present = ~missing
        counts = np.bincount(gid[present], minlength=groups)
        if self.statistic is GroupStatistic.MEAN:
            sums = np.bincount(gid[present], weights=x[present], minlength=groups)
            with np.errstate(invalid="ignore", divide="ignore"):
                per_group = sums / counts
        else:
            order = np.lexsort((x[present], gid[present]))
            ordered = x[present][order]
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
            has = counts > 0
            low = np.where(has, starts + (counts - 1) // 2, 0)
            high = np.where(has, starts + counts // 2, 0)
            picked = ordered if len(ordered) else np.zeros(1)
            per_group = np.where(has, 0.5 * picked[low] + 0.5 * picked[high], np.nan)
        empty = counts[gid] == 0
        values = per_group[gid]
        if ltype is LType.INTEGER:
            values = _round_half_away(np.where(empty, 0.0, values)).astype(np.int64)
            return pa.array(values, pa.int64(), mask=empty)
        return pa.array(values, pa.float64(), mask=empty)

    def _mode_pandas(self, a: Any, ltype: LType, gid: np.ndarray, groups: int, missing: np.ndarray) -> Any:
        values = pc.add(a, 0.0) if ltype is LType.DOUBLE else a  # -0.0 and 0.0 are one value
        encoded = _combined(pc.dictionary_encode(values))
        dictionary = encoded.dictionary
        # Ranks of the distinct values in sort order, so ties resolve to the smallest value.
        rank_of = np.empty(len(dictionary), dtype=np.int64)
        rank_of[pc.sort_indices(dictionary).to_numpy(zero_copy_only=False)] = np.arange(len(dictionary))
        present = ~missing
        codes = pc.fill_null(encoded.indices, 0).to_numpy(zero_copy_only=False).astype(np.int64)
        rank = rank_of[codes[present]] if len(dictionary) else codes[present]
        pair = gid[present] * max(len(dictionary), 1) + rank
        keys, counts = np.unique(pair, return_counts=True)
        key_group, key_rank = keys // max(len(dictionary), 1), keys % max(len(dictionary), 1)
        best = np.lexsort((key_rank, -counts, key_group))
        chosen_group = key_group[best]
        first_of_group = (
            np.concatenate([[True], chosen_group[1:] != chosen_group[:-1]]) if len(best) else best
        )
        winner = np.full(groups, -1, dtype=np.int64)
        winner[chosen_group[first_of_group]] = key_rank[best][first_of_group]
        by_rank = pc.take(dictionary, pc.sort_indices(dictionary))
        row_rank = winner[gid]
        taken = pc.take(by_rank, pa.array(np.maximum(row_rank, 0), pa.int64())) if len(dictionary) else None
        if taken is None:
            return pa.nulls(len(gid), a.type)
        return pc.if_else(pa.array(row_rank < 0), pa.scalar(None, taken.type), taken)

    # --- Spark -----------------------------------------------------------------------------------

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        # Window aggregates move rows between partitions: the row-position column keeps their order.
        df = ctx.with_row_position(df)
        ltype = ctx.schema_of(df)[self.source_column]
        c = scol(self.source_column)
        value = F.when(~missing_spark(c, ltype), c + F.lit(0.0) if ltype is LType.DOUBLE else c)
        groups = W.Window.partitionBy(*[scol(k) for k in self.group_by_columns])
        if self.statistic is GroupStatistic.MODE:
            return self._mode_spark(df, c, value, ltype)
        if self.statistic is GroupStatistic.MEAN:
            fill: SparkColumn = F.avg(value.cast("double")).over(groups)
        else:
            fill = F.percentile(value.cast("double"), F.lit(0.5)).over(groups)
        if ltype is LType.INTEGER:
            fill = F.round(fill, 0).cast("long")
        replace = missing_spark(c, ltype) & fill.isNotNull()
        return df.withColumn(self.source_column, F.when(replace, fill).otherwise(c))

    def _mode_spark(self, df: SparkFrame, c: SparkColumn, value: SparkColumn, ltype: LType) -> SparkFrame:
        keys = [scol(k) for k in self.group_by_columns]
        v, n, top, fill = "__wb_mode_value", "__wb_mode_count", "__wb_mode_top", "__wb_mode_fill"
        groups = W.Window.partitionBy(*keys)
        counted = df.withColumn(v, value).withColumn(
            n, F.when(F.col(v).isNotNull(), F.count(F.lit(1)).over(W.Window.partitionBy(*keys, F.col(v))))
        )
        # Each step is its own projection: Spark does not nest window functions.
        topped = counted.withColumn(top, F.max(F.col(n)).over(groups))
        filled = topped.withColumn(fill, F.min(F.when(F.col(n) == F.col(top), F.col(v))).over(groups))
        result = F.when(missing_spark(c, ltype) & F.col(fill).isNotNull(), F.col(fill)).otherwise(c)
        return filled.withColumn(self.source_column, result).drop(v, n, top, fill)
