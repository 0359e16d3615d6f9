"""Functions: text — searching: the position of a regex match, and whether text starts or ends with one."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.lazy import F
from workbench.core.params import Boolean, Integer, Regex
from workbench.core.regex import java_regex, noncapturing
from workbench.core.registry import Category, Example
from workbench.core.text import (
    PatternTest,
    TextFunction,
    check_not_negative,
    slice_pandas,
    slice_spark,
)
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column

# --- searching -----------------------------------------------------------------------------


class _Find(TextFunction):
    """Shared body of FIND and RIGHT_FIND: the position of a regex match, or null."""

    abstract: ClassVar[bool] = True
    pattern: Regex
    position: Integer = 0
    ignore_case: Boolean = False

    @model_validator(mode="after")
    def _offset(self) -> _Find:
        check_not_negative(self.operation, "position", self.position)
        return self

    def scoped(self) -> str:
        """The user's pattern as one non-capturing group, case-insensitive when asked."""
        return f"(?{'i' if self.ignore_case else ''}:{noncapturing(self.pattern)})"

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER


class Find(_Find):
    """Write the 0-based position of the first match of a regex, searching from ``position``, or null.

    The search runs on the text from ``position`` onward (so "^" matches there) and the
    result counts code points from the left end of the whole text. No match, or a
    ``position`` past the end of the text, gives null. ``ignoreCase`` makes letters match in
    either case by Unicode simple case folding; the Turkish dotted capital I (U+0130) and dotless
    small i (U+0131) are a known exception: they also match "i"/"I" on Spark, not on pandas.
    """

    operation = "FIND"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given={"t": ["xyz", "hello", "HELLO", None, "\u00e9\U0001f600a"]},
            params={"sourceColumn": "t", "pattern": "[aeiou]", "targetColumn": "at"},
            expect={
                "t": ["xyz", "hello", "HELLO", None, "\u00e9\U0001f600a"],
                "at": [None, 1, None, None, 2],
            },
        ),
        Example(
            given={"t": ["xyz", "hello", "HELLO", None, "\u00e9\U0001f600a", "ab", "a"]},
            params={
                "sourceColumn": "t",
                "pattern": "[aeiou]",
                "position": "2",
                "ignoreCase": "true",
                "targetColumn": "at",
            },
            expect={
                "t": ["xyz", "hello", "HELLO", None, "\u00e9\U0001f600a", "ab", "a"],
                "at": [None, 4, 4, None, 2, None, None],
            },
            title="from position 2, ignoring case",
        ),
        Example(
            given={"t": ["\u00c9t\u00e9", "et\u00c9"]},
            params={"sourceColumn": "t", "pattern": "\u00e9", "ignoreCase": "true", "targetColumn": "at"},
            expect={"t": ["\u00c9t\u00e9", "et\u00c9"], "at": [0, 2]},
            title="non-ASCII letters ignoring case",
        ),
        Example(
            given={"t": ["\u0130stanbul", "D\u0131\u015f"]},
            params={"sourceColumn": "t", "pattern": "i", "ignoreCase": "true", "targetColumn": "at"},
            expect={"t": ["\u0130stanbul", "D\u0131\u015f"], "at": [None, None]},
            title="Turkish dotted and dotless i ignoring case",
            xfail={
                "spark": "Java's case-insensitive matching compares upper- and lower-case forms, so "
                "U+0130 and U+0131 match 'i'; RE2 uses Unicode case folding, where they fold "
                "only to themselves"
            },
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        a = arr(s)
        p = self.position
        found = pc.extract_regex(slice_pandas(a, p, None), f"^(?P<pre>(?s:.)*?){self.scoped()}")
        at = pc.cast(pc.add(pc.utf8_length(pc.struct_field(found, [0])), p), pa.int64())
        in_range = pc.greater_equal(pc.utf8_length(a), p)
        return wrap(pc.if_else(in_range, at, pa.scalar(None, pa.int64())), s)

    def spark_map(self, c: Column) -> Column:
        p = self.position
        pattern = java_regex(f"^((?s:.)*?){self.scoped()}")
        tail = slice_spark(c, p, None)
        at = F.length(F.regexp_extract(tail, pattern, 1)) + F.lit(p)
        return F.when((F.length(c) >= F.lit(p)) & tail.rlike(pattern), at.cast("long"))


class RightFind(_Find):
    """Write the 0-based position of the last match of a regex, ignoring the last ``position`` characters.

    The search runs on the text without its last ``position`` code points (so "$" matches
    there) and the result counts code points from the left end. No match, or a ``position``
    past the end of the text, gives null. ``ignoreCase`` matches letters in either case.
    """

    operation = "RIGHT_FIND"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given={"t": ["glass", "Moss Side", "xyz", None, "\U0001f600s"]},
            params={"sourceColumn": "t", "pattern": "s", "ignoreCase": "true", "targetColumn": "at"},
            expect={"t": ["glass", "Moss Side", "xyz", None, "\U0001f600s"], "at": [4, 5, None, None, 1]},
        ),
        Example(
            given={"t": ["glass", "Moss Side", "xyz", None, "\U0001f600s", ""]},
            params={
                "sourceColumn": "t",
                "pattern": "s",
                "position": "1",
                "ignoreCase": "false",
                "targetColumn": "at",
            },
            expect={
                "t": ["glass", "Moss Side", "xyz", None, "\U0001f600s", ""],
                "at": [3, 3, None, None, None, None],
            },
            title="skipping the last character",
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        a = arr(s)
        p = self.position
        region = slice_pandas(a, 0, -p) if p else a
        found = pc.extract_regex(region, f"^(?P<pre>(?s:.)*){self.scoped()}")
        at = pc.cast(pc.utf8_length(pc.struct_field(found, [0])), pa.int64())
        in_range = pc.greater_equal(pc.utf8_length(a), p)
        return wrap(pc.if_else(in_range, at, pa.scalar(None, pa.int64())), s)

    def spark_map(self, c: Column) -> Column:
        p = self.position
        pattern = java_regex(f"^((?s:.)*){self.scoped()}")
        region = F.left(c, F.length(c) - F.lit(p)) if p else c
        at = F.length(F.regexp_extract(region, pattern, 1))
        return F.when((F.length(c) >= F.lit(p)) & region.rlike(pattern), at.cast("long"))


class StartsWith(PatternTest):
    """Write true when the text begins with a match of a regex, else false (null text gives null).

    The result is a boolean column.
    """

    operation = "STARTS_WITH"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given={"t": ["12-ab", "ab-12", "", None]},
            params={"sourceColumn": "t", "pattern": "[0-9]+-", "targetColumn": "numbered"},
            expect={"t": ["12-ab", "ab-12", "", None], "numbered": [True, False, False, None]},
        ),
        Example(
            given={"t": ["cat", "dog", "bird"]},
            params={"sourceColumn": "t", "pattern": "c|d", "targetColumn": "cd"},
            expect={"t": ["cat", "dog", "bird"], "cd": [True, True, False]},
            title="alternatives",
        ),
    )

    def wrapped(self) -> str:
        return f"^(?:{self.pattern})"


class EndsWith(PatternTest):
    """Write true when the text ends with a match of a regex, else false (null text gives null).

    The match must reach the very end of the text (a final line break is not skipped). The
    result is a boolean column.
    """

    operation = "ENDS_WITH"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given={"f": ["a.csv", "b.CSV", "c.txt.gz", None, "x.txt", "y.csv\n"]},
            params={"sourceColumn": "f", "pattern": "\\.(csv|txt)", "targetColumn": "is_text"},
            expect={
                "f": ["a.csv", "b.CSV", "c.txt.gz", None, "x.txt", "y.csv\n"],
                "is_text": [True, False, False, None, True, False],
            },
        ),
    )

    def wrapped(self) -> str:
        return f"(?:{self.pattern})\\z"
