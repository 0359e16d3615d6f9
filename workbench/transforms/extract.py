"""Extract: copy part of each value (between delimiters, between positions, a pattern) to a new column.

Conventions (they go into docs/semantics.md): the new column is text; when nothing is found
the new value is null (an empty match gives ""); positions are 0-based code-point offsets
with a half-open range; patterns are regexes of the RE2/Java common subset.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pandas as pd
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.families import Derive
from workbench.core.lazy import F
from workbench.core.params import Integer, Regex, TextColumn
from workbench.core.regex import java_regex, noncapturing
from workbench.core.registry import Category, Example
from workbench.core.text import check_range, slice_pandas, slice_spark
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column


class _Extract(Derive):
    """Writes a piece of a text column to ``targetColumn``."""

    abstract: ClassVar[bool] = True
    source_column: TextColumn

    def result_type(self, source: LType) -> LType:
        return LType.STRING


class _ExtractRegex(_Extract):
    """The text of one group of a wrapped regex at its first match; null without a match.

    ``pandas_pattern`` names the group ``x`` (pyarrow needs a named group); ``spark_pattern``
    has it as group 1. User patterns are made non-capturing, so there is no other group.
    """

    abstract: ClassVar[bool] = True

    def body(self, named: bool) -> str:
        raise NotImplementedError

    def pandas_map(self, s: pd.Series) -> pd.Series:
        found = pc.extract_regex(arr(s), self.body(named=True))
        return wrap(pc.struct_field(found, [0]), s)

    def spark_map(self, c: Column) -> Column:
        pattern = java_regex(self.body(named=False))
        return F.when(c.rlike(pattern), F.regexp_extract(c, pattern, 1))


def _group(inner: str, named: bool) -> str:
    return f"(?P<x>{inner})" if named else f"({inner})"


_URLS = ["https://aws.amazon.com/databrew/", "ftp://x", None, "none", "a//b/c//d/"]


class ExtractBetweenDelimiters(_ExtractRegex):
    """Copy the text between a start and an end delimiter (both regexes) into a new column.

    The first match of ``startPattern`` that is followed by a match of ``endPattern`` is used,
    with the nearest such end; the delimiters are not included. Without such a pair the new
    value is null; adjacent delimiters give "".
    """

    operation = "EXTRACT_BETWEEN_DELIMITERS"
    category = Category.EXTRACT
    start_pattern: Regex
    end_pattern: Regex
    examples: ClassVar = (
        Example(
            given={"info_url": _URLS},
            params={
                "sourceColumn": "info_url",
                "targetColumn": "raw_url",
                "startPattern": "\\/\\/",
                "endPattern": "\\/",
            },
            expect={"info_url": _URLS, "raw_url": ["aws.amazon.com", None, None, None, "b"]},
        ),
        Example(
            given={"t": ["[]", "x[a\nb]y", "(1)(2)"]},
            params={
                "sourceColumn": "t",
                "targetColumn": "inside",
                "startPattern": "[\\[(]",
                "endPattern": "[\\])]",
            },
            expect={"t": ["[]", "x[a\nb]y", "(1)(2)"], "inside": ["", "a\nb", "1"]},
            title="empty and multi-line content",
        ),
    )

    def body(self, named: bool) -> str:
        inner = _group("(?s:.*?)", named)
        return f"(?:{noncapturing(self.start_pattern)}){inner}(?:{noncapturing(self.end_pattern)})"


class ExtractPattern(_ExtractRegex):
    """Copy the first part of the text that matches a regex into a new column.

    Without a match the new value is null; a pattern that matches empty text can give "".
    """

    operation = "EXTRACT_PATTERN"
    category = Category.EXTRACT
    pattern: Regex
    examples: ClassVar = (
        Example(
            given={"addr": ["Main St 30001 US", "no zip", None, "12345 and 67890", ""]},
            params={"sourceColumn": "addr", "targetColumn": "zip", "pattern": "[0-9]{5}"},
            expect={
                "addr": ["Main St 30001 US", "no zip", None, "12345 and 67890", ""],
                "zip": ["30001", None, None, "12345", None],
            },
        ),
        Example(
            given={"t": ["Caf\u00e9 Noir", "x"]},
            params={"sourceColumn": "t", "targetColumn": "word", "pattern": "(\\p{Lu}\\p{Ll}+) "},
            expect={"t": ["Caf\u00e9 Noir", "x"], "word": ["Caf\u00e9 ", None]},
            title="groups do not matter: the whole match is copied",
        ),
    )

    def body(self, named: bool) -> str:
        return _group(noncapturing(self.pattern), named)


class ExtractBetweenPositions(_Extract):
    """Copy the characters from ``startPosition`` up to (not including) ``endPosition`` into a new column.

    Positions are 0-based code-point offsets (startPosition 3, endPosition 9 copies the 4th
    to the 9th character). Text shorter than ``startPosition`` gives "".
    """

    operation = "EXTRACT_BETWEEN_POSITIONS"
    category = Category.EXTRACT
    start_position: Integer
    end_position: Integer
    examples: ClassVar = (
        Example(
            given={"last_name": ["abcdefghijkl", "abc", None, "ab\U0001f600cdefghij", "abcde"]},
            params={
                "sourceColumn": "last_name",
                "targetColumn": "characters_3_to_9",
                "startPosition": "3",
                "endPosition": "9",
            },
            expect={
                "last_name": ["abcdefghijkl", "abc", None, "ab\U0001f600cdefghij", "abcde"],
                "characters_3_to_9": ["defghi", "", None, "cdefgh", "de"],
            },
        ),
    )

    @model_validator(mode="after")
    def _range(self) -> ExtractBetweenPositions:
        check_range(self.operation, self.start_position, self.end_position)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(slice_pandas(arr(s), self.start_position, self.end_position), s)

    def spark_map(self, c: Column) -> Column:
        return slice_spark(c, self.start_position, self.end_position)
