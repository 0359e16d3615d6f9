"""Sampling: label rows for a train/test split, and keep a seeded random sample of rows.

Both steps draw one number u in [0, 1) per row from the seeded splitmix64 hash of the row's
position in the table (``workbench/core/row_hash.py``, as RANDOM does), computed with the same
64-bit arithmetic on pandas and Spark. Positions are numbered in the table's order, not by
partition, so the result does not depend on how Spark partitions the data. A split by key draws
u from a SHA-256 hash of the seed and the key's text form instead, so every row of a key lands
on the same side wherever it is.

Exact counts: rows (within a stratum for STRATIFIED) are ranked by (u, position); with n rows
and cumulative fractions c_1 < c_2 < …, rank r goes to the first split k with
r < floor(n * c_k + 0.5). Each split then holds its share of the n rows rounded to a whole row,
never more than one row off, and the counts add up to the rounded total.
"""

from __future__ import annotations

import hashlib
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core import row_hash
from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ColumnNotFoundError, ParameterError
from workbench.core.families import TableTransform, place_columns
from workbench.core.lazy import F, W, scol
from workbench.core.params import Column, Integer, NewColumn, Number, NumberList, TextList, enum_param
from workbench.core.registry import Category, Example, nearest
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, filter_rows, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

TEXT = pa.large_string()
_TOLERANCE = 1e-9
"""Fractions may add up to 1 plus this much (0.7 + 0.2 + 0.1 is 1.0000000000000002)."""
_HASH_BITS = 52
_HEX_DIGITS = _HASH_BITS // 4


def _units_pandas(seed: int, count: int) -> np.ndarray:
    return row_hash.units_numpy(row_hash.hashes_numpy(row_hash.start(seed), count))


def _units_spark(seed: int) -> SparkColumn:
    return row_hash.units_spark(row_hash.hashes_spark(row_hash.start(seed), row_hash.position_spark()))


def _key_message(seed: int) -> str:
    return f"workbench split v1:{seed}:"


def _key_units_pandas(s: pd.Series, ltype: LType, seed: int) -> np.ndarray:
    """u from SHA-256 of the seed and each key's text form; null keys share one u (per distinct key)."""
    text = arr(s) if ltype is LType.STRING else arr(cast_pandas(s, ltype, LType.STRING))
    text = pc.cast(text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text, TEXT)
    prefix = _key_message(seed)
    encoded = pc.dictionary_encode(text)
    encoded = encoded.combine_chunks() if isinstance(encoded, pa.ChunkedArray) else encoded

    def unit(message: str) -> float:
        digest = hashlib.sha256(message.encode("utf-8")).hexdigest()
        return int(digest[:_HEX_DIGITS], 16) / 2.0**_HASH_BITS

    # One hash per distinct key, not per row.
    units = np.array([unit(prefix + "v" + v) for v in encoded.dictionary.to_pylist()] + [unit(prefix + "n")])
    indices = pc.fill_null(encoded.indices, len(encoded.dictionary)).to_numpy(zero_copy_only=False)
    return units[indices.astype(np.int64)]


def _key_units_spark(c: SparkColumn, ltype: LType, seed: int) -> SparkColumn:
    text = c if ltype is LType.STRING else cast_spark(c, ltype, LType.STRING)
    message = F.coalesce(F.concat(F.lit("v"), text), F.lit("n"))
    digest = F.sha2(F.concat(F.lit(_key_message(seed)), message).cast("binary"), 256)
    top = F.conv(F.substring(digest, 1, _HEX_DIGITS), 16, 10).cast("long")
    return top.cast("double") / F.lit(2.0**_HASH_BITS)


def _check_new_column(operation: str, parameter: str, name: str, schema: Schema) -> None:
    if name in schema:
        raise ParameterError(
            f"column {name!r} already exists; choose another name",
            operation=operation,
            parameter=parameter,
            column=name,
        )


def _check_column(operation: str, parameter: str, name: str, schema: Schema) -> None:
    if name not in schema:
        raise ColumnNotFoundError(
            f"column {name!r} does not exist at this step",
            operation=operation,
            parameter=parameter,
            column=name,
            suggestion=nearest(name, schema),
        )
    if schema[name] in (LType.ARRAY, LType.STRUCT, LType.MAP):
        raise ParameterError(
            f"column {name!r} is {schema[name].value}; use a column with a text form",
            operation=operation,
            parameter=parameter,
            column=name,
        )


# --- TRAIN_TEST_SPLIT ------------------------------------------------------------------------------


class SplitMethod(str, Enum):
    RANDOM = "RANDOM"
    STRATIFIED = "STRATIFIED"
    BY_KEY = "BY_KEY"


class TrainTestSplit(TableTransform):
    """Label each row train, test (or other named splits) at random: plain, stratified, or by key.

    ``splitFractions`` (default [0.8, 0.2]) and ``splitNames`` (default ["train", "test"]) give
    each split's share of the rows and its label, written to ``targetColumn`` (default "split")
    at the end of the table; the fractions must be positive and add up to at most 1, and rows
    beyond their sum get null. RANDOM gives each split its share of all rows exactly (rounded
    to whole rows); STRATIFIED does so within every value of ``stratifyColumn`` (null is a
    value), so each split keeps the strata's proportions; BY_KEY puts all rows with the same
    ``keyColumn`` value on one side, each key drawn at random, so the shares are approximate.
    The draw depends only on ``seed`` and the rows (their order, or the keys for BY_KEY): a
    rerun and either engine give the same labels.
    """

    operation = "TRAIN_TEST_SPLIT"
    category = Category.OTHER
    extension: ClassVar[bool] = True
    order_sensitive: ClassVar[bool] = True
    keeps_row_position: ClassVar[bool] = True
    split_method: enum_param(SplitMethod) = SplitMethod.RANDOM  # type: ignore[valid-type]
    split_fractions: NumberList = [0.8, 0.2]
    split_names: TextList = ["train", "test"]
    stratify_column: Column | None = None
    key_column: Column | None = None
    target_column: NewColumn = "split"
    seed: Integer = 0
    examples: ClassVar = (
        Example(
            title="8 of 10 rows train, 2 test",
            given={
                "id": [1, 2, 3, 4, 5, 6, 7, 8, 9, None],
                "name": ["a", "b", "", "d", "é", "f", "g", "h", "i", None],
            },
            params={},
            expect={
                "id": [1, 2, 3, 4, 5, 6, 7, 8, 9, None],
                "name": ["a", "b", "", "d", "é", "f", "g", "h", "i", None],
                "split": ["train"] * 3 + ["test"] + ["train"] * 5 + ["test"],
            },
        ),
        Example(
            title="stratified: each class split in half, an odd class's extra row to the first split",
            given={"cls": ["x", "x", "x", "x", "x", "y", "y", None, None, "y"]},
            params={
                "splitMethod": "STRATIFIED",
                "stratifyColumn": "cls",
                "splitFractions": "[0.5, 0.5]",
                "splitNames": '["fit", "holdout"]',
                "seed": "3",
                "targetColumn": "part",
            },
            expect={
                "cls": ["x", "x", "x", "x", "x", "y", "y", None, None, "y"],
                "part": [
                    "fit",
                    "fit",
                    "holdout",
                    "fit",
                    "holdout",
                    "fit",
                    "holdout",
                    "holdout",
                    "fit",
                    "fit",
                ],
            },
        ),
        Example(
            title="by key: all rows of a customer on one side; fractions under 1 leave some keys unlabelled",
            given={"customer": ["ann", "bob", "ann", None, "cy", "bob", None, "dé"]},
            params={
                "splitMethod": "BY_KEY",
                "keyColumn": "customer",
                "splitFractions": [0.5, 0.3],
                "splitNames": ["train", "validation"],
            },
            expect={
                "customer": ["ann", "bob", "ann", None, "cy", "bob", None, "dé"],
                "split": ["train", "validation", "train", None, "train", "validation", None, "train"],
            },
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> TrainTestSplit:
        op = self.operation
        fractions, names = self.split_fractions, self.split_names
        if not fractions:
            raise ParameterError("give at least one fraction", operation=op, parameter="splitFractions")
        if len(names) != len(fractions):
            raise ParameterError(
                f"splitNames has {len(names)} names for {len(fractions)} fractions; give one name per split",
                operation=op,
                parameter="splitNames",
            )
        if len(set(names)) != len(names):
            raise ParameterError("each split needs its own name", operation=op, parameter="splitNames")
        for fraction in fractions:
            if not 0 < fraction <= 1:
                raise ParameterError(
                    f"each fraction must be more than 0 and at most 1 (got {fraction:g})",
                    operation=op,
                    parameter="splitFractions",
                )
        if sum(fractions) > 1 + _TOLERANCE:
            shown = " + ".join(f"{f:g}" for f in fractions)
            raise ParameterError(
                f"the fractions add up to more than 1 ({shown} = {sum(fractions):g})",
                operation=op,
                parameter="splitFractions",
            )
        needed = {SplitMethod.STRATIFIED: "stratifyColumn", SplitMethod.BY_KEY: "keyColumn"}
        given = {"stratifyColumn": self.stratify_column, "keyColumn": self.key_column}
        for parameter, value in given.items():
            if needed.get(self.split_method) == parameter and value is None:
                raise ParameterError(
                    f"{self.split_method.value} needs {parameter}", operation=op, parameter=parameter
                )
            if needed.get(self.split_method) != parameter and value is not None:
                method = "STRATIFIED" if parameter == "stratifyColumn" else "BY_KEY"
                raise ParameterError(
                    f"{parameter} applies only to {method}",
                    operation=op,
                    parameter=parameter,
                )
        return self

    def _by(self) -> str | None:
        return self.stratify_column or self.key_column

    def _cumulative(self) -> list[float]:
        return [min(float(v), 1.0) for v in np.cumsum(self.split_fractions)]

    def check(self, schema: Schema) -> None:
        by = self._by()
        if by is not None:
            parameter = "stratifyColumn" if self.stratify_column else "keyColumn"
            _check_column(self.operation, parameter, by, schema)
        _check_new_column(self.operation, "targetColumn", self.target_column, schema)

    def output_schema(self, schema: Schema) -> Schema:
        return place_columns(schema, {self.target_column: LType.STRING}, None)

    def _labels_pandas(self, split_index: np.ndarray) -> pa.Array:
        """Split numbers (len(names) for none) as their names."""
        names = pa.array([*self.split_names, None], TEXT)
        return pc.take(names, pa.array(split_index, pa.int64()))

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        n = len(df.index)
        cumulative = self._cumulative()
        if self.split_method is SplitMethod.BY_KEY:
            key = str(self.key_column)
            u = _key_units_pandas(df[key], ctx.schema_of(df)[key], self.seed)
            index = np.searchsorted(np.array(cumulative), u, side="right")
        else:
            u = _units_pandas(self.seed, n)
            group = self._strata_pandas(df, ctx)
            # Stable sorts: equal draws keep their positions' order, as Spark's window orders them.
            order = np.argsort(u, kind="stable") if self.stratify_column is None else np.lexsort((u, group))
            sizes = np.bincount(group, minlength=int(group.max()) + 1 if n else 0)
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]) if n else sizes
            rank = np.empty(n, dtype=np.int64)
            rank[order] = np.arange(n, dtype=np.int64) - starts[group[order]]
            size = sizes[group].astype(np.float64)
            index = np.full(n, len(cumulative), dtype=np.int64)
            ends = [np.floor(size * c + 0.5) for c in cumulative]  # the rank where each split ends
            for k, end in reversed(list(enumerate(ends))):
                index = np.where(rank < end, k, index)
        out = df.copy(deep=False)
        out[self.target_column] = wrap(self._labels_pandas(np.minimum(index, len(cumulative))), df.index)
        return out

    def _strata_pandas(self, df: pd.DataFrame, ctx: PandasContext) -> np.ndarray:
        """Each row's stratum number (all 0 for RANDOM); null is a stratum of its own."""
        n = len(df.index)
        if self.stratify_column is None:
            return np.zeros(n, dtype=np.int64)
        a = arr(df[self.stratify_column])
        a = a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a
        if ctx.schema_of(df)[self.stratify_column] is LType.DOUBLE:
            a = pc.add(a, 0.0)  # -0.0 and 0.0 are one stratum, as in Spark's grouping
        encoded = pc.dictionary_encode(a)
        return (
            pc.fill_null(encoded.indices, len(encoded.dictionary))
            .to_numpy(zero_copy_only=False)
            .astype(np.int64)
        )

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        from workbench.engines.spark import ROW_POSITION

        positioned = ctx.with_row_position(df)
        cumulative = self._cumulative()
        names = F.array(*[F.lit(name) for name in self.split_names])
        if self.split_method is SplitMethod.BY_KEY:
            key = str(self.key_column)
            u = _key_units_spark(scol(key), ctx.schema_of(df)[key], self.seed)
            index: Any = F.lit(None)
            for k, end in reversed(list(enumerate(cumulative))):
                index = F.when(u < F.lit(end), F.lit(k + 1)).otherwise(index)
            return positioned.withColumn(self.target_column, F.element_at(names, index.cast("int")))
        draw = "__wb_split_u"
        drawn = positioned.withColumn(draw, _units_spark(self.seed))
        stratum = [scol(self.stratify_column)] if self.stratify_column else [F.lit(0)]
        within = W.Window.partitionBy(*stratum)
        rank = F.row_number().over(within.orderBy(F.col(draw), F.col(ROW_POSITION))) - F.lit(1)
        size = F.count(F.lit(1)).over(within)
        label: Any = F.lit(None).cast("string")
        ends = [F.floor(size * F.lit(c) + F.lit(0.5)) for c in cumulative]  # as on pandas
        for k, end in reversed(list(enumerate(ends))):
            label = F.when(rank < end, F.lit(self.split_names[k])).otherwise(label)
        return drawn.withColumn(self.target_column, label).drop(draw)


# --- SAMPLE_ROWS -----------------------------------------------------------------------------------


class SampleRows(TableTransform):
    """Keep a seeded random sample of rows: a fraction of them or a number of rows, in table order.

    Give ``fraction`` (0 to 1) or ``numberOfRows``. Every row draws a number from the seeded
    hash of its position (as RANDOM); the rows with the smallest draws are kept, exactly
    floor(fraction * rows + 0.5) of them, or ``numberOfRows`` (all rows when there are fewer),
    and they keep their order. The sample depends only on ``seed`` (default 0) and the rows'
    order, so a rerun and either engine keep the same rows, whatever the partitioning.
    """

    operation = "SAMPLE_ROWS"
    category = Category.FILTER
    extension: ClassVar[bool] = True
    order_sensitive: ClassVar[bool] = True
    keeps_row_position: ClassVar[bool] = True
    fraction: Number | None = None
    number_of_rows: Integer | None = None
    seed: Integer = 0
    examples: ClassVar = (
        Example(
            given={"id": [1, 2, 3, 4, 5, 6, None, 8], "t": ["a", "", None, "Zoë", "e", "f", "g", "h"]},
            params={"numberOfRows": "3"},
            expect={"id": [2, 5, 8], "t": ["", "e", "h"]},
        ),
        Example(
            title="half of five rows rounds to 3",
            given={"id": [1, 2, 3, 4, None]},
            params={"fraction": "0.5", "seed": 11},
            expect={"id": [2, 4, None]},
        ),
        Example(
            title="more rows asked for than there are: all rows",
            given={"id": [1, None]},
            params={"numberOfRows": 10},
            expect={"id": [1, None]},
        ),
    )

    @model_validator(mode="after")
    def _size(self) -> SampleRows:
        if (self.fraction is None) == (self.number_of_rows is None):
            raise ParameterError(
                "give either fraction or numberOfRows, not both or neither",
                operation=self.operation,
                parameter="fraction",
            )
        if self.fraction is not None and not 0 <= self.fraction <= 1:
            raise ParameterError(
                f"fraction must be from 0 to 1 (got {self.fraction:g})",
                operation=self.operation,
                parameter="fraction",
            )
        if self.number_of_rows is not None and self.number_of_rows < 0:
            raise ParameterError(
                f"numberOfRows must be 0 or more (got {self.number_of_rows})",
                operation=self.operation,
                parameter="numberOfRows",
            )
        return self

    def output_schema(self, schema: Schema) -> Schema:
        return dict(schema)

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        n = len(df.index)
        u = _units_pandas(self.seed, n)
        order = np.argsort(u, kind="stable")  # equal draws in position order, as on Spark
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n, dtype=np.int64)
        if self.number_of_rows is not None:
            keep = rank < self.number_of_rows
        else:
            keep = rank < np.floor(float(n) * float(self.fraction or 0.0) + 0.5)
        return filter_rows(df, keep)

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        from workbench.engines.spark import ROW_POSITION

        draw = "__wb_sample_u"
        drawn = ctx.with_row_position(df).withColumn(draw, _units_spark(self.seed))
        rank = F.row_number().over(W.Window.orderBy(F.col(draw), F.col(ROW_POSITION))) - F.lit(1)
        if self.number_of_rows is not None:
            keep = rank < F.lit(self.number_of_rows)
        else:
            total = F.count(F.lit(1)).over(W.Window.partitionBy(F.lit(0)))
            keep = rank < F.floor(total.cast("double") * F.lit(float(self.fraction or 0.0)) + F.lit(0.5))
        return drawn.withColumn(draw, F.when(keep, F.lit(1.0))).where(F.col(draw).isNotNull()).drop(draw)
