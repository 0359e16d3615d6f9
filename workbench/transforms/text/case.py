"""Functions: text — length and case (LOWER, UPPER, PROPER use full Unicode mappings, as Spark does)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.case_mapping import lower_pandas, proper_pandas, proper_spark, upper_pandas
from workbench.core.families import ColumnOrValue
from workbench.core.lazy import F
from workbench.core.registry import Category, Example
from workbench.core.text import (
    TextFunction,
)
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column

# --- length and case -----------------------------------------------------------------------


class Len(TextFunction):
    """Write the number of characters of the text to a new column.

    Characters are Unicode code points (an emoji counts as one); spaces count. The result is
    an integer column; null text gives null.
    """

    operation = "LEN"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given={"name": ["Ann", "", None, "Zo\u00eb \U0001f600"]},
            params={"sourceColumn": "name", "targetColumn": "name_len"},
            expect={"name": ["Ann", "", None, "Zo\u00eb \U0001f600"], "name_len": [3, 0, None, 5]},
        ),
        ColumnOrValue.literal_example("h\u00e9llo", "n", 5),
    )

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(pc.cast(pc.utf8_length(arr(s)), pa.int64()), s)

    def spark_map(self, c: Column) -> Column:
        return F.length(c).cast("long")


_LOWER_IN = [
    "\u00c9COLE Stra\u00dfe",
    "\u039f\u0394\u039f\u03a3 \u03a3\u0391\u03a3",
    "\u0130stanbul",
    "\u041c\u043e\u0441\u043a\u0432\u0430",
    None,
    "",
]


class Lower(TextFunction):
    """Write a lower-case copy of the text to a new column.

    Uses full Unicode case mapping on both engines, as Spark does: a final capital sigma
    becomes "ς", "İ" becomes "i" plus a combining dot above.
    """

    operation = "LOWER"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given={"t": _LOWER_IN},
            params={"sourceColumn": "t", "targetColumn": "low"},
            expect={
                "t": _LOWER_IN,
                "low": [
                    "\u00e9cole stra\u00dfe",
                    "\u03bf\u03b4\u03bf\u03c2 \u03c3\u03b1\u03c2",
                    "i\u0307stanbul",
                    "\u043c\u043e\u0441\u043a\u0432\u0430",
                    None,
                    "",
                ],
            },
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(lower_pandas(arr(s)), s)

    def spark_map(self, c: Column) -> Column:
        return F.lower(c)


_UPPER_IN = ["stra\u00dfe", "\ufb01ne \u00e9lan", "\u043c\u043e\u0441\u043a\u0432\u0430", None, ""]


class Upper(TextFunction):
    """Write an upper-case copy of the text to a new column.

    Uses full Unicode case mapping on both engines, as Spark does: "ß" becomes "SS" and the
    ligature "ﬁ" becomes "FI".
    """

    operation = "UPPER"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given={"t": _UPPER_IN},
            params={"sourceColumn": "t", "targetColumn": "up"},
            expect={
                "t": _UPPER_IN,
                "up": ["STRASSE", "FINE \u00c9LAN", "\u041c\u041e\u0421\u041a\u0412\u0410", None, ""],
            },
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(upper_pandas(arr(s)), s)

    def spark_map(self, c: Column) -> Column:
        return F.upper(c)


_PROPER_IN = [
    "jane DOE",
    "o'neil-smith",
    "\u00e9lan \u00c9COLE",
    "\u01c6emal \u00dfen",
    "1st 2ND",
    "\u039f\u0394\u039f\u03a3",
    None,
    "",
]


class Proper(TextFunction):
    """Write a copy of the text with the first letter of every word capitalised and the rest lower case.

    A word is a run of letters, combining marks and digits; any other character separates
    words ("o'neil-smith" gives "O'Neil-Smith"; a word starting with a digit keeps it, "1st").
    The whole text is lower-cased first, then each word's first character is title-cased with
    full Unicode mappings on both engines ("ǆ" gives "ǅ", "ß" gives "Ss").
    """

    operation = "PROPER"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given={"t": _PROPER_IN},
            params={"sourceColumn": "t", "targetColumn": "p"},
            expect={
                "t": _PROPER_IN,
                "p": [
                    "Jane Doe",
                    "O'Neil-Smith",
                    "\u00c9lan \u00c9cole",
                    "\u01c5emal Ssen",
                    "1st 2nd",
                    "\u039f\u03b4\u03bf\u03c2",
                    None,
                    "",
                ],
            },
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(proper_pandas(arr(s)), s)

    def spark_map(self, c: Column) -> Column:
        return proper_spark(c)
