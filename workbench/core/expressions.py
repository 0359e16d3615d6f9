"""The expression language of BOOLEAN_OPERATION and CASE_OPERATION: one grammar, two compilers.

An expression is parsed by the LALR grammar below into a small tree, typed against the schema of
the step, and compiled to vectorised Arrow operations (pandas) or to one Spark Column. Nothing is
ever evaluated as code. The rules (docs/semantics.md, "Expressions"):

- ``\u0060price\u0060`` is a column (a doubled backtick stands for a backtick inside the name);
  ``:name`` or ``\u0060:name\u0060`` is an aggregate declared in ``withExpressions``.
- Literals: numbers (``10``, ``-2.5``, ``1e3``), text in single or double quotes (a quote is
  doubled or escaped with a backslash), ``true``, ``false``, ``null``; keywords in any case.
- ``and``, ``or``, ``not`` (or ``!``) with SQL's three-valued logic; comparisons ``=`` (``==``),
  ``!=`` (``<>``), ``<``, ``<=``, ``>``, ``>=``; ``case when … then … [else …] end``.
- Functions: contains, startsWith, endsWith, matches, isBetween, isMissing, isValid (names in
  any case).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from workbench.core.casting import cast_pandas, cast_spark, text_valid_pandas, text_valid_spark
from workbench.core.context import SparkContext
from workbench.core.errors import ColumnNotFoundError, ParameterError, WorkbenchError, nearest
from workbench.core.lazy import F, scol
from workbench.core.missing import missing_pandas, missing_spark
from workbench.core.regex import regex_problem
from workbench.core.types import CAST_TARGETS, NUMERIC, LType, Schema, arrow_type
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

GRAMMAR = r"""
?start: expr
?expr: or_
?or_: and_ | or_ OR and_ -> or_op
?and_: not_ | and_ AND not_ -> and_op
?not_: NOT not_ -> not_op
     | BANG not_ -> not_op
     | compare
?compare: atom | atom CMP atom -> compare_op
?atom: NUMBER -> number
     | STRING -> string
     | TRUE -> true
     | FALSE -> false
     | NULL -> null
     | COLUMN -> column
     | AGGREF -> aggref
     | NAME "(" [DISTINCT] [expr ("," expr)*] ")" -> call
     | NAME -> bare_name
     | "(" expr ")"
     | CASE (WHEN expr THEN expr)+ [ELSE expr] END -> case

OR.2: /or\b/i
AND.2: /and\b/i
NOT.2: /not\b/i
CASE.2: /case\b/i
WHEN.2: /when\b/i
THEN.2: /then\b/i
ELSE.2: /else\b/i
END.2: /end\b/i
TRUE.2: /true\b/i
FALSE.2: /false\b/i
NULL.2: /null\b/i
DISTINCT.2: /distinct\b/i
NAME: /(?!(?i:and|or|not|case|when|then|else|end|true|false|null|distinct)\b)[A-Za-z_][A-Za-z0-9_]*/
CMP: /<=|>=|!=|<>|==|=|<|>/
BANG: "!"
COLUMN: /`(?:[^`]|``)+`/
AGGREF: /:[A-Za-z_][A-Za-z0-9_]*/
NUMBER: /-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/
STRING: /'(?:[^'\\]|\\.|'')*'/ | /"(?:[^"\\]|\\.|"")*"/
%ignore /[ \t\r\n]+/
"""

INT64_MAX = 2**63 - 1


class ExpressionError(WorkbenchError, ValueError):
    """An expression that does not parse: ``line`` and ``column`` are 1-based, ``expected`` is plain words."""

    exit_code = 2

    def __init__(self, problem: str, *, line: int, column: int, expected: str = "") -> None:
        self.problem = problem
        self.line = line
        self.column = column
        self.expected = expected
        super().__init__(f"line {line}, column {column}: {problem}")


# --- the tree ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Node:
    line: int
    column: int


@dataclasses.dataclass(frozen=True)
class Lit(Node):
    value: Any
    ltype: LType | None  # None: the null literal, typed by where it is used


@dataclasses.dataclass(frozen=True)
class Ref(Node):
    name: str


@dataclasses.dataclass(frozen=True)
class AggRef(Node):
    name: str


@dataclasses.dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclasses.dataclass(frozen=True)
class Logic(Node):
    op: str  # "and" | "or"
    left: Node
    right: Node


@dataclasses.dataclass(frozen=True)
class Compare(Node):
    op: str  # "=", "!=", "<", "<=", ">", ">="
    left: Node
    right: Node


@dataclasses.dataclass(frozen=True)
class Call(Node):
    name: str  # canonical spelling
    args: tuple[Node, ...]
    distinct: bool = False


@dataclasses.dataclass(frozen=True)
class Case(Node):
    branches: tuple[tuple[Node, Node], ...]
    default: Node | None


PREDICATES = {
    "contains": 2,
    "startswith": 2,
    "endswith": 2,
    "matches": 2,
    "isbetween": 3,
    "ismissing": 1,
    "isvalid": 2,
}
"""Row functions (lower-cased name to number of arguments)."""

_SPELLING = {
    "contains": "contains",
    "startswith": "startsWith",
    "endswith": "endsWith",
    "matches": "matches",
    "isbetween": "isBetween",
    "ismissing": "isMissing",
    "isvalid": "isValid",
}

AGGREGATES = (
    "avg",
    "count",
    "kurtosis",
    "max",
    "mean_absolute_deviation",
    "median",
    "min",
    "product",
    "skewness",
    "standard_error_of_mean",
    "stddev",
    "sum",
    "variance",
)
"""The aggregates ``withExpressions`` may declare (``count(distinct `c`)`` as well)."""

_CMP = {"==": "=", "<>": "!="}

_EXPECTED_WORDS = {
    "value": "a value (a `column`, a number, 'text', true, false, null, a function or case)",
    "CMP": "a comparison (=, !=, <, <=, >, >=)",
    "AND": "and",
    "OR": "or",
    "RPAR": "')'",
    "LPAR": "'('",
    "COMMA": "','",
    "WHEN": "when",
    "THEN": "then",
    "ELSE": "else",
    "END": "end",
    "$END": "the end of the expression",
}
_VALUE_TERMINALS = {
    "NUMBER",
    "STRING",
    "TRUE",
    "FALSE",
    "NULL",
    "COLUMN",
    "AGGREF",
    "NAME",
    "CASE",
    "NOT",
    "BANG",
    "LPAR",
}
_ORDER = ["value", "CMP", "AND", "OR", "COMMA", "RPAR", "LPAR", "WHEN", "THEN", "ELSE", "END", "$END"]


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", lexer="contextual", propagate_positions=True, maybe_placeholders=True)


def _describe(names: set[str]) -> str:
    groups = {("value" if n in _VALUE_TERMINALS else n) for n in names}
    groups.discard("DISTINCT")
    words = [
        _EXPECTED_WORDS.get(g, g)
        for g in sorted(groups, key=lambda g: _ORDER.index(g) if g in _ORDER else 99)
    ]
    if not words:
        return "something else"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _syntax_error(text: str, exc: UnexpectedInput) -> ExpressionError:
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        try:
            accepts = exc.accepts
        except Exception:  # the interactive parser is best-effort; fall back to the parse table's set
            accepts = None
        expected = _describe(set(accepts or exc.expected))
        if token.type == "$END":
            line, column = _end_position(text)
            found = "the end of the expression"
        else:
            line, column = token.line or 1, token.column or 1
            found = repr(str(token.value))
        return ExpressionError(
            f"expected {expected}, found {found}", line=line, column=column, expected=expected
        )
    if isinstance(exc, UnexpectedCharacters):
        char = exc.char
        if char in "`'\"":
            kind = {"`": "column reference", "'": "text", '"': "text"}[char]
            return ExpressionError(
                f"unterminated {kind}: expected a closing {char}",
                line=exc.line,
                column=exc.column,
                expected=f"a closing {char}",
            )
        expected = _describe(set(exc.allowed or ()))
        hint = " (arithmetic is not part of the language)" if char in "+*/%" else ""
        word = re.match(r"[A-Za-z0-9_]+", text[exc.pos_in_stream :])
        found = repr(word.group(0) if word else char)
        return ExpressionError(
            f"expected {expected}, found {found}{hint}", line=exc.line, column=exc.column, expected=expected
        )
    if isinstance(exc, UnexpectedEOF):
        line, column = _end_position(text)
        expected = _describe(set(exc.expected))
        return ExpressionError(
            f"expected {expected}, found the end of the expression", line=line, column=column
        )
    return ExpressionError("cannot read the expression", line=1, column=1)


def _end_position(text: str) -> tuple[int, int]:
    lines = text.rstrip().split("\n")
    return len(lines), len(lines[-1]) + 1


def _unquote_column(raw: str) -> str:
    return raw[1:-1].replace("``", "`")


def _unquote_text(raw: str) -> str:
    quote, body = raw[0], raw[1:-1]
    return re.sub(r"\\(.)|" + quote * 2, lambda m: m.group(1) if m.group(1) is not None else quote, body)


def _number(raw: str) -> tuple[Any, LType]:
    if re.fullmatch(r"-?[0-9]+", raw) and abs(int(raw)) <= INT64_MAX:
        return int(raw), LType.INTEGER
    return float(raw), LType.DOUBLE


class _Builder:
    """Turns a lark tree into nodes, refusing what the grammar admits but the language does not."""

    def build(self, tree: Tree | Token) -> Node:
        if isinstance(tree, Token):  # pragma: no cover - every token is wrapped by a rule
            raise ExpressionError("unexpected token", line=tree.line or 1, column=tree.column or 1)
        meta = tree.meta
        line, column = getattr(meta, "line", 1), getattr(meta, "column", 1)
        kind, kids = tree.data, tree.children
        if kind == "number":
            value, ltype = _number(str(kids[0]))
            return Lit(line, column, value, ltype)
        if kind == "string":
            return Lit(line, column, _unquote_text(str(kids[0])), LType.STRING)
        if kind in ("true", "false"):
            return Lit(line, column, kind == "true", LType.BOOLEAN)
        if kind == "null":
            return Lit(line, column, None, None)
        if kind == "column":
            name = _unquote_column(str(kids[0]))
            if name.startswith(":") and re.fullmatch(r":[A-Za-z_][A-Za-z0-9_]*", name):
                return AggRef(line, column, name[1:])
            return Ref(line, column, name)
        if kind == "aggref":
            return AggRef(line, column, str(kids[0])[1:])
        if kind == "bare_name":
            word = str(kids[0])
            raise ExpressionError(
                f"{word!r} is neither a column nor a value: write a column as `{word}` and text as '{word}'",
                line=line,
                column=column,
                expected="a value",
            )
        if kind == "not_op":
            return Not(line, column, self.build(kids[1]))
        if kind in ("and_op", "or_op"):
            return Logic(line, column, kind[:-3], self.build(kids[0]), self.build(kids[2]))
        if kind == "compare_op":
            op = str(kids[1])
            return Compare(line, column, _CMP.get(op, op), self.build(kids[0]), self.build(kids[2]))
        if kind == "call":
            return self._call(line, column, kids)
        if kind == "case":
            return self._case(line, column, kids)
        raise ExpressionError(f"unexpected {kind}", line=line, column=column)  # pragma: no cover

    def _call(self, line: int, column: int, kids: list[Any]) -> Node:
        name, distinct = str(kids[0]), kids[1] is not None
        args = tuple(self.build(k) for k in kids[2:] if k is not None)
        key = name.lower()
        if key in AGGREGATES:
            if len(args) != 1 or not isinstance(args[0], Ref):
                raise ExpressionError(
                    f"{key} takes one column, as in {key}(`price`)", line=line, column=column
                )
            if distinct and key != "count":
                raise ExpressionError("only count takes distinct", line=line, column=column)
            return Call(line, column, key, args, distinct)
        if distinct:
            raise ExpressionError("only count takes distinct", line=line, column=column)
        if key not in PREDICATES:
            known = [*_SPELLING.values(), *AGGREGATES]
            guess = nearest(name, known)
            tail = f" (did you mean {guess}?)" if guess else ""
            raise ExpressionError(
                f"unknown function {name!r}{tail}; the functions are {', '.join(_SPELLING.values())}",
                line=line,
                column=column,
                expected="a function name",
            )
        want = PREDICATES[key]
        if len(args) != want:
            shown = _SPELLING[key]
            raise ExpressionError(
                f"{shown} takes {want} argument{'s' if want > 1 else ''}, not {len(args)}",
                line=line,
                column=column,
            )
        if key == "isbetween":
            value, low, high = args
            return Logic(
                line,
                column,
                "and",
                Compare(line, column, ">=", value, low),
                Compare(line, column, "<=", value, high),
            )
        if key in ("contains", "startswith", "endswith", "matches", "isvalid"):
            literal = args[1]
            if not (isinstance(literal, Lit) and literal.ltype is LType.STRING):
                what = "a data type in quotes, such as 'int'" if key == "isvalid" else "text in quotes"
                raise ExpressionError(
                    f"the second argument of {_SPELLING[key]} must be {what}",
                    line=literal.line,
                    column=literal.column,
                    expected=what,
                )
            if key == "matches":
                problem = regex_problem(literal.value)
                if problem:
                    raise ExpressionError(problem, line=literal.line, column=literal.column)
            if key == "isvalid" and literal.value.strip().lower() not in CAST_TARGETS:
                raise ExpressionError(
                    f"unknown data type {literal.value!r}; use one of {', '.join(sorted(CAST_TARGETS))}",
                    line=literal.line,
                    column=literal.column,
                )
        return Call(line, column, key, args)

    def _case(self, line: int, column: int, kids: list[Any]) -> Node:
        has_default = any(isinstance(k, Token) and k.type == "ELSE" for k in kids)
        parts = [k for k in kids if k is not None and not isinstance(k, Token)]
        default = self.build(parts.pop()) if has_default else None
        branches = tuple((self.build(parts[i]), self.build(parts[i + 1])) for i in range(0, len(parts), 2))
        return Case(line, column, branches, default)


def _tree(text: str) -> Tree:
    if not text.strip():
        raise ExpressionError("the expression is empty", line=1, column=1, expected="a value")
    try:
        return _parser().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc) from None


@functools.lru_cache(maxsize=512)
def parse(text: str) -> Node:
    """Parse an expression, raising ExpressionError with the line, column and what was expected."""
    try:
        return _Builder().build(_tree(text))
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply", line=1, column=1) from None


_BARE_TEXT = re.compile(r"[^`'\"():]*")


@functools.lru_cache(maxsize=512)
def parse_value(text: str) -> Node:
    """A value parameter (trueValueExpression…): an expression, or a bare word read as text.

    A value with no backtick, quote, parenthesis or colon that is not a number, true, false or
    null is text as written (DataBrew's console writes constants such as ``Yes`` unquoted).
    """
    if not text.strip():
        raise ExpressionError(
            "the value is empty; write 'text', a number, true, false or null", line=1, column=1
        )
    if _BARE_TEXT.fullmatch(text):
        try:
            node = parse(text)
        except ExpressionError:
            return Lit(1, 1, text, LType.STRING)
        return node if isinstance(node, Lit) else Lit(1, 1, text, LType.STRING)
    return parse(text)


@functools.lru_cache(maxsize=512)
def parse_aggregate(text: str) -> Call:
    """A ``withExpressions`` value: one aggregate of one column, such as ``avg(`price`)``."""
    node = parse(text)
    if not (isinstance(node, Call) and node.name in AGGREGATES):
        raise ExpressionError(
            "expected an aggregate of a column, such as avg(`price`); the aggregates are "
            + ", ".join(AGGREGATES),
            line=node.line,
            column=node.column,
            expected="an aggregate",
        )
    return node


def walk(node: Node) -> Iterator[Node]:
    """Every node of a tree, parents first."""
    yield node
    for field in dataclasses.fields(node):
        value = getattr(node, field.name)
        if isinstance(value, Node):
            yield from walk(value)
        elif isinstance(value, tuple):
            for item in value:
                for part in item if isinstance(item, tuple) else (item,):
                    if isinstance(part, Node):
                        yield from walk(part)


def columns_of(node: Node) -> list[str]:
    """The columns an expression reads, in order of appearance."""
    return list(dict.fromkeys(n.name for n in walk(node) if isinstance(n, Ref)))


def aggregates_of(node: Node) -> list[str]:
    return list(dict.fromkeys(n.name for n in walk(node) if isinstance(n, AggRef)))


def rename_in(text: str, mapping: dict[str, str]) -> str:
    """The expression text with its column references renamed (everything else kept as written)."""
    if not any(c in text for c in "`"):
        return text
    try:
        tree = _tree(text)
    except ExpressionError:
        return text
    tokens = sorted(
        tree.scan_values(lambda t: isinstance(t, Token) and t.type == "COLUMN"), key=lambda t: t.start_pos
    )
    out, last = [], 0
    for token in tokens:
        name = _unquote_column(str(token))
        if name in mapping:
            out.append(text[last : token.start_pos])
            out.append("`" + mapping[name].replace("`", "``") + "`")
            last = token.end_pos
    out.append(text[last:])
    return "".join(out)


# --- types ---------------------------------------------------------------------------------


class ExpressionTypeError(ParameterError):
    """An expression that parses but cannot run on this schema (a type mismatch, a missing column)."""


def _where(node: Node) -> str:
    return f"line {node.line}, column {node.column}"


_TEXTUAL = {LType.STRING, LType.INTEGER}
"""Types the text functions read (integers as their digits, as the condition expressions do)."""


def _comparable(left: LType | None, right: LType | None) -> LType | None:
    """The type both sides of a comparison are read as, or None when they cannot be compared."""
    if left is None or right is None:
        return left or right or LType.STRING
    if left is right:
        return left
    if left in NUMERIC and right in NUMERIC:
        return LType.DECIMAL if {left, right} == {LType.INTEGER, LType.DECIMAL} else LType.DOUBLE
    if LType.STRING in (left, right):
        other = right if left is LType.STRING else left
        if other in NUMERIC:
            return LType.DOUBLE
        if other in (LType.DATE, LType.TIMESTAMP, LType.BOOLEAN):
            return other
        return None
    if {left, right} == {LType.DATE, LType.TIMESTAMP}:
        return LType.TIMESTAMP
    return None


def unify(types: list[LType | None]) -> LType:
    """The type of a column whose values come from several branches."""
    known = [t for t in types if t is not None]
    if not known:
        return LType.STRING
    first = known[0]
    if all(t is first for t in known):
        return first
    kinds = set(known)
    if kinds <= NUMERIC:
        return LType.DECIMAL if kinds == {LType.INTEGER, LType.DECIMAL} else LType.DOUBLE
    if kinds == {LType.DATE, LType.TIMESTAMP}:
        return LType.TIMESTAMP
    return LType.STRING


def aggregate_type(agg: Call, schema: Schema) -> LType:
    """The type of an aggregate's value."""
    if agg.name == "count":
        return LType.INTEGER
    source = schema[agg.args[0].name]  # type: ignore[attr-defined]
    if agg.name in ("min", "max"):
        return source
    if agg.name == "sum" and source is LType.INTEGER:
        return LType.INTEGER
    return LType.DOUBLE


class Typer:
    """Types an expression against a schema and the declared aggregates, naming what is wrong."""

    def __init__(self, schema: Schema, aggregates: dict[str, LType], parameter: str, operation: str) -> None:
        self.schema = schema
        self.aggregates = aggregates
        self.parameter = parameter
        self.operation = operation

    def fail(self, node: Node, message: str, column: str | None = None) -> ParameterError:
        return ExpressionTypeError(
            f"{_where(node)}: {message}", operation=self.operation, parameter=self.parameter, column=column
        )

    def of(self, node: Node) -> LType | None:
        if isinstance(node, Lit):
            return node.ltype
        if isinstance(node, Ref):
            if node.name not in self.schema:
                raise ColumnNotFoundError(
                    f"{_where(node)}: column {node.name!r} does not exist at this step",
                    operation=self.operation,
                    parameter=self.parameter,
                    column=node.name,
                    suggestion=nearest(node.name, self.schema),
                )
            ltype = self.schema[node.name]
            if ltype in (LType.ARRAY, LType.STRUCT, LType.MAP):
                raise self.fail(
                    node, f"column {node.name!r} is {ltype.value}; expressions read plain values", node.name
                )
            return ltype
        if isinstance(node, AggRef):
            if node.name not in self.aggregates:
                guess = nearest(node.name, self.aggregates)
                tail = f" (did you mean :{guess}?)" if guess else ""
                raise self.fail(node, f"aggregate :{node.name} is not declared in withExpressions{tail}")
            return self.aggregates[node.name]
        if isinstance(node, Not):
            self.condition(node.operand, "not")
            return LType.BOOLEAN
        if isinstance(node, Logic):
            self.condition(node.left, node.op)
            self.condition(node.right, node.op)
            return LType.BOOLEAN
        if isinstance(node, Compare):
            left, right = self.of(node.left), self.of(node.right)
            if _comparable(left, right) is None:
                raise self.fail(
                    node,
                    f"cannot compare {_type_name(left)} with {_type_name(right)}",
                    _column_of(node.left) or _column_of(node.right),
                )
            return LType.BOOLEAN
        if isinstance(node, Call):
            return self._call(node)
        if isinstance(node, Case):
            for condition, _ in node.branches:
                self.condition(condition, "when")
            values = [self.of(v) for _, v in node.branches]
            if node.default is not None:
                values.append(self.of(node.default))
            return unify(values)
        raise self.fail(node, "unknown expression")  # pragma: no cover

    def condition(self, node: Node, where: str) -> None:
        ltype = self.of(node)
        if ltype not in (LType.BOOLEAN, None):
            raise self.fail(
                node, f"{where} needs a condition (true or false), not {_type_name(ltype)}", _column_of(node)
            )

    def _call(self, node: Call) -> LType:
        if node.name in AGGREGATES:
            raise self.fail(node, f"declare {node.name}(…) in withExpressions and refer to it as :name")
        ltype = self.of(node.args[0])
        if node.name in ("contains", "startswith", "endswith", "matches") and ltype not in (*_TEXTUAL, None):
            raise self.fail(
                node,
                f"{_SPELLING[node.name]} needs text or whole numbers; {_type_name(ltype)} given",
                _column_of(node.args[0]),
            )
        return LType.BOOLEAN


def _type_name(ltype: LType | None) -> str:
    return "null" if ltype is None else ltype.value


def _column_of(node: Node) -> str | None:
    return node.name if isinstance(node, Ref) else None


def check_aggregate(agg: Call, schema: Schema, parameter: str, operation: str) -> None:
    """Refuse an aggregate over a missing column or one of the wrong type."""
    typer = Typer(schema, {}, parameter, operation)
    ltype = typer.of(agg.args[0])
    column = agg.args[0].name  # type: ignore[attr-defined]
    if agg.name in ("count", "min", "max"):
        if agg.name != "count" and ltype is LType.BOOLEAN:
            raise typer.fail(agg, f"{agg.name} needs numbers, text or dates; {column!r} is boolean", column)
        return
    if ltype not in NUMERIC:
        raise typer.fail(agg, f"{agg.name} needs a numeric column; {column!r} is {_type_name(ltype)}", column)


# --- compiling -----------------------------------------------------------------------------


class Backend:
    """The primitive operations the compiler needs, implemented once per engine."""

    def column(self, name: str) -> Any:
        raise NotImplementedError

    def literal(self, value: Any, ltype: LType) -> Any:
        raise NotImplementedError

    def cast(self, value: Any, source: LType, target: LType) -> Any:
        raise NotImplementedError

    def no_nan(self, value: Any) -> Any:
        raise NotImplementedError

    def compare(self, op: str, left: Any, right: Any) -> Any:
        raise NotImplementedError

    def logic(self, op: str, left: Any, right: Any) -> Any:
        raise NotImplementedError

    def negate(self, value: Any) -> Any:
        raise NotImplementedError

    def text_test(self, name: str, value: Any, pattern: str) -> Any:
        raise NotImplementedError

    def missing(self, value: Any, ltype: LType) -> Any:
        raise NotImplementedError

    def valid(self, text: Any, target: LType) -> Any:
        raise NotImplementedError

    def choose(self, branches: list[tuple[Any, Any]], default: Any) -> Any:
        """The value of the first branch whose condition is true (null counts as false)."""
        raise NotImplementedError


class Compiler:
    """Compiles a typed expression with one backend; aggregates arrive as values."""

    def __init__(self, backend: Backend, typer: Typer, values: dict[str, Any]) -> None:
        self.backend = backend
        self.typer = typer
        self.values = values

    def value(self, node: Node, want: LType | None = None) -> Any:
        """The compiled node, as ``want`` when given (casting by the casting rules)."""
        have = self.typer.of(node)
        target = want or have or LType.STRING
        if isinstance(node, Lit) and node.ltype is None:
            return self.backend.literal(None, target)
        out = self._raw(node, have or target)
        if have is not None and have is not target:
            out = self.backend.cast(out, have, target)
        return out

    def _raw(self, node: Node, ltype: LType) -> Any:
        b = self.backend
        if isinstance(node, Lit):
            return b.literal(node.value, ltype)
        if isinstance(node, Ref):
            return b.column(node.name)
        if isinstance(node, AggRef):
            return b.literal(self.values.get(node.name), ltype)
        if isinstance(node, Not):
            return b.negate(self.value(node.operand, LType.BOOLEAN))
        if isinstance(node, Logic):
            return b.logic(
                node.op, self.value(node.left, LType.BOOLEAN), self.value(node.right, LType.BOOLEAN)
            )
        if isinstance(node, Compare):
            common = _comparable(self.typer.of(node.left), self.typer.of(node.right)) or LType.STRING
            left, right = self.value(node.left, common), self.value(node.right, common)
            if common is LType.DOUBLE:
                left, right = b.no_nan(left), b.no_nan(right)
            return b.compare(node.op, left, right)
        if isinstance(node, Call):
            return self._call(node)
        if isinstance(node, Case):
            branches = [(self.value(c, LType.BOOLEAN), self.value(v, ltype)) for c, v in node.branches]
            default = self.value(node.default, ltype) if node.default is not None else b.literal(None, ltype)
            return b.choose(branches, default)
        raise TypeError(node)  # pragma: no cover

    def _call(self, node: Call) -> Any:
        b = self.backend
        subject = node.args[0]
        have = self.typer.of(subject) or LType.STRING
        if node.name == "ismissing":
            if isinstance(subject, Lit) and subject.ltype is None:
                return b.literal(True, LType.BOOLEAN)
            return b.missing(self.value(subject), have)
        pattern = node.args[1].value  # type: ignore[attr-defined]
        text = self.value(subject, LType.STRING)
        if node.name == "isvalid":
            present = b.negate(b.missing(self.value(subject), have))
            valid = b.valid(text, CAST_TARGETS[pattern.strip().lower()])
            return b.choose(
                [(present, b.logic("or", valid, b.literal(False, LType.BOOLEAN)))],
                b.literal(False, LType.BOOLEAN),
            )
        return b.text_test(node.name, text, pattern)


# --- pandas --------------------------------------------------------------------------------

_PC_COMPARE = {
    "=": "equal",
    "!=": "not_equal",
    "<": "less",
    "<=": "less_equal",
    ">": "greater",
    ">=": "greater_equal",
}


class PandasBackend(Backend):
    """Vectorised Arrow compute on the frame's columns (every value is a series of the frame's index)."""

    def __init__(self, df: pd.DataFrame, ctx: Any) -> None:
        self.df = df
        self.ctx = ctx

    def _s(self, values: Any) -> pd.Series:
        return wrap(values, self.df.index)

    def column(self, name: str) -> pd.Series:
        return self.df[name]

    def literal(self, value: Any, ltype: LType) -> pd.Series:
        atype = arrow_type(ltype)
        n = len(self.df.index)
        array = pa.nulls(n, atype) if value is None else pa.repeat(pa.scalar(value, atype), n)
        return self._s(array)

    def cast(self, value: pd.Series, source: LType, target: LType) -> pd.Series:
        return cast_pandas(value, source, target)

    def no_nan(self, value: pd.Series) -> pd.Series:
        a = arr(value)
        return self._s(pc.if_else(pc.is_nan(a), pa.scalar(None, a.type), a))

    def compare(self, op: str, left: pd.Series, right: pd.Series) -> pd.Series:
        return self._s(getattr(pc, _PC_COMPARE[op])(arr(left), arr(right)))

    def logic(self, op: str, left: pd.Series, right: pd.Series) -> pd.Series:
        fn = pc.and_kleene if op == "and" else pc.or_kleene
        return self._s(fn(arr(left), arr(right)))

    def negate(self, value: pd.Series) -> pd.Series:
        return self._s(pc.invert(arr(value)))

    def text_test(self, name: str, value: pd.Series, pattern: str) -> pd.Series:
        a = arr(value)
        if name == "contains":
            return self._s(pc.match_substring(a, pattern=pattern))
        if name == "startswith":
            return self._s(pc.starts_with(a, pattern=pattern))
        if name == "endswith":
            return self._s(pc.ends_with(a, pattern=pattern))
        return self._s(pc.match_substring_regex(a, pattern=pattern))

    def missing(self, value: pd.Series, ltype: LType) -> pd.Series:
        return self._s(missing_pandas(arr(value), ltype))

    def valid(self, text: pd.Series, target: LType) -> pd.Series:
        return text_valid_pandas(text, target)

    def choose(self, branches: list[tuple[Any, Any]], default: pd.Series) -> pd.Series:
        out = arr(default)
        for condition, value in reversed(branches):
            v = arr(value)
            out = pc.if_else(pc.fill_null(arr(condition), False), v, out.cast(v.type))
        return self._s(out)


# --- spark ---------------------------------------------------------------------------------


class SparkBackend(Backend):
    """Spark Column expressions; the whole expression is one lazy Column."""

    def column(self, name: str) -> SparkColumn:
        return scol(name)

    def literal(self, value: Any, ltype: LType) -> SparkColumn:
        from workbench.engines.spark.types import spark_type

        return F.lit(value).cast(spark_type(ltype))

    def cast(self, value: SparkColumn, source: LType, target: LType) -> SparkColumn:
        return cast_spark(value, source, target)

    def no_nan(self, value: SparkColumn) -> SparkColumn:
        return F.nanvl(value, F.lit(None).cast("double"))

    def compare(self, op: str, left: SparkColumn, right: SparkColumn) -> SparkColumn:
        ops: dict[str, Callable[[Any, Any], Any]] = {
            "=": lambda a, b: a == b,
            "!=": lambda a, b: a != b,
            "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b,
            ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b,
        }
        return ops[op](left, right)

    def logic(self, op: str, left: SparkColumn, right: SparkColumn) -> SparkColumn:
        return left & right if op == "and" else left | right

    def negate(self, value: SparkColumn) -> SparkColumn:
        return ~value

    def text_test(self, name: str, value: SparkColumn, pattern: str) -> SparkColumn:
        if name == "contains":
            return F.instr(value, F.lit(pattern)) > 0 if pattern else value.isNotNull()
        if name == "startswith":
            return value.startswith(pattern)
        if name == "endswith":
            return value.endswith(pattern)
        return value.rlike(pattern)

    def missing(self, value: SparkColumn, ltype: LType) -> SparkColumn:
        return missing_spark(value, ltype)

    def valid(self, text: SparkColumn, target: LType) -> SparkColumn:
        return text_valid_spark(text, target)

    def choose(self, branches: list[tuple[Any, Any]], default: SparkColumn) -> SparkColumn:
        out = None
        for condition, value in branches:
            out = F.when(condition, value) if out is None else out.when(condition, value)
        return default if out is None else out.otherwise(default)


# --- aggregates ----------------------------------------------------------------------------


def _key(agg: Call) -> tuple[str, str, bool]:
    return agg.name, agg.args[0].name, agg.distinct  # type: ignore[attr-defined]


def _finite_or_none(value: Any) -> Any:
    if isinstance(value, float) and value != value:  # NaN: no answer
        return None
    return value


def aggregates_pandas(df: pd.DataFrame, aggregates: dict[str, Call], schema: Schema) -> dict[str, Any]:
    """Each declared aggregate's value, computed with Arrow over the non-null values."""
    out: dict[str, Any] = {}
    for name, agg in aggregates.items():
        column = agg.args[0].name  # type: ignore[attr-defined]
        a = arr(df[column])
        ltype = schema[column]
        if ltype is LType.DOUBLE:  # NaN is missing to an aggregate, as to isMissing
            a = pc.if_else(pc.is_nan(a), pa.scalar(None, a.type), a)
        out[name] = _finite_or_none(_aggregate_arrow(agg, a, ltype))
    return out


def _aggregate_arrow(agg: Call, a: Any, ltype: LType) -> Any:
    if agg.name == "count":
        return pc.count_distinct(a, mode="only_valid").as_py() if agg.distinct else pc.count(a).as_py()
    if agg.name in ("min", "max"):
        return pc.min_max(a)[agg.name].as_py()
    if agg.name == "sum" and ltype is LType.INTEGER:
        return pc.sum(a, min_count=1).as_py()
    x = pc.cast(a, pa.float64()).drop_null()
    n = len(x)
    if agg.name == "sum":
        return pc.sum(x, min_count=1).as_py()
    if agg.name == "product":
        return pc.product(x, min_count=1).as_py()
    if n == 0:
        return None
    mean = pc.mean(x).as_py()
    if agg.name == "avg":
        return mean
    if agg.name == "median":
        return pc.quantile(x, q=0.5, interpolation="linear")[0].as_py()
    if agg.name == "mean_absolute_deviation":
        return pc.mean(pc.abs(pc.subtract(x, mean))).as_py()
    if agg.name in ("stddev", "variance", "standard_error_of_mean"):
        if n < 2:
            return None
        variance = pc.variance(x, ddof=1).as_py()
        if agg.name == "variance":
            return variance
        std = variance**0.5
        return std if agg.name == "stddev" else std / n**0.5
    d = pc.subtract(x, mean)
    m2 = pc.sum(pc.multiply(d, d)).as_py() / n
    if m2 == 0:
        return None
    if agg.name == "skewness":
        m3 = pc.sum(pc.power(d, 3)).as_py() / n
        return m3 / m2**1.5
    m4 = pc.sum(pc.power(d, 4)).as_py() / n
    return m4 / (m2 * m2) - 3.0


def aggregates_spark(df: SparkFrame, aggregates: dict[str, Call], ctx: SparkContext) -> dict[str, Any]:
    """Each declared aggregate's value, all of them in one Spark job.

    The mean absolute deviation needs the mean first: the means are one aggregated row joined
    to every row (a broadcast), and the same job aggregates the rest.
    """
    if not aggregates:
        return {}
    schema = ctx.schema_of(df)
    mad = sorted({agg.args[0].name for agg in aggregates.values() if agg.name == "mean_absolute_deviation"})  # type: ignore[attr-defined]
    frame = df
    means: dict[str, str] = {}
    if mad:
        means = {column: f"__wb_mean_{n}" for n, column in enumerate(mad)}
        row = df.agg(*[F.avg(_no_nan_spark(scol(c), schema[c])).alias(alias) for c, alias in means.items()])
        frame = df.crossJoin(F.broadcast(row))
    exprs = {}
    for n, agg in enumerate(aggregates.values()):
        exprs[f"a{n}"] = _aggregate_spark(agg, schema, means)
    learnt = ctx.aggregate(frame, exprs)
    return {name: _finite_or_none(learnt[f"a{n}"]) for n, name in enumerate(aggregates)}


def _no_nan_spark(c: SparkColumn, ltype: LType) -> SparkColumn:
    c = c.cast("double")
    return F.nanvl(c, F.lit(None).cast("double")) if ltype is LType.DOUBLE else c


def _aggregate_spark(agg: Call, schema: Schema, means: dict[str, str]) -> SparkColumn:
    column = agg.args[0].name  # type: ignore[attr-defined]
    c = scol(column)
    if schema[column] is LType.DOUBLE:  # NaN is missing to an aggregate, as to isMissing
        c = F.nanvl(c, F.lit(None).cast("double"))
    if agg.name == "count":
        return F.countDistinct(c) if agg.distinct else F.count(c)
    if agg.name in ("min", "max"):
        return getattr(F, agg.name)(c)
    if agg.name == "sum" and schema[column] is LType.INTEGER:
        return F.sum(c)
    x = c.cast("double")
    n = F.count(x)
    if agg.name == "sum":
        return F.sum(x)
    if agg.name == "product":
        return F.when(n > 0, F.product(x))
    if agg.name == "avg":
        return F.avg(x)
    if agg.name == "median":
        return F.percentile(x, F.lit(0.5))
    if agg.name == "mean_absolute_deviation":
        return F.avg(F.abs(x - F.col(means[column])))
    if agg.name == "variance":
        return F.when(n > 1, F.var_samp(x))
    if agg.name == "stddev":
        return F.when(n > 1, F.stddev_samp(x))
    if agg.name == "standard_error_of_mean":
        return F.when(n > 1, F.stddev_samp(x) / F.sqrt(n))
    m2 = F.var_pop(x)
    moment = F.skewness(x) if agg.name == "skewness" else F.kurtosis(x)
    return F.when((n > 0) & (m2 > 0), moment)


__all__ = [
    "AGGREGATES",
    "AggRef",
    "Call",
    "Case",
    "Compiler",
    "ExpressionError",
    "ExpressionTypeError",
    "Lit",
    "Node",
    "PandasBackend",
    "Ref",
    "SparkBackend",
    "Typer",
    "aggregate_type",
    "aggregates_pandas",
    "aggregates_spark",
    "check_aggregate",
    "columns_of",
    "parse",
    "parse_aggregate",
    "parse_value",
    "rename_in",
    "unify",
]
