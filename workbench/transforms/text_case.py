"""Clean: change the case of text in place."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.case_mapping import lower_pandas, upper_pandas
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
            given={"city": ["Paris", "new york", None, "", "straße", "ﬁne"]},
            params={"sourceColumn": "city"},
            expect={"city": ["PARIS", "NEW YORK", None, "", "STRASSE", "FINE"]},
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(upper_pandas(arr(s)), s)

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
        return wrap(lower_pandas(arr(s)), s)

    def spark_map(self, c: Column) -> Column:
        return F.lower(c)


class CapitalCase(InPlace):
    """Capitalise the first letter of every word and lower-case the rest.

    Words are separated by spaces, as DataBrew's Spark runtime does: "o'neil-smith" becomes
    "O'neil-smith" and "3rd street" becomes "3rd Street".
    """

    operation = "CAPITAL_CASE"
    category = Category.FORMAT
    source_column: TextColumn
    examples: ClassVar = (
        Example(
            given={"name": ["jane DOE", "o'neil-smith", None, "", "  two  spaces", "3rd élan"]},
            params={"sourceColumn": "name"},
            expect={"name": ["Jane Doe", "O'neil-smith", None, "", "  Two  Spaces", "3rd Élan"]},
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        words = pc.split_pattern(arr(s).combine_chunks(), " ")
        capitalised = pc.utf8_capitalize(pc.list_flatten(words))
        rebuilt = type(words).from_arrays(words.offsets, capitalised, mask=words.is_null())
        return wrap(pc.binary_join(rebuilt, pa.scalar(" ", pa.large_string())), s)

    def spark_map(self, c: Column) -> Column:
        return F.initcap(c)


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
