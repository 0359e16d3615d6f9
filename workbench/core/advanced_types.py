"""The base of the advanced-data-type steps: their shared parameters, validation and engine code,
and the values their examples read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.advanced_values import RULES, AdvancedType, Detail, check_detail
from workbench.core.errors import ParameterError
from workbench.core.lazy import F
from workbench.core.params import Column, enum_param
from workbench.core.registry import Transform
from workbench.core.types import Schema
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


def _text_pandas(s: pd.Series) -> Any:
    values = arr(s)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = pc.cast(values, pa.string())
    return pc.utf8_trim(values, " ")


def _text_spark(c: SparkColumn) -> SparkColumn:
    return F.trim(c.cast("string"))


def matches_pandas(detail: Any, values: list[str]) -> Any:
    """True where the detail is one of ``values`` (compared without regard to case); false for no detail."""
    wanted = pa.array(sorted({v.lower() for v in values}), pa.string())
    return pc.fill_null(pc.is_in(pc.utf8_lower(detail), wanted), False)


def matches_spark(detail: SparkColumn, values: list[str]) -> SparkColumn:
    """``matches_pandas`` on Spark."""
    wanted = sorted({v.lower() for v in values})
    hit = F.lower(detail).isin(*wanted) if wanted else F.lit(False)
    return F.coalesce(hit, F.lit(False))


class AdvancedDetail(Transform):
    """Shared parameters, validation and engine code of the advanced-data-type steps."""

    abstract: ClassVar[bool] = True
    source_column: Column
    advanced_data_type: enum_param(AdvancedType)  # type: ignore[valid-type]
    pattern: enum_param(Detail)  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _known_detail(self) -> AdvancedDetail:
        check_detail(self.operation, self.advanced_data_type, self.pattern)
        return self

    def check_types(self, schema: Schema) -> None:
        allowed = RULES[self.advanced_data_type].input_types
        ltype = schema[self.source_column].value
        if ltype not in allowed:
            raise ParameterError(
                f"column {self.source_column!r} is {ltype}; {self.advanced_data_type.value} values need "
                + " or ".join(sorted(allowed)),
                operation=self.operation,
                parameter="sourceColumn",
                column=self.source_column,
            )

    def detail_pandas(self, s: pd.Series) -> Any:
        rule = RULES[self.advanced_data_type]
        return rule.pandas(_text_pandas(s))[rule.details[self.pattern]]

    def detail_spark(self, c: SparkColumn) -> SparkColumn:
        rule = RULES[self.advanced_data_type]
        return rule.spark(_text_spark(c))[rule.details[self.pattern]]


# The examples' inputs: valid and invalid values, empty text, null and non-ASCII text.
EMAILS = [
    "Ann@Example.COM",
    "bob.smith@mail.example.co.uk",
    "no-at-sign",
    "a..b@example.com",
    "",
    None,
    "ü@example.com",
]
URLS = [
    "https://Shop.Example.com/cart?id=1",
    "ftp://files.example.org:21/a.txt",
    "www.example.net/path",
    "http://10.0.0.1:8080/",
    "mailto:ann@example.com",
    "http://example.com:0/",
    "",
    None,
]
CARDS = [
    "4111 1111 1111 1111",
    "5500-0000-0000-0004",
    "340000000000009",
    "4111 1111 1111 1112",
    "1234 5678 9012 3456",
    "",
    None,
    "\uff14\uff11\uff11\uff11111111111111",
]
PHONES = [
    "(212) 555-0123",
    "+1 415.555.0199 ext. 12",
    "2025550123",
    "+44 20 7946 0958",
    "(112) 555-0123",
    "",
    None,
]


def example_step(source: str, kind: str, detail: str, **more: Any) -> dict[str, Any]:
    """An example step's parameters."""
    return {"sourceColumn": source, "advancedDataType": kind, "pattern": detail, **more}
