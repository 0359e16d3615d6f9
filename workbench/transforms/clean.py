"""Clean and format: quote, prefix and suffix values; remove characters; replace text in place.

Conventions (they go into docs/semantics.md): every step here rewrites ``sourceColumn``; a
null value stays null; positions are 0-based code-point offsets with a half-open range;
replacement ``value`` texts are literal (no group references); whitespace is the six ASCII
whitespace characters (see ``workbench.core.text``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field, model_validator

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import InPlace
from workbench.core.lazy import F, scol
from workbench.core.params import KIND, Boolean, Integer, ParamKind, Regex, Text, TextColumn
from workbench.core.regex import java_regex, java_replacement, noncapturing, re2_replacement
from workbench.core.registry import Category, Example
from workbench.core.text import (
    WHITESPACE,
    WHITESPACE_CLASS,
    check_range,
    literal_class,
    refuse_empty_matches,
    slice_spark,
)
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column
    from pyspark.sql import DataFrame as SparkFrame

ScalarColumn = Annotated[
    str,
    Field(
        json_schema_extra={
            KIND: ParamKind.COLUMN.value,
            "x-wb-types": ["string", "integer", "double", "decimal", "boolean", "date", "timestamp"],
        }
    ),
]
"""An existing column of any non-nested type (it is turned into text first)."""


# --- format: quotes, prefix, suffix --------------------------------------------------------


class _Decorate(InPlace):
    """Wraps every value in fixed text; non-text columns are converted to text first."""

    abstract: ClassVar[bool] = True
    source_column: ScalarColumn

    def before(self) -> str:
        return ""

    def after(self) -> str:
        return ""

    def result_type(self, source: LType) -> LType:
        return LType.STRING

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        source = ctx.schema_of(df[[self.source_column]])[self.source_column]
        text = cast_pandas(df[self.source_column], source, LType.STRING)
        a = pc.cast(arr(text), pa.large_string())
        parts = [pa.scalar(p, pa.large_string()) for p in (self.before(), self.after())]
        result = pc.binary_join_element_wise(parts[0], a, parts[1], pa.scalar("", pa.large_string()))
        return {self.source_column: wrap(result, text)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, Column]:
        source = ctx.schema_of(df)[self.source_column]
        text = cast_spark(scol(self.source_column), source, LType.STRING)
        return {self.source_column: F.concat(F.lit(self.before()), text, F.lit(self.after()))}


class AddDoubleQuotes(_Decorate):
    """Wrap every value of the column in double quotes ("...").

    Columns of other types (numbers, booleans, dates) are first converted to text by the
    CHANGE_DATA_TYPE rules ("3", not "3.0") and the column becomes a text column. Null values
    stay null; an empty string gets the text too.
    """

    operation = "ADD_DOUBLE_QUOTES"
    category = Category.FORMAT
    examples: ClassVar = (
        Example(
            given={"t": ["a", "", None, 'say "hi"']},
            params={"sourceColumn": "t"},
            expect={"t": ['"a"', '""', None, '"say "hi""']},
        ),
        Example(
            given={"n": [1, -2, None]},
            params={"sourceColumn": "n"},
            expect={"n": ['"1"', '"-2"', None]},
            title="a number column",
        ),
    )

    def before(self) -> str:
        return '"'

    def after(self) -> str:
        return '"'


class AddSingleQuotes(_Decorate):
    """Wrap every value of the column in single quotes ('...').

    Columns of other types (numbers, booleans, dates) are first converted to text by the
    CHANGE_DATA_TYPE rules ("3", not "3.0") and the column becomes a text column. Null values
    stay null; an empty string gets the text too.
    """

    operation = "ADD_SINGLE_QUOTES"
    category = Category.FORMAT
    examples: ClassVar = (
        Example(
            given={"t": ["a", "", None, "it's"]},
            params={"sourceColumn": "t"},
            expect={"t": ["'a'", "''", None, "'it's'"]},
        ),
        Example(
            given={"x": [2.5, 3.0, None]},
            params={"sourceColumn": "x"},
            expect={"x": ["'2.5'", "'3'", None]},
            title="a decimal-number column",
        ),
    )

    def before(self) -> str:
        return "'"

    def after(self) -> str:
        return "'"


class AddPrefix(_Decorate):
    """Put fixed text (``pattern``, taken literally) in front of every value of the column.

    Columns of other types (numbers, booleans, dates) are first converted to text by the
    CHANGE_DATA_TYPE rules ("3", not "3.0") and the column becomes a text column. Null values
    stay null; an empty string gets the text too.
    """

    operation = "ADD_PREFIX"
    category = Category.FORMAT
    pattern: Text
    examples: ClassVar = (
        Example(
            given={"id": ["7", "", None, "\u00e9"]},
            params={"sourceColumn": "id", "pattern": "ID-"},
            expect={"id": ["ID-7", "ID-", None, "ID-\u00e9"]},
        ),
        Example(
            given={"n": [42, -1, None]},
            params={"sourceColumn": "n", "pattern": "$\\1"},
            expect={"n": ["$\\142", "$\\1-1", None]},
            title="a number column; the text is literal",
        ),
    )

    def before(self) -> str:
        return self.pattern


class AddSuffix(_Decorate):
    """Put fixed text (``pattern``, taken literally) after every value of the column.

    Columns of other types (numbers, booleans, dates) are first converted to text by the
    CHANGE_DATA_TYPE rules ("3", not "3.0") and the column becomes a text column. Null values
    stay null; an empty string gets the text too.
    """

    operation = "ADD_SUFFIX"
    category = Category.FORMAT
    pattern: Text
    examples: ClassVar = (
        Example(
            given={"f": ["report", "", None]},
            params={"sourceColumn": "f", "pattern": ".csv"},
            expect={"f": ["report.csv", ".csv", None]},
        ),
        Example(
            given={"ok": [True, False, None]},
            params={"sourceColumn": "ok", "pattern": "!"},
            expect={"ok": ["true!", "false!", None]},
            title="a boolean column",
        ),
    )

    def after(self) -> str:
        return self.pattern


# --- REMOVE_COMBINED ---------------------------------------------------------------------

PUNCTUATION = ".!,?"
"""What REMOVE_COMBINED calls punctuation: the four characters DataBrew lists."""

QUOTES = "'\""
"""What REMOVE_COMBINED calls quotes: the ASCII apostrophe and double quote (not curly quotes)."""

SPECIAL_CLASS = r"\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E"
"""The 32 ASCII punctuation and symbol characters !"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ (class body)."""

LETTERS_CLASS = "A-Za-z"
DIGITS_CLASS = "0-9"


class RemoveCombined(InPlace):
    """Remove chosen kinds of characters (whitespace, punctuation, quotes, letters, digits, custom) from text.

    Each kind is switched on by its own true/false flag; the kinds are explicit characters:

    - whitespace: space, tab, LF, VT, FF, CR (ASCII only; a no-break space is kept);
    - punctuation: . ! , ? (the four DataBrew lists);
    - quotes: the ASCII ' and " (curly quotes are kept);
    - special characters: the 32 ASCII symbols !"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~;
    - letters: A-Z and a-z (accented and non-Latin letters are kept); numbers: 0-9;
    - customCharacters: each character of that text; customValue: that exact text.

    The flags apply in a fixed order: (1) every occurrence of customValue is removed; (2) all
    characters of the "remove all" kinds (custom characters, quotes, punctuation, special
    characters, letters, numbers, whitespace) are removed together; (3) runs of characters
    of the "leading and trailing" kinds (quotes, punctuation, whitespace, together) are removed
    from both ends; (4) a run of two or more whitespace characters becomes one space. Null
    values stay null. A removeCustom... flag needs its text parameter.
    """

    operation = "REMOVE_COMBINED"
    category = Category.CLEAN
    source_column: TextColumn
    collapse_consecutive_whitespace: Boolean = False
    remove_all_punctuation: Boolean = False
    remove_all_quotes: Boolean = False
    remove_all_whitespace: Boolean = False
    custom_characters: Text | None = None
    custom_value: Text | None = None
    remove_custom_characters: Boolean = False
    remove_custom_value: Boolean = False
    remove_leading_and_trailing_punctuation: Boolean = False
    remove_leading_and_trailing_quotes: Boolean = False
    remove_leading_and_trailing_whitespace: Boolean = False
    remove_letters: Boolean = False
    remove_numbers: Boolean = False
    remove_special_characters: Boolean = False
    examples: ClassVar = (
        Example(
            given={"Address": ["225; Hanson Stravenue Spring; Porterville&; <30001>; US", "a & b", None, ""]},
            params={
                "collapseConsecutiveWhitespace": "false",
                "customCharacters": "<>&",
                "removeAllPunctuation": "false",
                "removeAllQuotes": "false",
                "removeAllWhitespace": "false",
                "removeCustomCharacters": "true",
                "removeCustomValue": "false",
                "removeLeadingAndTrailingPunctuation": "false",
                "removeLeadingAndTrailingQuotes": "false",
                "removeLeadingAndTrailingWhitespace": "false",
                "removeLetters": "false",
                "removeNumbers": "false",
                "removeSpecialCharacters": "false",
                "sourceColumn": "Address",
            },
            expect={"Address": ["225; Hanson Stravenue Spring; Porterville; 30001; US", "a  b", None, ""]},
            title="a real export: remove custom characters",
        ),
        Example(
            given={"t": [' "Hello,   world!" ', "?!ok..", "  ", None, "\u201cok\u201d"]},
            params={
                "sourceColumn": "t",
                "removeLeadingAndTrailingQuotes": "true",
                "removeLeadingAndTrailingPunctuation": "true",
                "removeLeadingAndTrailingWhitespace": "true",
                "collapseConsecutiveWhitespace": "true",
            },
            expect={"t": ["Hello, world", "ok", "", None, "\u201cok\u201d"]},
            title="trim quotes, punctuation and whitespace at both ends; collapse whitespace",
        ),
        Example(
            given={"t": ["N/A", "It's 42, right?", "\u201ccurly\u201d N/A.", None]},
            params={
                "sourceColumn": "t",
                "removeCustomValue": "true",
                "customValue": "N/A",
                "removeAllPunctuation": "true",
                "removeAllQuotes": "true",
                "removeNumbers": "true",
            },
            expect={"t": ["", "Its  right", "\u201ccurly\u201d ", None]},
            title="remove a value first, then quotes, punctuation and digits everywhere",
        ),
        Example(
            given={"t": ["a-1 b_2 (c)", "\u00dcn\u00efcode 3", "\t", None]},
            params={
                "sourceColumn": "t",
                "removeSpecialCharacters": "true",
                "removeLetters": "true",
                "removeAllWhitespace": "true",
            },
            expect={"t": ["12", "\u00dc\u00ef3", "", None]},
            title="special characters, ASCII letters and all whitespace",
        ),
        Example(
            given={"t": ["a\\b]c^d-e", "x\U0001f600y", None]},
            params={
                "sourceColumn": "t",
                "removeCustomCharacters": "true",
                "customCharacters": "\\]^-\U0001f600",
            },
            expect={"t": ["abcde", "xy", None]},
            title="custom characters that are special in a regex",
        ),
    )

    @model_validator(mode="after")
    def _custom_texts(self) -> RemoveCombined:
        if self.remove_custom_characters and not self.custom_characters:
            raise ParameterError(
                "removeCustomCharacters is true but customCharacters is empty",
                operation=self.operation,
                parameter="customCharacters",
            )
        if self.remove_custom_value and not self.custom_value:
            raise ParameterError(
                "removeCustomValue is true but customValue is empty",
                operation=self.operation,
                parameter="customValue",
            )
        return self

    def _everywhere(self) -> str:
        """Class body of the characters removed wherever they are ("" when none)."""
        parts = []
        if self.remove_custom_characters and self.custom_characters:
            parts.append(literal_class(self.custom_characters))
        if self.remove_all_quotes:
            parts.append(literal_class(QUOTES))
        if self.remove_all_punctuation:
            parts.append(literal_class(PUNCTUATION))
        if self.remove_special_characters:
            parts.append(SPECIAL_CLASS)
        if self.remove_letters:
            parts.append(LETTERS_CLASS)
        if self.remove_numbers:
            parts.append(DIGITS_CLASS)
        if self.remove_all_whitespace:
            parts.append(WHITESPACE_CLASS)
        return "".join(parts)

    def _edges(self) -> str:
        """The characters removed at both ends ("" when none)."""
        characters = ""
        if self.remove_leading_and_trailing_quotes:
            characters += QUOTES
        if self.remove_leading_and_trailing_punctuation:
            characters += PUNCTUATION
        if self.remove_leading_and_trailing_whitespace:
            characters += WHITESPACE
        return characters

    def _value(self) -> str | None:
        return self.custom_value if self.remove_custom_value and self.custom_value else None

    def pandas_map(self, s: pd.Series) -> pd.Series:
        a = arr(s)
        value = self._value()
        if value is not None:
            a = pc.replace_substring(a, value, "")
        if everywhere := self._everywhere():
            a = pc.replace_substring_regex(a, f"[{everywhere}]+", "")
        if edges := self._edges():
            a = pc.utf8_trim(a, characters=edges)
        if self.collapse_consecutive_whitespace:
            a = pc.replace_substring_regex(a, f"[{WHITESPACE_CLASS}]{{2,}}", " ")
        return wrap(a, s)

    def spark_map(self, c: Column) -> Column:
        value = self._value()
        if value is not None:
            c = F.replace(c, F.lit(value), F.lit(""))
        if everywhere := self._everywhere():
            c = F.regexp_replace(c, f"[{everywhere}]+", "")
        if edges := self._edges():
            c = F.trim(c, F.lit(edges))
        if self.collapse_consecutive_whitespace:
            c = F.regexp_replace(c, f"[{WHITESPACE_CLASS}]{{2,}}", " ")
        return c


# --- replacing ---------------------------------------------------------------------------


class ReplaceText(InPlace):
    """Replace every match of a regex in the text with a literal replacement value.

    ``pattern`` is a regular expression (RE2/Java common subset); plain text without regex
    symbols matches itself. ``value`` is inserted literally: "$1" or "\\1" are not group
    references. Matches do not overlap and are replaced left to right. Patterns that can
    match empty text are refused (the engines disagree where empty matches repeat).
    """

    operation = "REPLACE_TEXT"
    category = Category.CLEAN
    source_column: TextColumn
    pattern: Regex
    value: Text
    examples: ClassVar = (
        Example(
            given={"t": ["a1b22", "none", None, ""]},
            params={"sourceColumn": "t", "pattern": "[0-9]", "value": "#"},
            expect={"t": ["a#b##", "none", None, ""]},
        ),
        Example(
            given={"email": ["bob@example.com", "no at", None]},
            params={"sourceColumn": "email", "pattern": "(\\w+)@", "value": "$1\\x"},
            expect={"email": ["$1\\xexample.com", "no at", None]},
            title="the value is literal",
        ),
        Example(
            given={"t": ["x", "xxx", "\u00e9t\u00e9"]},
            params={"sourceColumn": "t", "pattern": "x|\u00e9", "value": ""},
            expect={"t": ["", "", "t"]},
            title="replace with nothing",
        ),
    )

    @model_validator(mode="after")
    def _not_empty(self) -> ReplaceText:
        refuse_empty_matches(self.pattern, self.operation, "pattern")
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(pc.replace_substring_regex(arr(s), self.pattern, re2_replacement(self.value)), s)

    def spark_map(self, c: Column) -> Column:
        return F.regexp_replace(c, java_regex(self.pattern), java_replacement(self.value))


class ReplaceBetweenDelimiters(InPlace):
    """Replace the text between a start and an end delimiter (both regexes) with a literal value.

    The delimiters themselves are kept. Each match of ``startPattern`` pairs with the nearest
    following match of ``endPattern``; every such pair in the text is replaced, left to right.
    Text without a complete pair is unchanged. ``value`` is literal text.
    """

    operation = "REPLACE_BETWEEN_DELIMITERS"
    category = Category.CLEAN
    source_column: TextColumn
    start_pattern: Regex
    end_pattern: Regex
    value: Text
    examples: ClassVar = (
        Example(
            given={"t": ["a<b>c<d>e", "<>", "no delims", None, "x<y", "<a\nb>"]},
            params={"sourceColumn": "t", "startPattern": "<", "endPattern": ">", "value": "?"},
            expect={"t": ["a<?>c<?>e", "<?>", "no delims", None, "x<y", "<?>"]},
        ),
        Example(
            given={"t": ["id=(12) x=(3)", None]},
            params={"sourceColumn": "t", "startPattern": "=\\(", "endPattern": "\\)", "value": "$1"},
            expect={"t": ["id=($1) x=($1)", None]},
            title="regex delimiters and a literal value",
        ),
    )

    @model_validator(mode="after")
    def _not_empty(self) -> ReplaceBetweenDelimiters:
        refuse_empty_matches(self.combined(), self.operation, "startPattern")
        return self

    def combined(self) -> str:
        return f"({noncapturing(self.start_pattern)})(?s:.*?)({noncapturing(self.end_pattern)})"

    def pandas_map(self, s: pd.Series) -> pd.Series:
        replacement = "\\1" + re2_replacement(self.value) + "\\2"
        return wrap(pc.replace_substring_regex(arr(s), self.combined(), replacement), s)

    def spark_map(self, c: Column) -> Column:
        return F.regexp_replace(c, java_regex(self.combined()), "$1" + java_replacement(self.value) + "$2")


class ReplaceBetweenPositions(InPlace):
    """Replace the characters from ``startPosition`` up to (not including) ``endPosition`` with a value.

    Positions are 0-based code-point offsets; positions past the end count as the end, so
    text shorter than ``startPosition`` gets the value appended. ``value`` is literal text.
    """

    operation = "REPLACE_BETWEEN_POSITIONS"
    category = Category.CLEAN
    source_column: TextColumn
    start_position: Integer
    end_position: Integer
    value: Text
    examples: ClassVar = (
        Example(
            given={"t": ["abcdef", "ab", "", None, "\u00e9\U0001f600\u00fcx"]},
            params={"sourceColumn": "t", "startPosition": "1", "endPosition": "3", "value": "__"},
            expect={"t": ["a__def", "a__", "__", None, "\u00e9__x"]},
        ),
        Example(
            given={"t": ["abc", None]},
            params={"sourceColumn": "t", "startPosition": "0", "endPosition": "0", "value": "$"},
            expect={"t": ["$abc", None]},
            title="insert at the start",
        ),
    )

    @model_validator(mode="after")
    def _range(self) -> ReplaceBetweenPositions:
        check_range(self.operation, self.start_position, self.end_position)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        a = pc.utf8_replace_slice(arr(s), self.start_position, self.end_position, self.value)
        return wrap(a, s)

    def spark_map(self, c: Column) -> Column:
        return F.concat(
            slice_spark(c, 0, self.start_position), F.lit(self.value), slice_spark(c, self.end_position, None)
        )
