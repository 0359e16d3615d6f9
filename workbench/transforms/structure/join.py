"""JOIN: the data joined with a secondary dataset on pairs of key columns."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import TableTransform
from workbench.core.lazy import F, scol
from workbench.core.params import (
    Columns,
    DatasetColumns,
    DatasetName,
    ParamKind,
    ParamModel,
    Text,
    enum_param,
    structured,
)
from workbench.core.pivoting import cast_to_pandas, cast_to_spark, flat, frame_of, missing_column
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkFrame


class JoinType(str, Enum):
    INNER_JOIN = "INNER_JOIN"
    LEFT_JOIN = "LEFT_JOIN"
    RIGHT_JOIN = "RIGHT_JOIN"
    OUTER_JOIN = "OUTER_JOIN"
    LEFT_EXCLUDING_JOIN = "LEFT_EXCLUDING_JOIN"
    RIGHT_EXCLUDING_JOIN = "RIGHT_EXCLUDING_JOIN"
    OUTER_EXCLUDING_JOIN = "OUTER_EXCLUDING_JOIN"


class JoinKey(ParamModel):
    """One pair of join columns: ``key`` in the current data, ``value`` in the secondary data."""

    key: str
    value: str


_KEEP_LEFT = {
    JoinType.INNER_JOIN: (True, False, False),
    JoinType.LEFT_JOIN: (True, True, False),
    JoinType.RIGHT_JOIN: (True, False, True),
    JoinType.OUTER_JOIN: (True, True, True),
    JoinType.LEFT_EXCLUDING_JOIN: (False, True, False),
    JoinType.RIGHT_EXCLUDING_JOIN: (False, False, True),
    JoinType.OUTER_EXCLUDING_JOIN: (False, True, True),
}
"""Per join type: keep matched pairs, keep unmatched left rows, keep unmatched right rows."""


class Join(TableTransform):
    """Join the data with a secondary dataset on pairs of key columns.

    The secondary data is the dataset bound to ``secondaryDatasetName`` when the recipe runs;
    ``secondInputLocation`` (an S3 URL in DataBrew exports) is kept but never read.
    Keys match on equal values; a null key never matches. Numeric keys of different types
    compare as doubles; other type mismatches are refused. The result holds ``leftColumns`` in
    the listed order, then the current data's other columns (DataBrew exports list the dataset's
    own columns there, and real recipes rely on columns added by earlier steps surviving a
    join; DELETE removes columns), then ``rightColumns`` in the listed order; a right column
    whose name is already taken is renamed ``<name>_<secondaryDatasetName>``. Columns of the
    side a row does not come from are null: the excluding joins keep only rows without a match
    (LEFT_EXCLUDING_JOIN: left rows, RIGHT_EXCLUDING_JOIN: right rows, OUTER_EXCLUDING_JOIN:
    both) with the same columns.
    """

    operation = "JOIN"
    category = Category.JOIN
    join_type: enum_param(JoinType)  # type: ignore[valid-type]
    join_keys: structured(ParamKind.JOIN_KEYS, list[JoinKey])  # type: ignore[valid-type]
    left_columns: Columns
    right_columns: DatasetColumns
    second_input_location: Text | None = None
    secondary_dataset_name: DatasetName
    examples: ClassVar = (
        Example(
            title="a LEFT_JOIN as in a real DataBrew export",
            given={
                "trip": [1, 2, 3, 4],
                "PULocationID": [7, 9, None, 7],
                "total_amount": [9.5, 3.0, 1.0, 4.25],
            },
            datasets={
                "ny-taxi-lookup": {
                    "LocationID": [7, 8, None],
                    "Zone": ["Astoria", "Bronx", "Nowhere"],
                    "Borough": ["Queens", "Bronx", None],
                }
            },
            params={
                "joinKeys": '[{"key":"PULocationID","value":"LocationID"}]',
                "joinType": "LEFT_JOIN",
                "leftColumns": '["trip","PULocationID","total_amount"]',
                "rightColumns": '["Zone"]',
                "secondInputLocation": "s3://bucket/taxi-lookup/taxi_zone_lookup.csv",
                "secondaryDatasetName": "ny-taxi-lookup",
            },
            expect={
                "trip": [1, 2, 3, 4],
                "PULocationID": [7, 9, None, 7],
                "total_amount": [9.5, 3.0, 1.0, 4.25],
                "Zone": ["Astoria", None, None, "Astoria"],
            },
        ),
        Example(
            title="INNER_JOIN on two keys; a right column with a taken name is renamed",
            given={"s": [1, 1, 2], "code": ["NO", "SE", "NO"], "name": ["Norway", "Sweden", None]},
            datasets={
                "votes": {
                    "s": [1.0, 1.0, 2.0, 3.0],
                    "code": ["NO", "NO", "SE", "NO"],
                    "vote": ["yes", "no", "yes", "no"],
                    "name": ["a", "b", "c", "d"],
                }
            },
            params={
                "joinKeys": [{"key": "s", "value": "s"}, {"key": "code", "value": "code"}],
                "joinType": "INNER_JOIN",
                "leftColumns": ["s", "code", "name"],
                "rightColumns": ["vote", "name"],
                "secondaryDatasetName": "votes",
            },
            expect={
                "s": [1, 1],
                "code": ["NO", "NO"],
                "name": ["Norway", "Norway"],
                "vote": ["yes", "no"],
                "name_votes": ["a", "b"],
            },
        ),
        Example(
            title="RIGHT_JOIN",
            given={"k": ["a", "b", None], "x": [1, 2, 3]},
            datasets={"r": {"k2": ["b", "c", None], "y": [True, False, None]}},
            params={
                "joinKeys": [{"key": "k", "value": "k2"}],
                "joinType": "RIGHT_JOIN",
                "leftColumns": ["x"],
                "rightColumns": ["k2", "y"],
                "secondaryDatasetName": "r",
            },
            expect={
                "x": [2, None, None],
                "k": ["b", None, None],
                "k2": ["b", "c", None],
                "y": [True, False, None],
            },
        ),
        Example(
            title="OUTER_JOIN",
            given={"k": ["a", "b", None], "x": [1, 2, 3]},
            datasets={"r": {"k2": ["b", "c", None], "y": [True, False, None]}},
            params={
                "joinKeys": [{"key": "k", "value": "k2"}],
                "joinType": "OUTER_JOIN",
                "leftColumns": ["k", "x"],
                "rightColumns": ["k2", "y"],
                "secondaryDatasetName": "r",
            },
            expect={
                "k": ["a", "b", None, None, None],
                "x": [1, 2, 3, None, None],
                "k2": [None, "b", None, "c", None],
                "y": [None, True, None, False, None],
            },
        ),
        Example(
            title="LEFT_EXCLUDING_JOIN",
            given={"k": ["a", "b", None], "x": [1, 2, 3]},
            datasets={"r": {"k2": ["b", "c", None], "y": [True, False, None]}},
            params={
                "joinKeys": [{"key": "k", "value": "k2"}],
                "joinType": "LEFT_EXCLUDING_JOIN",
                "leftColumns": ["k", "x"],
                "rightColumns": ["y"],
                "secondaryDatasetName": "r",
            },
            expect={"k": ["a", None], "x": [1, 3], "y": [None, None]},
        ),
        Example(
            title="RIGHT_EXCLUDING_JOIN",
            given={"k": ["a", "b", None], "x": [1, 2, 3]},
            datasets={"r": {"k2": ["b", "c", None], "y": [True, False, None]}},
            params={
                "joinKeys": [{"key": "k", "value": "k2"}],
                "joinType": "RIGHT_EXCLUDING_JOIN",
                "leftColumns": ["x"],
                "rightColumns": ["k2", "y"],
                "secondaryDatasetName": "r",
            },
            expect={"x": [None, None], "k": [None, None], "k2": ["c", None], "y": [False, None]},
        ),
        Example(
            title="OUTER_EXCLUDING_JOIN; columns missing from leftColumns are kept after the listed ones",
            given={"k": ["a", "b", None], "x": [1, 2, 3]},
            datasets={"r": {"k2": ["b", "c", None], "y": [True, False, None]}},
            params={
                "joinKeys": [{"key": "k", "value": "k2"}],
                "joinType": "OUTER_EXCLUDING_JOIN",
                "leftColumns": ["k"],
                "rightColumns": ["k2"],
                "secondaryDatasetName": "r",
            },
            expect={"k": ["a", None, None, None], "x": [1, 3, None, None], "k2": [None, None, "c", None]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> Join:
        if not self.join_keys:
            raise ParameterError(
                "give at least one pair of join keys", operation=self.operation, parameter="joinKeys"
            )
        for parameter, columns in (("leftColumns", self.left_columns), ("rightColumns", self.right_columns)):
            if len(set(columns)) != len(columns):
                raise ParameterError(
                    "a column is listed twice", operation=self.operation, parameter=parameter
                )
        return self

    def secondary_datasets(self) -> list[str]:
        return [self.secondary_dataset_name]

    def extra_reads(self) -> list[str]:
        return [k.key for k in self.join_keys]

    def rename_columns(self, mapping: dict[str, str]) -> Join:
        renamed = super().rename_columns(mapping)
        keys = [k.model_copy(update={"key": mapping.get(k.key, k.key)}) for k in self.join_keys]
        return renamed.model_copy(update={"join_keys": keys})

    def check(self, schema: Schema) -> None:
        for column in self.left_columns:
            if column not in schema:
                raise missing_column(column, schema, self.operation, "leftColumns")
        for k in self.join_keys:
            if k.key not in schema:
                raise missing_column(k.key, schema, self.operation, "joinKeys")

    def check_with(self, schema: Schema, datasets: dict[str, Schema]) -> None:
        self.check(schema)
        right = datasets[self.secondary_dataset_name]
        where = f" in dataset {self.secondary_dataset_name!r}"
        for column in self.right_columns:
            if column not in right:
                raise missing_column(column, right, self.operation, "rightColumns", where)
        for k in self.join_keys:
            if k.value not in right:
                raise missing_column(k.value, right, self.operation, "joinKeys", where)
            self._key_type(schema[k.key], right[k.value], k)
        self._right_names(schema)

    def _key_type(self, left: LType, right: LType, key: JoinKey) -> LType:
        if left is right:
            return left
        if left.is_numeric and right.is_numeric:
            return LType.DOUBLE
        raise ParameterError(
            f"join key {key.key!r} is {left.value} but {key.value!r} is {right.value}; "
            "change one with CHANGE_DATA_TYPE first",
            operation=self.operation,
            parameter="joinKeys",
            column=key.key,
        )

    def _left_names(self, schema: Schema) -> list[str]:
        """The current data's columns in the result: ``leftColumns`` first, then the others."""
        return list(dict.fromkeys([*self.left_columns, *schema]))

    def _right_names(self, schema: Schema) -> list[str]:
        taken = set(schema)
        names = []
        for column in self.right_columns:
            name = f"{column}_{self.secondary_dataset_name}" if column in taken else column
            if name in taken:
                raise ParameterError(
                    f"the join would write column {name!r} twice",
                    operation=self.operation,
                    parameter="rightColumns",
                    column=name,
                )
            taken.add(name)
            names.append(name)
        return names

    def output_schema(self, schema: Schema) -> Schema | None:
        return None

    def output_schema_with(self, schema: Schema, datasets: dict[str, Schema]) -> Schema:
        right = datasets[self.secondary_dataset_name]
        out = {c: schema[c] for c in self._left_names(schema)}
        for column, name in zip(self.right_columns, self._right_names(schema), strict=True):
            out[name] = right[column]
        return out

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        right = ctx.dataset(self.secondary_dataset_name, self.operation)
        lschema, rschema = ctx.schema_of(df), ctx.schema_of(right)
        self.check_with(lschema, {self.secondary_dataset_name: rschema})
        left_keys, right_keys = {}, {}
        for j, k in enumerate(self.join_keys):
            ltype = self._key_type(lschema[k.key], rschema[k.value], k)
            left_keys[f"k{j}"] = cast_to_pandas(df[k.key], lschema[k.key], ltype)
            right_keys[f"k{j}"] = cast_to_pandas(right[k.value], rschema[k.value], ltype)
        nl, nr = len(df), len(right)
        lt = _without_null_keys(pa.table({**left_keys, "__l": pa.array(np.arange(nl, dtype=np.int64))}))
        rt = _without_null_keys(pa.table({**right_keys, "__r": pa.array(np.arange(nr, dtype=np.int64))}))
        pairs = lt.join(rt, keys=list(left_keys), join_type="inner", use_threads=False)
        li = pairs["__l"].to_numpy()
        ri = pairs["__r"].to_numpy()
        matched, keep_left, keep_right = _KEEP_LEFT[self.join_type]
        lefts: list[np.ndarray] = []
        rights: list[np.ndarray] = []
        if matched:
            lefts.append(li)
            rights.append(ri)
        if keep_left:
            lonely = np.setdiff1d(np.arange(nl, dtype=np.int64), li)
            lefts.append(lonely)
            rights.append(np.full(len(lonely), -1, dtype=np.int64))
        if keep_right:
            lonely = np.setdiff1d(np.arange(nr, dtype=np.int64), ri)
            lefts.append(np.full(len(lonely), -1, dtype=np.int64))
            rights.append(lonely)
        left_rows = np.concatenate(lefts) if lefts else np.zeros(0, np.int64)
        right_rows = np.concatenate(rights) if rights else np.zeros(0, np.int64)
        # Rows in the current data's order, matches in the secondary data's order, right-only rows last.
        order = np.lexsort((np.where(right_rows < 0, nr, right_rows), np.where(left_rows < 0, nl, left_rows)))
        left_index = _nullable_index(left_rows[order])
        right_index = _nullable_index(right_rows[order])
        out = {c: flat(arr(df[c])).take(left_index) for c in self._left_names(lschema)}
        for column, name in zip(self.right_columns, self._right_names(lschema), strict=True):
            out[name] = flat(arr(right[column])).take(right_index)
        return frame_of(out)

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        right = ctx.dataset(self.secondary_dataset_name, self.operation)
        lschema, rschema = ctx.schema_of(df), ctx.schema_of(right)
        self.check_with(lschema, {self.secondary_dataset_name: rschema})
        left_names = self._left_names(lschema)
        left_cols = [scol(c).alias(f"__wb_l{i}") for i, c in enumerate(left_names)]
        right_cols = [scol(c).alias(f"__wb_r{i}") for i, c in enumerate(self.right_columns)]
        condition = None
        for j, k in enumerate(self.join_keys):
            ltype = self._key_type(lschema[k.key], rschema[k.value], k)
            left_cols.append(cast_to_spark(scol(k.key), lschema[k.key], ltype).alias(f"__wb_lk{j}"))
            right_cols.append(cast_to_spark(scol(k.value), rschema[k.value], ltype).alias(f"__wb_rk{j}"))
            equal = F.col(f"__wb_lk{j}") == F.col(f"__wb_rk{j}")
            condition = equal if condition is None else condition & equal
        left = df.select(*left_cols, F.lit(True).alias("__wb_lm"))
        other = right.select(*right_cols, F.lit(True).alias("__wb_rm"))
        how = {
            JoinType.INNER_JOIN: "inner",
            JoinType.LEFT_JOIN: "left",
            JoinType.RIGHT_JOIN: "right",
            JoinType.OUTER_JOIN: "full",
            JoinType.LEFT_EXCLUDING_JOIN: "left",
            JoinType.RIGHT_EXCLUDING_JOIN: "right",
            JoinType.OUTER_EXCLUDING_JOIN: "full",
        }[self.join_type]
        joined = left.join(other, on=condition, how=how)
        lonely_left, lonely_right = F.col("__wb_rm").isNull(), F.col("__wb_lm").isNull()
        if self.join_type is JoinType.LEFT_EXCLUDING_JOIN:
            joined = joined.filter(lonely_left)
        elif self.join_type is JoinType.RIGHT_EXCLUDING_JOIN:
            joined = joined.filter(lonely_right)
        elif self.join_type is JoinType.OUTER_EXCLUDING_JOIN:
            joined = joined.filter(lonely_left | lonely_right)
        selected = [F.col(f"__wb_l{i}").alias(c) for i, c in enumerate(left_names)]
        selected += [F.col(f"__wb_r{i}").alias(name) for i, name in enumerate(self._right_names(lschema))]
        return joined.select(*selected)


def _without_null_keys(table: pa.Table) -> pa.Table:
    valid = None
    for name in table.column_names:
        if name.startswith("__"):
            continue
        ok = pc.is_valid(table[name])
        valid = ok if valid is None else pc.and_(valid, ok)
    return table if valid is None else table.filter(valid)


def _nullable_index(index: np.ndarray) -> pa.Array:
    return pa.array(index, pa.int64(), mask=index < 0)
