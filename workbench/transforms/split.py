"""Split a text column into parts, and merge several columns into one.

Every split writes its parts to new columns ``<source>_1``, ``<source>_2``, … that replace the
source column at its position. How many parts there are follows from the parameters alone, so a
recipe can refer to the generated names (DataBrew recipes rename ``Address_3`` after a split).
A part the text does not reach is null.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import F, scol
from workbench.core.params import (
    Boolean,
    Columns,
    Integer,
    NewColumn,
    ParamKind,
    PatternOption,
    Text,
    TextColumn,
    structured,
)
from workbench.core.regex import regex_problem
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

MAX_SPLITS = 20
"""DataBrew's largest ``limit``."""

_KEEP = "\ue000"
"""Marks where a part's own text ends; a dropped delimiter follows it up to the cut."""
_CUT = "\ue001"
"""Marks a cut between two parts."""
_META = frozenset("\\^$.|?*+()[]{}")
_EMPTY_PROBES = ("", "a", "ab", "a b", "0", " ", ",", "\n")


class _Split(ColumnFunction):
    """Shared shape of the splits: ``<source>_1..n`` replace the source column."""

    abstract: ClassVar[bool] = True
    supports_conditions: ClassVar[bool] = False
    source_column: TextColumn

    def part_count(self) -> int:
        raise NotImplementedError

    def part_names(self) -> list[str]:
        return [f"{self.source_column}_{i}" for i in range(1, self.part_count() + 1)]

    def produced(self, schema: Schema) -> dict[str, LType]:
        return dict.fromkeys(self.part_names(), LType.STRING)

    def check(self, schema: Schema) -> None:
        super().check(schema)
        for name in self.part_names():
            if name in schema:
                raise ParameterError(
                    f"the split writes {name!r}, which already exists; rename that column first",
                    operation=self.operation,
                    parameter="sourceColumn",
                    column=name,
                )

    def output_schema(self, schema: Schema) -> Schema:
        out = super().output_schema(schema)
        out.pop(self.source_column)
        return out

    def pandas_parts(self, a: pa.ChunkedArray) -> list[pa.ChunkedArray | pa.Array]:
        raise NotImplementedError

    def spark_parts(self, c: SparkColumn) -> list[SparkColumn]:
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        source = df[self.source_column]
        parts = self.pandas_parts(arr(source))
        return {name: wrap(part, source) for name, part in zip(self.part_names(), parts, strict=True)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        parts = self.spark_parts(scol(self.source_column))
        return dict(zip(self.part_names(), parts, strict=True))

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        return super().apply_pandas(df, ctx, where).drop(columns=[self.source_column])

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        parts = self.spark_columns(df, ctx)
        selected: list[SparkColumn] = []
        for name in df.columns:
            if name == self.source_column:
                selected.extend(expr.alias(part) for part, expr in parts.items())
            else:
                selected.append(scol(name))
        return df.select(*selected)


# --- delimiters ------------------------------------------------------------------------------


def literal_regex(text: str) -> str:
    """A regex matching ``text`` literally, valid for RE2 and Java alike."""
    return "".join("\\" + ch if ch in _META else ch for ch in text)


def _uncapture(pattern: str) -> str:
    """Turn the capturing groups of ``pattern`` into non-capturing ones."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
            out.append(ch)
        elif ch == "[":
            in_class = True
            out.append(ch)
            if pattern[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                out.append("]")
                i += 1
        elif ch == "(" and pattern[i + 1 : i + 2] != "?":
            out.append("(?:")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def delimiter_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be a delimiter (it is invalid or can match empty text), or None."""
    if not pattern:
        return "the delimiter is empty"
    problem = regex_problem(pattern)
    if problem:
        return problem
    probes = pa.array(_EMPTY_PROBES, pa.string())
    found = pc.extract_regex(probes, f"(?P<m>{pattern})")
    lengths = pc.utf8_length(pc.struct_field(found, [0]))
    if pc.any(pc.equal(lengths, 0)).as_py():
        return "the delimiter can match empty text; it must match at least one character"
    return None


class _Delimiters:
    """Delimiter regexes with their includeInSplit flags, compiled for both engines.

    Each occurrence of a delimiter is rewritten as ``[kept delimiter] KEEP [dropped delimiter] CUT``;
    splitting at CUT gives the parts, a part before a cut ends at KEEP, and the last part
    (which holds the rest of the text) gets its delimiters back by removing the markers.
    """

    def __init__(self, options: list[tuple[str, bool]]) -> None:
        runs: list[tuple[list[str], bool]] = []
        for pattern, include in options:
            if runs and runs[-1][1] == include:
                runs[-1][0].append(pattern)
            else:
                runs.append(([pattern], include))
        if len(runs) > 9:
            msg = "at most 9 alternations of kept and dropped delimiters are supported"
            raise ValueError(msg)
        self.regex = "|".join(
            "(" + "|".join(f"(?:{_uncapture(p)})" for p in patterns) + ")" for patterns, _ in runs
        )
        self.kept = [i + 1 for i, (_, include) in enumerate(runs) if include]
        self.dropped = [i + 1 for i, (_, include) in enumerate(runs) if not include]

    def rewrite(self, ref: str) -> str:
        kept = "".join(ref.format(g) for g in self.kept)
        dropped = "".join(ref.format(g) for g in self.dropped)
        return kept + _KEEP + dropped + _CUT

    def pandas_parts(self, a: pa.ChunkedArray, limit: int) -> list[Any]:
        marked = pc.replace_substring_regex(a, self.regex, self.rewrite("\\{}"))
        pieces = pc.split_pattern(marked, _CUT, max_splits=limit)
        valid = pc.is_valid(a)
        parts = []
        for i in range(limit + 1):
            piece = pc.list_slice(pieces, i, i + 1, return_fixed_size_list=True).combine_chunks().values
            if i < limit:
                piece = pc.replace_substring_regex(piece, f"{_KEEP}[\\s\\S]*$", "")
            else:
                piece = pc.replace_substring_regex(piece, f"[{_KEEP}{_CUT}]", "")
            parts.append(pc.if_else(valid, piece, pa.scalar(None, piece.type)))
        return parts

    def spark_parts(self, c: SparkColumn, limit: int) -> list[SparkColumn]:
        marked = F.regexp_replace(c, self.regex, self.rewrite("${}"))
        pieces = F.split(marked, _CUT, limit + 1)
        parts = []
        for i in range(limit + 1):
            piece = F.get(pieces, i)
            if i < limit:
                parts.append(F.regexp_replace(piece, f"{_KEEP}[\\s\\S]*$", ""))
            else:
                parts.append(F.regexp_replace(piece, f"[{_KEEP}{_CUT}]", ""))
        return parts


class _DelimiterSplit(_Split):
    """A split at delimiters; subclasses declare ``limit`` after their delimiter parameters."""

    abstract: ClassVar[bool] = True
    if TYPE_CHECKING:
        limit: int

    def part_count(self) -> int:
        return self.limit + 1

    def delimiters(self) -> _Delimiters:
        raise NotImplementedError

    def _check_limit(self) -> None:
        if not 1 <= self.limit <= MAX_SPLITS:
            raise ParameterError(
                f"limit must be between 1 and {MAX_SPLITS} (got {self.limit})",
                operation=self.operation,
                parameter="limit",
            )

    def pandas_parts(self, a: pa.ChunkedArray) -> list[Any]:
        return self.delimiters().pandas_parts(a, self.limit)

    def spark_parts(self, c: SparkColumn) -> list[SparkColumn]:
        return self.delimiters().spark_parts(c, self.limit)


class SplitColumnSingleDelimiter(_DelimiterSplit):
    """Split a text column at a delimiter into limit + 1 new columns.

    The first ``limit`` occurrences of ``pattern`` cut the text; the last part keeps the rest,
    later delimiters included. ``pattern`` is a regular expression unless ``isText`` is true
    (the console's flag for literal text). With ``includeInSplit`` true each delimiter stays at
    the end of the part it closes; false or absent drops it, as DataBrew's reference says ("If
    true, includes the pattern in the new column; otherwise, the pattern is discarded"). Parts go
    to ``<source>_1`` … ``<source>_<limit+1>``, in place of the source column; parts the text does
    not reach are null, a null text gives nulls.
    A delimiter must match at least one character.
    """

    operation = "SPLIT_COLUMN_SINGLE_DELIMITER"
    category = Category.SPLIT
    pattern: Text
    limit: Integer
    include_in_split: Boolean = False
    is_text: Boolean = False
    examples: ClassVar = (
        Example(
            title="the parameters of a real DataBrew export: limit 4 gives Address_1 … Address_5",
            given={
                "id": [1, 2, 3],
                "Address": ["225; Hanson St; Porterville; 30001; US", "9; Main; Oslo", None],
            },
            params={
                "includeInSplit": "true",
                "isText": "TRUE",
                "limit": "4",
                "pattern": ";",
                "sourceColumn": "Address",
            },
            expect={
                "id": [1, 2, 3],
                "Address_1": ["225;", "9;", None],
                "Address_2": [" Hanson St;", " Main;", None],
                "Address_3": [" Porterville;", " Oslo", None],
                "Address_4": [" 30001;", None, None],
                "Address_5": [" US", None, None],
            },
        ),
        Example(
            title="the delimiter is dropped",
            given={"Address": ["225; Hanson St; Porterville; 30001; US", "9; Main; Oslo", None]},
            params={
                "includeInSplit": "false",
                "isText": "TRUE",
                "limit": "4",
                "pattern": "; ",
                "sourceColumn": "Address",
            },
            expect={
                "Address_1": ["225", "9", None],
                "Address_2": ["Hanson St", "Main", None],
                "Address_3": ["Porterville", "Oslo", None],
                "Address_4": ["30001", None, None],
                "Address_5": ["US", None, None],
            },
        ),
        Example(
            title="without includeInSplit the delimiter is discarded",
            given={"date": ["2012/01/01", "2012/01", "", None]},
            params={"sourceColumn": "date", "pattern": "/", "limit": 2, "isText": True},
            expect={
                "date_1": ["2012", "2012", "", None],
                "date_2": ["01", "01", None, None],
                "date_3": ["01", None, None, None],
            },
        ),
        Example(
            title="the delimiter is kept; the last part keeps the rest",
            given={"url": ["a/b/c/d", "x", "", None, "/é/"]},
            params={
                "sourceColumn": "url",
                "pattern": "/",
                "limit": "2",
                "isText": "true",
                "includeInSplit": "true",
            },
            expect={
                "url_1": ["a/", "x", "", None, "/"],
                "url_2": ["b/", None, None, None, "é/"],
                "url_3": ["c/d", None, None, None, ""],
            },
        ),
        Example(
            title="a regular expression delimiter",
            given={"s": ["a1b22c333d", "abc", None]},
            params={"sourceColumn": "s", "pattern": "[0-9]+", "limit": 2, "includeInSplit": False},
            expect={"s_1": ["a", "abc", None], "s_2": ["b", None, None], "s_3": ["c333d", None, None]},
        ),
        Example(
            title="literal text: the dot is not a wildcard",
            given={"ip": ["10.0.1.7", "a.b", None]},
            params={
                "sourceColumn": "ip",
                "pattern": ".",
                "limit": 1,
                "isText": True,
                "includeInSplit": False,
            },
            expect={"ip_1": ["10", "a", None], "ip_2": ["0.1.7", "b", None]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> SplitColumnSingleDelimiter:
        self._check_limit()
        problem = delimiter_problem(self.regex())
        if problem:
            raise ParameterError(problem, operation=self.operation, parameter="pattern")
        return self

    def regex(self) -> str:
        return literal_regex(self.pattern) if self.is_text else self.pattern

    def delimiters(self) -> _Delimiters:
        return _Delimiters([(self.regex(), self.include_in_split)])


class SplitColumnMultipleDelimiter(_DelimiterSplit):
    """Split a text column wherever any of several delimiters occurs, into limit + 1 new columns.

    Each ``patternOptions`` entry is a regular expression with its own ``includeInSplit`` (a kept
    delimiter stays at the end of the part it closes; false or absent discards it). At each
    position the delimiters are tried in the listed order. Otherwise as
    SPLIT_COLUMN_SINGLE_DELIMITER: the first ``limit`` delimiters cut, the last part keeps the
    rest, missing parts are null.
    """

    operation = "SPLIT_COLUMN_MULTIPLE_DELIMITER"
    category = Category.SPLIT
    pattern_options: structured(ParamKind.PATTERN_OPTIONS, list[PatternOption])  # type: ignore[valid-type]
    limit: Integer
    examples: ClassVar = (
        Example(
            given={"d": ["red, green blue,white", "one", None, ""]},
            params={
                "sourceColumn": "d",
                "limit": "2",
                "patternOptions": '[{"pattern":",","includeInSplit":false},'
                '{"pattern":" ","includeInSplit":true}]',
            },
            expect={
                "d_1": ["red", "one", None, ""],
                "d_2": [" ", None, None, None],
                "d_3": ["green blue,white", None, None, None],
            },
        ),
        Example(
            title="listed order decides between delimiters that start at the same place",
            given={"d": ["a, b,c"]},
            params={
                "sourceColumn": "d",
                "limit": 3,
                "patternOptions": [
                    {"pattern": ", ", "includeInSplit": False},
                    {"pattern": ",", "includeInSplit": False},
                ],
            },
            expect={"d_1": ["a"], "d_2": ["b"], "d_3": ["c"], "d_4": [None]},
        ),
        Example(
            title="a delimiter without includeInSplit is discarded",
            given={"d": ["2012/01-01", "x", None]},
            params={"sourceColumn": "d", "limit": 2, "patternOptions": [{"pattern": "/"}, {"pattern": "-"}]},
            expect={"d_1": ["2012", "x", None], "d_2": ["01", None, None], "d_3": ["01", None, None]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> SplitColumnMultipleDelimiter:
        self._check_limit()
        if not self.pattern_options:
            raise ParameterError(
                "give at least one delimiter", operation=self.operation, parameter="patternOptions"
            )
        for i, option in enumerate(self.pattern_options):
            problem = delimiter_problem(option.pattern)
            if problem:
                raise ParameterError(
                    f"delimiter {i + 1}: {problem}", operation=self.operation, parameter="patternOptions"
                )
        try:
            self.delimiters()
        except ValueError as exc:
            raise ParameterError(str(exc), operation=self.operation, parameter="patternOptions") from None
        return self

    def delimiters(self) -> _Delimiters:
        return _Delimiters([(o.pattern, o.include_in_split) for o in self.pattern_options])


class SplitColumnBetweenDelimiter(_Split):
    """Split a text column into three new columns around a first and a second delimiter.

    ``<source>_1`` holds the text before the first match of ``patternOption1``, ``<source>_2``
    the text from there up to the first match of ``patternOption2`` after it, and ``<source>_3``
    the rest. Each option is a regular expression with its own ``includeInSplit``: a kept
    delimiter stays at the end of the part it closes, otherwise it is discarded. Without the first
    delimiter the whole text is ``<source>_1``; without the second, ``<source>_2`` holds the rest.
    Parts the text does not reach are null, a null text gives nulls.
    """

    operation = "SPLIT_COLUMN_BETWEEN_DELIMITER"
    category = Category.SPLIT
    pattern_option1: structured(ParamKind.PATTERN_OPTION, PatternOption)  # type: ignore[valid-type]
    pattern_option2: structured(ParamKind.PATTERN_OPTION, PatternOption)  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            title="the delimiters are discarded",
            given={"email": ["jane.doe@example.com", "Zoë.Ångström@mail.no", "nobody", "", None]},
            params={
                "sourceColumn": "email",
                "patternOption1": '{"pattern":"\\\\.","includeInSplit":false}',
                "patternOption2": '{"pattern":"@","includeInSplit":false}',
            },
            expect={
                "email_1": ["jane", "Zoë", "nobody", "", None],
                "email_2": ["doe", "Ångström", None, None, None],
                "email_3": ["example.com", "mail.no", None, None, None],
            },
        ),
        Example(
            title="kept delimiters end the part they close; the second is looked for after the first",
            given={"s": ["a-b-c:d", "x:y-z", "p-q", "-:", None]},
            params={
                "sourceColumn": "s",
                "patternOption1": {"pattern": "-", "includeInSplit": True},
                "patternOption2": {"pattern": "[:]", "includeInSplit": "true"},
            },
            expect={
                "s_1": ["a-", "x:y-", "p-", "-", None],
                "s_2": ["b-c:", "z", "q", ":", None],
                "s_3": ["d", None, None, "", None],
            },
        ),
        Example(
            title="includeInSplit left out drops the delimiter; groups in a pattern are allowed",
            given={"t": ["(12) 345 678", "no brackets"]},
            params={
                "sourceColumn": "t",
                "patternOption1": {"pattern": "(\\()"},
                "patternOption2": {"pattern": "\\) ?"},
            },
            expect={"t_1": ["", "no brackets"], "t_2": ["12", None], "t_3": ["345 678", None]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> SplitColumnBetweenDelimiter:
        for name, option in (
            ("patternOption1", self.pattern_option1),
            ("patternOption2", self.pattern_option2),
        ):
            problem = delimiter_problem(_uncapture(option.pattern))
            if problem:
                raise ParameterError(problem, operation=self.operation, parameter=name)
        return self

    def part_count(self) -> int:
        return 3

    @staticmethod
    def _around(option: PatternOption, *, named: bool = False) -> str:
        """Groups 1-3: the text before the first match, the match, and the rest."""
        a, b, c = ("(?P<a>", "(?P<b>", "(?P<c>") if named else ("(", "(", "(")
        return f"^{a}[\\s\\S]*?){b}{_uncapture(option.pattern)}){c}[\\s\\S]*)$"

    def pandas_parts(self, a: pa.ChunkedArray) -> list[Any]:
        def cut(text: Any, option: PatternOption) -> tuple[Any, Any]:
            found = pc.extract_regex(text, self._around(option, named=True))
            head = pc.struct_field(found, [0])
            if option.include_in_split:
                head = pc.binary_join_element_wise(
                    head, pc.struct_field(found, [1]), pa.scalar("", head.type)
                )
            matched = pc.is_valid(found)
            rest = pc.if_else(matched, pc.struct_field(found, [2]), pa.scalar(None, head.type))
            return pc.if_else(matched, head, text), rest

        first, rest = cut(a, self.pattern_option1)
        second, third = cut(rest, self.pattern_option2)
        return [first, second, third]

    def spark_parts(self, c: SparkColumn) -> list[SparkColumn]:
        def cut(text: SparkColumn, option: PatternOption) -> tuple[SparkColumn, SparkColumn]:
            regex = self._around(option)
            head = F.regexp_extract(text, regex, 1)
            if option.include_in_split:
                head = F.concat(head, F.regexp_extract(text, regex, 2))
            matched = text.rlike(regex)
            return F.when(matched, head).otherwise(text), F.when(matched, F.regexp_extract(text, regex, 3))

        first, rest = cut(c, self.pattern_option1)
        second, third = cut(rest, self.pattern_option2)
        return [first, second, third]


# --- positions -------------------------------------------------------------------------------


def _pandas_between(a: Any, start: int, stop: int | None) -> Any:
    """Characters ``start`` (0-based) up to ``stop``; null when the text ends at ``start``."""
    part = pc.utf8_slice_codeunits(a, start, stop) if stop is not None else pc.utf8_slice_codeunits(a, start)
    if start == 0:
        return part
    return pc.if_else(pc.greater(pc.utf8_length(a), start), part, pa.scalar(None, part.type))


def _spark_between(c: SparkColumn, start: int, stop: int | None) -> SparkColumn:
    length = (stop - start) if stop is not None else 2**31 - 1 - start
    part = F.substring(c, start + 1, length)
    if start == 0:
        return F.when(c.isNotNull(), part)
    return F.when(F.length(c) > start, part)


class _PositionSplit(_Split):
    """Cuts at fixed character offsets (an offset counts the characters before the cut)."""

    abstract: ClassVar[bool] = True

    def cuts(self) -> list[int]:
        raise NotImplementedError

    def part_count(self) -> int:
        return len(self.cuts()) + 1

    def _bounds(self) -> list[tuple[int, int | None]]:
        cuts = self.cuts()
        return list(zip([0, *cuts], [*cuts, None], strict=True))

    def pandas_parts(self, a: pa.ChunkedArray) -> list[Any]:
        return [_pandas_between(a, start, stop) for start, stop in self._bounds()]

    def spark_parts(self, c: SparkColumn) -> list[SparkColumn]:
        return [_spark_between(c, start, stop) for start, stop in self._bounds()]


class SplitColumnFromStart(_PositionSplit):
    """Split a text column into two new columns after the first ``position`` characters.

    ``<source>_1`` holds the first ``position`` characters (all of a shorter text) and
    ``<source>_2`` the rest, null when the text has no characters past ``position``.
    Characters are code points. ``position`` is at least 1.
    """

    operation = "SPLIT_COLUMN_FROM_START"
    category = Category.SPLIT
    position: Integer
    examples: ClassVar = (
        Example(
            given={"first_name": ["Jane", "Zoë", "J", "", None]},
            params={"position": "1", "sourceColumn": "first_name"},
            expect={
                "first_name_1": ["J", "Z", "J", "", None],
                "first_name_2": ["ane", "oë", None, None, None],
            },
        ),
        Example(
            given={"code": ["AB-123", "ABC"], "n": [1, None]},
            params={"position": 3, "sourceColumn": "code"},
            expect={"code_1": ["AB-", "ABC"], "code_2": ["123", None], "n": [1, None]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> SplitColumnFromStart:
        if self.position < 1:
            raise ParameterError("position must be 1 or more", operation=self.operation, parameter="position")
        return self

    def cuts(self) -> list[int]:
        return [self.position]


class SplitColumnFromEnd(_Split):
    """Split a text column into two new columns before the last ``position`` characters.

    ``<source>_2`` holds the last ``position`` characters (all of a shorter text) and
    ``<source>_1`` what comes before them, null when there is nothing before them.
    Characters are code points. ``position`` is at least 1.
    """

    operation = "SPLIT_COLUMN_FROM_END"
    category = Category.SPLIT
    position: Integer
    examples: ClassVar = (
        Example(
            given={"zip": ["NO-0150", "0150", "150", "", None]},
            params={"position": "4", "sourceColumn": "zip"},
            expect={"zip_1": ["NO-", None, None, None, None], "zip_2": ["0150", "0150", "150", "", None]},
        ),
        Example(
            given={"w": ["naïve", "ab"]},
            params={"position": 1, "sourceColumn": "w"},
            expect={"w_1": ["naïv", "a"], "w_2": ["e", "b"]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> SplitColumnFromEnd:
        if self.position < 1:
            raise ParameterError("position must be 1 or more", operation=self.operation, parameter="position")
        return self

    def part_count(self) -> int:
        return 2

    def pandas_parts(self, a: pa.ChunkedArray) -> list[Any]:
        p = self.position
        head = pc.utf8_slice_codeunits(a, 0, -p)
        head = pc.if_else(pc.greater(pc.utf8_length(a), p), head, pa.scalar(None, head.type))
        return [head, pc.utf8_slice_codeunits(a, -p)]

    def spark_parts(self, c: SparkColumn) -> list[SparkColumn]:
        p = self.position
        length = F.length(c)
        cut = F.greatest(length - F.lit(p), F.lit(0))
        head = F.when(length > p, c.substr(F.lit(1), length - F.lit(p)))
        return [head, c.substr(cut + F.lit(1), F.lit(p))]


class SplitColumnBetweenPositions(_PositionSplit):
    """Split a text column into three new columns at two character offsets.

    ``<source>_1`` holds the characters before ``startPosition``, ``<source>_2`` those from
    ``startPosition`` up to ``endPosition`` and ``<source>_3`` the rest. Offsets count the
    characters (code points) before the cut, so 0 is the start of the text; a part the text does
    not reach is null. ``endPosition`` must be greater than ``startPosition``.
    """

    operation = "SPLIT_COLUMN_BETWEEN_POSITIONS"
    category = Category.SPLIT
    start_position: Integer
    end_position: Integer
    examples: ClassVar = (
        Example(
            given={"last_name": ["Fitzgerald", "Lee", "Ng", None, "Müller-Lüdenscheidt"]},
            params={"endPosition": "5", "sourceColumn": "last_name", "startPosition": "2"},
            expect={
                "last_name_1": ["Fi", "Le", "Ng", None, "Mü"],
                "last_name_2": ["tzg", "e", None, None, "lle"],
                "last_name_3": ["erald", None, None, None, "r-Lüdenscheidt"],
            },
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> SplitColumnBetweenPositions:
        if self.start_position < 0:
            raise ParameterError(
                "startPosition must be 0 or more", operation=self.operation, parameter="startPosition"
            )
        if self.end_position <= self.start_position:
            raise ParameterError(
                "endPosition must be greater than startPosition",
                operation=self.operation,
                parameter="endPosition",
            )
        return self

    def cuts(self) -> list[int]:
        return [self.start_position, self.end_position]


class SplitColumnWithIntervals(_PositionSplit):
    """Split a text column into fixed-width pieces of ``interval`` characters from ``startPosition``.

    The text is cut at ``startPosition`` and then every ``interval`` characters (offsets count
    the code points before a cut; a cut at 0 is skipped), ``limit`` cuts in all, giving
    ``limit + 1`` columns ``<source>_1`` …; the last one keeps the rest of the text. DataBrew
    sizes this from the data; here ``limit`` (a Workbench parameter, 1 to 20, default 20,
    DataBrew's largest number of splits) fixes the number of columns so later steps can name
    them. A piece the text does not reach is null.
    """

    operation = "SPLIT_COLUMN_WITH_INTERVALS"
    category = Category.SPLIT
    start_position: Integer
    interval: Integer
    limit: Integer = MAX_SPLITS
    examples: ClassVar = (
        Example(
            given={"nationality": ["abcdefghij", "abc", "", None]},
            params={"interval": "4", "sourceColumn": "nationality", "startPosition": "1", "limit": "3"},
            expect={
                "nationality_1": ["a", "a", "", None],
                "nationality_2": ["bcde", "bc", None, None],
                "nationality_3": ["fghi", None, None, None],
                "nationality_4": ["j", None, None, None],
            },
        ),
        Example(
            title="from the first character, two cuts",
            given={"s": ["ĀĒĪŌŪxy", "ab", None]},
            params={"interval": 2, "sourceColumn": "s", "startPosition": 0, "limit": 2},
            expect={"s_1": ["ĀĒ", "ab", None], "s_2": ["ĪŌ", None, None], "s_3": ["Ūxy", None, None]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> SplitColumnWithIntervals:
        if self.start_position < 0:
            raise ParameterError(
                "startPosition must be 0 or more", operation=self.operation, parameter="startPosition"
            )
        if self.interval < 1:
            raise ParameterError("interval must be 1 or more", operation=self.operation, parameter="interval")
        if not 1 <= self.limit <= MAX_SPLITS:
            raise ParameterError(
                f"limit must be between 1 and {MAX_SPLITS}", operation=self.operation, parameter="limit"
            )
        return self

    def cuts(self) -> list[int]:
        first = self.start_position if self.start_position > 0 else self.interval
        return [first + k * self.interval for k in range(self.limit)]


# --- merge -----------------------------------------------------------------------------------


class _Merge(ColumnFunction):
    """Concatenate columns as text with an optional delimiter into ``targetColumn``."""

    abstract: ClassVar[bool] = True
    minimum: ClassVar[int] = 1
    source_columns: Columns
    delimiter: Text = " "
    target_column: NewColumn

    @model_validator(mode="after")
    def _enough(self) -> _Merge:
        if len(self.source_columns) < self.minimum:
            raise ParameterError(
                f"{self.operation} needs at least {self.minimum} column(s) in sourceColumns",
                operation=self.operation,
                parameter="sourceColumns",
            )
        return self

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.STRING}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        schema = ctx.schema_of(df)
        texts = [
            pc.cast(arr(cast_pandas(df[c], schema[c], LType.STRING)), pa.large_string())
            for c in self.source_columns
        ]
        delimiter = pa.scalar(self.delimiter, pa.large_string())
        # binary_join_element_wise(null_handling="skip") drops trailing all-null rows in
        # pyarrow 26, so nulls are skipped pairwise instead.
        merged = texts[0]
        for text in texts[1:]:
            both = pc.binary_join_element_wise(merged, text, delimiter)
            merged = pc.coalesce(both, merged, text)
        return {self.target_column: wrap(merged, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        schema = ctx.schema_of(df)
        texts = [cast_spark(scol(c), schema[c], LType.STRING) for c in self.source_columns]
        some = texts[0].isNotNull()
        for text in texts[1:]:
            some = some | text.isNotNull()
        return {self.target_column: F.when(some, F.concat_ws(self.delimiter, *texts))}


class Merge(_Merge):
    """Merge columns into a new text column, with an optional delimiter between the values.

    ``delimiter`` defaults to a single space: DataBrew console exports leave it out, and a real
    export merging Prefix, First_Name and Last_Name into Name only makes sense with it; give ""
    for none. Values that are not text are written by the CHANGE_DATA_TYPE rules (dates as
    yyyy-mm-dd, whole doubles without a fraction). A null value is skipped together with its
    delimiter; the result is null only when every value is null. The source columns stay.
    """

    operation = "MERGE"
    category = Category.MERGE
    examples: ClassVar = (
        Example(
            title="a real DataBrew export leaves the delimiter out: a space",
            given={
                "Prefix": ["MR.", "MS.", None],
                "First_Name": ["PAUL", None, None],
                "Last_Name": ["SHELTON", "JONES", None],
            },
            params={"sourceColumns": '["Prefix","First_Name","Last_Name"]', "targetColumn": "Name"},
            expect={
                "Prefix": ["MR.", "MS.", None],
                "Name": ["MR. PAUL SHELTON", "MS. JONES", None],
                "First_Name": ["PAUL", None, None],
                "Last_Name": ["SHELTON", "JONES", None],
            },
        ),
        Example(
            given={"first_name": ["Zoë", "", None], "age": [31, 7, None]},
            params={
                "delimiter": " ",
                "sourceColumns": ["first_name", "age"],
                "targetColumn": "Merged Column 1",
            },
            expect={
                "first_name": ["Zoë", "", None],
                "Merged Column 1": ["Zoë 31", " 7", None],
                "age": [31, 7, None],
            },
        ),
    )


class MergeColumnsAndValues(_Merge):
    """Concatenate the values of two or more columns as text into a new column.

    The delimiter goes between each two values (a single space by default, as for MERGE; give
    "" for none). Values that are not text are written by the CHANGE_DATA_TYPE rules; a null
    value is skipped together with its delimiter and the result is null only when every value
    is null.
    """

    operation = "MERGE_COLUMNS_AND_VALUES"
    category = Category.MERGE
    minimum: ClassVar[int] = 2
    examples: ClassVar = (
        Example(
            given={
                "last_name": ["Lovelace", "Hopper", None, "Noether"],
                "birth_date": ["1815-12-10", None, None, "1882-03-23"],
            },
            schema={"birth_date": "date"},
            params={
                "sourceColumns": '["last_name","birth_date"]',
                "delimiter": " was born on: ",
                "targetColumn": "merged_column",
            },
            expect={
                "last_name": ["Lovelace", "Hopper", None, "Noether"],
                "merged_column": [
                    "Lovelace was born on: 1815-12-10",
                    "Hopper",
                    None,
                    "Noether was born on: 1882-03-23",
                ],
                "birth_date": [dt.date(1815, 12, 10), None, None, dt.date(1882, 3, 23)],
            },
        ),
        Example(
            title="no delimiter",
            given={"a": [1.5, 2.0, None], "b": [True, None, False]},
            params={"sourceColumns": ["a", "b"], "targetColumn": "ab", "delimiter": ""},
            expect={"a": [1.5, 2.0, None], "ab": ["1.5true", "2", "false"], "b": [True, None, False]},
        ),
        Example(
            title="the default delimiter is a space",
            given={"a": ["x", "", None], "b": ["y", "z", None], "c": [1, None, 3]},
            params={"sourceColumns": ["a", "b", "c"], "targetColumn": "abc"},
            expect={
                "a": ["x", "", None],
                "abc": ["x y 1", " z", "3"],
                "b": ["y", "z", None],
                "c": [1, None, 3],
            },
        ),
    )
