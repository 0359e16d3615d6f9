"""Engine-independent planning of a DQDL evaluation.

Every rule of a ruleset becomes a :class:`Leaf`: the measurements it needs from the data (``Agg``,
``Groups``, ``RefAgg``, ``SqlQuery``, ``RefMatch``, ``DatasetMatchReq``), a judge that turns the measured
values into an outcome, a reason and Glue-style metrics, and, for rule types with per-row outcomes, a
:data:`RowTest` describing the per-row check. The pandas and Spark back ends answer all requests of a
ruleset together (Spark in one batched aggregation for the simple metrics), then the judges run here, so
both engines share every decision about conditions, NULLs, thresholds and messages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

from workbench.core.regex import regex_problem
from workbench.core.types import LType, Schema
from workbench.quality.ast import (
    BinaryOp,
    Composite,
    Condition,
    Duration,
    Entry,
    Expr,
    FunctionCall,
    Negation,
    Now,
    Number,
    Rule,
    Special,
    String,
    VariableRef,
)

Outcome = Literal["Passed", "Failed", "Error"]

DAY_MICROS = 86_400_000_000
_UNIT_MICROS = {"days": DAY_MICROS, "hours": 3_600_000_000, "minutes": 60_000_000}
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class Unsupported(Exception):
    """A rule (or part of one) the evaluator cannot compute yet; the rule gets outcome Error."""


class RuleProblem(Exception):
    """A rule that cannot be computed on this data (missing column, wrong type...): outcome Error."""


# ---- values of conditions ----------


def number_of(expr: Expr) -> float | int | None:
    """A number operand (``None`` for NULL); history functions are resolved before (see ``dynamic``)."""
    if isinstance(expr, VariableRef):
        return number_of(expr.value)
    if isinstance(expr, Number):
        return expr.value
    if isinstance(expr, Special) and expr.name == "NULL":
        return None
    if isinstance(expr, Negation):
        inner = number_of(expr.operand)
        return None if inner is None else -inner
    if isinstance(expr, BinaryOp):
        left, right = number_of(expr.left), number_of(expr.right)
        if left is None or right is None:
            return None
        if expr.op == "+":
            return left + right
        if expr.op == "-":
            return left - right
        if expr.op == "*":
            return left * right
        if right == 0:
            raise RuleProblem(f"division by zero in {expr}")
        return left / right
    if isinstance(expr, FunctionCall):
        raise RuleProblem(f"{expr}: history functions apply to the metric of a metric rule")
    raise RuleProblem(f"{expr} is not a number")


def micros_of_duration(expr: Expr) -> int | None:
    """A duration operand in microseconds (``None`` for NULL)."""
    if isinstance(expr, VariableRef):
        return micros_of_duration(expr.value)
    if isinstance(expr, Duration):
        return expr.amount * _UNIT_MICROS[expr.unit]
    if isinstance(expr, Special) and expr.name == "NULL":
        return None
    if isinstance(expr, FunctionCall):
        raise RuleProblem(f"{expr}: history functions apply to the metric of a metric rule")
    raise RuleProblem(f"{expr} is not a duration")


@dataclasses.dataclass(frozen=True)
class Instant:
    """A date operand: a day number (``day``: compared with the value's date) or a UTC timestamp in µs."""

    value: int
    day: bool

    def __str__(self) -> str:
        if self.day:
            return (EPOCH + dt.timedelta(days=self.value)).date().isoformat()
        return (EPOCH + dt.timedelta(microseconds=self.value)).strftime("%Y-%m-%d %H:%M:%S")


def micros_of(moment: dt.datetime) -> int:
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def instant_of(expr: Expr, now: dt.datetime) -> Instant | None:
    """A date operand: ``"yyyy-MM-dd"`` (day granularity), ``now()``, ``(now() ± N unit)``, NULL."""
    if isinstance(expr, VariableRef):
        return instant_of(expr.value, now)
    if isinstance(expr, Special) and expr.name == "NULL":
        return None
    if isinstance(expr, String) and expr.is_date:
        try:
            day = dt.date.fromisoformat(expr.value)
        except ValueError:
            raise RuleProblem(f"{expr} is not a calendar date") from None
        return Instant((day - EPOCH.date()).days, True)
    if isinstance(expr, Now):
        return Instant(micros_of(now), False)
    if isinstance(expr, BinaryOp) and expr.op in ("+", "-"):
        base = instant_of(expr.left, now)
        shift = micros_of_duration(expr.right)
        if base is None or shift is None:
            return None
        if base.day:
            raise RuleProblem(f"{expr}: only now() can be shifted")
        return Instant(base.value + shift if expr.op == "+" else base.value - shift, False)
    if isinstance(expr, FunctionCall):
        raise RuleProblem(f"{expr}: history functions apply to the metric of a metric rule")
    raise RuleProblem(f"{expr} is not a date")


def _is_temporal(expr: Expr) -> bool:
    if isinstance(expr, VariableRef):
        return _is_temporal(expr.value)
    if isinstance(expr, String):
        return expr.is_date
    if isinstance(expr, Now):
        return True
    return isinstance(expr, BinaryOp) and _is_temporal(expr.left)


# ---- value tests ----------

TestKind = Literal["number", "string", "date"]
_NEGATED = {"!=": "=", "not in": "in", "not between": "between", "not matches": "matches"}


@dataclasses.dataclass(frozen=True)
class ValueTest:
    """A condition resolved to plain values, ready for a back end to test column values with.

    ``op`` is the positive operator (``in`` for ``=``/``in``, ``>``, ``>=``, ``<``, ``<=``,
    ``between``, ``matches``) and ``negated`` says whether the condition is its negation. ``values``
    are floats (number), strings (string, and the pattern of ``matches``) or :class:`Instant` (date);
    ``null_listed`` / ``empty_listed`` / ``blank_listed`` say which keywords the condition names.

    NULL rule (spec 5.1): a NULL value passes ``!=`` and ``not in`` unless NULL is listed, passes ``=``
    and ``in`` only when NULL is listed, and fails everything else. NaN is a number that equals nothing
    and is not ordered: it fails every positive test and passes every negated one.
    """

    kind: TestKind
    op: str
    negated: bool
    values: tuple[Any, ...]
    null_listed: bool = False
    empty_listed: bool = False
    blank_listed: bool = False
    text: str = ""

    @property
    def null_passes(self) -> bool:
        if self.op == "in":
            return self.null_listed != self.negated
        return False

    def check_number(self, m: float | int | None) -> bool:
        """The test applied to one number in Python (metrics, thresholds)."""
        if m is None:
            return self.null_passes
        if isinstance(m, float) and math.isnan(m):
            return self.negated
        v = self.values
        if self.op == "in":
            hit = any(m == x for x in v)
        elif self.op == ">":
            hit = m > v[0]
        elif self.op == ">=":
            hit = m >= v[0]
        elif self.op == "<":
            hit = m < v[0]
        elif self.op == "<=":
            hit = m <= v[0]
        elif self.op == "between":
            hit = v[0] < m < v[1]
        else:
            raise RuleProblem(f"{self.text} does not apply to a number")
        return hit != self.negated

    def __str__(self) -> str:
        return self.text


def value_test(condition: Condition, kind: TestKind | None, now: dt.datetime) -> ValueTest:
    """Resolve a condition; ``kind`` None chooses by the literals (ColumnValues, spec 5.1)."""
    operands = condition.expanded_operands()
    if kind is None:
        kind = _kind_of(condition.op, operands)
    negated = condition.op in _NEGATED
    op = _NEGATED.get(condition.op, condition.op)
    if op == "=":
        op = "in"
    specials = {o.name for o in operands if isinstance(o, Special)}
    plain = [o for o in operands if not isinstance(o, Special)]
    values: list[Any] = []
    for operand in plain:
        if kind == "number":
            values.append(number_of(operand))
        elif kind == "date":
            values.append(instant_of(operand, now))
        else:
            if isinstance(operand, FunctionCall):
                raise RuleProblem(f"{operand}: history functions apply to the metric of a metric rule")
            if not isinstance(operand, String):
                raise RuleProblem(f"{operand} is not a string")
            values.append(operand.value)
    if None in values:  # a NULL produced by arithmetic on NULL, or a NULL date
        values = [v for v in values if v is not None]
        specials.add("NULL")
    if op in (">", ">=", "<", "<=", "between", "matches") and (specials or len(values) != len(plain)):
        raise RuleProblem(f"{condition} cannot compare with NULL")
    if op == "matches":
        problem = regex_problem(values[0])
        if problem:
            raise RuleProblem(f"pattern {values[0]!r}: {problem}")
    if kind == "number":
        values = [float(v) if isinstance(v, float) else v for v in values]
    return ValueTest(
        kind=kind,
        op=op,
        negated=negated,
        values=tuple(values),
        null_listed="NULL" in specials,
        empty_listed="EMPTY" in specials,
        blank_listed="WHITESPACES_ONLY" in specials,
        text=str(condition),
    )


def _kind_of(op: str, operands: tuple[Expr, ...]) -> TestKind:
    if op in ("matches", "not matches"):
        return "string"
    plain = [o.value if isinstance(o, VariableRef) else o for o in operands if not isinstance(o, Special)]
    if not plain:
        return "string"
    if all(_is_temporal(o) for o in plain):
        return "date"
    if any(isinstance(o, String) for o in plain):
        return "string"
    return "number"


def threshold_test(rule: Rule) -> ValueTest | None:
    return value_test(rule.threshold, "number", EPOCH) if rule.threshold is not None else None


# ---- row tests ----------


@dataclasses.dataclass(frozen=True)
class NotNull:
    column: str


@dataclasses.dataclass(frozen=True)
class Values:
    """ColumnValues: ``test`` on the value read as the test's kind (text rules for text columns)."""

    column: str
    ltype: LType
    test: ValueTest


@dataclasses.dataclass(frozen=True)
class Length:
    """ColumnLength: ``test`` on the text length in code points, NULL counted as 0."""

    column: str
    ltype: LType
    test: ValueTest


@dataclasses.dataclass(frozen=True)
class DataType:
    """ColumnDataType: the value's text can be read as one of ``types`` (a NULL never conforms).

    Each type is a pattern the text must match and, for dates and timestamps, the logical type it
    must also parse as (a real calendar date).
    """

    column: str
    ltype: LType
    types: tuple[tuple[str, LType | None], ...]
    negated: bool


@dataclasses.dataclass(frozen=True)
class Fresh:
    """DataFreshness: ``test`` on the age ``now - value`` in microseconds."""

    column: str
    ltype: LType
    now_micros: int
    test: ValueTest


@dataclasses.dataclass(frozen=True)
class Unique:
    """The uniqueness family per row: the tuple occurs once (and, for a key, no column is NULL)."""

    columns: tuple[str, ...]
    key: bool


@dataclasses.dataclass(frozen=True)
class SqlRows:
    """CustomSql row form: the row is among the rows the query selects."""

    sql: str


@dataclasses.dataclass(frozen=True)
class RefRows:
    """ReferentialIntegrity: the row's key is found in the reference dataset."""

    columns: tuple[str, ...]
    dataset: str
    ref_columns: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Scoped:
    """A row test restricted to the rows of a ``where`` predicate (other rows are skipped)."""

    test: RowTest
    where: str | None


@dataclasses.dataclass(frozen=True)
class Combined:
    """A composite's per-row result: operands combined with and/or; skipped operands are left out."""

    op: Literal["and", "or"]
    parts: tuple[Scoped | Combined, ...]


RowTest = NotNull | Values | Length | DataType | Fresh | Unique | SqlRows | RefRows
COUNTABLE = (NotNull, Values, Length, DataType, Fresh)
"""Row tests whose pass counts come out of the batched aggregation."""


# ---- requests ----------

AggKind = Literal[
    "rows", "nonnull", "sum", "mean", "var", "std", "corr", "pass", "nullfail", "minlen", "maxlen"
]


@dataclasses.dataclass(frozen=True)
class Agg:
    """A simple aggregate of the primary dataset, over the rows of ``where``."""

    kind: AggKind
    columns: tuple[str, ...] = ()
    where: str | None = None
    test: RowTest | None = None


@dataclasses.dataclass(frozen=True)
class Groups:
    """Value counts of a column tuple over the rows of ``where`` (tuples of NULLs only are left out)."""

    columns: tuple[str, ...]
    where: str | None = None


@dataclasses.dataclass(frozen=True)
class GroupStats:
    rows: int
    distinct: int
    unique: int
    entropy: float


@dataclasses.dataclass(frozen=True)
class RefAgg:
    """``rows`` / ``sum`` / ``avg`` / ``count`` / ``min`` / ``max`` of a reference dataset's column."""

    dataset: str
    kind: str
    column: str | None = None


@dataclasses.dataclass(frozen=True)
class SqlQuery:
    """CustomSql: aggregate form (one number) or row form (matched rows, all rows)."""

    sql: str
    row_form: bool


@dataclasses.dataclass(frozen=True)
class RefMatch:
    """ReferentialIntegrity: (primary rows whose key is in the reference, primary rows)."""

    columns: tuple[str, ...]
    dataset: str
    ref_columns: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class DatasetMatchReq:
    """DatasetMatch: (primary rows with an equal reference row on keys and columns, primary rows)."""

    dataset: str
    keys: tuple[tuple[str, str], ...]
    columns: tuple[tuple[str, str], ...]


Request = Agg | Groups | RefAgg | SqlQuery | RefMatch | DatasetMatchReq


# ---- plans ----------


@dataclasses.dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reason: str | None
    metrics: dict[str, Any]


Answers = Mapping[Request, Any]


@dataclasses.dataclass
class Leaf:
    """One rule, planned: what it needs, how to judge it, its per-row test."""

    rule: Rule
    needs: list[Request]
    judge: Callable[[Answers], Verdict]
    row: Scoped | None = None
    error: str | None = None

    def verdict(self, answers: Answers) -> Verdict:
        if self.error is not None:
            return Verdict("Error", self.error, {})
        for need in self.needs:
            got = answers.get(need)
            if isinstance(got, Exception):
                return Verdict("Error", f"{_label(self.rule)}: {got}", {})
        try:
            return self.judge(answers)
        except Unsupported as exc:
            return Verdict("Error", f"not supported yet: {exc}", {})
        except RuleProblem as exc:
            return Verdict("Error", f"{_label(self.rule)}: {exc}", {})


@dataclasses.dataclass
class Node:
    """A composite, planned."""

    entry: Composite
    operands: list[Leaf | Node]

    @property
    def row(self) -> Combined | None:
        parts = [o.row for o in self.operands]
        if any(p is None for p in parts):
            return None
        return Combined(self.entry.operator, tuple(p for p in parts if p is not None))

    def leaves(self) -> list[Leaf]:
        out: list[Leaf] = []
        for o in self.operands:
            out.extend(o.leaves() if isinstance(o, Node) else [o])
        return out

    def verdict(self, answers: Answers) -> Verdict:
        inner = [o.verdict(answers) for o in self.operands]
        outcomes = [v.outcome for v in inner]
        if self.entry.operator == "and":
            outcome: Outcome = (
                "Failed" if "Failed" in outcomes else "Error" if "Error" in outcomes else "Passed"
            )
        else:
            outcome = "Passed" if "Passed" in outcomes else "Error" if "Error" in outcomes else "Failed"
        metrics: dict[str, Any] = {}
        for v in inner:
            metrics.update(v.metrics)
        reasons = [v.reason for v in inner if v.reason]
        reason = None if outcome == "Passed" else "; ".join(reasons) or None
        return Verdict(outcome, reason, metrics)


Planned = Leaf | Node


@dataclasses.dataclass(frozen=True)
class Context:
    """What planning knows: the primary schema, the reference schemas, the clock."""

    schema: Schema
    references: Mapping[str, Schema]
    now: dt.datetime
    history: Any = None
    """The dataset's earlier metric values (a :class:`~workbench.quality.dynamic.MetricHistory`)."""


def plan_entry(entry: Entry, ctx: Context) -> Planned:
    if isinstance(entry, Composite):
        return Node(entry, [plan_entry(o, ctx) for o in entry.operands])
    try:
        leaf = _plan_rule(entry, ctx)
    except Unsupported as exc:
        return Leaf(entry, [], _never, error=f"not supported yet: {exc}")
    except RuleProblem as exc:
        return Leaf(entry, [], _never, error=f"{_label(entry)}: {exc}")
    return leaf


def _never(answers: Answers) -> Verdict:  # pragma: no cover - only planned rules with an error use it
    raise AssertionError("unreachable")


# ---- formatting ----------


def fmt(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        if abs(value) < 0.001:
            return f"{value:.3g}"
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _label(rule: Rule) -> str:
    return rule.rule_type


def _on(rule: Rule) -> str:
    cols = rule.columns
    name = rule.rule_type
    if not cols:
        return name
    return f"{name} of {', '.join(cols)}"


def entity(columns: tuple[str, ...]) -> str:
    return f"Column.{columns[0]}" if len(columns) == 1 else f"Multicolumn.{','.join(columns)}"


# ---- planning of each rule type ----------

_NUMBER_RULES = {"Mean": "mean", "Sum": "sum", "StandardDeviation": "std", "Variance": "var"}
_GROUP_RULES = (
    "DistinctValuesCount",
    "UniqueValueRatio",
    "Entropy",
    "Uniqueness",
    "IsUnique",
    "IsPrimaryKey",
)
_NOT_SUPPORTED = {
    "FileMatch": "file rules (FileMatch) check files, not a dataset",
    "FileUniqueness": "file rules (FileUniqueness) check files, not a dataset",
    "FileFreshness": "file rules (FileFreshness) check files, not a dataset",
    "FileSize": "file rules (FileSize) check files, not a dataset",
}
_KNOWN_TAGS: dict[str, tuple[str, ...]] = {}


def _plan_rule(rule: Rule, ctx: Context) -> Leaf:
    kind = rule.rule_type
    if kind == "DetectAnomalies":
        return _plan_anomaly(rule, ctx)
    from workbench.quality.dynamic import uses_history

    if uses_history(rule):
        return _plan_dynamic(rule, ctx)
    if kind in _NOT_SUPPORTED:
        raise Unsupported(_NOT_SUPPORTED[kind])
    for tag in rule.tags:
        if tag.name not in _KNOWN_TAGS.get(kind, ()):
            raise Unsupported(f"the option 'with {tag.name}' of {kind}")
    planner = _PLANNERS.get(kind)
    if planner is None:
        raise Unsupported(f"the rule type {kind}")
    return planner(rule, ctx)


def _plan_dynamic(rule: Rule, ctx: Context) -> Leaf:
    """A metric rule whose condition uses history: measured as written, judged against earlier values."""
    from workbench.quality import dynamic

    if rule.rule_type not in dynamic.METRIC_RULES:
        raise RuleProblem(
            "history functions compare a rule's metric with its earlier values; "
            f"{rule.rule_type} does not measure one metric (use RowCount, Completeness, Mean, ...)"
        )
    if rule.threshold is not None:
        raise RuleProblem("history functions are not allowed in 'with threshold'")
    assert rule.condition is not None
    _check_history_functions(rule.condition)
    inner = _plan_rule(dynamic.neutral(rule), ctx)

    def judge(a: Answers) -> Verdict:
        found = _measured_metric(inner.verdict(a), rule)
        if isinstance(found, Verdict):
            return found
        name, value = found
        series = _earlier(ctx, name, rule.where)
        try:
            condition = dynamic.resolved(rule.condition, series)  # type: ignore[arg-type]
        except dynamic.NotEnoughHistory as exc:
            return Verdict("Error", f"not enough history: {exc} of {name}", {name: value})
        verdict = _judge_metric(rule, value_test(condition, "number", EPOCH), name, value, _on(rule))
        if verdict.outcome == "Passed":
            return verdict
        shown = ("..., " if len(series) > 5 else "") + ", ".join(fmt(v) for v in series[-5:])
        return dataclasses.replace(
            verdict, reason=f"{verdict.reason} ({rule.condition} over the earlier values {shown})"
        )

    return Leaf(rule, list(inner.needs), judge)


def _check_history_functions(condition: Condition) -> None:
    """Unknown functions and wrong arguments are found when planning, not after measuring."""
    from workbench.quality import dynamic

    try:
        dynamic.resolved(condition, [0.0] * 100_000)
    except dynamic.NotEnoughHistory:
        pass
    except dynamic.HistoryProblem as exc:
        raise RuleProblem(str(exc)) from None


def _measured_metric(measured: Verdict, rule: Rule) -> tuple[str, Any] | Verdict:
    """The (name, value) of the metric ``measured`` holds; or the verdict to give instead."""
    from workbench.quality import dynamic

    if measured.outcome == "Error":
        return measured
    try:
        found = dynamic.metric_of(measured.metrics, rule)
    except dynamic.HistoryProblem as exc:
        raise RuleProblem(str(exc)) from None
    if found is None:
        return Verdict("Failed", f"{_on(rule)} has no value (no rows to measure)", {})
    return found


def _earlier(ctx: Context, name: str, where: str | None) -> list[float]:
    if ctx.history is None:
        return []
    return [float(v) for v in ctx.history.values(name, where)]


def _plan_anomaly(rule: Rule, ctx: Context) -> Leaf:
    """DetectAnomalies: the metric of the named rule type, against a robust z-score of its earlier values."""
    from workbench.quality import dynamic

    try:
        target = dynamic.anomaly_target(rule)
    except dynamic.HistoryProblem as exc:
        raise RuleProblem(str(exc)) from None
    inner = _plan_rule(target, ctx)

    def judge(a: Answers) -> Verdict:
        found = _measured_metric(inner.verdict(a), target)
        if isinstance(found, Verdict):
            return found
        name, value = found
        try:
            expected = dynamic.expected_range(_earlier(ctx, name, None))
        except dynamic.NotEnoughHistory as exc:
            return Verdict("Error", f"not enough history: {exc} of {name}", {name: value})
        text = (
            f"{name} is {fmt(value)}, {{}} the expected range {fmt(expected.low)} to {fmt(expected.high)} "
            f"(median {fmt(expected.median)} ± {dynamic.ANOMALY_Z} x robust deviation "
            f"{fmt(expected.spread)} of the last {expected.points} earlier values)"
        )
        if (isinstance(value, float) and math.isnan(value)) or not expected.holds(value):
            return Verdict("Failed", text.format("outside"), {name: value})
        return Verdict("Passed", text.format("within"), {name: value})

    return Leaf(rule, list(inner.needs), judge)


def _column(rule: Rule, ctx: Context, name: str) -> LType:
    if name not in ctx.schema:
        raise RuleProblem(f"column {name!r} does not exist")
    return ctx.schema[name]


def _metric_condition(rule: Rule) -> ValueTest:
    assert rule.condition is not None
    return value_test(rule.condition, "number", EPOCH)


def _judge_metric(rule: Rule, test: ValueTest, name: str, value: Any, what: str) -> Verdict:
    metrics = {} if value is None else {name: value}
    if test.check_number(value):
        return Verdict("Passed", None, metrics)
    if value is None:
        return Verdict("Failed", f"{what} has no value (no rows to measure), expected {test}", metrics)
    return Verdict("Failed", f"{what} is {fmt(value)}, expected {test}", metrics)


def _plan_row_count(rule: Rule, ctx: Context) -> Leaf:
    test = _metric_condition(rule)
    need = Agg("rows", (), rule.where)

    def judge(a: Answers) -> Verdict:
        return _judge_metric(rule, test, "Dataset.*.RowCount", int(a[need]), "RowCount")

    return Leaf(rule, [need], judge)


def _plan_column_count(rule: Rule, ctx: Context) -> Leaf:
    test = _metric_condition(rule)
    count = len(ctx.schema)
    return Leaf(rule, [], lambda a: _judge_metric(rule, test, "Dataset.*.ColumnCount", count, "ColumnCount"))


def _plan_column_exists(rule: Rule, ctx: Context) -> Leaf:
    name = rule.columns[0]

    def judge(a: Answers) -> Verdict:
        if name in ctx.schema:
            return Verdict("Passed", None, {})
        return Verdict("Failed", f"column {name!r} does not exist", {})

    return Leaf(rule, [], judge)


def _plan_names_match(rule: Rule, ctx: Context) -> Leaf:
    import pyarrow as pa
    import pyarrow.compute as pc

    pattern = rule.columns[0]
    problem = regex_problem(pattern)
    if problem:
        raise RuleProblem(f"pattern {pattern!r}: {problem}")
    names = list(ctx.schema)
    ok = (
        pc.match_substring_regex(pa.array(names, pa.string()), f"^(?:{pattern})$").to_pylist()
        if names
        else []
    )
    bad = [n for n, hit in zip(names, ok, strict=True) if not hit]
    ratio = (len(names) - len(bad)) / len(names) if names else 1.0

    def judge(a: Answers) -> Verdict:
        metrics = {"Dataset.*.ColumnNamesPatternMatchRatio": ratio}
        if not bad:
            return Verdict("Passed", None, metrics)
        shown = ", ".join(repr(n) for n in bad[:5]) + (" ..." if len(bad) > 5 else "")
        return Verdict("Failed", f"{len(bad)} of {len(names)} column names do not match: {shown}", metrics)

    return Leaf(rule, [], judge)


def _plan_completeness(rule: Rule, ctx: Context) -> Leaf:
    name = rule.columns[0]
    _column(rule, ctx, name)
    rows, present = Agg("rows", (), rule.where), Agg("nonnull", (name,), rule.where)
    test = _metric_condition(rule) if rule.rule_type == "Completeness" else None
    metric = f"Column.{name}.Completeness"

    def judge(a: Answers) -> Verdict:
        n, k = int(a[rows]), int(a[present])
        value = k / n if n else None
        if test is not None:
            return _judge_metric(rule, test, metric, value, f"Completeness of {name}")
        if value is None:
            return Verdict("Failed", f"IsComplete of {name}: no rows to measure", {})
        if k == n:
            return Verdict("Passed", None, {metric: value})
        return Verdict(
            "Failed", f"{n - k} of {n} values of {name} are NULL (Completeness {fmt(value)})", {metric: value}
        )

    return Leaf(rule, [rows, present], judge, row=Scoped(NotNull(name), rule.where))


def _plan_groups(rule: Rule, ctx: Context) -> Leaf:
    cols = rule.columns
    for c in cols:
        _column(rule, ctx, c)
    kind = rule.rule_type
    need = Groups(cols, rule.where)
    needs: list[Request] = [need]
    nulls = [Agg("nonnull", (c,), rule.where) for c in cols] if kind == "IsPrimaryKey" else []
    needs += nulls
    test = _metric_condition(rule) if rule.condition is not None else None
    ent = entity(cols)

    def judge(a: Answers) -> Verdict:
        stats: GroupStats = a[need]
        n = stats.rows
        if kind == "DistinctValuesCount":
            return _judge_metric(rule, _req(test), f"{ent}.DistinctValuesCount", stats.distinct, _on(rule))
        if kind == "UniqueValueRatio":
            value = stats.unique / stats.distinct if stats.distinct else None
            return _judge_metric(rule, _req(test), f"{ent}.UniqueValueRatio", value, _on(rule))
        if kind == "Entropy":
            value = stats.entropy if n else None
            return _judge_metric(rule, _req(test), f"{ent}.Entropy", value, _on(rule))
        uniqueness = stats.unique / n if n else None
        if kind == "Uniqueness":
            return _judge_metric(rule, _req(test), f"{ent}.Uniqueness", uniqueness, _on(rule))
        metrics: dict[str, Any] = {} if uniqueness is None else {f"{ent}.Uniqueness": uniqueness}
        if uniqueness is None:
            return Verdict("Failed", f"{_on(rule)}: no rows to measure", metrics)
        problems = []
        if kind == "IsPrimaryKey":
            for c, req in zip(cols, nulls, strict=True):
                missing = n - int(a[req])
                metrics[f"Column.{c}.Completeness"] = int(a[req]) / n
                if missing:
                    problems.append(f"{missing} NULL values in {c}")
        if stats.unique < n:
            problems.append(
                f"{n - stats.unique} of {n} rows are duplicated or NULL (Uniqueness {fmt(uniqueness)})"
            )
        if problems:
            return Verdict("Failed", f"{_on(rule)}: " + "; ".join(problems), metrics)
        return Verdict("Passed", None, metrics)

    row = None
    if kind in ("IsUnique", "Uniqueness", "IsPrimaryKey"):
        row = Scoped(Unique(cols, kind == "IsPrimaryKey"), rule.where)
    return Leaf(rule, needs, judge, row=row)


def _req(test: ValueTest | None) -> ValueTest:
    assert test is not None
    return test


def _numeric(rule: Rule, ctx: Context, name: str) -> None:
    ltype = _column(rule, ctx, name)
    if not ltype.is_numeric:
        raise RuleProblem(f"{rule.rule_type} needs a numeric column; {name!r} is {ltype.value}")


def _plan_number(rule: Rule, ctx: Context) -> Leaf:
    name = rule.columns[0]
    _numeric(rule, ctx, name)
    need = Agg(_NUMBER_RULES[rule.rule_type], (name,), rule.where)  # type: ignore[arg-type]
    test = _metric_condition(rule)

    def judge(a: Answers) -> Verdict:
        value = a[need]
        value = None if value is None else (value if isinstance(value, int) else float(value))
        return _judge_metric(rule, test, f"Column.{name}.{rule.rule_type}", value, _on(rule))

    return Leaf(rule, [need], judge)


def _plan_correlation(rule: Rule, ctx: Context) -> Leaf:
    a_col, b_col = rule.columns
    _numeric(rule, ctx, a_col)
    _numeric(rule, ctx, b_col)
    need = Agg("corr", (a_col, b_col), rule.where)
    test = _metric_condition(rule)

    def judge(a: Answers) -> Verdict:
        value = a[need]
        return _judge_metric(
            rule,
            test,
            f"Multicolumn.{a_col},{b_col}.ColumnCorrelation",
            None if value is None else float(value),
            _on(rule),
        )

    return Leaf(rule, [need], judge)


def _row_rule(
    rule: Rule,
    test_row: RowTest,
    metric: str,
    extra: list[tuple[Agg, str]] | None = None,
    vacuous: bool = True,
) -> Leaf:
    """A rule judged per row: pass count over evaluated rows, with or without a threshold."""
    rows = Agg("rows", (), rule.where)
    passed = Agg("pass", (), rule.where, test_row)
    nullfail = Agg("nullfail", (), rule.where, test_row)
    threshold = threshold_test(rule)
    extra = extra or []

    def judge(a: Answers) -> Verdict:
        n, k, z = int(a[rows]), int(a[passed]), int(a[nullfail])
        metrics: dict[str, Any] = {}
        for req, label in extra:
            if a[req] is not None:
                metrics[label] = a[req]
        if n == 0:
            return Verdict("Passed", None, metrics)
        ratio = k / n
        metrics[metric] = ratio
        note = f" ({z} NULL {'row' if z == 1 else 'rows'} failed)" if z else ""
        if threshold is None:
            if k == n:
                return Verdict("Passed", None, metrics)
            return Verdict(
                "Failed",
                f"{_on(rule)}: {n - k} of {n} rows failed{note}, expected every row to pass",
                metrics,
            )
        if threshold.check_number(ratio):
            return Verdict("Passed", None, metrics)
        return Verdict(
            "Failed",
            f"{_on(rule)}: {fmt(ratio)} of rows passed{note}, expected threshold {threshold}",
            metrics,
        )

    return Leaf(
        rule, [rows, passed, nullfail, *[r for r, _ in extra]], judge, row=Scoped(test_row, rule.where)
    )


def _plan_column_values(rule: Rule, ctx: Context) -> Leaf:
    name = rule.columns[0]
    ltype = _column(rule, ctx, name)
    assert rule.condition is not None
    test = value_test(rule.condition, None, ctx.now)
    _check_convertible(name, ltype, test.kind)
    return _row_rule(rule, Values(name, ltype, test), f"Column.{name}.ColumnValues.Compliance")


def _check_convertible(name: str, ltype: LType, kind: TestKind) -> None:
    if kind == "number" and not (ltype.is_numeric or ltype is LType.STRING):
        raise RuleProblem(f"cannot compare the {ltype.value} column {name!r} with numbers")
    if kind == "date" and not (ltype.is_temporal or ltype is LType.STRING):
        raise RuleProblem(f"cannot compare the {ltype.value} column {name!r} with dates")
    if ltype in (LType.ARRAY, LType.STRUCT, LType.MAP):
        raise RuleProblem(f"cannot test values of the {ltype.value} column {name!r}")


def _plan_length(rule: Rule, ctx: Context) -> Leaf:
    name = rule.columns[0]
    ltype = _column(rule, ctx, name)
    _check_convertible(name, ltype, "string")
    test = _metric_condition(rule)
    check = Length(name, ltype, test)
    extra = [
        (Agg("minlen", (name,), rule.where, check), f"Column.{name}.MinimumLength"),
        (Agg("maxlen", (name,), rule.where, check), f"Column.{name}.MaximumLength"),
    ]
    return _row_rule(rule, check, f"Column.{name}.ColumnLength.Compliance", extra)


_TYPE_NAMES = {
    "boolean": LType.BOOLEAN,
    "date": LType.DATE,
    "timestamp": LType.TIMESTAMP,
    "integer": LType.INTEGER,
    "int": LType.INTEGER,
    "long": LType.INTEGER,
    "bigint": LType.INTEGER,
    "short": LType.INTEGER,
    "double": LType.DOUBLE,
    "float": LType.DOUBLE,
    "decimal": LType.DECIMAL,
    "string": LType.STRING,
}
_DECIMAL = re.compile(r"decimal\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)", re.IGNORECASE)


def type_pattern(type_name: str) -> tuple[str, LType | None]:
    """The text a value must have to be readable as a DQDL type name (text rules of docs/semantics.md)."""
    from workbench.core.casting import TEXT_PATTERNS

    m = _DECIMAL.fullmatch(type_name.strip())
    if m:
        precision, scale = int(m.group(1)), int(m.group(2))
        if scale > precision or precision < 1:
            raise RuleProblem(f"{type_name} is not a valid decimal type")
        whole = precision - scale
        frac = f"(\\.[0-9]{{0,{scale}}})?" if scale else "(\\.0*)?"
        lead = f"[0-9]{{1,{whole}}}" if whole else "0?"
        alternatives = [lead + frac]
        if scale:
            alternatives.append(f"\\.[0-9]{{1,{scale}}}")
        return r"^\s*[+-]?(" + "|".join(alternatives) + r")\s*$", None
    ltype = _TYPE_NAMES.get(type_name.strip().lower())
    if ltype is None:
        known = "Boolean, Date, Timestamp, Integer, Long, Double, Float, Decimal, Decimal(p,s), String"
        raise RuleProblem(f"unknown data type {type_name!r} (known: {known})")
    if ltype is LType.STRING:
        return r"(?s)^.*$", None
    if type_name.strip().lower() in ("integer", "int"):
        return r"^\s*[+-]?[0-9]{1,10}(\.0*)?\s*$", None
    if type_name.strip().lower() == "short":
        return r"^\s*[+-]?[0-9]{1,5}(\.0*)?\s*$", None
    return TEXT_PATTERNS[ltype], (ltype if ltype.is_temporal else None)


def _plan_data_type(rule: Rule, ctx: Context) -> Leaf:
    name = rule.columns[0]
    ltype = _column(rule, ctx, name)
    _check_convertible(name, ltype, "string")
    assert rule.condition is not None
    cond = rule.condition
    if cond.op not in ("=", "!=", "in", "not in"):
        raise RuleProblem(f"ColumnDataType takes =, !=, in or not in, not {cond.op}")
    names = []
    for o in cond.expanded_operands():
        if not isinstance(o, String):
            raise RuleProblem(f"{o} is not a type name")
        names.append(o.value)
    types = tuple(type_pattern(n) for n in names)
    check = DataType(name, ltype, types, cond.op in ("!=", "not in"))
    return _row_rule(rule, check, f"Column.{name}.ColumnDataType.Compliance")


def _plan_freshness(rule: Rule, ctx: Context) -> Leaf:
    name = rule.columns[0]
    ltype = _column(rule, ctx, name)
    _check_convertible(name, ltype, "date")
    assert rule.condition is not None
    cond = rule.condition
    durations = [micros_of_duration(o) for o in cond.expanded_operands()]
    plain = Condition(cond.op, tuple(Special("NULL") if d is None else Number(d) for d in durations))
    test = dataclasses.replace(value_test(plain, "number", ctx.now), text=str(cond))
    return _row_rule(
        rule, Fresh(name, ltype, micros_of(ctx.now), test), f"Column.{name}.DataFreshness.Compliance"
    )


def _plan_custom_sql(rule: Rule, ctx: Context) -> Leaf:
    sql = rule.columns[0]
    if rule.condition is not None:
        need = SqlQuery(sql, False)
        test = _metric_condition(rule)

        def judge(a: Answers) -> Verdict:
            return _judge_metric(rule, test, "Dataset.*.CustomSQL", a[need], "CustomSql result")

        return Leaf(rule, [need], judge)
    need = SqlQuery(sql, True)
    threshold = threshold_test(rule)

    def judge_rows(a: Answers) -> Verdict:
        matched, rows = a[need]
        if rows == 0:
            return Verdict("Passed", None, {})
        ratio = matched / rows
        metrics = {"Dataset.*.CustomSQL.Compliance": ratio}
        if threshold is None:
            if matched >= rows:
                return Verdict("Passed", None, metrics)
            return Verdict(
                "Failed", f"CustomSql: {matched} of {rows} rows passed, expected every row to pass", metrics
            )
        if threshold.check_number(ratio):
            return Verdict("Passed", None, metrics)
        return Verdict(
            "Failed", f"CustomSql: {fmt(ratio)} of rows passed, expected threshold {threshold}", metrics
        )

    return Leaf(rule, [need], judge_rows, row=Scoped(SqlRows(sql), None))


def _dataset(rule: Rule, ctx: Context, name: str) -> Schema:
    schema = ctx.references.get(name)
    if schema is None:  # evaluate() checks bindings before planning; this is a safety net
        raise RuleProblem(f"dataset {name!r} is not bound")
    return schema


def ratio_of(a: float | None, b: float | None) -> float | None:
    """AggregateMatch / RowCountMatch ratio: a/b, 1.0 when both are 0, 0.0 when only b is 0."""
    if a is None or b is None:
        return None
    if b == 0:
        return 1.0 if a == 0 else 0.0
    return a / b


_AGGREGATE = re.compile(r"^\s*(sum|avg|count|min|max)\s*\(\s*(.+?)\s*\)\s*$", re.IGNORECASE)


def referenced_datasets(rule: Rule, schema: Schema) -> list[str]:
    """The reference dataset names a rule needs (checked against the bound ones before anything runs)."""
    kind, args = rule.rule_type, rule.columns
    if kind in ("RowCountMatch", "SchemaMatch", "DatasetMatch"):
        return [args[0]]
    if kind == "ReferentialIntegrity":
        alias = args[1].partition(".")[0].strip()
        return [alias] if alias else []
    if kind == "AggregateMatch":
        out = []
        for text in args:
            m = _AGGREGATE.match(text)
            if m and "." in m.group(2) and m.group(2) not in schema:
                prefix = m.group(2).split(".", 1)[0]
                if prefix != "primary":
                    out.append(prefix)
        return out
    return []


def _split_reference(text: str) -> tuple[str, tuple[str, ...]]:
    """``"ref.{a,b}"`` / ``"ref.id"`` → (``ref``, (columns...))."""
    alias, dot, rest = text.partition(".")
    if not dot or not alias or not rest:
        raise RuleProblem(f"{text!r} should read dataset.{{columns}}")
    rest = rest.strip()
    if rest.startswith("{") and rest.endswith("}"):
        rest = rest[1:-1]
    cols = tuple(c.strip() for c in rest.split(",") if c.strip())
    if not cols:
        raise RuleProblem(f"{text!r} names no columns")
    return alias.strip(), cols


def _plan_aggregate_match(rule: Rule, ctx: Context) -> Leaf:
    sides: list[tuple[Request, str]] = []
    for text in rule.columns:
        m = _AGGREGATE.match(text)
        if not m:
            raise RuleProblem(f"{text!r} is not an aggregate such as sum(col) or avg(ref.col)")
        func, target = m.group(1).lower(), m.group(2)
        dataset, column = "primary", target
        if target not in ctx.schema and "." in target:
            dataset, column = target.split(".", 1)
        if dataset == "primary":
            if column not in ctx.schema:
                raise RuleProblem(f"column {column!r} does not exist")
            if func in ("sum", "avg"):
                _numeric(rule, ctx, column)
            kind = {"sum": "sum", "avg": "mean", "count": "nonnull"}.get(func)
            if kind is None:
                raise Unsupported(f"{func}() in AggregateMatch on the primary dataset")
            sides.append((Agg(kind, (column,)), text))  # type: ignore[arg-type]
        else:
            schema = _dataset(rule, ctx, dataset)
            if column not in schema:
                raise RuleProblem(f"column {column!r} does not exist in dataset {dataset!r}")
            if func in ("sum", "avg") and not schema[column].is_numeric:
                raise RuleProblem(
                    f"{func} needs a numeric column; {dataset}.{column} is {schema[column].value}"
                )
            sides.append((RefAgg(dataset, func, column), text))

    def judge(a: Answers) -> Verdict:
        left, right = (_float(a[req]) for req, _ in sides)
        value = ratio_of(left, right)
        metrics = {"Dataset.*.AggregateMatch": value} if value is not None else {}
        test = _metric_condition(rule)
        if test.check_number(value):
            return Verdict("Passed", None, metrics)
        return Verdict(
            "Failed",
            f"AggregateMatch: {sides[0][1]} = {fmt(left)}, {sides[1][1]} = {fmt(right)}, ratio {fmt(value)}, "
            f"expected {test}",
            metrics,
        )

    return Leaf(rule, [req for req, _ in sides], judge)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _plan_row_count_match(rule: Rule, ctx: Context) -> Leaf:
    name = rule.columns[0]
    _dataset(rule, ctx, name)
    mine, theirs = Agg("rows"), RefAgg(name, "rows")
    test = _metric_condition(rule)

    def judge(a: Answers) -> Verdict:
        value = ratio_of(a[mine], a[theirs])
        metrics = {f"Dataset.{name}.RowCountMatch": value}
        if test.check_number(value):
            return Verdict("Passed", None, metrics)
        return Verdict(
            "Failed",
            f"RowCountMatch: {a[mine]} rows vs {a[theirs]} in {name} (ratio {fmt(value)}), expected {test}",
            metrics,
        )

    return Leaf(rule, [mine, theirs], judge)


def _plan_schema_match(rule: Rule, ctx: Context) -> Leaf:
    name = rule.columns[0]
    other = _dataset(rule, ctx, name)
    mine = ctx.schema
    union = list(dict.fromkeys([*mine, *other]))
    same = [c for c in union if c in mine and c in other and mine[c] is other[c]]
    value = len(same) / len(union) if union else 1.0
    test = _metric_condition(rule)

    def judge(a: Answers) -> Verdict:
        metrics = {f"Dataset.{name}.SchemaMatch": value}
        if test.check_number(value):
            return Verdict("Passed", None, metrics)
        differ = [c for c in union if c not in same]
        shown = ", ".join(differ[:5]) + (" ..." if len(differ) > 5 else "")
        return Verdict(
            "Failed", f"SchemaMatch with {name} is {fmt(value)} (differ: {shown}), expected {test}", metrics
        )

    return Leaf(rule, [], judge)


def _plan_referential(rule: Rule, ctx: Context) -> Leaf:
    cols = tuple(c.strip() for c in rule.columns[0].split(",") if c.strip())
    for c in cols:
        _column(rule, ctx, c)
    dataset, ref_cols = _split_reference(rule.columns[1])
    schema = _dataset(rule, ctx, dataset)
    for c in ref_cols:
        if c not in schema:
            raise RuleProblem(f"column {c!r} does not exist in dataset {dataset!r}")
    if len(cols) != len(ref_cols):
        raise RuleProblem(f"{len(cols)} columns are compared with {len(ref_cols)} reference columns")
    need = RefMatch(cols, dataset, ref_cols)
    test = _metric_condition(rule)
    metric = f"{entity(cols)}.ReferentialIntegrity"

    def judge(a: Answers) -> Verdict:
        matched, rows = a[need]
        value = matched / rows if rows else None
        return _judge_metric(
            rule, test, metric, value, f"ReferentialIntegrity of {','.join(cols)} in {dataset}"
        )

    return Leaf(rule, [need], judge, row=Scoped(RefRows(cols, dataset, ref_cols), None))


def _mapping(text: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        left, arrow, right = part.partition("->")
        pairs.append((left.strip(), (right if arrow else left).strip()))
    if not pairs:
        raise RuleProblem(f"{text!r} maps no columns")
    return tuple(pairs)


def _plan_dataset_match(rule: Rule, ctx: Context) -> Leaf:
    name = rule.columns[0]
    other = _dataset(rule, ctx, name)
    keys = _mapping(rule.columns[1])
    if len(rule.columns) > 2:
        columns = _mapping(rule.columns[2])
    else:
        key_cols = {k for k, _ in keys}
        columns = tuple((c, c) for c in ctx.schema if c not in key_cols and c in other)
    for mine, theirs in (*keys, *columns):
        if mine not in ctx.schema:
            raise RuleProblem(f"column {mine!r} does not exist")
        if theirs not in other:
            raise RuleProblem(f"column {theirs!r} does not exist in dataset {name!r}")
    need = DatasetMatchReq(name, keys, columns)
    test = _metric_condition(rule)

    def judge(a: Answers) -> Verdict:
        matched, rows = a[need]
        value = matched / rows if rows else None
        return _judge_metric(rule, test, f"Dataset.{name}.DatasetMatch", value, f"DatasetMatch with {name}")

    return Leaf(rule, [need], judge)


_PLANNERS: dict[str, Callable[[Rule, Context], Leaf]] = {
    "RowCount": _plan_row_count,
    "ColumnCount": _plan_column_count,
    "ColumnExists": _plan_column_exists,
    "ColumnNamesMatchPattern": _plan_names_match,
    "IsComplete": _plan_completeness,
    "Completeness": _plan_completeness,
    **dict.fromkeys(_GROUP_RULES, _plan_groups),
    **dict.fromkeys(_NUMBER_RULES, _plan_number),
    "ColumnCorrelation": _plan_correlation,
    "ColumnLength": _plan_length,
    "ColumnValues": _plan_column_values,
    "ColumnDataType": _plan_data_type,
    "DataFreshness": _plan_freshness,
    "CustomSql": _plan_custom_sql,
    "AggregateMatch": _plan_aggregate_match,
    "RowCountMatch": _plan_row_count_match,
    "SchemaMatch": _plan_schema_match,
    "ReferentialIntegrity": _plan_referential,
    "DatasetMatch": _plan_dataset_match,
}


def all_leaves(planned: list[Planned]) -> list[Leaf]:
    out: list[Leaf] = []
    for p in planned:
        out.extend(p.leaves() if isinstance(p, Node) else [p])
    return out


def where_of(test: Scoped | Combined) -> set[str]:
    if isinstance(test, Scoped):
        return {test.where} if test.where else set()
    out: set[str] = set()
    for part in test.parts:
        out |= where_of(part)
    return out
