"""Clean: change the case of text in place."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.case_mapping import lower_pandas, upper_pandas
from workbench.core.lazy import F
from workbench.core.registry import Category, Example
from workbench.core.table import declare, row
from workbench.core.text import MAX_LENGTH, TextInPlace, combined


def _capitalise_words(a: Any) -> Any:
    """Each space-separated word capitalised (what Spark's initcap does)."""
    words = pc.split_pattern(combined(a), " ")
    capitalised = pc.utf8_capitalize(pc.list_flatten(words))
    rebuilt = type(words).from_arrays(words.offsets, capitalised, mask=words.is_null())
    return pc.binary_join(rebuilt, pa.scalar(" ", pa.large_string()))


CASE_CHANGES = declare(
    TextInPlace,
    Category.FORMAT,
    __name__,
    row(
        "UPPER_CASE",
        """Change every letter of a text column to upper case.""",
        examples=(
            Example(
                given={"city": ["Paris", "new york", None, "", "straße", "ﬁne"]},
                params={"sourceColumn": "city"},
                expect={"city": ["PARIS", "NEW YORK", None, "", "STRASSE", "FINE"]},
            ),
        ),
        pandas=upper_pandas,
        spark=lambda c: F.upper(c),
    ),
    row(
        "LOWER_CASE",
        """Change every letter of a text column to lower case.""",
        examples=(
            Example(
                given={"city": ["Paris", "NEW York", None]},
                params={"sourceColumn": "city"},
                expect={"city": ["paris", "new york", None]},
            ),
        ),
        pandas=lower_pandas,
        spark=lambda c: F.lower(c),
    ),
    row(
        "CAPITAL_CASE",
        """Capitalise the first letter of every word and lower-case the rest.

        Words are separated by spaces, as DataBrew's Spark runtime does: "o'neil-smith" becomes
        "O'neil-smith" and "3rd street" becomes "3rd Street".
        """,
        examples=(
            Example(
                given={"name": ["jane DOE", "o'neil-smith", None, "", "  two  spaces", "3rd élan"]},
                params={"sourceColumn": "name"},
                expect={"name": ["Jane Doe", "O'neil-smith", None, "", "  Two  Spaces", "3rd Élan"]},
            ),
        ),
        pandas=_capitalise_words,
        spark=lambda c: F.initcap(c),
    ),
    row(
        "SENTENCE_CASE",
        """Capitalise the first letter of the text and lower-case the rest.""",
        examples=(
            Example(
                given={"note": ["hELLO World. bye", "x", None, ""]},
                params={"sourceColumn": "note"},
                expect={"note": ["Hello world. bye", "X", None, ""]},
            ),
        ),
        pandas=lambda a: pc.utf8_capitalize(a),
        spark=lambda c: F.concat(F.upper(F.substring(c, 1, 1)), F.lower(F.substring(c, 2, MAX_LENGTH))),
    ),
)
