"""Merge: several columns into one text column."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import F, scol
from workbench.core.params import (
    Columns,
    NewColumn,
    Text,
)
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


# --- merge -----------------------------------------------------------------------------------


class _Merge(ColumnFunction):
    """Concatenate columns as text with an optional delimiter into ``targetColumn``."""

    abstract: ClassVar[bool] = True
    minimum: ClassVar[int] = 1
    source_columns: Columns
    delimiter: Text = " "
    target_column: NewColumn

    @model_validator(mode="after")
    def _enough(self) -> _Merge:
        if len(self.source_columns) < self.minimum:
            raise ParameterError(
                f"{self.operation} needs at least {self.minimum} column(s) in sourceColumns",
                operation=self.operation,
                parameter="sourceColumns",
            )
        return self

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.STRING}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        schema = ctx.schema_of(df)
        texts = [
            pc.cast(arr(cast_pandas(df[c], schema[c], LType.STRING)), pa.large_string())
            for c in self.source_columns
        ]
        delimiter = pa.scalar(self.delimiter, pa.large_string())
        # binary_join_element_wise(null_handling="skip") drops trailing all-null rows in
        # pyarrow 26, so nulls are skipped pairwise instead.
        merged = texts[0]
        for text in texts[1:]:
            both = pc.binary_join_element_wise(merged, text, delimiter)
            merged = pc.coalesce(both, merged, text)
        return {self.target_column: wrap(merged, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        schema = ctx.schema_of(df)
        texts = [cast_spark(scol(c), schema[c], LType.STRING) for c in self.source_columns]
        some = texts[0].isNotNull()
        for text in texts[1:]:
            some = some | text.isNotNull()
        return {self.target_column: F.when(some, F.concat_ws(self.delimiter, *texts))}


class Merge(_Merge):
    """Merge columns into a new text column, with an optional delimiter between the values.

    ``delimiter`` defaults to a single space: DataBrew console exports leave it out, and a real
    export merging Prefix, First_Name and Last_Name into Name only makes sense with it; give ""
    for none. Values that are not text are written by the CHANGE_DATA_TYPE rules (dates as
    yyyy-mm-dd, whole doubles without a fraction). A null value is skipped together with its
    delimiter; the result is null only when every value is null. The source columns stay.
    """

    operation = "MERGE"
    category = Category.MERGE
    examples: ClassVar = (
        Example(
            title="a real DataBrew export leaves the delimiter out: a space",
            given={
                "Prefix": ["MR.", "MS.", None],
                "First_Name": ["PAUL", None, None],
                "Last_Name": ["SHELTON", "JONES", None],
            },
            params={"sourceColumns": '["Prefix","First_Name","Last_Name"]', "targetColumn": "Name"},
            expect={
                "Prefix": ["MR.", "MS.", None],
                "Name": ["MR. PAUL SHELTON", "MS. JONES", None],
                "First_Name": ["PAUL", None, None],
                "Last_Name": ["SHELTON", "JONES", None],
            },
        ),
        Example(
            given={"first_name": ["Zoë", "", None], "age": [31, 7, None]},
            params={
                "delimiter": " ",
                "sourceColumns": ["first_name", "age"],
                "targetColumn": "Merged Column 1",
            },
            expect={
                "first_name": ["Zoë", "", None],
                "Merged Column 1": ["Zoë 31", " 7", None],
                "age": [31, 7, None],
            },
        ),
    )


class MergeColumnsAndValues(_Merge):
    """Concatenate the values of two or more columns as text into a new column.

    The delimiter goes between each two values (a single space by default, as for MERGE; give
    "" for none). Values that are not text are written by the CHANGE_DATA_TYPE rules; a null
    value is skipped together with its delimiter and the result is null only when every value
    is null.
    """

    operation = "MERGE_COLUMNS_AND_VALUES"
    category = Category.MERGE
    minimum: ClassVar[int] = 2
    examples: ClassVar = (
        Example(
            given={
                "last_name": ["Lovelace", "Hopper", None, "Noether"],
                "birth_date": ["1815-12-10", None, None, "1882-03-23"],
            },
            schema={"birth_date": "date"},
            params={
                "sourceColumns": '["last_name","birth_date"]',
                "delimiter": " was born on: ",
                "targetColumn": "merged_column",
            },
            expect={
                "last_name": ["Lovelace", "Hopper", None, "Noether"],
                "merged_column": [
                    "Lovelace was born on: 1815-12-10",
                    "Hopper",
                    None,
                    "Noether was born on: 1882-03-23",
                ],
                "birth_date": [dt.date(1815, 12, 10), None, None, dt.date(1882, 3, 23)],
            },
        ),
        Example(
            title="no delimiter",
            given={"a": [1.5, 2.0, None], "b": [True, None, False]},
            params={"sourceColumns": ["a", "b"], "targetColumn": "ab", "delimiter": ""},
            expect={"a": [1.5, 2.0, None], "ab": ["1.5true", "2", "false"], "b": [True, None, False]},
        ),
        Example(
            title="the default delimiter is a space",
            given={"a": ["x", "", None], "b": ["y", "z", None], "c": [1, None, 3]},
            params={"sourceColumns": ["a", "b", "c"], "targetColumn": "abc"},
            expect={
                "a": ["x", "", None],
                "abc": ["x y 1", " z", "3"],
                "b": ["y", "z", None],
                "c": [1, None, 3],
            },
        ),
    )
