"""Evaluate a DQDL ruleset on a pandas or Spark DataFrame.

``evaluate(frame, ruleset, datasets)`` checks everything it can before touching the data (reference
datasets are bound, CustomSql and ``where`` SQL is safe), plans every rule
(:mod:`workbench.quality.metrics`), lets the engine's back end answer all measurements together (on Spark
one batched aggregation for the simple metrics, one grouping-sets job for the distinct-value metrics) and
judges each rule. Both engines share the planning and the judging, so they give the same outcomes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from workbench.core.errors import DatasetNotBoundError, WorkbenchError
from workbench.core.types import Schema
from workbench.quality import sql as qsql
from workbench.quality.ast import Composite, Entry, Rule, Ruleset
from workbench.quality.dynamic import MetricHistory
from workbench.quality.metrics import (
    Combined,
    Context,
    Leaf,
    Node,
    Outcome,
    Planned,
    Scoped,
    Verdict,
    all_leaves,
    plan_entry,
    referenced_datasets,
)
from workbench.quality.parser import parse_ruleset

__all__ = ["Measurement", "QualityResult", "RuleResult", "evaluate"]

ROW_COLUMNS = (
    "DataQualityRulesPass",
    "DataQualityRulesFail",
    "DataQualityRulesSkip",
    "DataQualityEvaluationResult",
)
"""The columns :meth:`QualityResult.rows` adds (AWS Glue's names)."""


class QualityInputError(WorkbenchError):
    """The frame or the datasets given to ``evaluate`` cannot be used."""

    exit_code = 2


@dataclasses.dataclass(frozen=True)
class Measurement:
    """One number an evaluation measured: the metric's name, the rule's ``where`` (or None), the value."""

    metric: str
    where: str | None
    value: float


@dataclasses.dataclass(frozen=True)
class RuleResult:
    """The outcome of one top-level rule (a composite counts as one rule)."""

    rule: str
    outcome: Outcome
    reason: str | None
    metrics: dict[str, Any]
    line: int = 0
    row_level: bool = False
    """True when the rule also judges each row (its outcome shows in :meth:`QualityResult.rows`)."""

    @property
    def passed(self) -> bool:
        return self.outcome == "Passed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "outcome": self.outcome,
            "reason": self.reason,
            "metrics": dict(self.metrics),
        }


class QualityResult:
    """Per-rule outcomes, the score, and (on request) the row-level outcomes."""

    def __init__(
        self,
        rules: list[RuleResult],
        engine: str,
        rows: Callable[[], Any],
        measurements: list[Measurement] | None = None,
        analyzers: dict[str, Any] | None = None,
    ) -> None:
        self.rules = rules
        self.engine = engine
        self._rows = rows
        self._rows_frame: Any = None
        self.measurements = measurements or []
        """Every number measured (by rules and analyzers), with the ``where`` it was measured under."""
        self.analyzers = analyzers or {}
        """The metrics of the ``Analyzers`` section, by name (an analyzer that cannot run: its error text)."""

    @property
    def score(self) -> float:
        """Passed rules / all rules (1.0 for a ruleset without rules)."""
        if not self.rules:
            return 1.0
        return sum(r.passed for r in self.rules) / len(self.rules)

    @property
    def passed(self) -> bool:
        """True when every rule passed."""
        return all(r.passed for r in self.rules)

    def counts(self) -> dict[str, int]:
        out = {"Passed": 0, "Failed": 0, "Error": 0}
        for r in self.rules:
            out[r.outcome] += 1
        return out

    def rows(self) -> Any:
        """The input frame (same engine; lazy on Spark) with Glue's four row-level columns added.

        ``DataQualityRulesPass`` / ``Fail`` / ``Skip`` are arrays of rule texts; a rule without per-row
        results, a rule that errored and rows a ``where`` clause left out are skipped.
        ``DataQualityEvaluationResult`` is "Failed" when the row failed any rule, else "Passed".
        """
        if self._rows_frame is None:
            self._rows_frame = self._rows()
        return self._rows_frame

    def to_dict(self) -> dict[str, Any]:
        out = {
            "score": self.score,
            "rules": [r.to_dict() for r in self.rules],
            "summary": {"engine": self.engine, **self.counts()},
        }
        if self.analyzers:
            out["analyzers"] = dict(self.analyzers)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=_json_default, allow_nan=True)

    def save(self, path: str | Path) -> None:
        """Write :meth:`to_json` atomically."""
        from workbench.io.publish import write_text_atomic

        write_text_atomic(Path(path), self.to_json() + "\n")

    def __repr__(self) -> str:
        c = self.counts()
        return (
            f"QualityResult(score={self.score:.3f}, passed={c['Passed']}, failed={c['Failed']}, "
            f"errors={c['Error']}, engine={self.engine!r})"
        )


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def is_spark_frame(frame: Any) -> bool:
    module = type(frame).__module__
    return module.startswith("pyspark.sql") and type(frame).__name__ == "DataFrame"


def _clock(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        return now.replace(tzinfo=dt.UTC)
    return now.astimezone(dt.UTC)


def _rules_of(entry: Entry) -> list[Rule]:
    if isinstance(entry, Composite):
        out: list[Rule] = []
        for operand in entry.operands:
            out.extend(_rules_of(operand))
        return out
    return [entry]


def _backend(frame: Any, datasets: Mapping[str, Any]) -> Any:
    if is_spark_frame(frame):
        from workbench.quality.spark_eval import SparkBackend

        for name, other in datasets.items():
            if not is_spark_frame(other):
                raise QualityInputError(
                    f"dataset {name!r} is a {type(other).__name__}; bind Spark DataFrames "
                    "to a Spark evaluation"
                )
        return SparkBackend(frame, datasets)
    import pandas as pd

    from workbench.quality.pandas_eval import PandasBackend

    if not isinstance(frame, pd.DataFrame):
        raise QualityInputError(f"evaluate takes a pandas or Spark DataFrame, not {type(frame).__name__}")
    for name, other in datasets.items():
        if not isinstance(other, pd.DataFrame):
            raise QualityInputError(
                f"dataset {name!r} is a {type(other).__name__}; bind pandas DataFrames to a pandas evaluation"
            )
    return PandasBackend(frame, datasets)


def evaluate(
    frame: Any,
    ruleset: str | Ruleset,
    datasets: Mapping[str, Any] | None = None,
    *,
    now: dt.datetime | None = None,
    history: MetricHistory | None = None,
) -> QualityResult:
    """Evaluate ``ruleset`` (DQDL text or a parsed :class:`Ruleset`) on ``frame``.

    ``datasets`` binds the reference dataset names rules use (ReferentialIntegrity, DatasetMatch,
    RowCountMatch, SchemaMatch, AggregateMatch, CustomSql) to frames of the same engine. ``now`` pins
    the clock of ``now()`` and DataFreshness (default: the current time; naive times are UTC).
    ``history`` gives the dataset's earlier metric values for ``last(k)`` and DetectAnomalies (see
    :mod:`workbench.quality.dynamic`); without it such rules have too little history (outcome Error).

    Raises :class:`~workbench.quality.parser.DqdlSyntaxError` for an invalid document,
    :class:`~workbench.core.errors.DatasetNotBoundError` for an unbound dataset name and
    :class:`~workbench.quality.sql.UnsafeSqlError` for SQL that is not a single read-only query, all
    before any data is read. Rules that cannot be computed get outcome "Error" with the reason.
    """
    parsed = ruleset if isinstance(ruleset, Ruleset) else parse_ruleset(ruleset)
    clock = _clock(now)
    bound = dict(datasets or {})
    backend = _backend(frame, bound)

    problems: dict[int, str] = {}  # id(rule) -> why it errors (SQL that does not parse)
    predicates: dict[str, Any] = {}
    references: set[str] = set()
    for entry in parsed.rules:
        for rule in _rules_of(entry):
            _check_rule(rule, backend.schema, bound, references, predicates, problems)

    ctx = Context(backend.schema, {n: backend.ref_schema(n) for n in sorted(references)}, clock, history)
    planned = [plan_entry(entry, ctx) for entry in parsed.rules]
    analyzers = _plan_analyzers(parsed, ctx)
    leaves = all_leaves(planned)
    for leaf in leaves:
        if leaf.error is None and id(leaf.rule) in problems:
            leaf.error = problems[id(leaf.rule)]

    used = {leaf.rule.where for leaf in leaves if leaf.error is None and leaf.rule.where}
    failing = backend.check_predicates({text: predicates[text] for text in sorted(used)})
    for leaf in leaves:
        if leaf.error is None and leaf.rule.where in failing:
            leaf.error = f"{leaf.rule.rule_type}: {failing[leaf.rule.where]}"

    measured = [leaf for leaf in leaves if leaf.error is None] + [a for a in analyzers if a.error is None]
    answers = backend.answer([need for leaf in measured for need in leaf.needs])
    verdicts = [p.verdict(answers) for p in planned]
    row_tests = [(e.text, _row_test(p, v)) for e, p, v in zip(parsed.rules, planned, verdicts, strict=True)]
    results = [
        RuleResult(e.text, v.outcome, v.reason, v.metrics, e.line, row_level=test is not None)
        for e, v, (_, test) in zip(parsed.rules, verdicts, row_tests, strict=True)
    ]
    return QualityResult(
        results,
        backend.name,
        lambda: backend.rows(row_tests),
        _measurements(leaves + analyzers, answers),
        _analyzer_metrics(analyzers, answers),
    )


def _plan_analyzers(ruleset: Ruleset, ctx: Context) -> list[Leaf]:
    """Each analyzer as a leaf measuring its metrics (AllStatistics: one leaf per statistic)."""
    from workbench.quality.dynamic import ALL_STATISTICS, NUMERIC_STATISTICS, rule_of_analyzer

    out: list[Leaf] = []
    for analyzer in ruleset.analyzers:
        kinds = [analyzer.analyzer_type]
        if analyzer.analyzer_type == "AllStatistics":
            column = ctx.schema.get(analyzer.columns[0])
            numeric = column is not None and column.is_numeric
            kinds = list(ALL_STATISTICS) + (list(NUMERIC_STATISTICS) if numeric else [])
        out.extend(plan_entry(rule_of_analyzer(analyzer, kind), ctx) for kind in kinds)  # type: ignore[misc]
    return out


def _measurements(leaves: list[Leaf], answers: Any) -> list[Measurement]:
    seen: dict[tuple[str, str | None], Measurement] = {}
    for leaf in leaves:
        for name, value in leaf.verdict(answers).metrics.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            seen.setdefault((name, leaf.rule.where), Measurement(name, leaf.rule.where, float(value)))
    return list(seen.values())


def _analyzer_metrics(analyzers: list[Leaf], answers: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for leaf in analyzers:
        verdict = leaf.verdict(answers)
        if verdict.outcome == "Error":
            out[f"{leaf.rule.text} ({leaf.rule.rule_type})"] = verdict.reason
        out.update(verdict.metrics)
    return out


def _row_test(planned: Planned, verdict: Verdict) -> Scoped | Combined | None:
    if verdict.outcome == "Error":
        return None
    if isinstance(planned, Node):
        if any(leaf.error is not None for leaf in planned.leaves()):
            return None
        return planned.row
    assert isinstance(planned, Leaf)
    return planned.row


def _check_rule(
    rule: Rule,
    schema: Schema,
    bound: Mapping[str, Any],
    references: set[str],
    predicates: dict[str, Any],
    problems: dict[int, str],
) -> None:
    where = f"rule {rule.text!r} (line {rule.line})"
    for name in referenced_datasets(rule, schema):
        if name not in bound:
            known = ", ".join(sorted(bound)) or "none"
            raise DatasetNotBoundError(
                f"{where} uses dataset {name!r}, which is not bound (bound: {known}); "
                f"pass datasets={{{name!r}: frame}} or --dataset {name}=PATH"
            )
        references.add(name)
    try:
        if rule.rule_type == "CustomSql":
            tree = qsql.check_query(rule.columns[0], ["primary", *bound])
            for table in tree.find_all(qsql.exp.Table):
                if str(table.name) in bound:
                    references.add(str(table.name))
        if rule.where is not None and rule.where not in predicates:
            predicates[rule.where] = qsql.check_predicate(rule.where)
    except qsql.UnsafeSqlError as exc:
        raise qsql.UnsafeSqlError(f"{where}: {exc}") from None
    except qsql.InvalidSqlError as exc:
        problems[id(rule)] = f"{rule.rule_type}: {exc}"
