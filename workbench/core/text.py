"""Text helpers shared by the text, clean, extract and sensitive-data transforms.

The explicit character classes (read identically by RE2 and Java), refusing patterns that can
match empty text, code-point slicing, position checks, and the text-function families.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.errors import ParameterError
from workbench.core.families import ColumnOrValue, InPlace
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


class ArrowMapped:
    """Mixin: the pandas side of a column map written on the Arrow array (``arrow_map``).

    The hooks a table row fills (``workbench.core.table``): an expression on an Arrow array and
    one on a Spark column.
    """

    row_hooks: ClassVar[tuple[str, str]] = ("arrow_map", "spark_map")

    def arrow_map(self, a: Any) -> Any:
        raise NotImplementedError

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(self.arrow_map(arr(s)), s)


class TextFunction(ArrowMapped, ColumnOrValue):
    """A text function of ``sourceColumn`` (a text column) or a literal ``value``."""

    abstract: ClassVar[bool] = True
    result: ClassVar[LType] = LType.STRING
    """The type of the new column."""
    source_column: TextColumn | None = None

    def result_type(self, source: LType) -> LType:
        return self.result


class TextInPlace(ArrowMapped, InPlace):
    """A text function that rewrites ``sourceColumn`` in place."""

    abstract: ClassVar[bool] = True
    source_column: TextColumn


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


# --- removing accents ----------------------------------------------------------------------
#
# One fixed table, applied with Spark's translate and with the same table on pandas, so the
# engines agree character for character. Every precomposed letter of Latin-1 Supplement, Latin
# Extended-A/B and Latin Extended Additional (U+00C0-U+024F, U+1E00-U+1EFF) whose canonical
# decomposition is an ASCII letter plus combining marks becomes that ASCII letter; Unicode's
# normalization stability policy guarantees these decompositions never change, so the table
# is the same on every Python. Letters with a stroke, which have no decomposition, are listed
# by hand. The combining diacritical marks U+0300-U+036F are removed (decomposed accents).

_ACCENT_BLOCKS = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))
_STROKED = dict(zip("ØøĐđŁłĦħŦŧ", "OoDdLlHhTt", strict=True))
COMBINING_MARKS = (0x0300, 0x036F)


@functools.cache
def accent_table() -> dict[str, str]:
    """Accented Latin letter -> its base ASCII letter; a combining mark -> "" (removed)."""
    table: dict[str, str] = {}
    for first, last in _ACCENT_BLOCKS:
        for cp in range(first, last + 1):
            parts = unicodedata.normalize("NFD", chr(cp))
            base, marks = parts[0], parts[1:]
            if marks and base.isascii() and base.isalpha() and all(unicodedata.combining(m) for m in marks):
                table[chr(cp)] = base
    table.update(_STROKED)
    table.update({chr(cp): "" for cp in range(COMBINING_MARKS[0], COMBINING_MARKS[1] + 1)})
    return table


@functools.cache
def _lookup(table_items: tuple[tuple[str, str], ...]) -> np.ndarray:
    """Code point -> replacement code point (-1 removes it), for code points up to the table's largest."""
    size = max(ord(ch) for ch, _ in table_items) + 1
    lookup = np.arange(size, dtype=np.int64)
    for ch, into in table_items:
        lookup[ord(ch)] = ord(into) if into else -1
    return lookup


def translate_pandas(a: Any, table: dict[str, str]) -> pa.Array:
    """Each character found in ``table`` replaced by its one-character value, or removed for "".

    What Spark's ``translate`` does with the same table (see ``translate_spark``). Vectorised:
    the whole text buffer is mapped as one array of code points.
    """
    a = pc.cast(combined(a), pa.large_string())
    # Only the texts holding a character of the table are rebuilt.
    touched = pc.fill_null(pc.match_substring_regex(a, f"[{literal_class(''.join(table))}]"), False)
    if not pc.any(touched).as_py():
        return a
    return pc.replace_with_mask(a, touched, _translated(pc.filter(a, touched), table))


def _translated(a: pa.Array, table: dict[str, str]) -> pa.Array:
    filled = combined(pc.fill_null(a, ""))
    offsets = np.frombuffer(filled.buffers()[1], np.int64)[filled.offset : filled.offset + len(filled) + 1]
    data = filled.buffers()[2]
    raw = data.to_pybytes()[offsets[0] : offsets[-1]] if data is not None else b""
    points = np.frombuffer(raw.decode("utf-8").encode("utf-32-le"), "<u4").astype(np.int64)
    lookup = _lookup(tuple(sorted(table.items())))
    inside = points < len(lookup)
    mapped = points.copy()
    mapped[inside] = lookup[points[inside]]
    rows = np.repeat(np.arange(len(filled)), pc.utf8_length(filled).to_numpy(zero_copy_only=False))
    kept = mapped >= 0
    sizes = 1 + (mapped[kept] >= 0x80) + (mapped[kept] >= 0x800) + (mapped[kept] >= 0x10000)
    row_bytes = np.bincount(rows[kept], weights=sizes, minlength=len(filled)).astype(np.int64)
    text = mapped[kept].astype("<u4").tobytes().decode("utf-32-le").encode("utf-8")
    new_offsets = np.concatenate([[0], np.cumsum(row_bytes)]).astype(np.int64)
    return pa.Array.from_buffers(
        pa.large_string(), len(filled), [None, pa.py_buffer(new_offsets.tobytes()), pa.py_buffer(text)]
    )


def translate_spark(c: Column, table: dict[str, str]) -> Column:
    """Spark's ``translate`` with ``table``: characters mapped to "" come last, so they are removed."""
    mapped = {ch: into for ch, into in table.items() if into}
    removed = [ch for ch, into in table.items() if not into]
    return F.translate(c, "".join(mapped) + "".join(removed), "".join(mapped.values()))
