"""Invalid values: flag rows whose detail of an advanced data type is one of the given values."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.advanced_types import (
    CARDS,
    EMAILS,
    AdvancedDetail,
    example_step,
    matches_pandas,
    matches_spark,
)
from workbench.core.context import PandasContext, SparkContext
from workbench.core.families import ColumnFunction
from workbench.core.lazy import F, scol
from workbench.core.params import NewColumn, Text, TextList
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


def _flag_type(true_string: str | None, false_string: str | None) -> LType:
    return LType.BOOLEAN if true_string is None and false_string is None else LType.STRING


class AdvancedDatatypeFlag(AdvancedDetail, ColumnFunction):
    """Add a flag column saying whether a detail of an advanced data type is one of the given values.

    Values are compared without regard to case. A value that is not a valid instance of the type
    (or null) has no detail, so its flag is false. The flag is boolean unless ``trueString`` or
    ``falseString`` is given; then it is text, the missing one being "True" or "False".
    """

    operation = "ADVANCED_DATATYPE_FLAG"
    category = Category.INVALID
    target_column: NewColumn
    filter_values: TextList
    true_string: Text | None = None
    false_string: Text | None = None
    examples: ClassVar = (
        Example(
            given={"email": EMAILS},
            params=example_step("email", "Email", "TLD", targetColumn="uk", filterValues='["UK", "fr"]'),
            expect={"email": EMAILS, "uk": [False, True, False, False, False, False, False]},
            title="addresses in the .uk or .fr domains",
        ),
        Example(
            given={"card": CARDS},
            params=example_step(
                "card",
                "Credit Card",
                "NETWORK",
                targetColumn="amex",
                filterValues=["American Express", "visa"],
                trueString="yes",
            ),
            expect={
                "card": CARDS,
                "amex": ["yes", "False", "yes", "False", "False", "False", "False", "False"],
            },
            title="text flags",
        ),
    )

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: _flag_type(self.true_string, self.false_string)}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        hit = matches_pandas(self.detail_pandas(df[self.source_column]), self.filter_values)
        if self.true_string is not None or self.false_string is not None:
            yes = "True" if self.true_string is None else self.true_string
            no = "False" if self.false_string is None else self.false_string
            hit = pc.if_else(hit, pa.scalar(yes, pa.large_string()), pa.scalar(no, pa.large_string()))
        return {self.target_column: wrap(hit, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        hit = matches_spark(self.detail_spark(scol(self.source_column)), self.filter_values)
        if self.true_string is not None or self.false_string is not None:
            yes = "True" if self.true_string is None else self.true_string
            no = "False" if self.false_string is None else self.false_string
            hit = F.when(hit, F.lit(yes)).otherwise(F.lit(no))
        return {self.target_column: hit}
