"""Format: numbers written as text with a chosen precision, separators and unit abbreviation.

Both engines build the text from the same integer digits (Workbench never asks an engine to
print a double, as Java and Arrow print them differently): the number, divided by the unit,
is rounded half away from zero to ``decimalPlaces`` and split into its whole and fraction
digits as text; the whole digits are grouped in threes from the right.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import InPlace
from workbench.core.lazy import F, scol
from workbench.core.params import Integer, NumericColumn, Text, enum_param
from workbench.core.registry import Category, Example
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn

TEXT = pa.large_string()
_LONG_LIMIT = 9.2e18
"""Rounded digits at or beyond this do not fit a 64-bit integer: the value gives null."""
_TRIMMED_DIGITS = 6
_TRIMMED_LIMIT = 9.2e12
"""Without decimalPlaces, doubles print up to 6 decimals below this magnitude, whole above."""
_MAX_PLACES = 15
DECIMAL_SEPARATORS = (".", ",")
THOUSAND_SEPARATORS = (",", " ", ".", "\\")


class AbbreviatedUnit(str, Enum):
    """The unit numbers are divided by."""

    THOUSAND = "THOUSAND"
    MILLION = "MILLION"
    BILLION = "BILLION"
    TRILLION = "TRILLION"


_FACTORS = {"THOUSAND": 1e3, "MILLION": 1e6, "BILLION": 1e9, "TRILLION": 1e12}


def _digits_pandas(mag: Any, places: int) -> tuple[Any, Any, Any]:
    """(whole digits, fraction digits, fits) of non-negative doubles rounded to ``places``."""
    scaled = pc.round(pc.multiply(mag, float(10**places)), round_mode="half_towards_infinity")
    fits = pc.less(scaled, _LONG_LIMIT)
    text = pc.cast(pc.cast(pc.if_else(fits, scaled, 0.0), pa.int64()), TEXT)
    if places == 0:
        return text, pa.repeat(pa.scalar("", TEXT), len(text)), fits
    text = pc.utf8_lpad(text, places + 1, "0")
    return pc.utf8_slice_codeunits(text, 0, -places), pc.utf8_slice_codeunits(text, -places), fits


def _digits_spark(mag: SparkColumn, places: int) -> tuple[SparkColumn, SparkColumn, SparkColumn]:
    """(whole digits, fraction digits, fits) of non-negative doubles rounded to ``places``."""
    scaled = F.round(mag * F.lit(float(10**places)), 0)
    fits = scaled < F.lit(_LONG_LIMIT)
    text = scaled.cast("long").cast("string")
    if places == 0:
        return text, F.lit(""), fits
    # Spark's lpad also cuts longer text down to the length: pad only short digits.
    text = F.when(F.length(text) > places, text).otherwise(F.lpad(text, places + 1, "0"))
    return text.substr(F.lit(1), F.length(text) - F.lit(places)), F.substring(text, -places, places), fits


def _has_digit_pandas(digits: Any) -> Any:
    """True where the digits are not all zeros."""
    return pc.match_substring_regex(digits, "[1-9]")


class NumberFormat(InPlace):
    """Write the numbers of a column as text with chosen decimals, separators and a unit like K or M.

    decimalPlaces digits follow numericDecimalSeparator (``.`` or ``,``; default ``.``), rounded
    half away from zero; without decimalPlaces an integer column keeps all its digits and no
    fraction, other numbers up to 6 decimals without trailing zeros. numericThousandSeparator
    (``,``, space, ``.`` or ``\\``; none by default) groups the whole digits in threes.
    numericAbbreviatedUnit (THOUSAND, MILLION, BILLION, TRILLION) divides every number by that
    unit, and numericUnitAbbreviation (``K``, ``M``, ``bn`` or any text) is written after it.
    Null stays null; NaN and infinities give ``NaN``, ``Infinity``, ``-Infinity``; a number too
    large for the precision (10^decimalPlaces times it at or above 9.2e18) gives null. Decimal
    columns are formatted as doubles (about 15 significant digits).
    """

    operation = "NUMBER_FORMAT"
    category = Category.FORMAT
    source_column: NumericColumn
    decimal_places: Integer | None = None
    numeric_decimal_separator: Text = "."
    numeric_thousand_separator: Text | None = None
    numeric_abbreviated_unit: enum_param(AbbreviatedUnit) | None = None  # type: ignore[valid-type]
    numeric_unit_abbreviation: Text | None = None
    examples: ClassVar = (
        Example(
            given={"income": [1234567.891, -2500.0, 0.004, None, float("nan"), float("-inf")]},
            params={
                "sourceColumn": "income",
                "decimalPlaces": "2",
                "numericDecimalSeparator": ".",
                "numericThousandSeparator": ",",
            },
            expect={"income": ["1,234,567.89", "-2,500.00", "0.00", None, "NaN", "-Infinity"]},
            expect_schema={"income": "string"},
        ),
        Example(
            title="thousands abbreviated as K; -0.0004 K rounds to 0 without a minus sign",
            given={"income": [1234567.0, 999.5, -0.4, None]},
            params={
                "sourceColumn": "income",
                "decimalPlaces": "2",
                "numericAbbreviatedUnit": "THOUSAND",
                "numericUnitAbbreviation": "K",
            },
            expect={"income": ["1234.57K", "1.00K", "0.00K", None]},
        ),
        Example(
            title="European style: dot groups, comma decimals; an integer column keeps every digit",
            given={"n": [-9223372036854775807, 1000, 0, None, 999]},
            params={
                "sourceColumn": "n",
                "decimalPlaces": "1",
                "numericDecimalSeparator": ",",
                "numericThousandSeparator": ".",
            },
            expect={"n": ["-9.223.372.036.854.775.807,0", "1.000,0", "0,0", None, "999,0"]},
        ),
        Example(
            title="no decimalPlaces: integers whole, doubles up to 6 decimals",
            given={"x": [2.5, 1e13, 0.1234567, -3.0, None]},
            params={"sourceColumn": "x", "numericThousandSeparator": " "},
            expect={"x": ["2.5", "10 000 000 000 000", "0.123457", "-3", None]},
        ),
        Example(
            given={"views": [2500000, 1200000000, 1999, None]},
            params={
                "sourceColumn": "views",
                "decimalPlaces": "1",
                "numericThousandSeparator": "\\",
                "numericAbbreviatedUnit": "MILLION",
                "numericUnitAbbreviation": "百万",
            },
            expect={"views": ["2.5百万", "1\\200.0百万", "0.0百万", None]},
        ),
        Example(
            title="too many digits for the precision",
            given={"x": [1e17, 12.5]},
            params={"sourceColumn": "x", "decimalPlaces": "3"},
            expect={"x": [None, "12.500"]},
        ),
    )

    @model_validator(mode="after")
    def _separators(self) -> NumberFormat:
        op = self.operation
        if self.decimal_places is not None and not 0 <= self.decimal_places <= _MAX_PLACES:
            raise ParameterError(
                f"decimalPlaces must be 0 to {_MAX_PLACES}", operation=op, parameter="decimalPlaces"
            )
        if self.numeric_decimal_separator not in DECIMAL_SEPARATORS:
            raise ParameterError(
                f"numericDecimalSeparator must be '.' or ',' (got {self.numeric_decimal_separator!r})",
                operation=op,
                parameter="numericDecimalSeparator",
            )
        group = self.group_separator()
        if group is not None and group not in THOUSAND_SEPARATORS:
            raise ParameterError(
                f"numericThousandSeparator must be ',', ' ', '.' or '\\' (or null for none), not {group!r}",
                operation=op,
                parameter="numericThousandSeparator",
            )
        if group == self.numeric_decimal_separator:
            raise ParameterError(
                f"numericThousandSeparator {group!r} is also the decimal separator; choose another",
                operation=op,
                parameter="numericThousandSeparator",
            )
        if self.numeric_unit_abbreviation and self.numeric_abbreviated_unit is None:
            raise ParameterError(
                "numericUnitAbbreviation needs numericAbbreviatedUnit (the unit it abbreviates)",
                operation=op,
                parameter="numericUnitAbbreviation",
            )
        return self

    def group_separator(self) -> str | None:
        """The thousands separator; an empty one or the text "null" means none."""
        group = self.numeric_thousand_separator
        return None if group in (None, "", "null") else group

    def factor(self) -> float:
        unit = self.numeric_abbreviated_unit
        return 1.0 if unit is None else _FACTORS[unit.value]

    def result_type(self, source: LType) -> LType:
        return LType.STRING

    def _exact(self, ltype: LType) -> bool:
        """Integer columns without a unit are written from their own digits (all 19 of them)."""
        return ltype is LType.INTEGER and self.numeric_abbreviated_unit is None

    def _places(self) -> int:
        return self.decimal_places if self.decimal_places is not None else _TRIMMED_DIGITS

    def _suffix(self) -> str:
        return self.numeric_unit_abbreviation or ""

    # --- pandas ------------------------------------------------------------------------------

    def _group_pandas(self, whole: Any) -> Any:
        group = self.group_separator()
        if group is None:
            return whole
        escaped = group.replace("\\", "\\\\")
        grouped = pc.replace_substring_regex(pc.utf8_reverse(whole), "([0-9]{3})", "\\1" + escaped)
        return pc.utf8_reverse(pc.replace_substring_regex(grouped, f"[{escaped}]$", ""))

    def pandas_map(self, s: pd.Series) -> pd.Series:
        a = arr(s)
        n = len(a)
        if pa.types.is_integer(a.type) and self._exact(LType.INTEGER):
            whole = pc.replace_substring_regex(pc.cast(a, TEXT), "^-", "")
            places = self.decimal_places or 0
            fraction = pa.repeat(pa.scalar("0" * places, TEXT), n)
            negative = pc.less(a, 0)
            fits = pc.is_valid(a)
        else:
            y = a if a.type == pa.float64() else pc.cast(a, pa.float64(), safe=False)
            if self.factor() != 1.0:
                y = pc.divide(y, self.factor())
            finite = pc.is_finite(y)
            mag = pc.abs(pc.if_else(finite, y, 0.0))
            whole, fraction, fits = _digits_pandas(mag, self._places())
            if self.decimal_places is None:
                fraction = pc.replace_substring_regex(fraction, "0+$", "")
                big, _, big_fits = _digits_pandas(mag, 0)
                small = pc.less(mag, _TRIMMED_LIMIT)
                whole = pc.if_else(small, whole, big)
                fraction = pc.if_else(small, fraction, pa.scalar("", TEXT))
                fits = pc.if_else(small, fits, big_fits)
            nonzero = pc.or_(_has_digit_pandas(whole), _has_digit_pandas(fraction))
            negative = pc.and_(pc.less(y, 0.0), nonzero)
        body = self._group_pandas(whole)
        sep = pa.scalar(self.numeric_decimal_separator, TEXT)
        with_fraction = pc.binary_join_element_wise(body, fraction, sep)
        body = pc.if_else(pc.equal(fraction, ""), body, with_fraction)
        empty = pa.scalar("", TEXT)
        text = pc.binary_join_element_wise(
            pc.if_else(negative, pa.scalar("-", TEXT), empty), body, pa.scalar(self._suffix(), TEXT), empty
        )
        text = pc.if_else(fits, text, pa.scalar(None, TEXT))
        if pa.types.is_floating(a.type) or not self._exact(LType.INTEGER):
            y = pc.cast(a, pa.float64(), safe=False)
            text = pc.if_else(pc.is_nan(y), pa.scalar("NaN", TEXT), text)
            text = pc.if_else(pc.equal(y, float("inf")), pa.scalar("Infinity", TEXT), text)
            text = pc.if_else(pc.equal(y, float("-inf")), pa.scalar("-Infinity", TEXT), text)
        return wrap(text, s)

    # --- Spark -------------------------------------------------------------------------------

    def _group_spark(self, whole: SparkColumn) -> SparkColumn:
        group = self.group_separator()
        if group is None:
            return whole
        java = group.replace("\\", "\\\\")
        grouped = F.regexp_replace(F.reverse(whole), "([0-9]{3})", "$1" + java)
        return F.reverse(F.regexp_replace(grouped, f"[{java}]$", ""))

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        raise NotImplementedError  # the column's type decides the path: see spark_columns

    def spark_columns(self, df: Any, ctx: SparkContext) -> dict[str, SparkColumn]:
        c = scol(self.source_column)
        ltype = ctx.schema_of(df)[self.source_column]
        if self._exact(ltype):
            whole = F.regexp_replace(c.cast("string"), "^-", "")
            fraction = F.lit("0" * (self.decimal_places or 0))
            negative = c < 0
            fits = c.isNotNull()
            special = None
        else:
            y = c.cast("double")
            if self.factor() != 1.0:
                y = y / F.lit(self.factor())
            infinite = F.lit(float("inf"))
            finite = ~F.isnan(y) & (F.abs(y) < infinite)
            mag = F.abs(F.when(~finite, F.lit(0.0)).otherwise(y))
            whole, fraction, fits = _digits_spark(mag, self._places())
            if self.decimal_places is None:
                fraction = F.regexp_replace(fraction, "0+$", "")
                big, _, big_fits = _digits_spark(mag, 0)
                small = mag < F.lit(_TRIMMED_LIMIT)
                whole = F.when(small, whole).otherwise(big)
                fraction = F.when(small, fraction).otherwise(F.lit(""))
                fits = F.when(small, fits).otherwise(big_fits)
            nonzero = whole.rlike("[1-9]") | fraction.rlike("[1-9]")
            negative = (y < 0) & nonzero
            special = (
                F.when(F.isnan(y), F.lit("NaN"))
                .when(y == infinite, F.lit("Infinity"))
                .when(y == -infinite, F.lit("-Infinity"))
            )
        body = self._group_spark(whole)
        body = F.when(fraction == "", body).otherwise(
            F.concat(body, F.lit(self.numeric_decimal_separator), fraction)
        )
        sign = F.when(negative, F.lit("-")).otherwise(F.lit(""))
        text = F.when(fits, F.concat(sign, body, F.lit(self._suffix())))
        if special is not None:
            text = F.coalesce(special, text)
        return {self.source_column: text}
