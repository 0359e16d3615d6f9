"""Encode: ONE_HOT_ENCODING."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import TableTransform, place_columns
from workbench.core.lazy import F, scol
from workbench.core.params import (
    Column,
)
from workbench.core.pivoting import (
    arrow_scalar,
    distinct_values_pandas,
    distinct_values_spark,
    value_label,
)
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkFrame


# --- ONE_HOT_ENCODING ------------------------------------------------------------------------------


class OneHotEncoding(TableTransform):
    """Add one 0/1 column per distinct value of a column (at most 10 values).

    Each distinct non-null value ``v`` gives an integer column ``<sourceColumn>_<v>`` (sorted by
    value, placed after the source column, which stays) holding 1 where the row has that value
    and 0 elsewhere. A null value is no category: its row gets null in every new column. Values
    are written in names as text (whole numbers without a fraction, dates yyyy-mm-dd).
    """

    operation = "ONE_HOT_ENCODING"
    category = Category.ENCODE
    uses_statistics = True
    source_column: Column
    examples: ClassVar = (
        Example(
            given={"shirt_size": ["L", "XL", "M", "S", "M", None], "n": [1, 2, 3, 4, 5, 6]},
            params={"sourceColumn": "shirt_size"},
            expect={
                "shirt_size": ["L", "XL", "M", "S", "M", None],
                "shirt_size_L": [1, 0, 0, 0, 0, None],
                "shirt_size_M": [0, 0, 1, 0, 1, None],
                "shirt_size_S": [0, 0, 0, 1, 0, None],
                "shirt_size_XL": [0, 1, 0, 0, 0, None],
                "n": [1, 2, 3, 4, 5, 6],
            },
        ),
        Example(
            title="numbers in names, sorted by value",
            given={"grade": [10, 2, 2, None]},
            params={"sourceColumn": "grade"},
            expect={"grade": [10, 2, 2, None], "grade_2": [0, 1, 1, None], "grade_10": [1, 0, 0, None]},
        ),
    )

    def check(self, schema: Schema) -> None:
        super().check(schema)
        if schema[self.source_column] in (LType.ARRAY, LType.STRUCT, LType.MAP):
            raise ParameterError(
                f"cannot encode the {schema[self.source_column].value} column {self.source_column!r}",
                operation=self.operation,
                parameter="sourceColumn",
                column=self.source_column,
            )

    def output_schema(self, schema: Schema) -> Schema | None:
        return None

    def _names(self, values: list[Any], columns: list[str]) -> list[str]:
        names = [f"{self.source_column}_{value_label(v)}" for v in values]
        for name in names:
            if name in columns or names.count(name) > 1:
                raise ParameterError(
                    f"the encoding writes {name!r} twice or over an existing column; rename it first",
                    operation=self.operation,
                    parameter="sourceColumn",
                    column=name,
                )
        return names

    def _order(self, columns: list[str], names: list[str]) -> list[str]:
        return list(place_columns(dict.fromkeys(columns), dict.fromkeys(names), self.source_column))

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        source = df[self.source_column]
        values = distinct_values_pandas(source, self.operation, "sourceColumn", self.source_column)
        columns = [str(c) for c in df.columns]
        names = self._names(values, columns)
        a = arr(source)
        out = df.copy(deep=False)
        ltype = ctx.schema_of(df)[self.source_column]
        for name, value in zip(names, values, strict=True):
            match = pc.equal(a, arrow_scalar(value, ltype, a.type))
            out[name] = wrap(pc.cast(match, pa.int64()), source)
        return out[self._order(columns, names)]

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        values = distinct_values_spark(df, self.source_column, ctx, self.operation, "sourceColumn")
        names = self._names(values, list(df.columns))
        c = scol(self.source_column)
        exprs = {name: (c == F.lit(v)).cast("long") for name, v in zip(names, values, strict=True)}
        order = self._order(list(df.columns), names)
        return df.select(*[exprs[n].alias(n) if n in exprs else scol(n) for n in order])
