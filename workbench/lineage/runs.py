"""Lineage around a run: the one call ``workbench run`` and "Run on full data" make."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from workbench.lineage.events import RunInfo, assertions_from, lineage_run


def emitting_run(
    run: Any,
    recipe: Any,
    input_path: Path,
    output_path: Path,
    *,
    datasets: dict[str, Path] | None = None,
    csv: Any = None,
    where: str | None = None,
    engine: str = "pandas",
    library_version: Any = None,
    lineage_url: str | None = None,
    gate: Any = None,
    history: Any = None,
    input_name: str | None = None,
) -> Any:
    """Call ``run()`` (which returns a JobResult) between a START and a COMPLETE/FAIL/ABORT event.

    Lineage never changes the run: a recipe whose lineage cannot be worked out still runs, and
    an endpoint that is down is reported on stderr; the events are kept in the events file.
    ``history`` (a :class:`~workbench.history.record.RunRecorder`) records the run under its run id.
    ``input_name`` names the input when ``input_path`` is a local copy of it (an object store's).
    """
    info = _info(recipe, input_path, output_path, datasets or {}, csv, where, engine, library_version)
    if input_name is not None:
        info = dataclasses.replace(info, inputs={**info.inputs, "": input_name})
    return emitting(run, info, output_path, lineage_url=lineage_url, gate=gate, history=history)


def emitting(
    run: Any,
    info: RunInfo,
    output_path: Path,
    *,
    lineage_url: str | None = None,
    gate: Any = None,
    history: Any = None,
) -> Any:
    """:func:`emitting_run` for a caller that describes the run itself (e.g. a bookmarked run)."""
    held = _HeldAssertions(gate, output_path) if gate is not None else None
    with lineage_run(info, lineage_url, held=held) as events:
        try:
            result = run() if history is None else history.record(events.run_id, info, run)
            events.complete(result.rows_out, _written_columns(output_path), _gate_assertions(result))
        finally:
            _report(events)
    return result


def _info(
    recipe: Any,
    input_path: Path,
    output_path: Path,
    datasets: dict[str, Path],
    csv: Any,
    where: str | None,
    engine: str,
    version: Any,
) -> RunInfo:
    from workbench.io.formats import read_schema

    schema = read_schema(input_path, csv, where=where)
    dataset_schemas = {name: read_schema(path, csv) for name, path in datasets.items()}
    return RunInfo(
        recipe=recipe,
        inputs={"": str(input_path), **{k: str(v) for k, v in datasets.items()}},
        output=str(output_path),
        schema=schema,
        dataset_schemas=dataset_schemas,
        engine=engine,
        ref=None if version is None else version.ref,
        version=None if version is None else version.version,
        digest=None if version is None else version.digest,
    )


def _written_columns(output: Path) -> list[str] | None:
    from workbench.io.formats import read_schema

    try:
        return list(read_schema(output, None))
    except Exception:
        return None


def _gate_assertions(result: Any) -> list[Any] | None:
    """The outcome of every rule of the run's quality gate (None without a gate)."""
    quality = getattr(getattr(result, "gate", None), "quality", None)
    if quality is None:
        return None
    return assertions_from([r.to_dict() for r in quality.rules])


class _HeldAssertions:
    """The rule outcomes of a held-back run, read from its quality report once it is written."""

    def __init__(self, gate: Any, output: Path) -> None:
        self.report = gate.report_path(output)

    def __bool__(self) -> bool:
        return self.report.exists()

    def __iter__(self) -> Any:
        import json

        rules = json.loads(self.report.read_text(encoding="utf-8")).get("rules", [])
        return iter(assertions_from(rules))


def _report(events: Any) -> None:
    from rich.console import Console

    err = Console(stderr=True)
    for problem in events.emitter.problems:
        err.print(
            f"[yellow]lineage endpoint:[/yellow] {problem} (the event is kept in {events.emitter.file})"
        )
    if events.lineage_problem:
        err.print(f"[yellow]lineage:[/yellow] {events.lineage_problem}")
