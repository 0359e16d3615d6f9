"""Running a pipeline: each stage a batch run behind its gate, downstream stages only after a promotion.

A stage's gate has three outcomes, as in the staging-and-validation pattern: at or above
``promote`` the output is promoted; at or above ``warn`` it is promoted with a warning; below,
the output is quarantined and every stage downstream of it is skipped. A failed stage (a bad
recipe, unreadable input) also skips its downstream stages; unrelated stages still run. The run's
state is saved after every stage, so ``--resume`` re-runs only what did not finish.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from workbench.core.errors import RecipeError, WorkbenchError
from workbench.pipeline.model import Job, PipelineError, Stage
from workbench.pipeline.plan import PlannedStage, plan
from workbench.pipeline.state import PipelineState, StageRecord, stage_digest

PROMOTED, WARNED, HELD, FAILED, SKIPPED, KEPT = "promoted", "warned", "held", "failed", "skipped", "kept"
PASSED_ON = frozenset({PROMOTED, WARNED, KEPT})
"""Outcomes after which downstream stages run."""


@dataclasses.dataclass
class RunSettings:
    """How a pipeline run reaches its engine, library and lineage endpoint."""

    engine: str | None = None
    spark_remote: str | None = None
    library: str | None = None
    lineage_url: str | None = None
    resume: bool = False


@dataclasses.dataclass
class PipelineResult:
    """What a pipeline run did, stage by stage."""

    job: str
    run_id: str
    stages: list[StageRecord]
    seconds: float
    resumed_from: str | None = None

    @property
    def outcome(self) -> str:
        """``succeeded``, ``held`` (a gate held data back) or ``failed``."""
        kinds = {s.outcome for s in self.stages}
        if FAILED in kinds:
            return "failed"
        return "held" if HELD in kinds else "succeeded"

    @property
    def exit_code(self) -> int:
        """0 succeeded, 3 a gate held data back, else the first failed stage's error's code."""
        if self.outcome == "succeeded":
            return 0
        if self.outcome == "held":
            return 3
        return next(s.exit_code for s in self.stages if s.outcome == FAILED)

    def to_dict(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "run_id": self.run_id,
            "outcome": self.outcome,
            "seconds": round(self.seconds, 3),
            "resumed_from": self.resumed_from,
            "stages": [s.to_dict() for s in self.stages],
        }


def run_pipeline(
    job: Job, folder: Path, state_path: Path, settings: RunSettings, console: Console
) -> PipelineResult:
    """Run ``job``'s stages in order (resuming the last run with ``settings.resume``)."""
    stages = plan(job, folder)
    preflight(stages, job, folder, settings)
    previous = PipelineState.load(state_path) if settings.resume else None
    state = PipelineState(job.name, uuid.uuid4().hex, {})
    started = time.perf_counter()
    # Saved before the first stage: a run killed in its first stage must not leave the previous
    # run's records for --resume to keep.
    state.save(state_path)
    rerun: set[str] = set()
    for index, planned in enumerate(stages, 1):
        record = _decide(planned, folder, previous, rerun, state)
        if record is None:
            console.print(
                f"[bold]stage {index}/{len(stages)} {escape(planned.name)}[/bold]: {_describe(planned)}"
            )
            record = run_stage(planned, job, folder, settings, console)
            rerun.add(planned.name)
        state.stages[planned.name] = record
        console.print(f"  {escape(record.line())}")
        state.save(state_path)
    resumed = previous.run_id if previous else None
    return PipelineResult(
        job.name, state.run_id, list(state.stages.values()), time.perf_counter() - started, resumed
    )


def _decide(
    planned: PlannedStage, folder: Path, previous: PipelineState | None, rerun: set[str], state: PipelineState
) -> StageRecord | None:
    """A record for a stage that does not run now (skipped, or kept from the resumed run), else None."""
    blocked = [u for u in planned.upstream if state.stages[u].outcome not in PASSED_ON]
    if blocked:
        reason = f"upstream stage {blocked[0]!r} was {state.stages[blocked[0]].outcome}"
        return StageRecord(planned.name, SKIPPED, digest_of(planned, folder), message=reason)
    if previous is None:
        return None
    before = previous.stages.get(planned.name)
    unchanged = before is not None and before.digest == digest_of(planned, folder)
    fresh = not any(u in rerun for u in planned.upstream)
    if unchanged and fresh and before is not None and before.outcome in PASSED_ON and _exists(planned.output):
        return dataclasses.replace(before, outcome=KEPT, message=f"kept from run {previous.run_id[:8]}")
    return None


def preflight(stages: list[PlannedStage], job: Job, folder: Path, settings: RunSettings) -> None:
    """Load every recipe and parse every ruleset before any stage reads data."""
    for planned in stages:
        _check_stage(planned, job, folder, settings)


def _check_stage(planned: PlannedStage, job: Job, folder: Path, settings: RunSettings) -> None:
    try:
        recipe, _ = load_recipe(planned.stage.recipe, folder, settings.library or job.library)
        recipe.validate()
        _gate(planned)
    except WorkbenchError as exc:
        raise PipelineError(f"stage {planned.name!r}: {exc}") from None


def digest_of(planned: PlannedStage, folder: Path) -> str:
    """The stage's digest over its definition and the recipe and ruleset files it names."""
    recipe = Path(planned.stage.recipe).expanduser()
    files = [recipe if recipe.is_absolute() else folder / recipe]
    return stage_digest(planned.stage, files + ([planned.ruleset] if planned.ruleset else []))


def _exists(output: Path) -> bool:
    if str(output).startswith("catalog:"):
        return True  # a registered table stays registered; a recrawl or a write replaces it
    return output.exists()


def _describe(planned: PlannedStage) -> str:
    return f"{planned.stage.recipe} over {_short(planned.input)} -> {_short(planned.output)}"


def _short(path: Path) -> str:
    text = str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return text


def run_stage(
    planned: PlannedStage, job: Job, folder: Path, settings: RunSettings, console: Console
) -> StageRecord:
    """Run one stage; its failure or held-back output becomes its record, never an exception."""
    from workbench.cli.gate import QualityGateError

    stage = planned.stage
    digest = digest_of(planned, folder)
    started = time.perf_counter()
    try:
        result = _run(planned, job, folder, settings, console)
    except QualityGateError as held:
        return _gated_record(stage, digest, held, time.perf_counter() - started)
    except WorkbenchError as exc:
        return StageRecord(
            stage.name, FAILED, digest, seconds=time.perf_counter() - started, message=str(exc),
            exit_code=exc.exit_code,
        )  # fmt: skip
    except Exception as exc:  # a defect must still leave the other stages' records and the summary
        message = f"{type(exc).__name__}: {exc}"
        return StageRecord(stage.name, FAILED, digest, seconds=time.perf_counter() - started, message=message)
    score = result.gate.score if result.gate is not None else None
    outcome = PROMOTED if score is None or score >= stage.promote else WARNED
    message = "" if outcome == PROMOTED else f"score {score:.3f} is below promote {stage.promote:.3f}"
    return StageRecord(
        stage.name, outcome, digest, result.rows_in, result.rows_out, 0, score, result.seconds, message
    )


def _gated_record(stage: Stage, digest: str, held: Any, seconds: float) -> StageRecord:
    outcome = held.outcome
    if outcome is not None and outcome.published:
        # Row-level: the passing rows were promoted; the failing ones are in quarantine.
        message = f"{outcome.quarantined_rows:,} rows quarantined by row-level rules"
        return StageRecord(
            stage.name, WARNED, digest, None, None, outcome.quarantined_rows, outcome.score, seconds, message
        )
    score = outcome.score if outcome is not None else None
    return StageRecord(stage.name, HELD, digest, None, None, None, score, seconds, str(held), 3)


def _run(planned: PlannedStage, job: Job, folder: Path, settings: RunSettings, console: Console) -> Any:
    from workbench.cli.jobs import run_job
    from workbench.history import run_recorder
    from workbench.io.formats import CsvOptions, read_schema
    from workbench.lineage.runs import emitting_run

    stage = planned.stage
    engine = "spark" if settings.spark_remote else (stage.engine or settings.engine or job.engine)
    recipe, version = load_recipe(stage.recipe, folder, settings.library or job.library)
    gate = _gate(planned)
    csv = CsvOptions()
    schema = read_schema(planned.input, csv, where=stage.where)
    datasets = {n: read_schema(p, csv) for n, p in planned.datasets.items()}
    recipe.validate(schema, datasets, bound_only=True)
    return emitting_run(
        lambda: run_job(
            recipe,
            planned.input,
            planned.output,
            engine=engine,
            spark_remote=settings.spark_remote,
            datasets=planned.datasets,
            csv=csv,
            overwrite=True,
            console=console,
            gate=gate,
            where=stage.where,
        ),
        recipe,
        planned.input,
        planned.output,
        datasets=planned.datasets,
        csv=csv,
        where=stage.where,
        engine=engine,
        library_version=version,
        lineage_url=settings.lineage_url,
        gate=gate,
        history=run_recorder(),
    )


def load_recipe(ref: str, folder: Path, library: str | None) -> tuple[Any, Any]:
    """A stage's recipe: a file beside the job file, or ``NAME@REF`` from the library."""
    from workbench.recipe.model import Recipe

    path = Path(ref).expanduser()
    path = path if path.is_absolute() else folder / path
    if "@" not in ref or path.exists():
        return Recipe.load(path), None
    if not library:
        raise RecipeError(f"{ref!r} is a library ref: give the job a library, or pass --library URL")
    from workbench.library import Library, resolve_pinned

    found = resolve_pinned(Library(library), ref, folder / "workbench.lock", frozen=False)
    return found.recipe, found


def _gate(planned: PlannedStage) -> Any:
    if planned.ruleset is None:
        return None
    from workbench.cli.gate import QualityGate, default_quarantine
    from workbench.quality import parse_ruleset
    from workbench.quality.parser import read_ruleset

    if not planned.ruleset.is_file():
        raise RecipeError(f"ruleset {str(planned.ruleset)!r} does not exist")
    ruleset = parse_ruleset(read_ruleset(planned.ruleset))
    quarantine = planned.quarantine or default_quarantine(planned.output)
    return QualityGate(ruleset, quarantine, planned.stage.warn_score, planned.stage.row_level)
