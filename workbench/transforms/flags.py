"""Create: flag columns that say whether a value is null or matches a pattern.

Flag columns are boolean when neither ``trueString`` nor ``falseString`` is given. When either
is given the flag is a text column holding those strings; the one not given defaults to
"True" or "False". A flag is never null.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, ClassVar

import pandas as pd
import pyarrow.compute as pc

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.families import ColumnFunction
from workbench.core.fill_values import require_scalar
from workbench.core.flagging import flag_ltype, flag_pandas, flag_spark
from workbench.core.lazy import F, scol
from workbench.core.params import Column, NewColumn, Regex, Text, enum_param
from workbench.core.regex import java_regex
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


# --- steps -------------------------------------------------------------------------------


class NullFlag(str, Enum):
    """FLAG_COLUMN_FROM_NULL's only flag type."""

    NULL_VALUES = "Null values"


class PatternFlag(str, Enum):
    """FLAG_COLUMN_FROM_PATTERN's only flag type."""

    PATTERN = "Pattern"


class FlagColumnFromNull(ColumnFunction):
    """Add a column that says whether each value of a column is null.

    Null, and NaN in a double column, are flagged; an empty string is a value, not a null
    (use the IS_MISSING condition for "missing"). Boolean flag unless trueString/falseString
    are given, then text ("True"/"False" stand in for the one not given).
    """

    operation = "FLAG_COLUMN_FROM_NULL"
    category = Category.CREATE
    source_column: Column
    target_column: NewColumn
    flag_type: enum_param(NullFlag)  # type: ignore[valid-type]
    true_string: Text | None = None
    false_string: Text | None = None
    examples: ClassVar = (
        Example(
            given={"x": ["a", None, "", "ñ"]},
            params={"sourceColumn": "x", "targetColumn": "x_null", "flagType": "Null values"},
            expect={"x": ["a", None, "", "ñ"], "x_null": [False, True, False, False]},
        ),
        Example(
            given={"v": [1.5, float("nan"), None], "k": [1, 2, 3]},
            params={
                "sourceColumn": "v",
                "targetColumn": "v_flag",
                "flagType": "Null values",
                "trueString": "missing",
                "falseString": "present",
            },
            expect={
                "v": [1.5, float("nan"), None],
                "v_flag": ["present", "missing", "missing"],
                "k": [1, 2, 3],
            },
        ),
        Example(
            given={"n": [None, 2]},
            params={"sourceColumn": "n", "targetColumn": "f", "flagType": "Null values", "trueString": "yes"},
            schema={"n": "integer"},
            expect={"n": [None, 2], "f": ["yes", "False"]},
        ),
    )

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: flag_ltype(self.true_string, self.false_string)}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        s = df[self.source_column]
        hit = pc.is_null(arr(s), nan_is_null=True)
        return {self.target_column: flag_pandas(hit, s, self.true_string, self.false_string)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        c = scol(self.source_column)
        hit = c.isNull()
        if ctx.schema_of(df)[self.source_column] is LType.DOUBLE:
            hit = hit | F.isnan(c)
        return {self.target_column: flag_spark(hit, self.true_string, self.false_string)}


class FlagColumnFromPattern(ColumnFunction):
    """Add a column that says whether each value of a column matches a regular expression.

    The pattern matches anywhere in the value (anchor it with ^ and $ to match the whole
    value); "." and lengths count code points. Numbers, dates and booleans are matched in
    their text form (as CHANGE_DATA_TYPE to string writes them). A null never matches.
    Boolean flag unless trueString/falseString are given, then text.
    """

    operation = "FLAG_COLUMN_FROM_PATTERN"
    category = Category.CREATE
    source_column: Column
    target_column: NewColumn
    flag_type: enum_param(PatternFlag)  # type: ignore[valid-type]
    pattern: Regex
    true_string: Text | None = None
    false_string: Text | None = None
    examples: ClassVar = (
        Example(
            given={"zip": ["12345", "1234", None, "", "١٢٣٤٥", "12345-6789"]},
            params={
                "sourceColumn": "zip",
                "targetColumn": "zip_is_5_digits",
                "flagType": "Pattern",
                "pattern": "^[0-9]{5}$",
                "trueString": "yes",
                "falseString": "no",
            },
            expect={
                "zip": ["12345", "1234", None, "", "١٢٣٤٥", "12345-6789"],
                "zip_is_5_digits": ["yes", "no", "no", "no", "no", "no"],
            },
        ),
        Example(
            given={"w": ["été", "café", None, "ab"]},
            params={"sourceColumn": "w", "targetColumn": "three", "flagType": "Pattern", "pattern": "^.{3}$"},
            expect={"w": ["été", "café", None, "ab"], "three": [True, False, False, False]},
        ),
        Example(
            given={"n": [-5, 30, None]},
            params={"sourceColumn": "n", "targetColumn": "neg", "flagType": "Pattern", "pattern": "-|0$"},
            expect={"n": [-5, 30, None], "neg": [True, True, False]},
        ),
        Example(
            given={"x": [2.5, 3.0, None]},
            params={
                "sourceColumn": "x",
                "targetColumn": "whole",
                "flagType": "Pattern",
                "pattern": "^[0-9]+$",
            },
            expect={"x": [2.5, 3.0, None], "whole": [False, True, False]},
        ),
    )

    def check(self, schema: Schema) -> None:
        super().check(schema)
        require_scalar(self, schema, self.source_column)

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: flag_ltype(self.true_string, self.false_string)}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        s = df[self.source_column]
        ltype = ctx.schema_of(df)[self.source_column]
        text = arr(s) if ltype is LType.STRING else arr(cast_pandas(s, ltype, LType.STRING))
        hit = pc.match_substring_regex(text, self.pattern)
        return {self.target_column: flag_pandas(hit, s, self.true_string, self.false_string)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        c = scol(self.source_column)
        ltype = ctx.schema_of(df)[self.source_column]
        text = c if ltype is LType.STRING else cast_spark(c, ltype, LType.STRING)
        matched = text.rlike(java_regex(self.pattern))
        return {self.target_column: flag_spark(matched, self.true_string, self.false_string)}
