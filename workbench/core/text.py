"""Text helpers shared by the text, clean, extract and sensitive-data transforms.

The explicit character classes (read identically by RE2 and Java), refusing patterns that can
match empty text, code-point slicing, position checks, and the text-function families.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.errors import ParameterError
from workbench.core.families import ColumnOrValue
from workbench.core.lazy import F
from workbench.core.params import Regex, TextColumn
from workbench.core.regex import java_regex, noncapturing
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column

WHITESPACE = " \t\n\x0b\f\r"
"""The characters Workbench calls whitespace: ASCII space, TAB, LF, VT, FF and CR."""

WHITESPACE_CLASS = r"\t\n\x0B\f\r "
"""Body of a regex character class matching ``WHITESPACE`` (same meaning in RE2 and Java)."""

MAX_LENGTH = 2**31 - 1
"""Longer than any Spark string: 'to the end' for Spark's substring."""


def literal_class(characters: str) -> str:
    """Body of a character class matching exactly ``characters`` (each one escaped as \\x{...})."""
    return "".join(f"\\x{{{ord(ch):04X}}}" for ch in dict.fromkeys(characters))


def matches_empty(pattern: str) -> bool:
    """True when ``pattern`` can match empty text (probed at the edges of a few strings).

    RE2 and Java do not agree where a global replace repeats an empty match, so replacing
    steps refuse such patterns.
    """
    probes = pa.array(["", "a", "a b", "1-Z."], pa.large_string())
    inner = noncapturing(pattern)
    for wrapped in (f"^(?P<m>{inner})", f"(?P<m>{inner})\\z"):
        found = pc.struct_field(pc.extract_regex(probes, wrapped), [0])
        if pc.any(pc.equal(found, "")).as_py():
            return True
    return False


def refuse_empty_matches(pattern: str, operation: str, parameter: str) -> None:
    """Raise a ParameterError when a replacing step's pattern can match empty text."""
    if matches_empty(pattern):
        raise ParameterError(
            "the pattern can match empty text; make it match at least one character "
            "(for example '+' instead of '*')",
            operation=operation,
            parameter=parameter,
        )


def slice_pandas(a: Any, start: int, stop: int | None) -> Any:
    """Code points ``start``..``stop`` (half-open, 0-based) of an Arrow string array."""
    return pc.utf8_slice_codeunits(a, start, stop) if stop is not None else pc.utf8_slice_codeunits(a, start)


def slice_spark(c: Column, start: int, stop: int | None) -> Column:
    """Code points ``start``..``stop`` (half-open, 0-based) of a Spark string column."""
    length = MAX_LENGTH if stop is None else max(stop - start, 0)
    return F.substring(c, start + 1, length)


def check_range(operation: str, start: int, end: int) -> None:
    """Positions are 0-based and the range must not run backwards."""
    if start < 0:
        raise ParameterError("a position cannot be negative", operation=operation, parameter="startPosition")
    if end < start:
        raise ParameterError(
            "endPosition must not be smaller than startPosition", operation=operation, parameter="endPosition"
        )


def check_not_negative(operation: str, parameter: str, value: int) -> None:
    if value < 0:
        raise ParameterError(f"{parameter} cannot be negative", operation=operation, parameter=parameter)


def combined(a: Any) -> pa.Array:
    """One contiguous Arrow array (a chunked array's chunks joined)."""
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


# --- families of text functions -----------------------------------------------------------


class TextFunction(ColumnOrValue):
    """A text function of ``sourceColumn`` (a text column) or a literal ``value``."""

    abstract: ClassVar[bool] = True
    source_column: TextColumn | None = None

    def result_type(self, source: LType) -> LType:
        return LType.STRING


class PatternTest(TextFunction):
    """True when the text matches the wrapped pattern; null for null text."""

    abstract: ClassVar[bool] = True
    pattern: Regex

    def wrapped(self) -> str:
        raise NotImplementedError

    def result_type(self, source: LType) -> LType:
        return LType.BOOLEAN

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(pc.match_substring_regex(arr(s), self.wrapped()), s)

    def spark_map(self, c: Column) -> Column:
        return c.rlike(java_regex(self.wrapped()))
