"""The order a job's stages run in, from their ``needs`` and from the outputs they read."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from workbench.pipeline.model import Job, PipelineError, Stage


@dataclasses.dataclass(frozen=True)
class PlannedStage:
    """A stage with its paths resolved against the job file's folder, and what it waits for."""

    stage: Stage
    input: Path
    output: Path
    datasets: dict[str, Path]
    ruleset: Path | None
    quarantine: Path | None
    upstream: tuple[str, ...]
    """The stages that must be promoted before this one runs."""

    @property
    def name(self) -> str:
        return self.stage.name


def resolve(location: str, folder: Path) -> Path:
    """A path of the job file, relative to the file's folder; a catalog table name as it is."""
    if location.startswith("catalog:"):
        return Path(location)
    path = Path(location).expanduser()
    return path if path.is_absolute() else (folder / path).resolve()


def plan(job: Job, folder: Path) -> list[PlannedStage]:
    """The stages in a runnable order: each after every stage it needs or whose output it reads."""
    outputs = _outputs(job, folder)
    planned = {s.name: _planned(s, folder, outputs) for s in job.stages}
    return [planned[name] for name in _ordered(job, planned)]


def _outputs(job: Job, folder: Path) -> dict[Path, str]:
    written: dict[Path, str] = {}
    for stage in job.stages:
        target = resolve(stage.output, folder)
        if target in written:
            raise PipelineError(f"stages {written[target]!r} and {stage.name!r} both write {stage.output!r}")
        written[target] = stage.name
    return written


def _planned(stage: Stage, folder: Path, outputs: dict[Path, str]) -> PlannedStage:
    source = resolve(stage.input, folder)
    datasets = {name: resolve(loc, folder) for name, loc in stage.datasets.items()}
    output = resolve(stage.output, folder)
    if output in (source, *datasets.values()):
        raise PipelineError(f"stage {stage.name!r} reads its own output {stage.output!r}")
    read_from = [outputs[p] for p in (source, *datasets.values()) if p in outputs]
    upstream = tuple(dict.fromkeys([*read_from, *stage.needs]))
    return PlannedStage(
        stage,
        source,
        output,
        datasets,
        resolve(stage.ruleset, folder) if stage.ruleset else None,
        resolve(stage.quarantine, folder) if stage.quarantine else None,
        upstream,
    )


def _ordered(job: Job, planned: dict[str, PlannedStage]) -> list[str]:
    # Kahn's algorithm, always taking the earliest ready stage of the file: a job written in order
    # runs in its own order.
    order: list[str] = []
    waiting = [s.name for s in job.stages]
    while waiting:
        ready = next((n for n in waiting if all(u in order for u in planned[n].upstream)), None)
        if ready is None:
            raise PipelineError(f"stages {', '.join(repr(n) for n in waiting)} wait for each other (a cycle)")
        order.append(ready)
        waiting.remove(ready)
    return order
