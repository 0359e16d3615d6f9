"""Format phone numbers: text read as phone numbers and written in the E.164 form.

Both engines run the same code from the ``phonenumbers`` library (the maintained port of
libphonenumber): pandas calls it on the distinct values of a column, Spark through a vectorised
pandas UDF, so a recipe gives the same text on either.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import F, scol
from workbench.core.params import Text, TextColumn, enum_param
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


class PhoneNumberFormat(str, Enum):
    """The written form of a phone number; DataBrew offers E.164 only."""

    E164 = "E164"


def _regions() -> frozenset[str]:
    import phonenumbers

    return frozenset(phonenumbers.SUPPORTED_REGIONS)


def format_e164(texts: list[Any], regions: list[Any]) -> list[Any]:
    """Each text as an E.164 number, or unchanged when it is not a valid phone number.

    ``regions`` holds the region (ISO 3166-1 alpha-2 code, any case) a number without a
    country code belongs to, or None. Parsing a phone number is inherently per value, so this
    runs once per distinct (text, region) pair rather than once per row.
    """
    import phonenumbers

    known = _regions()
    done: dict[tuple[Any, Any], Any] = {}
    out: list[Any] = []
    for text, region in zip(texts, regions, strict=True):
        key = (text, region)
        if key not in done:
            done[key] = _format_one(phonenumbers, text, region, known)
        out.append(done[key])
    return out


def _format_one(phonenumbers: Any, text: Any, region: Any, known: frozenset[str]) -> Any:
    if text is None or (isinstance(text, float) and text != text):
        return None
    code = region.strip().upper() if isinstance(region, str) else None
    try:
        number = phonenumbers.parse(text, code if code in known else None)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(number):
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _spark_format(texts: pd.Series, regions: pd.Series) -> pd.Series:
    """The pandas UDF body Spark runs on its executors."""
    return pd.Series(format_e164(texts.tolist(), regions.tolist()), dtype=object)


class FormatPhoneNumber(ColumnFunction):
    """Rewrite phone numbers in a text column in the international E.164 form (+4722123456).

    A number without a country code is read as a number of ``defaultRegion`` or, when given, of
    the region code in ``defaultRegionColumn`` on the same row (the column wins where it holds a
    known code). Regions are ISO 3166-1 two-letter codes in any case. Text that is not a valid
    phone number for its region (too short, unknown country code, letters that spell no number)
    is left as it was; null stays null. Numbers are checked with libphonenumber's metadata
    (the ``phonenumbers`` package), the same on pandas and Spark.
    """

    operation = "FORMAT_PHONE_NUMBER"
    category = Category.FORMAT
    source_column: TextColumn
    phone_number_format: enum_param(PhoneNumberFormat) = PhoneNumberFormat.E164  # type: ignore[valid-type]
    default_region: Text | None = None
    default_region_column: TextColumn | None = None
    examples: ClassVar = (
        Example(
            title="numbers without a country code belong to defaultRegion",
            given={
                "phone": [
                    "(206) 342-8631",
                    "+47 22 12 34 56",
                    "+44 20 7946 0958",
                    "1-800-FLOWERS",
                    "12",
                    "not a phone",
                    "",
                    None,
                ]
            },
            params={"sourceColumn": "phone", "phoneNumberFormat": "E164", "defaultRegion": "US"},
            expect={
                "phone": [
                    "+12063428631",
                    "+4722123456",
                    "+442079460958",
                    "+18003569377",
                    "12",
                    "not a phone",
                    "",
                    None,
                ]
            },
        ),
        Example(
            title="a region column on each row; unknown or missing codes fall back to defaultRegion",
            given={
                "phone": ["22 12 34 56", "020 7946 0958", "(206) 342-8631", "٠٢٠ ٧٩٤٦ ٠٩٥٨", "22 12 34 56"],
                "country": ["no", "GB", None, "GB", "Atlantis"],
            },
            params={"sourceColumn": "phone", "defaultRegion": "us", "defaultRegionColumn": "country"},
            expect={
                "phone": ["+4722123456", "+442079460958", "+12063428631", "+442079460958", "22 12 34 56"],
                "country": ["no", "GB", None, "GB", "Atlantis"],
            },
        ),
        Example(
            title="without a region only numbers with a country code are formatted",
            given={"phone": ["+1 206 342 8631", "206 342 8631", "+999 1234", None]},
            params={"sourceColumn": "phone"},
            expect={"phone": ["+12063428631", "206 342 8631", "+999 1234", None]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> FormatPhoneNumber:
        if self.default_region is not None:
            code = self.default_region.strip().upper()
            if code not in _regions():
                raise ParameterError(
                    f"{self.default_region!r} is not a known two-letter region code (such as US or NO)",
                    operation=self.operation,
                    parameter="defaultRegion",
                )
        return self

    def anchor(self) -> str | None:
        return self.source_column

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.source_column: LType.STRING}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        source = df[self.source_column]
        texts = arr(source).to_pylist()
        fallback = self.default_region
        if self.default_region_column is None:
            regions: list[Any] = [fallback] * len(texts)
        else:
            known = _regions()
            regions = [
                r if isinstance(r, str) and r.strip().upper() in known else fallback
                for r in arr(df[self.default_region_column]).to_pylist()
            ]
        return {self.source_column: wrap(pa.array(format_e164(texts, regions), pa.large_string()), source)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        udf = F.pandas_udf(_spark_format, "string")
        fallback = F.lit(self.default_region).cast("string")
        if self.default_region_column is None:
            region = fallback
        else:
            given = scol(self.default_region_column)
            known = F.upper(F.trim(given)).isin(sorted(_regions()))
            region = F.when(known, given).otherwise(fallback)
        return {self.source_column: udf(scol(self.source_column), region)}
