"""Shared parts of the sensitive-data steps (``workbench/transforms/sensitive/``).

Values are processed in their text form (Workbench's casting rules); the base class
``SourceColumns`` rewrites each of ``sourceColumns`` in place and refuses column types without
a text form. The test-only keys let the steps' examples run; never use them for real data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import scol
from workbench.core.params import Columns
from workbench.core.secrets import Secrets
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

TEXT = pa.large_string()
NOT_RENDERABLE = (LType.ARRAY, LType.STRUCT, LType.MAP)

SYMBOLS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
"""The characters alphabet SYMBOLS leaves unmasked: the 32 ASCII punctuation characters."""

# Test-only keys (never use them for real data): they let the examples run.
TEST_KEY = bytes(range(32))
OTHER_TEST_KEY = bytes(range(100, 132))
TEST_SECRETS = {"example-key": TEST_KEY}


def secrets_of(ctx: Any) -> Secrets:
    found = getattr(ctx, "secrets", None)
    return found if isinstance(found, Secrets) else Secrets(found)


def text_pandas(s: pd.Series, ltype: LType) -> pa.Array:
    a = arr(s)
    if ltype is LType.STRING:
        return pc.cast(a, TEXT)
    return arr(cast_pandas(s, ltype, LType.STRING))


def text_spark(c: SparkColumn, ltype: LType) -> SparkColumn:
    return c if ltype is LType.STRING else cast_spark(c, ltype, LType.STRING)


def combined(a: Any) -> pa.Array:
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


def map_unique(a: Any, fn: Any) -> pa.Array:
    """Apply a Python function to each distinct non-null text value (nulls stay null)."""
    encoded = combined(pc.dictionary_encode(combined(a)))
    mapped = pa.array([fn(v) for v in encoded.dictionary.to_pylist()], TEXT)
    return pc.take(mapped, encoded.indices)


def literal(text: str) -> str:
    """A regex matching ``text`` literally (each character as \\x{…}, read alike by RE2 and Java)."""
    return "".join(f"\\x{{{ord(ch):04X}}}" for ch in text)


def no_entity_filter(operation: str, value: list[str] | None) -> None:
    if value:
        raise ParameterError(
            "entityTypeFilter is not supported yet (it needs PII detection inside free text); "
            "leave it empty to process whole values",
            operation=operation,
            parameter="entityTypeFilter",
        )


def no_version(operation: str, version: str | None) -> None:
    if version:
        raise ParameterError(
            "secretVersion is not supported; bind the key version you want to the secret's name",
            operation=operation,
            parameter="secretVersion",
        )


class SourceColumns(ColumnFunction):
    """Rewrites each of ``sourceColumns`` in place."""

    abstract: ClassVar[bool] = True
    source_columns: Columns
    accepted: ClassVar[tuple[LType, ...] | None] = None
    """Column types this step takes (None: every type that has a text form)."""

    def result_type(self, source: LType) -> LType:
        return LType.STRING

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {c: self.result_type(schema[c]) for c in self.source_columns}

    def check(self, schema: Schema) -> None:
        if not self.source_columns:
            raise ParameterError(
                "give at least one column", operation=self.operation, parameter="sourceColumns"
            )
        super().check(schema)
        for column in self.source_columns:
            ltype = schema[column]
            bad = ltype in NOT_RENDERABLE if self.accepted is None else ltype not in self.accepted
            if bad:
                allowed = (
                    "a column with a text form"
                    if self.accepted is None
                    else " or ".join(t.value for t in self.accepted)
                )
                raise ParameterError(
                    f"column {column!r} is {ltype.value}; this needs {allowed}",
                    operation=self.operation,
                    parameter="sourceColumns",
                    column=column,
                )

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: PandasContext, index: int) -> pd.Series:
        raise NotImplementedError

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: SparkContext, index: int) -> SparkColumn:
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        schema = ctx.schema_of(df)
        return {c: self.pandas_value(df[c], schema[c], ctx, i) for i, c in enumerate(self.source_columns)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        schema = ctx.schema_of(df)
        return {c: self.spark_value(scol(c), schema[c], ctx, i) for i, c in enumerate(self.source_columns)}
