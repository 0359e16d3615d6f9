"""Quality gates for batch runs: evaluate the recipe's output before it is published.

Whole-output mode: at or above the minimum score the output is published; below it nothing is
written to the output, and the data and the quality report go to the quarantine folder.
Row-level mode: rows that fail a row-level rule go to quarantine with the rules they failed, the
others are published; a failing rule without row-level outcomes (RowCount, Mean…) quarantines
the whole output, because no row can be blamed for it. Nothing is lost either way.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from workbench.core.errors import WorkbenchError
from workbench.quality.ast import Ruleset
from workbench.quality.evaluate import ROW_COLUMNS, QualityResult, is_spark_frame

RESULT_COLUMN = ROW_COLUMNS[-1]


class QualityGateError(WorkbenchError):
    """The output did not pass the quality gate; what was held back is in the quarantine folder."""

    exit_code = 3

    def __init__(self, message: str, outcome: GateOutcome | None = None) -> None:
        super().__init__(message)
        self.outcome = outcome
        """What the gate decided: the score, and in row-level mode the rows held back."""


@dataclasses.dataclass(frozen=True)
class QualityGate:
    """What ``workbench run --ruleset`` checks and where held-back data goes."""

    ruleset: Ruleset
    quarantine: Path
    min_score: float = 1.0
    row_level: bool = False

    def targets(self, output: Path) -> list[Path]:
        """The files a run may write into the quarantine folder (checked before the run)."""
        return [self.quarantine / output.name, self.report_path(output)]

    def report_path(self, output: Path) -> Path:
        return self.quarantine / f"{output.stem}.quality.json"


@dataclasses.dataclass(frozen=True)
class GateOutcome:
    """What the gate decided."""

    score: float
    published: bool
    quarantined_rows: int | None
    """Rows held back in row-level mode (None: the whole output was held back or published)."""
    report: Path | None
    quality: Any = dataclasses.field(default=None, compare=False, repr=False)
    """The :class:`~workbench.quality.evaluate.QualityResult` behind the decision (rule outcomes, metrics)."""

    def summary(self) -> str:
        if not self.published:
            return f"quality score {self.score:.3f}: output quarantined"
        if self.quarantined_rows:
            return f"quality score {self.score:.3f}: {self.quarantined_rows:,} rows quarantined"
        return f"quality score {self.score:.3f}: passed"


def default_quarantine(output: Path) -> Path:
    """Where held-back data goes when ``--quarantine`` is not given: beside the output."""
    return output.with_name(output.name + ".quarantine")


def publish(
    frame: Any, output: Path, gate: QualityGate | None, datasets: dict[str, Any], write: Any
) -> GateOutcome | None:
    """Write ``frame`` to ``output`` through the gate; raise :class:`QualityGateError` when held back."""
    if gate is None:
        write(frame, output)
        return None
    if not is_spark_frame(frame):
        return _gated(frame, output, gate, datasets, write)
    # Evaluating and then writing would run the recipe's plan twice (three times row by row).
    kept = frame.persist()
    try:
        return _gated(kept, output, gate, datasets, write)
    finally:
        kept.unpersist()


def _gated(frame: Any, output: Path, gate: QualityGate, datasets: dict[str, Any], write: Any) -> GateOutcome:
    from workbench.history.record import history_of
    from workbench.quality.evaluate import evaluate

    result = evaluate(frame, gate.ruleset, datasets, history=history_of(output))
    blocking = [r for r in result.rules if not r.passed and not (gate.row_level and r.row_level)]
    if gate.row_level and not blocking:
        return _split_rows(result, output, gate, write)
    if result.score >= gate.min_score and not (gate.row_level and blocking):
        write(frame, output)
        return GateOutcome(result.score, True, None, None, result)
    _hold_back(frame, result, output, gate, write)
    failed = "; ".join(r.rule for r in blocking[:3]) + ("; …" if len(blocking) > 3 else "")
    raise QualityGateError(
        f"quality gate failed (score {result.score:.3f}, minimum {gate.min_score:.3f}; failed: {failed}); "
        f"nothing was written to {output}; the data and the report are in {gate.quarantine}",
        GateOutcome(result.score, False, None, gate.report_path(output), result),
    )


def _hold_back(frame: Any, result: QualityResult, output: Path, gate: QualityGate, write: Any) -> None:
    gate.quarantine.mkdir(parents=True, exist_ok=True)
    write(frame, gate.quarantine / output.name)
    result.save(gate.report_path(output))


def _split_rows(result: QualityResult, output: Path, gate: QualityGate, write: Any) -> GateOutcome:
    from workbench.cli.quality_cmd import write_rows

    rows = result.rows()
    passing, failing = _partition(rows)
    held = _count(failing)
    write(_without_results(passing), output)
    if held:
        gate.quarantine.mkdir(parents=True, exist_ok=True)
        write_rows(failing, gate.quarantine / output.name)
        result.save(gate.report_path(output))
        raise QualityGateError(
            f"{held:,} rows failed row-level rules and are in {gate.quarantine / output.name} with the "
            f"rules they failed; the other rows were written to {output} (score {result.score:.3f})",
            GateOutcome(result.score, True, held, gate.report_path(output), result),
        )
    return GateOutcome(result.score, True, 0, None, result)


def _partition(rows: Any) -> tuple[Any, Any]:
    if is_spark_frame(rows):
        from workbench.core.lazy import F

        failed = F.col(RESULT_COLUMN) == F.lit("Failed")
        return rows.where(~failed), rows.where(failed)
    from workbench.engines.pandas.arrow import filter_rows

    failed = (rows[RESULT_COLUMN] == "Failed").to_numpy(dtype=bool, na_value=False)
    return filter_rows(rows, ~failed), filter_rows(rows, failed)


def _without_results(rows: Any) -> Any:
    if is_spark_frame(rows):
        return rows.drop(*ROW_COLUMNS)
    return rows.drop(columns=list(ROW_COLUMNS))


def _count(frame: Any) -> int:
    return int(frame.count()) if is_spark_frame(frame) else len(frame)
