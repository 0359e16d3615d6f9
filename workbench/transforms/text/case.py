"""Functions: text — length and case (LOWER, UPPER, PROPER use full Unicode mappings, as Spark does)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.case_mapping import lower_pandas, proper_pandas, proper_spark, upper_pandas
from workbench.core.families import ColumnOrValue
from workbench.core.lazy import F
from workbench.core.registry import Category, Example
from workbench.core.table import declare, row
from workbench.core.text import TextFunction
from workbench.core.types import LType

# --- length and case -----------------------------------------------------------------------

_LOWER_IN = [
    "\u00c9COLE Stra\u00dfe",
    "\u039f\u0394\u039f\u03a3 \u03a3\u0391\u03a3",
    "\u0130stanbul",
    "\u041c\u043e\u0441\u043a\u0432\u0430",
    None,
    "",
]
_UPPER_IN = ["stra\u00dfe", "\ufb01ne \u00e9lan", "\u043c\u043e\u0441\u043a\u0432\u0430", None, ""]
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

LENGTH_AND_CASE = declare(
    TextFunction,
    Category.TEXT,
    __name__,
    row(
        "LEN",
        """Write the number of characters of the text to a new column.

        Characters are Unicode code points (an emoji counts as one); spaces count. The result is
        an integer column; null text gives null.
        """,
        examples=(
            Example(
                given={"name": ["Ann", "", None, "Zo\u00eb \U0001f600"]},
                params={"sourceColumn": "name", "targetColumn": "name_len"},
                expect={"name": ["Ann", "", None, "Zo\u00eb \U0001f600"], "name_len": [3, 0, None, 5]},
            ),
            ColumnOrValue.literal_example("h\u00e9llo", "n", 5),
        ),
        pandas=lambda a: pc.cast(pc.utf8_length(a), pa.int64()),
        spark=lambda c: F.length(c).cast("long"),
        result=LType.INTEGER,
    ),
    row(
        "LOWER",
        """Write a lower-case copy of the text to a new column.

        Uses full Unicode case mapping on both engines, as Spark does: a final capital sigma
        becomes "ς", "İ" becomes "i" plus a combining dot above.
        """,
        examples=(
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
        ),
        pandas=lower_pandas,
        spark=lambda c: F.lower(c),
    ),
    row(
        "UPPER",
        """Write an upper-case copy of the text to a new column.

        Uses full Unicode case mapping on both engines, as Spark does: "ß" becomes "SS" and the
        ligature "ﬁ" becomes "FI".
        """,
        examples=(
            Example(
                given={"t": _UPPER_IN},
                params={"sourceColumn": "t", "targetColumn": "up"},
                expect={
                    "t": _UPPER_IN,
                    "up": ["STRASSE", "FINE \u00c9LAN", "\u041c\u041e\u0421\u041a\u0412\u0410", None, ""],
                },
            ),
        ),
        pandas=upper_pandas,
        spark=lambda c: F.upper(c),
    ),
    row(
        "PROPER",
        """Write a copy of the text with the first letter of every word capitalised and the rest lower case.

        A word is a run of letters, combining marks and digits; any other character separates
        words ("o'neil-smith" gives "O'Neil-Smith"; a word starting with a digit keeps it, "1st").
        The whole text is lower-cased first, then each word's first character is title-cased with
        full Unicode mappings on both engines ("ǆ" gives "ǅ", "ß" gives "Ss").
        """,
        examples=(
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
        ),
        pandas=proper_pandas,
        spark=proper_spark,
    ),
)
