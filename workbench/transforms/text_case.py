"""Clean: change the case of text in place."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pandas as pd
import pyarrow.compute as pc

from workbench.core.families import InPlace
from workbench.core.lazy import F
from workbench.core.params import TextColumn
from workbench.core.registry import Category, Example
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column


class UpperCase(InPlace):
    """Change every letter of a text column to upper case."""

    operation = "UPPER_CASE"
    category = Category.FORMAT
    source_column: TextColumn
    examples: ClassVar = (
        Example(
            given={"city": ["Paris", "new york", None, ""]},
            params={"sourceColumn": "city"},
            expect={"city": ["PARIS", "NEW YORK", None, ""]},
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(pc.utf8_upper(arr(s)), s)

    def spark_map(self, c: Column) -> Column:
        return F.upper(c)


class LowerCase(InPlace):
    """Change every letter of a text column to lower case."""

    operation = "LOWER_CASE"
    category = Category.FORMAT
    source_column: TextColumn
    examples: ClassVar = (
        Example(
            given={"city": ["Paris", "NEW York", None]},
            params={"sourceColumn": "city"},
            expect={"city": ["paris", "new york", None]},
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(pc.utf8_lower(arr(s)), s)

    def spark_map(self, c: Column) -> Column:
        return F.lower(c)


class CapitalCase(InPlace):
    """Capitalise the first letter of every word and lower-case the rest.

    A word starts after any character that is not a letter or digit, on both engines.
    """

    operation = "CAPITAL_CASE"
    category = Category.FORMAT
    source_column: TextColumn
    examples: ClassVar = (
        Example(
            given={"name": ["jane DOE", "o'neil-smith", None, ""]},
            params={"sourceColumn": "name"},
            expect={"name": ["Jane Doe", "O'Neil-Smith", None, ""]},
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(pc.utf8_title(arr(s)), s)

    def spark_map(self, c: Column) -> Column:
        # initcap only breaks words at spaces; split at every non-alphanumeric instead.
        lowered = F.lower(c)
        return F.regexp_replace(
            F.initcap(F.regexp_replace(lowered, r"([^\p{L}\p{N} ])", "$1\u0000 ")),
            "\u0000 ",
            "",
        )


class SentenceCase(InPlace):
    """Capitalise the first letter of the text and lower-case the rest."""

    operation = "SENTENCE_CASE"
    category = Category.FORMAT
    source_column: TextColumn
    examples: ClassVar = (
        Example(
            given={"note": ["hELLO World. bye", "x", None, ""]},
            params={"sourceColumn": "note"},
            expect={"note": ["Hello world. bye", "X", None, ""]},
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(pc.utf8_capitalize(arr(s)), s)

    def spark_map(self, c: Column) -> Column:
        return F.concat(F.upper(F.substring(c, 1, 1)), F.lower(F.substring(c, 2, 2**31 - 1)))
