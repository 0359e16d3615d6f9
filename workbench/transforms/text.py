"""Functions: text — length, case, trimming, slicing, searching and comparing strings.

Also the text helpers shared by ``clean.py`` and ``extract.py``: the explicit character
classes (read identically by RE2 and Java), the regex wrappers that keep user patterns from
shifting group numbers, replacement-text escaping and code-point slicing.

Conventions of every transform here (they go into docs/semantics.md):

- Lengths and positions count Unicode code points (an emoji is one character) on both engines.
- Positions are 0-based offsets from the left; a range ``startPosition``..``endPosition`` is
  half-open (the character at ``endPosition`` is not included), like Python and Java.
- "Whitespace" is the six ASCII whitespace characters: space, tab, line feed, vertical tab,
  form feed and carriage return. A no-break space (U+00A0) is not whitespace.
- A function of a null input is null.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.errors import ParameterError, WorkbenchError
from workbench.core.families import ColumnFunction, ColumnOrValue, require_one_of
from workbench.core.lazy import F, scol
from workbench.core.params import Boolean, Integer, NewColumn, NumericColumn, Regex, Text, TextColumn
from workbench.core.regex import java_regex, noncapturing
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column
    from pyspark.sql import DataFrame as SparkFrame

# --- shared text helpers -----------------------------------------------------------------

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


def _combined(a: Any) -> pa.Array:
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


# --- Unicode case mapping that agrees with Spark ------------------------------------------
#
# Spark changes case with full Unicode mappings (ICU/Java: "ß" -> "SS", "ﬁ" -> "FI", a final
# sigma lower-cases to "ς", "İ" -> "i̇"); pyarrow's utf8_upper/lower use simple one-to-one
# mappings. The pandas engine applies the special cases first, taken from Python's own
# Unicode tables, so both engines agree. (Letters whose case mappings were added in Unicode
# versions newer than an engine's may still differ; they are very rare.)

_WORD = r"\p{L}\p{M}\p{N}"
_CASE_IGNORABLE = (
    r"\p{Mn}\p{Me}\p{Cf}\p{Lm}\p{Sk}'.:\x{00B7}\x{0387}\x{055F}\x{05F4}\x{2018}\x{2019}\x{2024}\x{2027}"
    r"\x{FE13}\x{FE52}\x{FE55}\x{FF07}\x{FF0E}\x{FF1A}"
)
_IGNORABLE_CATEGORIES = frozenset({"Mn", "Me", "Cf", "Lm", "Sk"})


@functools.cache
def _final_sigma() -> str:
    """The context of a final capital sigma (Unicode's Final_Sigma rule) as an RE2 pattern.

    Group 1 is a cased letter plus case-ignorable characters before the sigma, group 2 what
    follows it up to and including the first character that is neither (or the end).
    """
    cased = [
        ch
        for ch in _assigned_characters()
        if (ch.islower() or ch.isupper() or ch.istitle())
        and unicodedata.category(ch) not in _IGNORABLE_CATEGORIES
    ]
    ranges: list[list[int]] = []
    for cp in sorted(ord(ch) for ch in cased):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    klass = "".join(f"\\x{{{a:X}}}" + (f"-\\x{{{b:X}}}" if b > a else "") for a, b in ranges)
    return f"([{klass}][{_CASE_IGNORABLE}]*)\u03a3([{_CASE_IGNORABLE}]*(?:[^{klass}{_CASE_IGNORABLE}]|\\z))"


@functools.cache
def _assigned_characters() -> list[str]:
    return [
        chr(cp)
        for cp in range(0x20000)
        if not 0xD800 <= cp <= 0xDFFF and unicodedata.category(chr(cp)) != "Cn"
    ]


@functools.cache
def _upper_specials() -> dict[str, str]:
    """Characters whose full upper-case form is several characters ("ß" -> "SS")."""
    return {ch: ch.upper() for ch in _assigned_characters() if len(ch.upper()) > 1}


@functools.cache
def _title_table() -> tuple[pa.Array, pa.Array]:
    """Characters whose title-case form differs from pyarrow's upper case ("ǆ" -> "ǅ")."""
    chars = _assigned_characters()
    upper = pc.utf8_upper(pa.array(chars, pa.large_string())).to_pylist()
    pairs = {ch: ch.title() for ch, up in zip(chars, upper, strict=True) if ch.title() != up}
    return pa.array(list(pairs), pa.large_string()), pa.array(list(pairs.values()), pa.large_string())


def upper_pandas(a: Any) -> pa.Array:
    """Full Unicode upper case of an Arrow string array (as Spark's upper)."""
    a = pc.cast(_combined(a), pa.large_string())
    result = pc.utf8_upper(a)
    specials = _upper_specials()
    special = pc.fill_null(pc.match_substring_regex(a, "[" + "".join(specials) + "]"), False)
    if not pc.any(special).as_py():
        return result
    subset = pc.filter(a, special)
    for char, mapped in specials.items():
        subset = pc.replace_substring(subset, char, mapped)
    return pc.replace_with_mask(result, special, pc.utf8_upper(subset))


def lower_pandas(a: Any) -> pa.Array:
    """Full Unicode lower case of an Arrow string array (as Spark's lower: final sigma, "İ")."""
    a = pc.cast(_combined(a), pa.large_string())
    a = pc.replace_substring(a, "\u0130", "i\u0307")
    if pc.any(pc.match_substring(a, "\u03a3")).as_py():
        a = pc.replace_substring_regex(a, _final_sigma(), "\\1\u03c2\\2")
    return pc.utf8_lower(a)


def _sentinel(a: pa.Array) -> str:
    """A Unicode noncharacter that does not occur in ``a`` (a safe internal separator)."""
    for cp in range(0xFDD0, 0xFDF0):
        if not pc.any(pc.match_substring(a, chr(cp))).as_py():
            return chr(cp)
    msg = "PROPER cannot run: the text uses every Unicode noncharacter U+FDD0..U+FDEF"
    raise WorkbenchError(msg)


def proper_pandas(a: Any) -> pa.Array:
    """Lower-case the text, then title-case the first character of every word."""
    low = lower_pandas(a)
    mark = _sentinel(low)
    # Cut each string before every word; the pieces become one flat array of tokens.
    marked = pc.replace_substring_regex(low, f"([{_WORD}]+)", mark + "\\1")
    lists = _combined(pc.split_pattern(marked, mark))
    tokens = pc.cast(lists.values, pa.large_string())
    first = pc.utf8_slice_codeunits(tokens, 0, 1)
    keys, titles = _title_table()
    title = pc.coalesce(pc.take(titles, pc.index_in(first, value_set=keys)), pc.utf8_upper(first))
    empty = pa.scalar("", pa.large_string())
    titled = pc.binary_join_element_wise(title, pc.utf8_slice_codeunits(tokens, 1), empty)
    tokens = pc.if_else(pc.match_substring_regex(tokens, f"^[{_WORD}]"), titled, tokens)
    rebuilt = pa.LargeListArray.from_arrays(
        pc.cast(lists.offsets, pa.int64()), tokens, mask=pc.is_null(lists)
    )
    return pc.binary_join(rebuilt, empty)


def proper_spark(c: Column) -> Column:
    tokens = F.regexp_extract_all(F.lower(c), F.lit(f"[{_WORD}]+|[^{_WORD}]+"), 0)
    titled = F.transform(
        tokens,
        lambda t: F.when(
            t.rlike(f"^[{_WORD}]"), F.concat(F.initcap(F.substring(t, 1, 1)), F.substring(t, 2, MAX_LENGTH))
        ).otherwise(t),
    )
    return F.array_join(titled, "")


# --- families ------------------------------------------------------------------------------


class _TextFunction(ColumnOrValue):
    """A text function of ``sourceColumn`` (a text column) or a literal ``value``."""

    abstract: ClassVar[bool] = True
    source_column: TextColumn | None = None

    def result_type(self, source: LType) -> LType:
        return LType.STRING


class _PatternTest(_TextFunction):
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


# --- length and case -----------------------------------------------------------------------


class Len(_TextFunction):
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


class Lower(_TextFunction):
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


class Upper(_TextFunction):
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


class Proper(_TextFunction):
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


# --- whitespace and symbols ---------------------------------------------------------------


class Trim(_TextFunction):
    """Write a copy of the text without leading and trailing whitespace.

    Whitespace is the six ASCII whitespace characters (space, tab, LF, VT, FF, CR); spaces
    between words are kept and a no-break space is not trimmed.
    """

    operation = "TRIM"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given={"t": ["  a b  ", "\tx\n", None, "", "   ", "\u00a0y\u00a0"]},
            params={"sourceColumn": "t", "targetColumn": "trimmed"},
            expect={
                "t": ["  a b  ", "\tx\n", None, "", "   ", "\u00a0y\u00a0"],
                "trimmed": ["a b", "x", None, "", "", "\u00a0y\u00a0"],
            },
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(pc.utf8_trim(arr(s), characters=WHITESPACE), s)

    def spark_map(self, c: Column) -> Column:
        return F.trim(c, F.lit(WHITESPACE))


class RemoveWhitespace(_TextFunction):
    """Write a copy of the text with every whitespace character removed, also between words.

    Whitespace is the six ASCII whitespace characters (space, tab, LF, VT, FF, CR).
    """

    operation = "REMOVE_WHITESPACE"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given={"t": [" a b\tc\n", "", None, "x\u00a0y"]},
            params={"sourceColumn": "t", "targetColumn": "packed"},
            expect={"t": [" a b\tc\n", "", None, "x\u00a0y"], "packed": ["abc", "", None, "x\u00a0y"]},
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(pc.replace_substring_regex(arr(s), f"[{WHITESPACE_CLASS}]+", ""), s)

    def spark_map(self, c: Column) -> Column:
        return F.regexp_replace(c, f"[{WHITESPACE_CLASS}]+", "")


_LATIN_KEEP = (
    r"A-Za-z0-9"
    r"\x{00C0}-\x{00D6}\x{00D8}-\x{00F6}\x{00F8}-\x{024F}"  # Latin-1 letters, Latin Extended-A/B
    r"\x{1E00}-\x{1EFF}"  # Latin Extended Additional
    r"\x{0300}-\x{036F}"  # combining diacritical marks (decomposed accents)
)


class RemoveSymbols(_TextFunction):
    """Write a copy of the text keeping only Latin letters (accented too), digits and whitespace.

    Kept: A-Z, a-z, 0-9, the accented Latin letters U+00C0-U+024F (but not the multiplication
    and division signs U+00D7, U+00F7) and U+1E00-U+1EFF, combining accents U+0300-U+036F,
    and ASCII whitespace. Everything else is removed, including non-Latin letters (as in
    DataBrew's engine), punctuation and "_".
    """

    operation = "REMOVE_SYMBOLS"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given={
                "t": [
                    "$&#$&HEY!#@@",
                    "Caf\u00e9 au lait, s'il vous pla\u00eet!",
                    "\u041c\u043e\u0441\u043a\u0432\u0430 2024",
                    None,
                    "a\tb_c",
                ]
            },
            params={"sourceColumn": "t", "targetColumn": "clean"},
            expect={
                "t": [
                    "$&#$&HEY!#@@",
                    "Caf\u00e9 au lait, s'il vous pla\u00eet!",
                    "\u041c\u043e\u0441\u043a\u0432\u0430 2024",
                    None,
                    "a\tb_c",
                ],
                "clean": ["HEY", "Caf\u00e9 au lait sil vous pla\u00eet", " 2024", None, "a\tbc"],
            },
        ),
        Example(
            given={"id": [1]},
            params={"value": "$&#$&HEY!#@@", "targetColumn": "without_symbols"},
            expect={"id": [1], "without_symbols": ["HEY"]},
            title="a literal value",
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(pc.replace_substring_regex(arr(s), f"[^{_LATIN_KEEP}{WHITESPACE_CLASS}]+", ""), s)

    def spark_map(self, c: Column) -> Column:
        return F.regexp_replace(c, f"[^{_LATIN_KEEP}{WHITESPACE_CLASS}]+", "")


# --- slicing and repeating ----------------------------------------------------------------


class Left(_TextFunction):
    """Write the first characters of the text (as many as ``position`` says) to a new column.

    ``position`` is a count of code points (0 or more); shorter text is copied whole.
    """

    operation = "LEFT"
    category = Category.TEXT
    position: Integer
    examples: ClassVar = (
        Example(
            given={"t": ["Zo\u00eb", "a", None, "", "\U0001f600x"]},
            params={"sourceColumn": "t", "position": "2", "targetColumn": "first2"},
            expect={
                "t": ["Zo\u00eb", "a", None, "", "\U0001f600x"],
                "first2": ["Zo", "a", None, "", "\U0001f600x"],
            },
        ),
    )

    @model_validator(mode="after")
    def _count(self) -> Left:
        check_not_negative(self.operation, "position", self.position)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(slice_pandas(arr(s), 0, self.position), s)

    def spark_map(self, c: Column) -> Column:
        return slice_spark(c, 0, self.position)


class Right(_TextFunction):
    """Write the last characters of the text (as many as ``position`` says) to a new column.

    ``position`` is a count of code points (0 or more); shorter text is copied whole.
    """

    operation = "RIGHT"
    category = Category.TEXT
    position: Integer
    examples: ClassVar = (
        Example(
            given={"t": ["Zo\u00eb", "a", None, "", "\U0001f600x"]},
            params={"sourceColumn": "t", "position": "2", "targetColumn": "last2"},
            expect={
                "t": ["Zo\u00eb", "a", None, "", "\U0001f600x"],
                "last2": ["o\u00eb", "a", None, "", "\U0001f600x"],
            },
        ),
        Example(
            given={"t": ["abc", None]},
            params={"sourceColumn": "t", "position": "0", "targetColumn": "none"},
            expect={"t": ["abc", None], "none": ["", None]},
            title="zero characters",
        ),
    )

    @model_validator(mode="after")
    def _count(self) -> Right:
        check_not_negative(self.operation, "position", self.position)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        a = arr(s)
        if self.position == 0:
            return wrap(slice_pandas(a, 0, 0), s)
        return wrap(slice_pandas(a, -self.position, None), s)

    def spark_map(self, c: Column) -> Column:
        return F.right(c, F.lit(self.position))


class Substring(_TextFunction):
    """Write the characters from ``startPosition`` up to (not including) ``endPosition`` to a new column.

    Positions are 0-based code-point offsets: startPosition 1, endPosition 3 of "abcdef" is
    "bc". Positions past the end of the text stop at the end (the result may be empty).
    """

    operation = "SUBSTRING"
    category = Category.TEXT
    start_position: Integer
    end_position: Integer
    examples: ClassVar = (
        Example(
            given={"t": ["abcdef", "ab", "", None, "\u00e9\U0001f600\u00fc"]},
            params={"sourceColumn": "t", "startPosition": "1", "endPosition": "3", "targetColumn": "mid"},
            expect={
                "t": ["abcdef", "ab", "", None, "\u00e9\U0001f600\u00fc"],
                "mid": ["bc", "b", "", None, "\U0001f600\u00fc"],
            },
        ),
    )

    @model_validator(mode="after")
    def _range(self) -> Substring:
        check_range(self.operation, self.start_position, self.end_position)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(slice_pandas(arr(s), self.start_position, self.end_position), s)

    def spark_map(self, c: Column) -> Column:
        return slice_spark(c, self.start_position, self.end_position)


class RepeatString(_TextFunction):
    """Write the text repeated ``count`` times to a new column.

    ``count`` is 0 or more; 0 gives an empty string.
    """

    operation = "REPEAT_STRING"
    category = Category.TEXT
    count: Integer
    examples: ClassVar = (
        Example(
            given={"t": ["ab", "", None, "\u00e9"]},
            params={"sourceColumn": "t", "count": "3", "targetColumn": "r"},
            expect={"t": ["ab", "", None, "\u00e9"], "r": ["ababab", "", None, "\u00e9\u00e9\u00e9"]},
        ),
        Example(
            given={"t": ["ab", None]},
            params={"sourceColumn": "t", "count": "0", "targetColumn": "r"},
            expect={"t": ["ab", None], "r": ["", None]},
            title="zero times",
        ),
    )

    @model_validator(mode="after")
    def _count(self) -> RepeatString:
        check_not_negative(self.operation, "count", self.count)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(pc.binary_repeat(arr(s), self.count), s)

    def spark_map(self, c: Column) -> Column:
        return F.repeat(c, self.count)


# --- searching -----------------------------------------------------------------------------


class _Find(_TextFunction):
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


class StartsWith(_PatternTest):
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


class EndsWith(_PatternTest):
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


# --- code points -----------------------------------------------------------------------------


def _chars_pandas(values: Any) -> pa.Array:
    """Each number as the character with that code point; null when it is not a valid one."""
    numbers = pc.cast(_combined(values), pa.float64()).to_numpy(zero_copy_only=False)
    with np.errstate(invalid="ignore"):
        ok = (
            np.isfinite(numbers)
            & (numbers == np.floor(numbers))
            & (numbers >= 0)
            & (numbers <= 0x10FFFF)
            & ~((numbers >= 0xD800) & (numbers <= 0xDFFF))
        )
    points = np.where(ok, numbers, 0).astype(np.uint32)
    sizes = np.where(ok, 1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000), 0)
    data = points[ok].astype("<u4").tobytes().decode("utf-32-le").encode("utf-8")
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    text = pa.Array.from_buffers(
        pa.large_string(), len(numbers), [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)]
    )
    return pc.if_else(pa.array(ok), text, pa.scalar(None, pa.large_string()))


def _chars_spark(c: Column) -> Column:
    d = c.cast("double")
    surrogate = (d >= F.lit(0xD800)) & (d <= F.lit(0xDFFF))
    ok = (d == F.floor(d)) & (d >= F.lit(0)) & (d <= F.lit(0x10FFFF)) & ~surrogate
    safe = F.when(ok, d.cast("long")).otherwise(F.lit(65))
    char = F.decode(F.unhex(F.lpad(F.hex(safe), 8, "0")), "UTF-32")
    return F.when(ok, char)


def _first_code_point_pandas(a: Any) -> pa.Array:
    """The code point of each string's first character; null for null or empty text."""
    first = _combined(pc.cast(pc.utf8_slice_codeunits(a, 0, 1), pa.large_string()))
    n = len(first)
    _, offsets_buf, data_buf = first.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[first.offset : first.offset + n + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    padded = np.concatenate([data, np.zeros(4, np.uint8)]).astype(np.int64)
    start = offsets[:-1]
    size = np.diff(offsets)
    b0, b1, b2, b3 = (padded[start + k] for k in range(4))
    point = np.select(
        [size == 1, size == 2, size == 3],
        [b0, ((b0 & 0x1F) << 6) | (b1 & 0x3F), ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F)],
        ((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F),
    )
    missing = (size == 0) | pc.is_null(first).to_numpy(zero_copy_only=False)
    return pa.array(point, pa.int64(), mask=missing)


class Char(ColumnFunction):
    """Write the character whose Unicode code point is the number (a column or a literal value).

    Numbers that are not a whole, valid code point (negative, above U+10FFFF, a surrogate, or
    with a fraction) give null, as does a null number.
    """

    operation = "CHAR"
    category = Category.TEXT
    source_column: NumericColumn | None = None
    value: Integer | None = None
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"n": [65, 233, 128512, -1, None, 1114112, 55296, 0x10FFFF]},
            params={"sourceColumn": "n", "targetColumn": "c"},
            expect={
                "n": [65, 233, 128512, -1, None, 1114112, 55296, 0x10FFFF],
                "c": ["A", "\u00e9", "\U0001f600", None, None, None, None, "\U0010ffff"],
            },
        ),
        Example(
            given={"d": [97.0, 97.5, None]},
            params={"sourceColumn": "d", "targetColumn": "c"},
            expect={"d": [97.0, 97.5, None], "c": ["a", None, None]},
            title="decimal numbers",
        ),
        ColumnOrValue.literal_example("66", "c", "B"),
    )

    @model_validator(mode="after")
    def _one_input(self) -> Char:
        require_one_of(self.operation, "sourceColumn", "value", self.source_column, self.value)
        return self

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.STRING}

    def pandas_columns(self, df: pd.DataFrame, ctx: Any) -> dict[str, pd.Series]:
        if self.source_column is not None:
            source = df[self.source_column]
        else:
            source = ctx.constant(self.value, LType.INTEGER, df.index)
        return {self.target_column: wrap(_chars_pandas(arr(source)), source)}

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, Column]:
        source = scol(self.source_column) if self.source_column else F.lit(self.value)
        return {self.target_column: _chars_spark(source)}


class Unicode(_TextFunction):
    """Write the Unicode code point of the first character of the text to a new column.

    The result is an integer column; empty or null text gives null.
    """

    operation = "UNICODE"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given={"t": ["A", "\u00e9t\u00e9", "\U0001f600x", "", None]},
            params={"sourceColumn": "t", "targetColumn": "code"},
            expect={
                "t": ["A", "\u00e9t\u00e9", "\U0001f600x", "", None],
                "code": [65, 233, 128512, None, None],
            },
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(_first_code_point_pandas(arr(s)), s)

    def spark_map(self, c: Column) -> Column:
        return F.when(F.length(c) > 0, F.ascii(c).cast("long"))


# --- comparing two strings ----------------------------------------------------------------


class _TwoStrings(ColumnFunction):
    """A comparison of two strings, each a text column or a literal value; boolean result."""

    abstract: ClassVar[bool] = True
    source_column1: TextColumn | None = None
    source_column2: TextColumn | None = None
    value1: Text | None = None
    value2: Text | None = None
    target_column: NewColumn

    @model_validator(mode="after")
    def _operands(self) -> _TwoStrings:
        for side in ("1", "2"):
            column, value = getattr(self, f"source_column{side}"), getattr(self, f"value{side}")
            require_one_of(self.operation, f"sourceColumn{side}", f"value{side}", column, value)
        return self

    def compare_pandas(self, left: Any, right: Any) -> Any:
        raise NotImplementedError

    def compare_spark(self, left: Column, right: Column) -> Column:
        raise NotImplementedError

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.BOOLEAN}

    def _pandas_operand(self, df: pd.DataFrame, ctx: Any, side: str) -> pd.Series:
        column = getattr(self, f"source_column{side}")
        if column is not None:
            return df[column]
        return ctx.constant(getattr(self, f"value{side}"), LType.STRING, df.index)

    def pandas_columns(self, df: pd.DataFrame, ctx: Any) -> dict[str, pd.Series]:
        left, right = self._pandas_operand(df, ctx, "1"), self._pandas_operand(df, ctx, "2")
        large = pa.large_string()
        result = self.compare_pandas(pc.cast(arr(left), large), pc.cast(arr(right), large))
        return {self.target_column: wrap(result, df.index)}

    def _spark_operand(self, side: str) -> Column:
        column = getattr(self, f"source_column{side}")
        return scol(column) if column is not None else F.lit(getattr(self, f"value{side}"))

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, Column]:
        return {self.target_column: self.compare_spark(self._spark_operand("1"), self._spark_operand("2"))}


_COMPARED: dict[str, list[Any]] = {
    "a": ["b", "a", "B", None, "\u00e9", ""],
    "b": ["a", "a", "a", "a", "z", "a"],
}
_COMPARE_PARAMS = {"sourceColumn1": "a", "sourceColumn2": "b", "targetColumn": "cmp"}


def _compared(result: list[bool | None]) -> dict[str, list[Any]]:
    """The expected table: the new column sits right after the first column read."""
    return {"a": _COMPARED["a"], "cmp": result, "b": _COMPARED["b"]}


class Exact(_TwoStrings):
    """Write true when two strings (columns or literal values) are exactly the same, else false.

    Case, spaces and accents all count; "é" and "e" plus a combining accent differ. The
    result is a boolean column; a null operand gives null.
    """

    operation = "EXACT"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given={"a": ["x", "X", None, "", "\u00e9", "x "], "b": ["x", "x", "x", "", "e\u0301", "x"]},
            params={"sourceColumn1": "a", "sourceColumn2": "b", "targetColumn": "same"},
            expect={
                "a": ["x", "X", None, "", "\u00e9", "x "],
                "same": [True, False, None, True, False, False],
                "b": ["x", "x", "x", "", "e\u0301", "x"],
            },
        ),
        Example(
            given={"a": ["x", "y", None]},
            params={"sourceColumn1": "a", "value2": "x", "targetColumn": "is_x"},
            expect={"a": ["x", "y", None], "is_x": [True, False, None]},
            title="against a literal value",
        ),
    )

    def compare_pandas(self, left: Any, right: Any) -> Any:
        return pc.equal(left, right)

    def compare_spark(self, left: Column, right: Column) -> Column:
        return left == right


class StringGreaterThan(_TwoStrings):
    """Write true when the first string sorts after the second, else false.

    Strings compare character by character by Unicode code point ("B" sorts before "a", "é"
    after "z"). The result is a boolean column; a null operand gives null.
    """

    operation = "STRING_GREATER_THAN"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given=_COMPARED, params=_COMPARE_PARAMS, expect=_compared([True, False, False, None, True, False])
        ),
    )

    def compare_pandas(self, left: Any, right: Any) -> Any:
        return pc.greater(left, right)

    def compare_spark(self, left: Column, right: Column) -> Column:
        return left > right


class StringGreaterThanEqual(_TwoStrings):
    """Write true when the first string sorts after or equal to the second, else false.

    Strings compare by Unicode code point. The result is a boolean column; a null operand
    gives null.
    """

    operation = "STRING_GREATER_THAN_EQUAL"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given=_COMPARED, params=_COMPARE_PARAMS, expect=_compared([True, True, False, None, True, False])
        ),
    )

    def compare_pandas(self, left: Any, right: Any) -> Any:
        return pc.greater_equal(left, right)

    def compare_spark(self, left: Column, right: Column) -> Column:
        return left >= right


class StringLessThan(_TwoStrings):
    """Write true when the first string sorts before the second, else false.

    Strings compare by Unicode code point. The result is a boolean column; a null operand
    gives null.
    """

    operation = "STRING_LESS_THAN"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given=_COMPARED, params=_COMPARE_PARAMS, expect=_compared([False, False, True, None, False, True])
        ),
        Example(
            given={"a": ["apple", "pear", None]},
            params={"value1": "banana", "sourceColumn2": "a", "targetColumn": "cmp"},
            expect={"a": ["apple", "pear", None], "cmp": [False, True, None]},
            title="a literal first operand",
        ),
    )

    def compare_pandas(self, left: Any, right: Any) -> Any:
        return pc.less(left, right)

    def compare_spark(self, left: Column, right: Column) -> Column:
        return left < right


class StringLessThanEqual(_TwoStrings):
    """Write true when the first string sorts before or equal to the second, else false.

    Strings compare by Unicode code point. The result is a boolean column; a null operand
    gives null.
    """

    operation = "STRING_LESS_THAN_EQUAL"
    category = Category.TEXT
    examples: ClassVar = (
        Example(
            given=_COMPARED, params=_COMPARE_PARAMS, expect=_compared([False, True, True, None, False, True])
        ),
    )

    def compare_pandas(self, left: Any, right: Any) -> Any:
        return pc.less_equal(left, right)

    def compare_spark(self, left: Column, right: Column) -> Column:
        return left <= right
