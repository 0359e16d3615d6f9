"""Sensitive data: masking text by value, between delimiters, by position, and parts of dates."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.casting import TEXT_PATTERNS, cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.lazy import F
from workbench.core.params import Boolean, Integer, Text, TextList
from workbench.core.regex import java_regex, java_replacement, noncapturing, re2_replacement, regex_problem
from workbench.core.registry import Category, Example
from workbench.core.sensitive import (
    SYMBOLS,
    TEXT,
    SourceColumns,
    combined,
    literal,
    no_entity_filter,
    text_pandas,
    text_spark,
)
from workbench.core.text import WHITESPACE, refuse_empty_matches
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


class Alphabet(str, Enum):
    SYMBOLS = "SYMBOLS"
    WHITESPACE = "WHITESPACE"


def _check_alphabet(operation: str, alphabet: list[str] | None) -> None:
    for item in alphabet or []:
        if item.upper() not in {a.value for a in Alphabet}:
            raise ParameterError(
                f"unknown alphabet {item!r}; use SYMBOLS and/or WHITESPACE",
                operation=operation,
                parameter="alphabet",
            )


def _check_symbol(operation: str, symbol: str) -> None:
    if not symbol:
        raise ParameterError("maskSymbol cannot be empty", operation=operation, parameter="maskSymbol")


def _mask_pattern(alphabet: list[str] | None) -> str:
    """A regex matching one character that masking replaces (those not in the kept alphabet)."""
    kept = ""
    for item in {a.upper() for a in alphabet or []}:
        kept += SYMBOLS if item == Alphabet.SYMBOLS.value else WHITESPACE
    if not kept:
        return "(?s:.)"
    return "[^" + "".join(f"\\x{{{ord(ch):04X}}}" for ch in sorted(set(kept))) + "]"


def _mask_all_pandas(a: Any, symbol: str, alphabet: list[str] | None) -> Any:
    return pc.replace_substring_regex(a, _mask_pattern(alphabet), re2_replacement(symbol))


def _mask_all_spark(c: SparkColumn, symbol: str, alphabet: list[str] | None) -> SparkColumn:
    return F.regexp_replace(c, java_regex(_mask_pattern(alphabet)), java_replacement(symbol))


def _marker(a: Any) -> str:
    """A private-use character that occurs in none of the values (a separator for masking)."""
    for cp in [*range(0xE000, 0xE100), *range(0xF0000, 0xF0100)]:
        ch = chr(cp)
        if not pc.any(pc.match_substring(a, ch)).as_py():
            return ch
    msg = "every candidate marker character occurs in the data"
    raise ValueError(msg)


def mask_groups_pandas(
    a: Any, pattern: str, masked: tuple[bool, ...], symbol: str, alphabet: list[str] | None
) -> Any:
    """Mask, in every match of ``pattern``, the capture groups flagged in ``masked``.

    ``pattern`` is a sequence of capture groups covering the whole match. Each match is rewritten
    with a marker (absent from the data) around every group, the text is split at the markers,
    the flagged pieces are masked and the pieces joined again: one pass of the regex, vectorised.
    """
    a = pc.cast(combined(a), TEXT)
    marker = _marker(a)
    groups = len(masked)
    rewrite = "".join(marker + f"\\{i + 1}" for i in range(groups)) + marker
    marked = pc.replace_substring_regex(a, pattern, rewrite)
    lists = combined(pc.split_pattern(marked, marker))
    pieces = lists.flatten()
    offsets = lists.offsets.to_numpy(zero_copy_only=False).astype(np.int64)
    offsets = offsets - offsets[0]
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    slot = (np.arange(len(pieces), dtype=np.int64) - offsets[parents]) % (groups + 1)
    flags = np.zeros(len(pieces), dtype=bool)
    for i, flag in enumerate(masked):
        if flag:
            flags |= slot == i + 1
    pieces = pc.if_else(pa.array(flags), _mask_all_pandas(pieces, symbol, alphabet), pieces)
    rebuilt = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pieces, mask=pc.is_null(lists))
    return pc.binary_join(rebuilt, pa.scalar("", TEXT))


def mask_groups_spark(
    c: SparkColumn, pattern: str, masked: tuple[bool, ...], symbol: str, alphabet: list[str] | None
) -> SparkColumn:
    """``mask_groups_pandas`` on Spark: the parts between matches and each group's matches."""
    java = java_regex(pattern)
    parts = F.split(c, java, -1)
    groups = [F.regexp_extract_all(c, F.lit(java), i + 1) for i in range(len(masked))]
    count = F.size(groups[0])

    def piece(k: SparkColumn) -> SparkColumn:
        out = [F.element_at(parts, k)]
        for flag, found in zip(masked, groups, strict=True):
            text = F.element_at(found, k)
            out.append(_mask_all_spark(text, symbol, alphabet) if flag else text)
        return F.concat(*out)

    rebuilt = F.concat(
        F.array_join(F.transform(F.sequence(F.lit(1), count), piece), ""), F.element_at(parts, -1)
    )
    return F.when(count > 0, rebuilt).otherwise(c)


class _Mask(SourceColumns):
    abstract: ClassVar[bool] = True
    mask_symbol: Text = "#"

    def pandas_text(self, a: Any) -> Any:
        raise NotImplementedError

    def spark_text(self, c: SparkColumn) -> SparkColumn:
        raise NotImplementedError

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: PandasContext, index: int) -> pd.Series:
        return wrap(self.pandas_text(text_pandas(s, ltype)), s)

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: SparkContext, index: int) -> SparkColumn:
        return self.spark_text(text_spark(c, ltype))


class MaskCustom(_Mask):
    """Mask every occurrence of a given text (or regex match) with the mask symbol.

    Each character of an occurrence becomes ``maskSymbol``, so lengths are kept. With ``regex``
    true, ``customValue`` is a regular expression of the supported subset (docs/semantics.md)
    that must not match empty text; otherwise it is literal text. Occurrences are found left to
    right without overlapping. Non-text columns are masked in their text form; nulls stay null.
    ``entityTypeFilter`` is not supported yet.
    """

    operation = "MASK_CUSTOM"
    category = Category.SENSITIVE
    mask_symbol: Text
    custom_value: Text
    regex: Boolean = False
    entity_type_filter: TextList | None = None
    examples: ClassVar = (
        Example(
            given={"company": ["amazon web services", "Amazon", "", None, "amazonamazon"]},
            params={"sourceColumns": ["company"], "maskSymbol": "#", "customValue": "amazon"},
            expect={"company": ["###### web services", "Amazon", "", None, "############"]},
        ),
        Example(
            given={"note": ["call 555-1234 or 555-9876", "no number", None, "ünï 12"]},
            params={"sourceColumns": ["note"], "maskSymbol": "*", "customValue": "[0-9]+", "regex": "true"},
            expect={"note": ["call ***-**** or ***-****", "no number", None, "ünï **"]},
        ),
        Example(
            given={"pin": [1234, None, 907]},
            params={"sourceColumns": ["pin"], "maskSymbol": "x", "customValue": "[0-8]{2}", "regex": True},
            expect={"pin": ["xxxx", None, "9xx"]},
            title="numbers are masked in their text form",
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> MaskCustom:
        no_entity_filter(self.operation, self.entity_type_filter)
        _check_symbol(self.operation, self.mask_symbol)
        if not self.custom_value:
            raise ParameterError(
                "customValue cannot be empty", operation=self.operation, parameter="customValue"
            )
        if self.regex:
            problem = regex_problem(self.custom_value)
            if problem:
                raise ParameterError(problem, operation=self.operation, parameter="customValue")
            refuse_empty_matches(self.custom_value, self.operation, "customValue")
        return self

    def _pattern(self) -> str:
        inner = noncapturing(self.custom_value) if self.regex else literal(self.custom_value)
        return f"({inner})"

    def pandas_text(self, a: Any) -> Any:
        return mask_groups_pandas(a, self._pattern(), (True,), self.mask_symbol, None)

    def spark_text(self, c: SparkColumn) -> SparkColumn:
        return mask_groups_spark(c, self._pattern(), (True,), self.mask_symbol, None)


class MaskDelimiter(_Mask):
    """Mask the characters between a start and an end delimiter with the mask symbol.

    A masked span runs from an occurrence of ``startDelimiter`` to the next ``endDelimiter``
    after it; every such span is masked, left to right. Without ``startDelimiter`` the span
    starts at the beginning of the value (one span, up to the first end delimiter); without
    ``endDelimiter`` it runs from the first start delimiter to the end; without both, the whole
    value is masked. A value without a complete span is left as it is. The delimiters are masked
    too unless ``preserveDelimiters`` is true. Characters of the ``alphabet`` classes stay as
    they are: SYMBOLS (ASCII punctuation) and WHITESPACE (space, tab, LF, VT, FF, CR). Each
    masked character becomes ``maskSymbol``; nulls stay null. ``entityTypeFilter`` is not
    supported yet.
    """

    operation = "MASK_DELIMITER"
    category = Category.SENSITIVE
    mask_symbol: Text
    start_delimiter: Text | None = None
    end_delimiter: Text | None = None
    preserve_delimiters: Boolean = False
    alphabet: TextList | None = None
    entity_type_filter: TextList | None = None
    examples: ClassVar = (
        Example(
            given={"v": ["id <secret> and <two words>", "no span", "<open", None, ""]},
            params={
                "sourceColumns": ["v"],
                "maskSymbol": "#",
                "startDelimiter": "<",
                "endDelimiter": ">",
                "preserveDelimiters": "true",
                "alphabet": '["WHITESPACE"]',
            },
            expect={"v": ["id <######> and <### #####>", "no span", "<open", None, ""]},
        ),
        Example(
            given={"email": ["ana.maria@example.com", "nobody", None, "é@x"]},
            params={
                "sourceColumns": ["email"],
                "maskSymbol": "*",
                "endDelimiter": "@",
                "alphabet": ["SYMBOLS"],
            },
            expect={"email": ["***.*****@example.com", "nobody", None, "*@x"]},
        ),
        Example(
            given={"v": ["a|b|c|d", "|", None]},
            params={"sourceColumns": ["v"], "maskSymbol": "-", "startDelimiter": "|", "endDelimiter": "|"},
            expect={"v": ["a---c|d", "|", None]},
            title="the same delimiter on both ends",
        ),
        Example(
            given={"v": ["key=value", "plain", None]},
            params={"sourceColumns": ["v"], "maskSymbol": "#", "startDelimiter": "="},
            expect={"v": ["key######", "plain", None]},
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> MaskDelimiter:
        no_entity_filter(self.operation, self.entity_type_filter)
        _check_symbol(self.operation, self.mask_symbol)
        _check_alphabet(self.operation, self.alphabet)
        return self

    def _pattern(self) -> str | None:
        start, end = self.start_delimiter or "", self.end_delimiter or ""
        if start and end:
            return f"({literal(start)})((?s:.*?))({literal(end)})"
        if start:
            return f"({literal(start)})((?s:.*))()"
        if end:
            return f"^()((?s:.*?))({literal(end)})"
        return None

    def _masked(self) -> tuple[bool, ...]:
        return (not self.preserve_delimiters, True, not self.preserve_delimiters)

    def pandas_text(self, a: Any) -> Any:
        pattern = self._pattern()
        if pattern is None:
            return _mask_all_pandas(a, self.mask_symbol, self.alphabet)
        return mask_groups_pandas(a, pattern, self._masked(), self.mask_symbol, self.alphabet)

    def spark_text(self, c: SparkColumn) -> SparkColumn:
        pattern = self._pattern()
        if pattern is None:
            return _mask_all_spark(c, self.mask_symbol, self.alphabet)
        return mask_groups_spark(c, pattern, self._masked(), self.mask_symbol, self.alphabet)


class MaskRange(_Mask):
    """Mask the characters between two positions with the mask symbol (e.g. all but the last 4).

    Positions count characters (code points) from 0; ``start`` is included, ``stop`` is not,
    and negative positions count from the end (-4 is the fourth character from the end), as in
    Python slicing. Without ``start`` masking begins at the first character, without ``stop`` it
    runs to the end. Characters of the ``alphabet`` classes stay as they are: SYMBOLS (ASCII
    punctuation) and WHITESPACE. Each masked character becomes ``maskSymbol``; nulls stay null.
    ``entityTypeFilter`` is not supported yet.
    """

    operation = "MASK_RANGE"
    category = Category.SENSITIVE
    mask_symbol: Text
    start: Integer | None = None
    stop: Integer | None = None
    alphabet: TextList | None = None
    entity_type_filter: TextList | None = None
    examples: ClassVar = (
        Example(
            given={"card": ["4111-1111-1111-1234", "12", "", None, "ab😀cdé"]},
            params={"sourceColumns": ["card"], "maskSymbol": "#", "stop": "-4", "alphabet": '["SYMBOLS"]'},
            expect={"card": ["####-####-####-1234", "12", "", None, "##😀cdé"]},
        ),
        Example(
            given={"first": ["Ana", None, "Bo"], "last": ["Lima", "Reyes", None]},
            params={"sourceColumns": ["first", "last"], "maskSymbol": "*"},
            expect={"first": ["***", None, "**"], "last": ["****", "*****", None]},
        ),
        Example(
            given={"v": ["abcdefgh", "abc", "a b c d", None]},
            params={
                "sourceColumns": ["v"],
                "maskSymbol": "x",
                "start": 2,
                "stop": -2,
                "alphabet": ["WHITESPACE"],
            },
            expect={"v": ["abxxxxgh", "abc", "a x x d", None]},
        ),
        Example(
            given={"v": ["abcdef", "ab", None]},
            params={"sourceColumns": ["v"], "maskSymbol": "#", "start": -3},
            expect={"v": ["abc###", "##", None]},
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> MaskRange:
        no_entity_filter(self.operation, self.entity_type_filter)
        _check_symbol(self.operation, self.mask_symbol)
        _check_alphabet(self.operation, self.alphabet)
        return self

    def pandas_text(self, a: Any) -> Any:
        a = pc.cast(combined(a), TEXT)
        start = self.start or 0
        prefix = (
            pc.utf8_slice_codeunits(a, 0, start) if start else pc.cast(pc.utf8_slice_codeunits(a, 0, 0), TEXT)
        )
        if self.stop is None:
            middle = pc.utf8_slice_codeunits(a, start)
            suffix = pc.utf8_slice_codeunits(a, 0, 0)
        else:
            middle = pc.utf8_slice_codeunits(a, start, self.stop)
            # When the range is empty, the rest starts where the prefix ends.
            suffix = pc.if_else(
                pc.equal(pc.utf8_length(middle), 0),
                pc.utf8_slice_codeunits(a, start),
                pc.utf8_slice_codeunits(a, self.stop),
            )
        masked = _mask_all_pandas(middle, self.mask_symbol, self.alphabet)
        return pc.binary_join_element_wise(prefix, masked, suffix, pa.scalar("", TEXT))

    def spark_text(self, c: SparkColumn) -> SparkColumn:
        n = F.char_length(c)

        def position(value: int | None, default: SparkColumn) -> SparkColumn:
            if value is None:
                return default
            if value < 0:
                return F.greatest(n + F.lit(value), F.lit(0))
            return F.least(F.lit(value), n)

        start = position(self.start, F.lit(0))
        stop = F.greatest(position(self.stop, n), start)
        prefix = c.substr(F.lit(1), start)
        middle = c.substr(start + 1, stop - start)
        suffix = c.substr(stop + 1, F.greatest(n - stop, F.lit(0)))
        return F.concat(prefix, _mask_all_spark(middle, self.mask_symbol, self.alphabet), suffix)


class DatePart(str, Enum):
    YEAR = "YEAR"
    MONTH = "MONTH"
    DAY = "DAY"
    HOUR = "HOUR"
    MINUTE = "MINUTE"
    SECOND = "SECOND"
    MILLISECOND = "MILLISECOND"


_DATE_LAYOUT = (("YEAR", 0, 4), ("-", 4, 5), ("MONTH", 5, 7), ("-", 7, 8), ("DAY", 8, 10))
_TIME_LAYOUT = (
    (" ", 10, 11),
    ("HOUR", 11, 13),
    (":", 13, 14),
    ("MINUTE", 14, 16),
    (":", 16, 17),
    ("SECOND", 17, 19),
    (".", 19, 20),
    ("MILLISECOND", 20, 23),
)


class MaskDate(SourceColumns):
    """Hide chosen parts of dates and timestamps (year, month, … millisecond) behind the mask symbol.

    The result is text: a date shows as ``yyyy-MM-dd`` and a timestamp as
    ``yyyy-MM-dd HH:mm:ss.SSS`` (UTC), with each character of every part in ``redact`` replaced
    by ``maskSymbol`` (``####-05-17``). Time parts do not apply to dates. Text columns are read by
    Workbench's text rules: ``yyyy-MM-dd`` is a date, ``yyyy-MM-dd HH:mm:ss`` (or with ``T``) a
    timestamp; text that is neither is left as it is. ``locale`` is accepted, but the output is
    always the numeric form above. Nulls stay null.
    """

    operation = "MASK_DATE"
    category = Category.SENSITIVE
    accepted = (LType.DATE, LType.TIMESTAMP, LType.STRING)
    mask_symbol: Text
    redact: TextList
    locale: Text | None = None
    examples: ClassVar = (
        Example(
            given={"birthday": ["1990-05-17", "2001-12-31", None]},
            params={"sourceColumns": ["birthday"], "maskSymbol": "#", "redact": '["YEAR"]'},
            schema={"birthday": "date"},
            expect={"birthday": ["####-05-17", "####-12-31", None]},
        ),
        Example(
            given={"seen": ["2024-05-17 23:30:15", None]},
            params={
                "sourceColumns": ["seen"],
                "maskSymbol": "*",
                "redact": ["DAY", "MINUTE", "SECOND", "MILLISECOND"],
            },
            schema={"seen": "timestamp"},
            expect={"seen": ["2024-05-** 23:**:**.***", None]},
        ),
        Example(
            given={"v": ["2024-02-29", "2024-02-29T08:05:00", "soon", "", None]},
            params={"sourceColumns": ["v"], "maskSymbol": "x", "redact": ["MONTH", "HOUR"]},
            expect={"v": ["2024-xx-29", "2024-xx-29 xx:05:00.000", "soon", "", None]},
            title="text is read as a date or a timestamp; other text is left as it is",
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> MaskDate:
        _check_symbol(self.operation, self.mask_symbol)
        parts = {p.value for p in DatePart}
        for part in self.redact:
            if part.upper() not in parts:
                raise ParameterError(
                    f"unknown date part {part!r}; use " + ", ".join(parts),
                    operation=self.operation,
                    parameter="redact",
                )
        return self

    def _parts(self) -> set[str]:
        return {p.upper() for p in self.redact}

    def _layout(self, with_time: bool) -> list[tuple[str, int, int, bool]]:
        layout = [*_DATE_LAYOUT, *(_TIME_LAYOUT if with_time else ())]
        return [(part, start, stop, part in self._parts()) for part, start, stop in layout]

    def _masked_pandas(self, text: Any, with_time: bool) -> Any:
        pieces = []
        for _, start, stop, hide in self._layout(with_time):
            piece = pc.utf8_slice_codeunits(text, start, stop)
            pieces.append(_mask_all_pandas(piece, self.mask_symbol, None) if hide else piece)
        return pc.binary_join_element_wise(*pieces, pa.scalar("", TEXT))

    def _masked_spark(self, text: SparkColumn, with_time: bool) -> SparkColumn:
        pieces = []
        for _, start, stop, hide in self._layout(with_time):
            piece = F.substring(text, start + 1, stop - start)
            pieces.append(_mask_all_spark(piece, self.mask_symbol, None) if hide else piece)
        return F.concat(*pieces)

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: PandasContext, index: int) -> pd.Series:
        a = arr(s)
        if ltype is LType.DATE:
            return wrap(self._masked_pandas(pc.cast(pc.strftime(a, "%Y-%m-%d"), TEXT), False), s)
        if ltype is LType.TIMESTAMP:
            return wrap(self._masked_pandas(_timestamp_text_pandas(a), True), s)
        text = pc.cast(a, TEXT)
        stamp = arr(cast_pandas(s, LType.STRING, LType.TIMESTAMP))
        date_only = pc.fill_null(pc.match_substring_regex(text, TEXT_PATTERNS[LType.DATE]), False)
        as_date = self._masked_pandas(
            pc.cast(pc.strftime(pc.cast(stamp, pa.timestamp("s")), "%Y-%m-%d"), TEXT), False
        )
        as_stamp = self._masked_pandas(_timestamp_text_pandas(stamp), True)
        masked = pc.if_else(date_only, as_date, as_stamp)
        return wrap(pc.if_else(pc.is_valid(stamp), masked, text), s)

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: SparkContext, index: int) -> SparkColumn:
        if ltype is LType.DATE:
            return self._masked_spark(F.date_format(c, "yyyy-MM-dd"), False)
        if ltype is LType.TIMESTAMP:
            return self._masked_spark(F.date_format(c, "yyyy-MM-dd HH:mm:ss.SSS"), True)
        stamp = cast_spark(c, LType.STRING, LType.TIMESTAMP)
        as_date = self._masked_spark(F.date_format(stamp, "yyyy-MM-dd"), False)
        as_stamp = self._masked_spark(F.date_format(stamp, "yyyy-MM-dd HH:mm:ss.SSS"), True)
        masked = F.when(c.rlike(TEXT_PATTERNS[LType.DATE]), as_date).otherwise(as_stamp)
        return F.when(stamp.isNotNull(), masked).otherwise(c)


def _timestamp_text_pandas(a: Any) -> Any:
    seconds = pc.cast(pc.floor_temporal(a, unit="second"), pa.timestamp("s", tz="UTC"))
    text = pc.cast(pc.strftime(seconds, format="%Y-%m-%d %H:%M:%S", locale="C"), TEXT)
    millis = pc.utf8_lpad(pc.cast(pc.millisecond(a), TEXT), 3, "0")
    return pc.binary_join_element_wise(text, millis, pa.scalar(".", TEXT))
