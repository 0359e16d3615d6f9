"""Split: at delimiters (single, multiple, between delimiters, from the start or the end)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.errors import ParameterError
from workbench.core.lazy import F
from workbench.core.params import (
    Boolean,
    Integer,
    ParamKind,
    PatternOption,
    Text,
    structured,
)
from workbench.core.regex import regex_problem
from workbench.core.registry import Category, Example
from workbench.core.splitting import (
    CUT,
    EMPTY_PROBES,
    KEEP,
    MAX_SPLITS,
    META,
    Split,
)

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


# --- delimiters ------------------------------------------------------------------------------


def literal_regex(text: str) -> str:
    """A regex matching ``text`` literally, valid for RE2 and Java alike."""
    return "".join("\\" + ch if ch in META else ch for ch in text)


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
    probes = pa.array(EMPTY_PROBES, pa.string())
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
        return kept + KEEP + dropped + CUT

    def pandas_parts(self, a: pa.ChunkedArray, limit: int) -> list[Any]:
        marked = pc.replace_substring_regex(a, self.regex, self.rewrite("\\{}"))
        pieces = pc.split_pattern(marked, CUT, max_splits=limit)
        valid = pc.is_valid(a)
        parts = []
        for i in range(limit + 1):
            piece = pc.list_slice(pieces, i, i + 1, return_fixed_size_list=True).combine_chunks().values
            if i < limit:
                piece = pc.replace_substring_regex(piece, f"{KEEP}[\\s\\S]*$", "")
            else:
                piece = pc.replace_substring_regex(piece, f"[{KEEP}{CUT}]", "")
            parts.append(pc.if_else(valid, piece, pa.scalar(None, piece.type)))
        return parts

    def spark_parts(self, c: SparkColumn, limit: int) -> list[SparkColumn]:
        marked = F.regexp_replace(c, self.regex, self.rewrite("${}"))
        pieces = F.split(marked, CUT, limit + 1)
        parts = []
        for i in range(limit + 1):
            piece = F.get(pieces, i)
            if i < limit:
                parts.append(F.regexp_replace(piece, f"{KEEP}[\\s\\S]*$", ""))
            else:
                parts.append(F.regexp_replace(piece, f"[{KEEP}{CUT}]", ""))
        return parts


class _DelimiterSplit(Split):
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


class SplitColumnBetweenDelimiter(Split):
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
