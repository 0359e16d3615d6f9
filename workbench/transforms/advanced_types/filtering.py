"""Invalid values: keep, drop or clear rows by a detail of an advanced data type."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.advanced_types import (
    EMAILS,
    PHONES,
    URLS,
    AdvancedDetail,
    example_step,
    matches_pandas,
    matches_spark,
)
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import TableTransform
from workbench.core.lazy import F, scol
from workbench.core.params import Boolean, TextList, enum_param
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, filter_rows, wrap

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkFrame


class FilterStrategy(str, Enum):
    """What ADVANCED_DATATYPE_FILTER does with the rows whose detail is one of the values."""

    KEEP_ROWS = "KEEP_ROWS"
    DISCARD_ROWS = "DISCARD_ROWS"
    CLEAR_FILTERS = "CLEAR_FILTERS"
    CLEAR_OTHERS = "CLEAR_OTHERS"


class AdvancedDatatypeFilter(AdvancedDetail, TableTransform):
    """Keep, drop or clear rows by a detail of an advanced data type (card network, email domain...).

    ``KEEP_ROWS`` keeps the rows whose detail is one of ``filterValues`` (compared without regard
    to case), ``DISCARD_ROWS`` drops them; values that are not valid instances have no detail, so
    they never match. ``CLEAR_FILTERS`` clears the source value in matching rows, ``CLEAR_OTHERS``
    in all other rows: to null, or to empty text with ``clearWithEmpty`` (text columns only).
    """

    operation = "ADVANCED_DATATYPE_FILTER"
    category = Category.INVALID
    keeps_row_position: ClassVar[bool] = True
    filter_values: TextList
    strategy: enum_param(FilterStrategy)  # type: ignore[valid-type]
    clear_with_empty: Boolean = False
    examples: ClassVar = (
        Example(
            given={"url": URLS, "n": [1, 2, 3, 4, 5, 6, 7, 8]},
            params=example_step(
                "url", "URL", "PROTOCOL", filterValues=["https", "HTTP"], strategy="KEEP_ROWS"
            ),
            expect={"url": ["https://Shop.Example.com/cart?id=1", "http://10.0.0.1:8080/"], "n": [1, 4]},
            title="keep web pages",
        ),
        Example(
            given={"phone": PHONES},
            params=example_step(
                "phone", "Phone", "AREA_CODE", filterValues=["212", "202"], strategy="DISCARD_ROWS"
            ),
            expect={"phone": ["+1 415.555.0199 ext. 12", "+44 20 7946 0958", "(112) 555-0123", "", None]},
            title="drop two area codes; invalid numbers stay",
        ),
        Example(
            given={"email": EMAILS},
            params=example_step(
                "email", "Email", "DOMAIN", filterValues=["example.com"], strategy="CLEAR_FILTERS"
            ),
            expect={"email": [None, *EMAILS[1:]]},
            title="clear matching values",
        ),
        Example(
            given={"email": EMAILS},
            params=example_step(
                "email",
                "Email",
                "DOMAIN",
                filterValues=["example.com"],
                strategy="CLEAR_OTHERS",
                clearWithEmpty=True,
            ),
            expect={"email": ["Ann@Example.COM", "", "", "", "", "", ""]},
            title="clear every other value to empty text",
        ),
        Example(
            given={"card": [4111111111111111, 5500000000000004, None]},
            params=example_step(
                "card", "Credit Card", "NETWORK", filterValues=["Visa"], strategy="CLEAR_OTHERS"
            ),
            expect={"card": [4111111111111111, None, None]},
            title="integer card numbers cleared to null",
        ),
    )

    def check_types(self, schema: Schema) -> None:
        super().check_types(schema)
        if self.clear_with_empty and schema[self.source_column] is not LType.STRING:
            raise ParameterError(
                f"column {self.source_column!r} is {schema[self.source_column].value}; "
                "clearWithEmpty needs a text column (clear to null instead)",
                operation=self.operation,
                parameter="clearWithEmpty",
                column=self.source_column,
            )

    def output_schema(self, schema: Schema) -> Schema:
        return dict(schema)

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        source = df[self.source_column]
        hit = matches_pandas(self.detail_pandas(source), self.filter_values)
        if self.strategy in (FilterStrategy.KEEP_ROWS, FilterStrategy.DISCARD_ROWS):
            keep = hit if self.strategy is FilterStrategy.KEEP_ROWS else pc.invert(hit)
            return filter_rows(df, np.asarray(pc.fill_null(keep, False).to_numpy(zero_copy_only=False), bool))
        clear = hit if self.strategy is FilterStrategy.CLEAR_FILTERS else pc.invert(hit)
        values = arr(source)
        blank = pa.scalar("" if self.clear_with_empty else None, values.type)
        out = df.copy(deep=False)
        out[self.source_column] = wrap(pc.if_else(clear, blank, values), source)
        return out

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        source = scol(self.source_column)
        hit = matches_spark(self.detail_spark(source), self.filter_values)
        if self.strategy is FilterStrategy.KEEP_ROWS:
            return df.filter(hit)
        if self.strategy is FilterStrategy.DISCARD_ROWS:
            return df.filter(~hit)
        clear = hit if self.strategy is FilterStrategy.CLEAR_FILTERS else ~hit
        blank = F.lit("") if self.clear_with_empty else F.lit(None).cast(dict(df.dtypes)[self.source_column])
        return df.withColumns({self.source_column: F.when(clear, blank).otherwise(source)})
