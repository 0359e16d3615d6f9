"""DQDL over run history: ``last(k)`` and its aggregates in conditions, ``DetectAnomalies``, ``Analyzers``.

A rule whose condition uses history (``RowCount > avg(last(3))``) is planned as the same rule with a
neutral condition, so the engines measure exactly what the rule measures; its judge then reads the
rule's metric from the measured values, replaces every history function by its value over the
metric's earlier values, and tests the condition. ``DetectAnomalies "RowCount"`` measures the metric
the same way and tests it against a robust z-score of its earlier values.

History comes from a :class:`MetricHistory`: the earlier values of one metric of one dataset, oldest
first (``workbench.history`` reads them from the recorded runs). Too little history is never a pass:
the rule's outcome is Error with a reason starting ``not enough history:``.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from workbench.core.errors import nearest
from workbench.quality.ast import (
    Analyzer,
    Argument,
    BinaryOp,
    Condition,
    Expr,
    FunctionCall,
    Negation,
    Number,
    Rule,
    Special,
    VariableRef,
)

ANOMALY_MIN_HISTORY = 3
"""Earlier values DetectAnomalies needs before it judges a value."""
ANOMALY_WINDOW = 20
"""DetectAnomalies looks at this many of the most recent earlier values."""
ANOMALY_Z = 3.5
"""A value whose robust z-score is above this (in absolute value) is an anomaly (Iglewicz and Hoaglin)."""
_MAD_SCALE = 0.6745  # the 0.75 quantile of the standard normal: MAD / 0.6745 estimates sigma
_MEAN_AD_SCALE = 0.7979  # sqrt(2 / pi): mean absolute deviation / 0.7979 estimates sigma

METRIC_RULES = frozenset(
    {
        "RowCount",
        "ColumnCount",
        "Completeness",
        "Uniqueness",
        "DistinctValuesCount",
        "UniqueValueRatio",
        "Entropy",
        "Mean",
        "Sum",
        "StandardDeviation",
        "Variance",
        "ColumnCorrelation",
        "CustomSql",
        "AggregateMatch",
        "RowCountMatch",
        "SchemaMatch",
        "ReferentialIntegrity",
        "DatasetMatch",
    }
)
"""Rule types that measure one metric, the ones whose conditions may use history."""

AGGREGATES = ("avg", "min", "max", "std", "median", "sum")
FUNCTIONS = (*AGGREGATES, "index", "abs", "last")
ALL_STATISTICS = ("Completeness", "Uniqueness", "DistinctValuesCount", "UniqueValueRatio", "Entropy")
NUMERIC_STATISTICS = ("Mean", "Sum", "StandardDeviation")
_NEUTRAL = Condition("!=", (Special("NULL"),))


class MetricHistory(Protocol):
    """The earlier values of a dataset's metrics."""

    def values(self, metric: str, where: str | None = None) -> Sequence[float]:
        """Earlier values of ``metric`` (measured under ``where``), oldest first."""
        ...


@dataclasses.dataclass(frozen=True)
class StaticHistory:
    """A :class:`MetricHistory` from a plain mapping ``{metric: [values, oldest first]}``."""

    series: Mapping[str, Sequence[float]]

    def values(self, metric: str, where: str | None = None) -> Sequence[float]:
        return list(self.series.get(metric, ()))


@dataclasses.dataclass(frozen=True)
class HistoryValue(Number):
    """A history function's value in a resolved condition (shown rounded in reasons, compared exactly)."""

    def __str__(self) -> str:
        from workbench.quality.metrics import fmt

        return fmt(self.value)


class NotEnoughHistory(Exception):
    """Fewer earlier values than a history function or DetectAnomalies needs."""


class HistoryProblem(Exception):
    """A history function written wrongly (unknown name, wrong arguments)."""


def uses_history(rule: Rule) -> bool:
    """True when the rule's condition or threshold calls a history function."""
    conditions = [c for c in (rule.condition, rule.threshold) if c is not None]
    return any(_calls(o) for c in conditions for o in c.expanded_operands())


def _calls(expr: Expr) -> bool:
    if isinstance(expr, FunctionCall):
        return True
    if isinstance(expr, VariableRef):
        return _calls(expr.value)
    if isinstance(expr, BinaryOp):
        return _calls(expr.left) or _calls(expr.right)
    if isinstance(expr, Negation):
        return _calls(expr.operand)
    return False


def neutral(rule: Rule) -> Rule:
    """The rule measuring the same metric, with a condition that does not use history."""
    return dataclasses.replace(rule, condition=_NEUTRAL)


def rule_of_analyzer(analyzer: Analyzer, rule_type: str | None = None) -> Rule:
    """An analyzer as a rule with a neutral condition (its metrics are recorded, never judged)."""
    return Rule(
        rule_type=rule_type or analyzer.analyzer_type,
        arguments=analyzer.arguments,
        condition=_NEUTRAL,
        threshold=None,
        where=None,
        labels=(),
        tags=(),
        text=analyzer.text,
        line=analyzer.line,
        column=analyzer.column,
    )


def anomaly_target(rule: Rule) -> Rule:
    """``DetectAnomalies "Completeness" "email"`` → the rule ``Completeness "email"`` (neutral condition)."""
    kind, *params = rule.columns
    if kind not in METRIC_RULES:
        hint = nearest(kind, METRIC_RULES)
        also = f" (did you mean {hint}?)" if hint and hint != kind else ""
        raise HistoryProblem(
            f"DetectAnomalies watches a metric rule type such as RowCount or Completeness, not {kind!r}{also}"
        )
    return dataclasses.replace(
        rule,
        rule_type=kind,
        arguments=tuple(Argument(p) for p in params),
        condition=_NEUTRAL,
        threshold=None,
    )


def resolved(condition: Condition, series: Sequence[float]) -> Condition:
    """``condition`` with every history function replaced by its value over ``series``."""
    return Condition(condition.op, tuple(_substitute(o, series) for o in condition.operands))


def _substitute(expr: Expr, series: Sequence[float]) -> Expr:
    if isinstance(expr, VariableRef):
        return _substitute(expr.value, series) if _calls(expr.value) else expr
    if isinstance(expr, FunctionCall):
        return HistoryValue(_number(call_value(expr, series)))
    if isinstance(expr, BinaryOp):
        return dataclasses.replace(
            expr, left=_substitute(expr.left, series), right=_substitute(expr.right, series)
        )
    if isinstance(expr, Negation):
        return dataclasses.replace(expr, operand=_substitute(expr.operand, series))
    return expr


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value


def call_value(call: FunctionCall, series: Sequence[float]) -> float:
    """The value of a history function over the earlier values ``series`` (oldest first)."""
    name = call.name
    if name not in FUNCTIONS:
        hint = nearest(name, FUNCTIONS)
        also = f" (did you mean {hint}?)" if hint else ""
        raise HistoryProblem(f"unknown history function {name!r}{also}; known: {', '.join(FUNCTIONS)}")
    if name == "last":
        raise HistoryProblem(f"{call} is a list of values: aggregate it, e.g. avg({call})")
    if name == "abs":
        return abs(_scalar(call, series))
    window = _window(call, series)
    if name == "index":
        return _index(call, window)
    return _aggregate(name, window)


def _scalar(call: FunctionCall, series: Sequence[float]) -> float:
    if len(call.args) != 1:
        raise HistoryProblem(f"{call}: abs takes one value")
    from workbench.quality.metrics import number_of

    value = number_of(_substitute(call.args[0], series))
    if value is None:
        raise HistoryProblem(f"{call}: abs of NULL")
    return float(value)


def _window(call: FunctionCall, series: Sequence[float]) -> list[float]:
    """The values of the ``last(k)`` argument of ``call``; fewer than k earlier values is too few."""
    inner = call.args[0] if call.args else None
    if not (isinstance(inner, FunctionCall) and inner.name == "last"):
        raise HistoryProblem(f"{call}: {call.name} takes last(k), e.g. {call.name}(last(5))")
    k = int(inner.args[0].value) if inner.args and isinstance(inner.args[0], Number) else 0
    if len(series) < k:
        raise NotEnoughHistory(f"{inner} needs {k} earlier values, {_count(len(series))} recorded")
    return list(series[-k:])


def _index(call: FunctionCall, window: list[float]) -> float:
    position = call.args[1] if len(call.args) == 2 else None
    if not (isinstance(position, Number) and isinstance(position.value, int)):
        raise HistoryProblem(f"{call}: index takes last(k) and a whole number i, e.g. index(last(5), 0)")
    i = position.value
    if not 0 <= i < len(window):
        raise HistoryProblem(f"{call}: i must be between 0 (the latest earlier value) and {len(window) - 1}")
    return window[-1 - i]


def _aggregate(name: str, window: list[float]) -> float:
    if name == "avg":
        return statistics.fmean(window)
    if name == "min":
        return min(window)
    if name == "max":
        return max(window)
    if name == "sum":
        return math.fsum(window)
    if name == "median":
        return float(statistics.median(window))
    return statistics.pstdev(window)


def _count(n: int) -> str:
    return "none" if n == 0 else f"{n}"


@dataclasses.dataclass(frozen=True)
class Expected:
    """The range DetectAnomalies expects a metric in, and how it got it."""

    low: float
    high: float
    median: float
    spread: float
    points: int

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


def expected_range(series: Sequence[float]) -> Expected:
    """Median ± 3.5 robust standard deviations of the last :data:`ANOMALY_WINDOW` earlier values.

    The robust standard deviation is MAD / 0.6745; when more than half of the values are equal (MAD
    is 0) it is the mean absolute deviation from the median / 0.7979, and when every value is equal
    the range is that value.
    """
    window = [float(v) for v in series[-ANOMALY_WINDOW:]]
    if len(window) < ANOMALY_MIN_HISTORY:
        raise NotEnoughHistory(
            f"DetectAnomalies needs {ANOMALY_MIN_HISTORY} earlier values, {_count(len(window))} recorded"
        )
    center = float(statistics.median(window))
    deviations = [abs(v - center) for v in window]
    mad = float(statistics.median(deviations))
    spread = mad / _MAD_SCALE if mad > 0 else statistics.fmean(deviations) / _MEAN_AD_SCALE
    return Expected(center - ANOMALY_Z * spread, center + ANOMALY_Z * spread, center, spread, len(window))


def metric_of(metrics: Mapping[str, Any], rule: Rule) -> tuple[str, Any] | None:
    """The one metric a metric rule measured (None when it had no value)."""
    numeric = [(k, v) for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not numeric:
        return None
    if len(numeric) > 1:
        raise HistoryProblem(f"{rule.rule_type} measures {len(numeric)} metrics; history needs one")
    return numeric[0]
