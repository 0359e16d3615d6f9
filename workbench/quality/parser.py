"""Parse DQDL documents into :class:`~workbench.quality.ast.Ruleset` trees.

The grammar (``grammar.lark``) is LALR(1) and covers the document layout, every rule shape, conditions,
arithmetic and history functions. Everything that depends on the rule type -- how many parameters it
takes, which condition kind it needs, whether ``where`` / ``with threshold`` are allowed -- is checked here
after parsing, against :data:`RULE_TYPES`, as are variable references and the document sections. Any
problem rejects the whole document with a :class:`DqdlSyntaxError` naming the line, the column and, in
plain words, what was expected there.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path
from typing import Literal, NoReturn, cast

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from workbench.core.errors import WorkbenchError, nearest
from workbench.core.regex import regex_problem
from workbench.quality.ast import (
    DURATION_UNITS,
    Analyzer,
    Argument,
    BinaryOp,
    Composite,
    Condition,
    ConditionOp,
    DataSources,
    Duration,
    Entry,
    Expr,
    FunctionCall,
    Metadata,
    Negation,
    Now,
    Number,
    Rule,
    Ruleset,
    Size,
    Special,
    String,
    Tag,
    ValueList,
    Variable,
    VariableRef,
)

__all__ = ["RULE_TYPES", "DqdlSyntaxError", "RuleTypeSpec", "parse_ruleset"]

ConditionKind = Literal["none", "number", "string", "values", "duration", "date", "size"]


# ---- rule types ----------


@dataclasses.dataclass(frozen=True)
class RuleTypeSpec:
    """What the parser knows about one rule type."""

    name: str
    min_args: int
    max_args: int | None
    args_hint: str
    condition: ConditionKind
    condition_optional: bool = False
    where: bool = False
    threshold: bool = False
    rule: bool = True
    analyzer: bool = True
    extension: bool = False

    def takes_condition(self) -> bool:
        return self.condition != "none"


def _spec(
    name: str, args: tuple[int, int | None], hint: str, condition: ConditionKind, **flags: bool
) -> RuleTypeSpec:
    boolean = condition == "none"
    flags.setdefault("analyzer", not boolean)
    return RuleTypeSpec(name, args[0], args[1], hint, condition, **flags)


_ONE = "one column name"
_MANY = "one or more column names"

RULE_TYPES: dict[str, RuleTypeSpec] = {
    s.name: s
    for s in (
        _spec("RowCount", (0, 0), "no parameters", "number", where=True),
        _spec("ColumnCount", (0, 0), "no parameters", "number"),
        _spec("ColumnExists", (1, 1), _ONE, "none"),
        _spec("ColumnNamesMatchPattern", (1, 1), 'a quoted pattern such as "^[a-z_]+$"', "none"),
        _spec("ColumnDataType", (1, 1), _ONE, "string", where=True, threshold=True),
        _spec("IsComplete", (1, 1), _ONE, "none", where=True),
        _spec("Completeness", (1, 1), _ONE, "number", where=True),
        _spec("IsUnique", (1, None), _MANY, "none", where=True),
        _spec("Uniqueness", (1, None), _MANY, "number", where=True),
        _spec("IsPrimaryKey", (1, None), _MANY, "none", where=True),
        _spec("DistinctValuesCount", (1, 1), _ONE, "number", where=True),
        _spec("UniqueValueRatio", (1, 1), _ONE, "number", where=True),
        _spec("Entropy", (1, 1), _ONE, "number", where=True),
        _spec("Mean", (1, 1), _ONE, "number", where=True),
        _spec("Sum", (1, 1), _ONE, "number", where=True),
        _spec("StandardDeviation", (1, 1), _ONE, "number", where=True),
        _spec("Variance", (1, 1), _ONE, "number", where=True),
        _spec("ColumnCorrelation", (2, 2), 'two column names such as "a" "b"', "number", where=True),
        _spec("ColumnLength", (1, 1), _ONE, "number", where=True),
        _spec("ColumnValues", (1, 1), _ONE, "values", where=True, threshold=True),
        _spec("DataFreshness", (1, 1), _ONE, "duration", where=True),
        _spec(
            "CustomSql", (1, 1), "a quoted SQL statement", "number", condition_optional=True, threshold=True
        ),
        _spec("AggregateMatch", (2, 2), 'two quoted aggregates such as "sum(a)" "sum(ref.b)"', "number"),
        _spec("RowCountMatch", (1, 1), "a quoted dataset alias", "number"),
        _spec("SchemaMatch", (1, 1), "a quoted dataset alias", "number"),
        _spec("ReferentialIntegrity", (2, 2), 'two quoted column lists such as "id" "ref.{id}"', "number"),
        _spec(
            "DatasetMatch", (2, 3), "a dataset alias, a key mapping and optionally a column mapping", "number"
        ),
        _spec("DetectAnomalies", (1, None), 'a quoted metric name such as "RowCount"', "none"),
        _spec("FileMatch", (0, 2), "up to two quoted paths", "string", condition_optional=True),
        _spec("FileUniqueness", (0, 2), "up to two quoted paths", "number"),
        _spec("FileFreshness", (0, 2), "up to two quoted paths", "date", threshold=True),
        _spec("FileSize", (0, 2), "up to two quoted paths", "size", threshold=True),
        _spec("AllStatistics", (1, 1), _ONE, "number", rule=False),
        # Extensions translated by the deequ port; not in the public grammar's rule list.
        _spec("ZerosCount", (1, 1), _ONE, "number", extension=True),
        _spec("Range", (1, 1), _ONE, "number", extension=True),
        _spec("InterquartileRange", (1, 1), _ONE, "number", extension=True),
        _spec("Skewness", (1, 1), _ONE, "number", extension=True),
        _spec("Kurtosis", (1, 1), _ONE, "number", extension=True),
        _spec("DuplicateRowCount", (0, None), "zero or more column names", "number", extension=True),
    )
}
"""Every rule type the parser accepts, by its exact (case-sensitive) name."""


# ---- errors ----------


class DqdlSyntaxError(WorkbenchError, ValueError):
    """The DQDL document is invalid; nothing of it is used.

    ``line`` and ``column`` are 1-based; ``expected`` says in plain words what would have been valid there.
    The message repeats them and shows the offending line with a caret under the column.
    """

    exit_code = 2

    def __init__(
        self,
        problem: str,
        *,
        line: int,
        column: int,
        expected: str,
        source: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.line = line
        self.column = column
        self.expected = expected
        self.hint = hint
        message = f"line {line}, column {column}: {problem}"
        if hint:
            message += f" ({hint})"
        excerpt = _caret_excerpt(source, line, column) if source is not None else ""
        super().__init__(message + excerpt)


def _caret_excerpt(source: str, line: int, column: int) -> str:
    lines = source.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1].rstrip("\r")
    gutter = f"{line:>4} | "
    pad = "".join(ch if ch == "\t" else " " for ch in text[: column - 1])
    return f"\n{gutter}{text}\n{' ' * (len(gutter) - 2)}| {pad}^"


_COMPARISON = "a comparison such as > 0.9 or between 1 and 5"
_VALUE = 'a value such as 0.9, "text", NULL, now() or avg(last(10))'
_CONDITION_WORDS: dict[str, str] = {
    "number": _COMPARISON,
    "string": 'a comparison such as = "Integer"',
    "values": 'a condition such as > 0, in ["a", "b"] or matches "[A-Z]+"',
    "duration": "a comparison with a duration such as <= 24 hours",
    "date": "a comparison with a date such as > (now() - 1 days)",
    "size": "a comparison with a size such as > 5 MB",
}
_END_OF_RULE = "',' or ']' after the rule"

# How each terminal reads in an error message: a group key, resolved by _describe_expected.
_TERMINAL_GROUPS: dict[str, str] = {
    "Rules": "section",
    "Analyzers": "section",
    "Metadata": "section",
    "DataSources": "section",
    "DefaultLabels": "section",
    "VAR_NAME": "variable",
    "RULE_NAME": "rule",
    "!=": "comparison",
    ">": "comparison",
    ">=": "comparison",
    "<": "comparison",
    "<=": "comparison",
    "between": "comparison",
    "not": "comparison",
    "in": "comparison",
    "matches": "comparison",
    "NUMBER": "value",
    "FUNC_NAME": "value",
    "now": "value",
    "+": "arith",
    "*": "arith",
    "/": "arith",
    "where": "where",
    "with": "with",
    "labels": "labels",
    "TAG_NAME": "tag",
    "IDENT": "column",
    "$END": "end",
}
for _word in ("NULL", "null", "EMPTY", "empty", "WHITESPACES_ONLY", "whitespaces_only"):
    _TERMINAL_GROUPS[_word] = "value"
for _word in (*DURATION_UNITS, "B", "KB", "MB", "GB", "TB"):
    _TERMINAL_GROUPS[_word] = "unit"

_GROUP_ORDER = (
    "section",
    "rule",
    "and",
    "boolop",
    "comparison",
    "value",
    "list",
    "column",
    "equals",
    "string",
    "tag",
    "variable",
    ",",
    "]",
    ")",
    "}",
    "{",
    "[",
    "(",
    ":",
    "where",
    "with",
    "labels",
    "arith",
    "unit",
    "end",
)
_GROUP_WORDS: dict[str, str] = {
    "comparison": _COMPARISON,
    "value": _VALUE,
    "list": 'a list such as ["a", "b"] or a $variable',
    "column": "a column name",
    "and": "'and'",
    "boolop": "'and' or 'or' to combine rules",
    "equals": "'='",
    "string": "a quoted string",
    "tag": "an option name such as threshold",
    "variable": 'a variable declaration such as codes = ["A", "B"]',
    "where": 'where "<SQL predicate>"',
    "with": "with threshold <condition>",
    "labels": "labels=[...]",
    "arith": "an arithmetic operator (+ - * /)",
    "unit": "a unit (days, hours, minutes, B, KB, MB, GB, TB)",
    "end": "the end of the document",
}


def _describe_expected(names: set[str]) -> str:
    """Plain words for a set of lark terminal names."""
    texts = {_terminal_text(n) for n in names if not n.startswith("__IGNORE") and n != "COMMENT"}
    groups: set[str] = set()
    for text in texts:
        group = _TERMINAL_GROUPS.get(text)
        if group is None:
            if text in ("STRING", "VAR"):
                group = "value" if "NUMBER" in texts else "column" if "IDENT" in texts else "string"
                if text == "VAR" and "[" in texts:
                    group = "list"
            elif text in ("and", "AND"):
                group = "" if "IDENT" in texts else "boolop" if "or" in texts else "and"
            elif text in ("or", "OR"):
                group = "boolop"
            elif text in ("of", "OF"):
                group = ""
            elif text == "=":
                group = "comparison" if "!=" in texts else "equals"
            elif text == "-":
                group = "value" if "NUMBER" in texts else "arith"
            elif text == "(":
                group = "value" if "NUMBER" in texts else "" if "RULE_NAME" in texts else "("
            elif text == "[":
                group = "list" if "VAR" in texts else "["
            else:
                group = text
        if group:
            groups.add(group)
    words: list[str] = []
    for group in sorted(groups, key=lambda g: _GROUP_ORDER.index(g) if g in _GROUP_ORDER else 99):
        if group == "section":
            sections = [s for s in ("Rules", "Analyzers") if s in texts]
            words.append(" or ".join(f"{s} = [ ... ]" for s in sections) or "a section")
        elif group == "rule":
            if "(" in texts:
                words.append("a rule such as RowCount > 0, or '(' to start a composite rule")
            else:
                words.append('an analyzer such as RowCount or Completeness "col"')
        elif group in _GROUP_WORDS:
            words.append(_GROUP_WORDS[group])
        else:
            words.append(f"'{group}'")
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _terminal_text(name: str) -> str:
    """The literal text of a keyword / punctuation terminal, else the terminal's name."""
    return _terminal_texts().get(name, name)


@functools.lru_cache(maxsize=1)
def _terminal_texts() -> dict[str, str]:
    out: dict[str, str] = {}
    for terminal in _lark().terminals:
        if terminal.pattern.type == "str":
            out[terminal.name] = terminal.pattern.value
    return out


def _from_lark(source: str, exc: UnexpectedInput) -> DqdlSyntaxError:
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        try:
            accepts = exc.accepts
        except Exception:  # the interactive parser is best-effort; fall back to the parse table's set
            accepts = None
        names = set(accepts or exc.expected)
        expected = _describe_expected(names)
        if token.type == "$END":
            line = token.end_line if token.end_line is not None else token.line or 1
            column = token.end_column if token.end_column is not None else token.column or 1
            found = "the end of the document"
        else:
            line, column = token.line or 1, token.column or 1
            found = repr(str(token.value))
        hint = _section_case_hint(source, token.start_pos)
        texts = {_terminal_text(n) for n in names}
        if token.type != "$END" and str(token.value) in RULE_TYPES and "," in texts:
            hint = f"is a ',' missing before {token.value}?"
        elif texts == {"("} and str(token.value) in RULE_TYPES:
            hint = "each operand of and / or goes in parentheses: (rule) and (rule)"
        elif str(token.value).lower() in _LOWER_KEYWORDS and str(token.value) not in _LOWER_KEYWORDS:
            hint = f"keywords are written in lower case: {str(token.value).lower()}"
        return DqdlSyntaxError(
            f"expected {expected}, found {found}",
            line=line,
            column=column,
            expected=expected,
            source=source,
            hint=hint,
        )
    if isinstance(exc, UnexpectedCharacters):
        line, column = exc.line, exc.column
        if exc.char == '"':
            expected = "a closing '\"'"
            return DqdlSyntaxError(
                f"unterminated string: expected {expected}",
                line=line,
                column=column,
                expected=expected,
                source=source,
            )
        expected = _describe_expected(set(exc.allowed or ()))
        hint = "DQDL strings use double quotes" if exc.char == "'" else None
        return DqdlSyntaxError(
            f"expected {expected}, found {exc.char!r}",
            line=line,
            column=column,
            expected=expected,
            source=source,
            hint=hint,
        )
    line = getattr(exc, "line", 1) or 1
    column = getattr(exc, "column", 1) or 1
    return DqdlSyntaxError("unexpected input", line=line, column=column, expected="valid DQDL", source=source)


_LOWER_KEYWORDS = {"between", "in", "not", "matches", "with", "where", "labels"}
_SECTIONS = ("Metadata", "DataSources", "DefaultLabels", "Rules", "Analyzers")
_ASSIGNMENT = re.compile(r"^[ \t]*([A-Za-z0-9_.]+)[ \t]*=", re.MULTILINE)


def _section_case_hint(source: str, before: int | None) -> str | None:
    """Point out a section name written in the wrong case (it would be read as a variable)."""
    lowered = {s.lower(): s for s in _SECTIONS}
    for match in _ASSIGNMENT.finditer(source, 0, len(source) if before is None else before):
        word = match.group(1)
        if word not in _SECTIONS and word.lower() in lowered:
            return f"section names are case-sensitive: write {lowered[word.lower()]}, not {word}"
    return None


# ---- the parser ----------

_GRAMMAR = Path(__file__).with_name("grammar.lark")


@functools.lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark(
        _GRAMMAR.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
    )


MAX_NESTING = 100
"""Deepest nesting of parentheses and lists in a DQDL document."""

_NESTING_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|#[^\n]*|[\[\]()]')


def read_ruleset(path: Path) -> str:
    """The text of a DQDL file: UTF-8 (a BOM is accepted), else a clear error (exit 2)."""
    from workbench.recipe.loading import decode, read_bounded

    return decode(read_bounded(path, "ruleset"), str(path), what="ruleset")


def _check_nesting(text: str) -> None:
    depth = 0
    for match in _NESTING_TOKENS.finditer(text):
        token = match.group()
        if token in "([":
            depth += 1
        elif token in ")]":
            depth -= 1
        if depth > MAX_NESTING:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            raise DqdlSyntaxError(
                f"parentheses and lists are nested more than {MAX_NESTING} levels deep",
                line=line,
                column=column,
                expected="fewer nested levels",
                source=text,
            )


def parse_ruleset(text: str) -> Ruleset:
    """Parse a whole DQDL document; raise :class:`DqdlSyntaxError` if any part of it is invalid."""
    if not isinstance(text, str):
        raise TypeError(f"parse_ruleset needs the DQDL text as a str, got {type(text).__name__}")
    _check_nesting(text)
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as exc:
        raise _from_lark(text, exc) from None
    return _Builder(text).document(tree)


_ESCAPE = re.compile(r'\\(["\\])')
_NUMERIC = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_ROW_OPS = ("=", "!=", "in", "not in")  # the operators NULL / EMPTY / WHITESPACES_ONLY may appear with
_CONDITION_NODES = {
    "comparison",
    "between",
    "not_between",
    "in_list",
    "not_in_list",
    "matches",
    "not_matches",
}


def _unquote(token: Token) -> str:
    return _ESCAPE.sub(r"\1", str(token)[1:-1])


def _kind(expr: Expr) -> str:
    """The value kind of an operand: number, string, date, duration, size, special or list."""
    if isinstance(expr, VariableRef):
        return _kind(expr.value)
    if isinstance(expr, (Number, FunctionCall, Negation)):
        return "number"
    if isinstance(expr, BinaryOp):
        return _kind(expr.left)
    if isinstance(expr, String):
        return "string"
    if isinstance(expr, Now):
        return "date"
    if isinstance(expr, Duration):
        return "duration"
    if isinstance(expr, Size):
        return "size"
    if isinstance(expr, Special):
        return "special"
    return "list"


class _Builder:
    """Turns the lark tree into AST nodes, checking what the grammar cannot."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.variables: dict[str, Variable] = {}

    # -- errors

    def fail(
        self, problem: str, at: Token | Tree | tuple[int, int], expected: str, hint: str | None = None
    ) -> NoReturn:
        if isinstance(at, tuple):
            line, column = at
        elif isinstance(at, Token):
            line, column = at.line or 1, at.column or 1
        else:
            line, column = at.meta.line, at.meta.column
        raise DqdlSyntaxError(
            problem, line=line, column=column, expected=expected, source=self.source, hint=hint
        )

    def text_of(self, tree: Tree) -> str:
        return self.source[tree.meta.start_pos : tree.meta.end_pos]

    # -- document

    def document(self, tree: Tree) -> Ruleset:
        metadata: Metadata | None = None
        data_sources: DataSources | None = None
        default_labels: tuple[tuple[str, str], ...] = ()
        rules: tuple[Entry, ...] = ()
        analyzers: tuple[Analyzer, ...] = ()
        for child in tree.children:
            assert isinstance(child, Tree)
            kind = child.data
            if kind == "metadata":
                metadata = self.metadata(child)
            elif kind == "data_sources":
                data_sources = self.data_sources(child)
            elif kind == "variable":
                self.variable(child)
            elif kind == "default_labels":
                default_labels = self.label_list(child.children[0])
            else:
                rules, analyzers = self.sections(child)
        return Ruleset(
            rules=rules,
            analyzers=analyzers,
            metadata=metadata,
            data_sources=data_sources,
            variables=tuple(self.variables.values()),
            default_labels=default_labels,
        )

    def sections(self, tree: Tree) -> tuple[tuple[Entry, ...], tuple[Analyzer, ...]]:
        rules: list[Entry] = []
        analyzers: list[Analyzer] = []
        first: Token | None = None
        for section in tree.children:
            assert isinstance(section, Tree)
            keyword, *entries = section.children
            assert isinstance(keyword, Token)
            first = first or keyword
            for entry in entries:
                assert isinstance(entry, Tree)
                if section.data == "rules_section":
                    rules.append(self.entry(entry))
                else:
                    analyzers.append(self.analyzer(entry))
        if not rules and not analyzers:
            assert first is not None
            self.fail(
                "the document has no rules and no analyzers: expected at least one rule",
                first,
                "at least one rule, such as RowCount > 0",
            )
        return tuple(rules), tuple(analyzers)

    def dictionary(self, tree: Tree, section: str, keys: dict[str, str]) -> dict[str, str | tuple[str, ...]]:
        out: dict[str, str | tuple[str, ...]] = {}
        for pair in tree.children:
            assert isinstance(pair, Tree)
            key_token, value = pair.children
            assert isinstance(key_token, Token)
            key = _unquote(key_token)
            if key not in keys:
                suggestion = nearest(key, keys)
                self.fail(
                    f"unknown {section} key {key!r}",
                    key_token,
                    " or ".join(f'"{k}"' for k in keys),
                    hint=f"did you mean {suggestion!r}?" if suggestion else None,
                )
            if key in out:
                self.fail(f"{section} key {key!r} is given twice", key_token, f"each {section} key once")
            wants_list = keys[key] == "list"
            if isinstance(value, Token):
                if wants_list:
                    self.fail(f"{section} {key!r} takes a list", value, 'a list such as ["ref"]')
                out[key] = _unquote(value)
            else:
                if not wants_list:
                    self.fail(f"{section} {key!r} takes one quoted string", value, "a quoted string")
                out[key] = tuple(_unquote(cast("Token", t)) for t in value.children)
        return out

    def metadata(self, tree: Tree) -> Metadata:
        entries = self.dictionary(cast("Tree", tree.children[0]), "Metadata", {"Version": "string"})
        version = entries.get("Version")
        return Metadata(version=version if isinstance(version, str) else None)

    def data_sources(self, tree: Tree) -> DataSources:
        entries = self.dictionary(
            cast("Tree", tree.children[0]),
            "DataSources",
            {"Primary": "string", "AdditionalDataSources": "list"},
        )
        primary = entries.get("Primary")
        additional = entries.get("AdditionalDataSources", ())
        return DataSources(
            primary=primary if isinstance(primary, str) else None,
            additional=additional if isinstance(additional, tuple) else (),
        )

    def variable(self, tree: Tree) -> None:
        name_token, value_tree = tree.children
        assert isinstance(name_token, Token)
        assert isinstance(value_tree, Tree)
        name = str(name_token)
        if name[0] in "_.":
            self.fail(
                f"variable name {name!r} may not start with {name[0]!r}",
                name_token,
                "a variable name starting with a letter or a digit",
            )
        if name in self.variables:
            self.fail(
                f"variable {name!r} is already defined on line {self.variables[name].line}",
                name_token,
                "a new variable name",
            )
        value: Expr
        if value_tree.data == "literal_list":
            value = ValueList(tuple(self.literal(cast("Tree", item)) for item in value_tree.children))
        else:
            value = self.literal(value_tree)
        self.variables[name] = Variable(name=name, value=value, line=name_token.line or 1)

    def literal(self, tree: Tree) -> Expr:
        if tree.data == "var_ref":
            self.fail(
                "a variable may not refer to another variable",
                tree,
                'a quoted string, a number or NULL, such as "A"',
            )
        if tree.data == "signed_number":
            *sign, number = tree.children
            value = self.number(cast("Token", number))
            return Number(-value.value) if sign else value
        return self.value(tree)

    def label_list(self, tree: Tree | Token) -> tuple[tuple[str, str], ...]:
        assert isinstance(tree, Tree)
        out: dict[str, str] = {}
        for label in tree.children:
            assert isinstance(label, Tree)
            key_token, value_token = label.children
            assert isinstance(key_token, Token)
            assert isinstance(value_token, Token)
            key = _unquote(key_token)
            if key in out:
                self.fail(f"label {key!r} is given twice", key_token, "each label key once")
            out[key] = _unquote(value_token)
        return tuple(out.items())

    # -- rules and composites

    def entry(self, tree: Tree) -> Entry:
        if tree.data == "rule":
            return self.rule(tree)
        return self.composite(tree)

    def composite(self, tree: Tree) -> Entry:
        operands: list[tuple[Entry, Tree]] = []
        operators: list[str] = []
        labels: tuple[tuple[str, str], ...] = ()
        labels_tree: Tree | None = None
        for child in tree.children:
            assert isinstance(child, Tree)
            if child.data == "operand":
                inner = child.children[1]
                assert isinstance(inner, Tree)
                operands.append((self.entry(inner), child))
            elif child.data == "bool_op":
                operators.append(str(child.children[0]).lower())
            else:
                labels_tree = child
                labels = self.label_list(child.children[0])
        first_entry, first_tree = operands[0]
        if not operators:
            # A lone parenthesised rule: the parentheses only group.
            if labels_tree is None:
                return first_entry
            if first_entry.labels:
                self.fail("labels are given twice for the same rule", labels_tree, _END_OF_RULE)
            return dataclasses.replace(
                first_entry,
                labels=labels,
                text=self.text_of(tree),
                line=tree.meta.line,
                column=tree.meta.column,
            )
        # Fold the chain from the left: (a) and (b) or (c) is ((a) and (b)) or (c); runs of the same
        # operator become one composite with several operands.
        current: Entry = first_entry
        chain = False
        start = first_tree.meta.start_pos
        for operator, (operand, operand_tree) in zip(operators, operands[1:], strict=True):
            end = operand_tree.meta.end_pos
            if chain and isinstance(current, Composite) and current.operator == operator:
                members = (*current.operands, operand)
            else:
                members = (current, operand)
            current = Composite(
                operator=cast("Literal['and', 'or']", operator),
                operands=members,
                labels=(),
                text=self.source[start:end],
                line=first_tree.meta.line,
                column=first_tree.meta.column,
            )
            chain = True
        assert isinstance(current, Composite)
        if labels_tree is not None:
            current = dataclasses.replace(current, labels=labels, text=self.text_of(tree))
        return current

    def rule(self, tree: Tree) -> Rule:
        name_token = tree.children[0]
        assert isinstance(name_token, Token)
        spec = self.rule_spec(name_token, analyzer=False)
        arguments = self.arguments(tree, spec)
        condition: Condition | None = None
        condition_tree: Tree | None = None
        threshold: Condition | None = None
        where: str | None = None
        labels: tuple[tuple[str, str], ...] | None = None
        tags: dict[str, Tag] = {}
        for child in tree.children[1:]:
            assert isinstance(child, Tree)
            kind = child.data
            if kind in _CONDITION_NODES:
                condition_tree = child
                condition = self.condition(child)
            elif kind == "where_clause":
                where = self.where(child, spec)
            elif kind == "labels":
                if labels is not None:
                    self.fail("labels are given twice for the same rule", child, _END_OF_RULE)
                labels = self.label_list(child.children[0])
            elif kind == "tag":
                tag_token, tag_condition_tree = child.children
                assert isinstance(tag_token, Token)
                assert isinstance(tag_condition_tree, Tree)
                if str(tag_token) == "threshold":
                    if threshold is not None:
                        self.fail("only one threshold is allowed per rule", child, _END_OF_RULE)
                    threshold = self.threshold(child, tag_condition_tree, spec, condition)
                else:
                    tag = self.tag(tag_token, tag_condition_tree)
                    if tag.name in tags:
                        self.fail(f"option {tag.name!r} is given twice", tag_token, _END_OF_RULE)
                    tags[tag.name] = tag
        self.check_condition(spec, tree, condition, condition_tree)
        return Rule(
            rule_type=spec.name,
            arguments=arguments,
            condition=condition,
            threshold=threshold,
            where=where,
            labels=labels or (),
            tags=tuple(tags.values()),
            text=self.text_of(tree),
            line=tree.meta.line,
            column=tree.meta.column,
        )

    def analyzer(self, tree: Tree) -> Analyzer:
        name_token = tree.children[0]
        assert isinstance(name_token, Token)
        spec = self.rule_spec(name_token, analyzer=True)
        arguments = self.arguments(tree, spec)
        for child in tree.children[1:]:
            assert isinstance(child, Tree)
            what = {"where_clause": "a where clause", "tag": "with options", "labels": "labels"}.get(
                child.data, "a condition"
            )
            if child.data != "parameter":
                self.fail(
                    f"an analyzer takes no condition, where clause, options or labels: found {what}",
                    child,
                    "',' or ']' after the analyzer",
                )
        return Analyzer(
            analyzer_type=spec.name,
            arguments=arguments,
            text=self.text_of(tree),
            line=tree.meta.line,
            column=tree.meta.column,
        )

    def rule_spec(self, token: Token, *, analyzer: bool) -> RuleTypeSpec:
        name = str(token)
        spec = RULE_TYPES.get(name)
        allowed = [s.name for s in RULE_TYPES.values() if (s.analyzer if analyzer else s.rule)]
        what = "analyzer" if analyzer else "rule"
        expected = (
            "an analyzer type such as RowCount or Completeness"
            if analyzer
            else ("a rule type such as RowCount or IsComplete")
        )
        if spec is None:
            suggestion = nearest(name, allowed)
            self.fail(
                f"unknown {what} type {name!r}",
                token,
                expected,
                hint=f"did you mean {suggestion}?" if suggestion else None,
            )
        if analyzer and not spec.analyzer:
            self.fail(
                f"{name} cannot be an analyzer: it passes or fails and has no metric",
                token,
                expected,
                hint="move it to Rules",
            )
        if not analyzer and not spec.rule:
            self.fail(f"{name} is only allowed in Analyzers", token, expected, hint="move it to Analyzers")
        return spec

    def arguments(self, tree: Tree, spec: RuleTypeSpec) -> tuple[Argument, ...]:
        name_token = cast("Token", tree.children[0])
        params = [c for c in tree.children[1:] if isinstance(c, Tree) and c.data == "parameter"]
        arguments: list[Argument] = []
        for param in params:
            token = cast("Token", param.children[-1])
            if token.type == "VAR":
                ref = self.var_ref(token)
                if not isinstance(ref.value, (String, Number)):
                    self.fail(
                        f"variable ${ref.name} holds a list, but a parameter is a single value",
                        token,
                        "a variable holding one quoted string",
                    )
                value = ref.value.value if isinstance(ref.value, String) else str(ref.value)
                arguments.append(Argument(value=value, quoted=True, variable=ref.name))
            elif token.type == "STRING":
                arguments.append(Argument(value=_unquote(token)))
            else:
                arguments.append(Argument(value=str(token), quoted=False))
        count = len(arguments)
        too_many = spec.max_args is not None and count > spec.max_args
        if too_many:
            extra = cast("Token", params[cast("int", spec.max_args)].children[-1])
            word = str(extra)
            if extra.type == "IDENT" and _NUMERIC.fullmatch(word) and spec.takes_condition():
                expected = _CONDITION_WORDS[spec.condition]
                self.fail(f"expected {expected}, found {word!r}", extra, expected)
            hint = None
            if word.lower() in _LOWER_KEYWORDS and extra.type == "IDENT":
                hint = f"keywords are written in lower case: {word.lower()}"
            self.fail(
                f"{spec.name} takes {spec.args_hint}, found {count} parameters",
                extra,
                f"{spec.args_hint}, then {_CONDITION_WORDS.get(spec.condition, _END_OF_RULE)}",
                hint=hint,
            )
        if count < spec.min_args:
            at: Token = cast("Token", params[-1].children[-1]) if params else name_token
            self.fail(
                f"{spec.name} takes {spec.args_hint}, found {count}",
                (at.end_line or 1, at.end_column or 1),
                spec.args_hint,
            )
        return tuple(arguments)

    def where(self, tree: Tree, spec: RuleTypeSpec) -> str:
        token = cast("Token", tree.children[0])
        if not spec.where:
            self.fail(
                f"{spec.name} does not accept a where clause",
                tree,
                _END_OF_RULE,
            )
        predicate = _unquote(token)
        if not predicate.strip():
            self.fail("the where clause is empty", token, "a quoted SQL predicate such as \"region = 'EU'\"")
        return predicate

    def threshold(self, tag: Tree, tree: Tree, spec: RuleTypeSpec, condition: Condition | None) -> Condition:
        if not spec.threshold or (spec.name == "CustomSql" and condition is not None):
            detail = " (only its row form, without a condition, does)" if spec.name == "CustomSql" else ""
            self.fail(f"{spec.name} does not accept with threshold{detail}", tag, _END_OF_RULE)
        threshold = self.condition(tree)
        self.check_operands("number", threshold, tree, context="a threshold")
        return threshold

    def tag(self, name: Token, tree: Tree) -> Tag:
        condition = self.condition(tree)
        if condition.op != "=" or len(condition.operands) != 1:
            self.fail(
                f"option {str(name)!r} takes '= value'",
                tree,
                f'= followed by a value, such as with {name} = "value"',
            )
        return Tag(name=str(name), value=condition.operands[0])

    # -- conditions

    def check_condition(
        self, spec: RuleTypeSpec, rule: Tree, condition: Condition | None, tree: Tree | None
    ) -> None:
        if condition is None:
            if spec.takes_condition() and not spec.condition_optional:
                last = rule.children[-1]
                for child in rule.children:
                    if isinstance(child, Tree) and child.data != "parameter":
                        break
                    last = child
                end = (
                    (last.end_line or 1, last.end_column or 1)
                    if isinstance(last, Token)
                    else (last.meta.end_line, last.meta.end_column)
                )
                expected = _CONDITION_WORDS[spec.condition]
                self.fail(f"{spec.name} needs a condition: expected {expected}", end, expected)
            return
        assert tree is not None
        if not spec.takes_condition():
            self.fail(
                f"{spec.name} takes no condition (it passes or fails on its own)",
                tree,
                _END_OF_RULE,
            )
        self.check_operands(spec.condition, condition, tree, context=spec.name)

    def check_operands(self, kind: ConditionKind, condition: Condition, tree: Tree, context: str) -> None:
        op = condition.op
        allowed_ops: dict[str, tuple[str, ...]] = {
            "number": ("=", "!=", ">", ">=", "<", "<=", "between", "not between", "in", "not in"),
            "string": ("=", "!=", "in", "not in"),
            "duration": ("=", "!=", ">", ">=", "<", "<=", "between", "not between"),
            "date": ("=", "!=", ">", ">=", "<", "<=", "between", "not between", "in", "not in"),
            "size": ("=", "!=", ">", ">=", "<", "<=", "between", "not between", "in", "not in"),
        }
        expected = (
            "a number comparison such as > 0.9" if context == "a threshold" else (_CONDITION_WORDS[kind])
        )
        if kind in allowed_ops and op not in allowed_ops[kind]:
            self.fail(f"{context} does not take '{op}': expected {expected}", tree, expected)
        kinds_ok: dict[str, set[str]] = {
            "number": {"number"},
            "string": {"string"},
            "values": {"number", "string", "date"},
            "duration": {"duration"},
            "date": {"date", "string"},
            "size": {"size", "number"},
        }
        seen: set[str] = set()
        for operand in condition.expanded_operands():
            found = _kind(operand)
            if found == "special":
                null_only = kind in ("number", "duration", "date", "size")
                if op not in _ROW_OPS or (null_only and operand != Special("NULL")):
                    self.fail(
                        f"{operand} is not allowed here: {context} takes {expected}",
                        tree,
                        expected,
                    )
                continue
            if found not in kinds_ok[kind]:
                self.fail(
                    f"{context} needs {expected}, but {operand} is a {_KIND_WORDS[found]}",
                    tree,
                    expected,
                )
            if op in ("matches", "not matches") and found != "string":
                self.fail(
                    f"matches needs a quoted pattern, found {operand}", tree, 'a pattern such as "[A-Z]+"'
                )
            if op in ("matches", "not matches") and isinstance(operand, String):
                self._check_pattern(operand.value, tree)
            seen.add("string" if found == "date" else found)
        if len(seen) > 1:
            self.fail(
                f"{context} mixes numbers with strings or dates in one condition",
                tree,
                "values of one kind",
            )

    def _check_pattern(self, pattern: str, tree: Tree) -> None:
        """Refuse a matches pattern outside the regex subset, or one that can backtrack for ever."""
        problem = regex_problem(pattern)
        if problem:
            self.fail(f"pattern {pattern!r}: {problem}", tree, "a pattern in the supported regex subset")

    def condition(self, tree: Tree) -> Condition:
        kind = tree.data
        if kind == "comparison":
            op_tree, value = tree.children
            op = str(cast("Tree", op_tree).children[0])
            return Condition(cast("ConditionOp", op), (self.value(cast("Tree", value)),))
        if kind in ("between", "not_between"):
            low, high = (self.value(cast("Tree", c)) for c in tree.children)
            return Condition("between" if kind == "between" else "not between", (low, high))
        if kind in ("in_list", "not_in_list"):
            items = cast("Tree", tree.children[0])
            list_op: ConditionOp = "in" if kind == "in_list" else "not in"
            if items.data == "var_ref":
                ref = self.var_ref(cast("Token", items.children[0]))
                return Condition(list_op, (ref,))
            if not items.children:
                self.fail("the list is empty", items, "at least one value in the list")
            return Condition(list_op, tuple(self.value(cast("Tree", c)) for c in items.children))
        pattern = self.value(cast("Tree", tree.children[0]))
        return Condition("matches" if kind == "matches" else "not matches", (pattern,))

    # -- values

    def value(self, tree: Tree | Token) -> Expr:
        assert isinstance(tree, Tree)
        kind = tree.data
        children = tree.children
        if kind == "number":
            return self.number(cast("Token", children[0]))
        if kind == "string":
            return String(_unquote(cast("Token", children[0])))
        if kind == "special":
            return Special(cast("Literal['NULL', 'EMPTY', 'WHITESPACES_ONLY']", str(children[0]).upper()))
        if kind == "var_ref":
            return self.var_ref(cast("Token", children[0]))
        if kind == "now":
            return Now()
        if kind == "quantity":
            amount_token, unit_tree = children
            unit = str(cast("Tree", unit_tree).children[0])
            amount = self.number(cast("Token", amount_token)).value
            if not isinstance(amount, int):
                self.fail(
                    f"a {unit} amount must be a whole number",
                    amount_token,
                    f"a whole number such as 3 {unit}",
                )
            if unit in DURATION_UNITS:
                return Duration(amount, cast("Literal['days', 'hours', 'minutes']", unit))
            return Size(amount, cast("Literal['B', 'KB', 'MB', 'GB', 'TB']", unit))
        if kind == "negation":
            operand = self.value(children[1])
            if isinstance(operand, Number):
                return Number(-operand.value)
            if _kind(operand) != "number":
                self.fail(f"cannot negate {operand}", tree, "a number after '-'")
            return Negation(operand)
        if kind == "call":
            name_token, *arg_trees = children
            args = tuple(self.value(a) for a in arg_trees)
            name = str(name_token)
            if name == "last" and (
                len(args) != 1
                or not isinstance(args[0], Number)
                or not isinstance(args[0].value, int)
                or args[0].value < 1
            ):
                self.fail("last(k) takes one whole number k >= 1", tree, "a call such as last(10)")
            return FunctionCall(name, args)
        if kind == "binary":
            left_tree, op_tree, right_tree = children
            left, right = self.value(left_tree), self.value(right_tree)
            op = cast("Literal['+', '-', '*', '/']", str(cast("Tree", op_tree).children[0]))
            kinds = (_kind(left), _kind(right))
            if kinds != ("number", "number") and not (kinds == ("date", "duration") and op in "+-"):
                self.fail(
                    f"cannot compute {left} {op} {right}",
                    tree,
                    "arithmetic between numbers, or now() plus or minus a duration such as 3 days",
                )
            return BinaryOp(op, left, right)
        raise AssertionError(f"unexpected node {kind}")  # pragma: no cover - the grammar has no other

    def number(self, token: Token) -> Number:
        text = str(token)
        return Number(float(text) if "." in text else int(text))

    def var_ref(self, token: Token) -> VariableRef:
        name = str(token)[1:]
        variable = self.variables.get(name)
        if variable is None:
            suggestion = nearest(name, self.variables)
            declared = ", ".join(f"${n}" for n in self.variables) or "none"
            self.fail(
                f"unknown variable ${name} (declared: {declared})",
                token,
                'a variable declared before Rules, such as codes = ["A", "B"]',
                hint=f"did you mean ${suggestion}?" if suggestion else None,
            )
        return VariableRef(name, variable.value)


_KIND_WORDS = {
    "number": "number",
    "string": "string",
    "date": "date",
    "duration": "duration",
    "size": "size",
    "list": "list",
    "special": "keyword",
}
