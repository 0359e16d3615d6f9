"""Extract: a detail of an advanced data type (email domain, URL protocol, card network...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pandas as pd

from workbench.core.advanced_types import CARDS, EMAILS, PHONES, URLS, AdvancedDetail, example_step
from workbench.core.context import PandasContext, SparkContext
from workbench.core.families import ColumnFunction
from workbench.core.lazy import scol
from workbench.core.params import NewColumn
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


class ExtractAdvancedDatatypeDetails(AdvancedDetail, ColumnFunction):
    """Write a detail of an advanced data type (email domain, URL protocol, card network...) to a new column.

    Values that are not valid instances of the type (and nulls) give null. Domains, top-level
    domains and protocols are written in lower case; the card length counts its digits.
    """

    operation = "EXTRACT_ADVANCED_DATATYPE_DETAILS"
    category = Category.EXTRACT
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"email": EMAILS},
            params=example_step("email", "Email", "DOMAIN", targetColumn="domain"),
            expect={
                "email": EMAILS,
                "domain": ["example.com", "mail.example.co.uk", None, None, None, None, None],
            },
            title="email domain; invalid addresses, empty text and null give null",
        ),
        Example(
            given={"url": URLS},
            params=example_step("url", "URL", "PROTOCOL", targetColumn="p"),
            expect={"url": URLS, "p": ["https", "ftp", None, "http", None, None, None, None]},
            title="URL protocol (none for a www. address)",
        ),
        Example(
            given={"url": URLS},
            params=example_step("url", "URL", "TLD", targetColumn="t"),
            expect={"url": URLS, "t": ["com", "org", "net", None, None, None, None, None]},
            title="top-level domain (none for an IP address)",
        ),
        Example(
            given={"card": CARDS},
            params=example_step("card", "Credit Card", "NETWORK", targetColumn="network"),
            expect={
                "card": CARDS,
                "network": ["Visa", "Mastercard", "American Express", None, None, None, None, None],
            },
            title="card network, only for numbers with a right Luhn check digit",
        ),
        Example(
            given={"card": [4111111111111111, 4012888888881881, 4111111111111112, None]},
            params=example_step("card", "Credit Card", "LENGTH", targetColumn="n"),
            expect={
                "card": [4111111111111111, 4012888888881881, 4111111111111112, None],
                "n": ["16", "16", None, None],
            },
            title="card numbers stored as integers",
        ),
        Example(
            given={"phone": PHONES},
            params=example_step("phone", "Phone", "AREA_CODE", targetColumn="area"),
            expect={"phone": PHONES, "area": ["212", "415", "202", None, None, None, None]},
            title="North American area codes",
        ),
    )

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.STRING}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        return {self.target_column: wrap(self.detail_pandas(df[self.source_column]), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        return {self.target_column: self.detail_spark(scol(self.source_column))}
