"""The base of the split steps: parts written to new columns that replace the source column."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import scol
from workbench.core.params import (
    TextColumn,
)
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

MAX_SPLITS = 20
"""DataBrew's largest ``limit``."""

KEEP = "\ue000"
"""Marks where a part's own text ends; a dropped delimiter follows it up to the cut."""
CUT = "\ue001"
"""Marks a cut between two parts."""
META = frozenset("\\^$.|?*+()[]{}")
EMPTY_PROBES = ("", "a", "ab", "a b", "0", " ", ",", "\n")


class Split(ColumnFunction):
    """Shared shape of the splits: ``<source>_1..n`` replace the source column."""

    abstract: ClassVar[bool] = True
    supports_conditions: ClassVar[bool] = False
    source_column: TextColumn

    def part_count(self) -> int:
        raise NotImplementedError

    def part_names(self) -> list[str]:
        return [f"{self.source_column}_{i}" for i in range(1, self.part_count() + 1)]

    def produced(self, schema: Schema) -> dict[str, LType]:
        return dict.fromkeys(self.part_names(), LType.STRING)

    def check(self, schema: Schema) -> None:
        super().check(schema)
        for name in self.part_names():
            if name in schema:
                raise ParameterError(
                    f"the split writes {name!r}, which already exists; rename that column first",
                    operation=self.operation,
                    parameter="sourceColumn",
                    column=name,
                )

    def output_schema(self, schema: Schema) -> Schema:
        out = super().output_schema(schema)
        out.pop(self.source_column)
        return out

    def pandas_parts(self, a: pa.ChunkedArray) -> list[pa.ChunkedArray | pa.Array]:
        raise NotImplementedError

    def spark_parts(self, c: SparkColumn) -> list[SparkColumn]:
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        source = df[self.source_column]
        parts = self.pandas_parts(arr(source))
        return {name: wrap(part, source) for name, part in zip(self.part_names(), parts, strict=True)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        parts = self.spark_parts(scol(self.source_column))
        return dict(zip(self.part_names(), parts, strict=True))

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        return super().apply_pandas(df, ctx, where).drop(columns=[self.source_column])

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        parts = self.spark_columns(df, ctx)
        selected: list[SparkColumn] = []
        for name in df.columns:
            if name == self.source_column:
                selected.extend(expr.alias(part) for part, expr in parts.items())
            else:
                selected.append(scol(name))
        return df.select(*selected)
