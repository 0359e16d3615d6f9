"""The syntax tree of a DQDL document: typed, frozen dataclasses built by :mod:`workbench.quality.parser`.

Every node is immutable and compares by value, so tests can assert whole trees. Rules, composites and
analyzers keep their text exactly as written in the document (``str(rule)`` gives it back) together with
the line and column where they start (both 1-based).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Literal

__all__ = [
    "Analyzer",
    "Argument",
    "BinaryOp",
    "Composite",
    "Condition",
    "DataSources",
    "Duration",
    "Entry",
    "Expr",
    "FunctionCall",
    "Metadata",
    "Negation",
    "Now",
    "Number",
    "Rule",
    "Ruleset",
    "Size",
    "Special",
    "String",
    "Tag",
    "ValueList",
    "Variable",
    "VariableRef",
]

_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME_TEXT = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?")

DURATION_UNITS = ("days", "hours", "minutes")
SIZE_UNITS = ("B", "KB", "MB", "GB", "TB")


# ---- values ----------


@dataclasses.dataclass(frozen=True)
class Number:
    """A number literal: ``12``, ``-3``, ``0.25``; ints stay ints, decimals are floats."""

    value: int | float

    def __str__(self) -> str:
        return str(self.value)


@dataclasses.dataclass(frozen=True)
class String:
    """A quoted string with its escapes (``\\"`` and ``\\\\``) resolved."""

    value: str

    @property
    def is_date(self) -> bool:
        """True for a ``"yyyy-MM-dd"`` date literal (compared at day granularity)."""
        return _DATE_TEXT.fullmatch(self.value) is not None

    @property
    def is_time_of_day(self) -> bool:
        """True for a time-of-day literal such as ``"9:30 AM"`` or ``"21:45"`` (file rules)."""
        return _TIME_TEXT.fullmatch(self.value) is not None

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'


@dataclasses.dataclass(frozen=True)
class Special:
    """One of the keywords ``NULL``, ``EMPTY``, ``WHITESPACES_ONLY`` (stored upper case)."""

    name: Literal["NULL", "EMPTY", "WHITESPACES_ONLY"]

    def __str__(self) -> str:
        return self.name


@dataclasses.dataclass(frozen=True)
class Now:
    """``now()``: the evaluation timestamp."""

    def __str__(self) -> str:
        return "now()"


@dataclasses.dataclass(frozen=True)
class Duration:
    """``3 days``, ``24 hours``, ``30 minutes``."""

    amount: int
    unit: Literal["days", "hours", "minutes"]

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"


@dataclasses.dataclass(frozen=True)
class Size:
    """``5 MB``: a file size (FileSize)."""

    amount: int
    unit: Literal["B", "KB", "MB", "GB", "TB"]

    @property
    def bytes(self) -> int:
        return self.amount * 1024 ** SIZE_UNITS.index(self.unit)

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"


@dataclasses.dataclass(frozen=True)
class BinaryOp:
    """``left op right`` with ``op`` one of ``+ - * /`` (one precedence level, grouped from the left)."""

    op: Literal["+", "-", "*", "/"]
    left: Expr
    right: Expr

    def __str__(self) -> str:
        return f"({self.left} {self.op} {self.right})"


@dataclasses.dataclass(frozen=True)
class Negation:
    """Unary minus on something that is not a number literal, e.g. ``-avg(last(3))``."""

    operand: Expr

    def __str__(self) -> str:
        return f"-{self.operand}"


@dataclasses.dataclass(frozen=True)
class FunctionCall:
    """A history function of a dynamic rule, kept as written: ``avg(last(10))``, ``index(last(5), 2)``."""

    name: str
    args: tuple[Expr, ...]

    def __str__(self) -> str:
        return f"{self.name}({', '.join(str(a) for a in self.args)})"


@dataclasses.dataclass(frozen=True)
class ValueList:
    """A bracketed list; appears as the value of a list variable."""

    items: tuple[Expr, ...]

    def __str__(self) -> str:
        return "[" + ", ".join(str(i) for i in self.items) + "]"


@dataclasses.dataclass(frozen=True)
class VariableRef:
    """``$name``, with the declared value it stands for (a String, Number, Special or ValueList)."""

    name: str
    value: Expr

    def __str__(self) -> str:
        return f"${self.name}"


Expr = (
    Number
    | String
    | Special
    | Now
    | Duration
    | Size
    | BinaryOp
    | Negation
    | FunctionCall
    | ValueList
    | VariableRef
)
"""Any operand of a condition."""


# ---- conditions ----------

ConditionOp = Literal[
    "=", "!=", ">", ">=", "<", "<=", "between", "not between", "in", "not in", "matches", "not matches"
]


@dataclasses.dataclass(frozen=True)
class Condition:
    """An operator and its operands.

    Comparisons have one operand, ``between`` / ``not between`` two (low, high), ``matches`` /
    ``not matches`` one (the pattern), and ``in`` / ``not in`` one per list element as written (a
    ``$list`` variable is a single VariableRef operand; :meth:`expanded_operands` splices it).
    """

    op: ConditionOp
    operands: tuple[Expr, ...]

    def expanded_operands(self) -> tuple[Expr, ...]:
        """The operands with every variable replaced by its value and list variables spliced in."""
        out: list[Expr] = []
        for operand in self.operands:
            value = operand.value if isinstance(operand, VariableRef) else operand
            if isinstance(value, ValueList):
                out.extend(value.items)
            else:
                out.append(value)
        return tuple(out)

    def __str__(self) -> str:
        ops = self.operands
        if self.op in ("between", "not between"):
            return f"{self.op} {ops[0]} and {ops[1]}"
        if self.op in ("in", "not in"):
            if len(ops) == 1 and isinstance(ops[0], VariableRef):
                return f"{self.op} {ops[0]}"
            return f"{self.op} [" + ", ".join(str(o) for o in ops) + "]"
        return f"{self.op} {ops[0]}"


@dataclasses.dataclass(frozen=True)
class Tag:
    """A ``with name = value`` option other than ``with threshold`` (e.g. ``with timeZone = "UTC"``)."""

    name: str
    value: Expr


# ---- rules ----------


@dataclasses.dataclass(frozen=True)
class Argument:
    """A rule parameter: a column name, SQL text, dataset alias, pattern, ...

    ``value`` is the text after unquoting (for ``$name``, the variable's string value); ``quoted`` says
    whether it was written as a quoted string; ``variable`` names the variable it came from.
    """

    value: str
    quoted: bool = True
    variable: str | None = None

    def __str__(self) -> str:
        if self.variable is not None:
            return f"${self.variable}"
        return str(String(self.value)) if self.quoted else self.value


@dataclasses.dataclass(frozen=True)
class Rule:
    """One rule: ``RuleType args condition [where "..."] [with threshold ...] [labels=[...]]``."""

    rule_type: str
    arguments: tuple[Argument, ...]
    condition: Condition | None
    threshold: Condition | None
    where: str | None
    labels: tuple[tuple[str, str], ...]
    tags: tuple[Tag, ...]
    text: str
    line: int
    column: int

    @property
    def columns(self) -> tuple[str, ...]:
        """The argument values (column names for the column rule types)."""
        return tuple(a.value for a in self.arguments)

    def __str__(self) -> str:
        return self.text

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": "rule",
            "rule_type": self.rule_type,
            "arguments": [_plain(a) for a in self.arguments],
            "condition": _plain(self.condition),
            "threshold": _plain(self.threshold),
            "where": self.where,
            "labels": dict(self.labels),
            "tags": {t.name: _plain(t.value) for t in self.tags},
            "text": self.text,
            "line": self.line,
            "column": self.column,
        }
        return out


@dataclasses.dataclass(frozen=True)
class Composite:
    """``(rule) and (rule) ...`` or ``(rule) or (rule) ...``; operands may be composites themselves."""

    operator: Literal["and", "or"]
    operands: tuple[Entry, ...]
    labels: tuple[tuple[str, str], ...]
    text: str
    line: int
    column: int

    def __str__(self) -> str:
        return self.text

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "composite",
            "operator": self.operator,
            "operands": [o.to_dict() for o in self.operands],
            "labels": dict(self.labels),
            "text": self.text,
            "line": self.line,
            "column": self.column,
        }


Entry = Rule | Composite
"""A top-level entry of ``Rules = [...]``."""


@dataclasses.dataclass(frozen=True)
class Analyzer:
    """An entry of ``Analyzers = [...]``: a type and its parameters, no condition."""

    analyzer_type: str
    arguments: tuple[Argument, ...]
    text: str
    line: int
    column: int

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(a.value for a in self.arguments)

    def __str__(self) -> str:
        return self.text

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "analyzer",
            "analyzer_type": self.analyzer_type,
            "arguments": [_plain(a) for a in self.arguments],
            "text": self.text,
            "line": self.line,
            "column": self.column,
        }


# ---- document ----------


@dataclasses.dataclass(frozen=True)
class Metadata:
    """``Metadata = { "Version": "1.0" }``."""

    version: str | None


@dataclasses.dataclass(frozen=True)
class DataSources:
    """``DataSources = { "Primary": "orders", "AdditionalDataSources": ["ref"] }``."""

    primary: str | None
    additional: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Variable:
    """A constant declared before ``Rules``: ``codes = ["A", "B"]``."""

    name: str
    value: Expr
    line: int


@dataclasses.dataclass(frozen=True)
class Ruleset:
    """A whole DQDL document."""

    rules: tuple[Entry, ...]
    analyzers: tuple[Analyzer, ...] = ()
    metadata: Metadata | None = None
    data_sources: DataSources | None = None
    variables: tuple[Variable, ...] = ()
    default_labels: tuple[tuple[str, str], ...] = ()

    def variable(self, name: str) -> Variable:
        for var in self.variables:
            if var.name == name:
                return var
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of the whole tree, for debugging and snapshots."""
        return {
            "metadata": _plain(self.metadata),
            "data_sources": _plain(self.data_sources),
            "variables": {v.name: _plain(v.value) for v in self.variables},
            "default_labels": dict(self.default_labels),
            "rules": [r.to_dict() for r in self.rules],
            "analyzers": [a.to_dict() for a in self.analyzers],
        }


def _plain(node: object) -> Any:
    """Turn a node into JSON-ready values; value nodes carry their class name under ``"node"``."""
    if node is None or isinstance(node, (str, int, float, bool)):
        return node
    if isinstance(node, tuple):
        return [_plain(n) for n in node]
    if isinstance(node, (Rule, Composite, Analyzer)):
        return node.to_dict()
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        out: dict[str, Any] = {}
        if isinstance(node, _EXPR_TYPES):
            out["node"] = type(node).__name__
        for field in dataclasses.fields(node):
            out[field.name] = _plain(getattr(node, field.name))
        return out
    raise TypeError(f"cannot convert {type(node).__name__}")


_EXPR_TYPES = (
    Number,
    String,
    Special,
    Now,
    Duration,
    Size,
    BinaryOp,
    Negation,
    FunctionCall,
    ValueList,
    VariableRef,
)
