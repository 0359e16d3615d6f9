"""The batch job behind ``workbench run``: read, replay, write atomically, summarise."""

from __future__ import annotations

import dataclasses
import functools
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from workbench.cli.gate import publish
from workbench.core.errors import RecipeError
from workbench.io.formats import CsvOptions, check_where, format_of_name, is_table_name
from workbench.io.publish import check_output
from workbench.recipe.model import Recipe


@dataclasses.dataclass
class JobResult:
    """What a run did, for the summary line and for callers."""

    engine: str
    steps: int
    rows_in: int | None
    rows_out: int | None
    seconds: float
    output: str
    read: str | None = None
    """For a catalog table input: what was read (``3 of 120 partitions, 6 files``)."""
    written: Any = None
    """For a catalog table output: the ``Written`` record of the table registered."""
    gate: Any = None
    """With a quality gate, the :class:`~workbench.cli.gate.GateOutcome` of the published output."""


def run_job(
    recipe: Recipe,
    input_path: Path,
    output_path: Path,
    *,
    engine: str = "pandas",
    spark_remote: str | None = None,
    datasets: dict[str, Path] | None = None,
    csv: CsvOptions | None = None,
    overwrite: bool = False,
    console: Console | None = None,
    secrets: Any = None,
    gate: Any = None,
    csv_formula_guard: bool = False,
    where: str | None = None,
    partition_by: tuple[str, ...] = (),
) -> JobResult:
    """Replay ``recipe`` over ``input_path`` and write ``output_path`` (atomically).

    The outputs are checked before anything is read: none may exist (unless ``overwrite``) or
    overlap an input; publishing is exclusive, so a run that started meanwhile cannot be replaced.
    ``catalog:DB.TABLE`` names a table as input (its partitions pruned by ``where``) or output
    (registered once its data is in place; ``partition_by`` writes Hive folders).
    """
    console = console or Console(stderr=True)
    datasets = datasets or {}
    check_outputs(output_path, [input_path, *datasets.values()], overwrite, gate)
    read = _selection(input_path, where)
    options = WriteOptions(overwrite, csv_formula_guard, partition_by, where)
    started = time.perf_counter()
    steps = [s for s in recipe.steps if not s.disabled]
    with _progress(console) as progress:
        task = progress.add_task("reading", total=len(steps) + 2)
        if engine == "spark":
            result = _run_spark(
                recipe,
                input_path,
                output_path,
                datasets,
                csv,
                spark_remote,
                progress,
                task,
                secrets,
                gate,
                options,
            )
        else:
            result = _run_pandas(
                recipe, input_path, output_path, datasets, csv, progress, task, secrets, gate, options
            )
    rows_in, rows_out, outcome = result
    seconds = time.perf_counter() - started
    return JobResult(
        engine, len(steps), rows_in, rows_out, seconds, str(output_path), read, options.written, outcome
    )


@dataclasses.dataclass
class WriteOptions:
    """How a run writes its outputs (and quarantined data), and how it reads a table input."""

    overwrite: bool = False
    csv_formula_guard: bool = False
    partition_by: tuple[str, ...] = ()
    where: str | None = None
    written: Any = None

    def bound(self, write: Any) -> Any:
        """``write`` (write_pandas or write_spark) with these options; a catalog table is written by name."""
        files = functools.partial(write, overwrite=self.overwrite, csv_formula_guard=self.csv_formula_guard)

        def to(frame: Any, path: Path) -> None:
            if not is_table_name(path):
                files(frame, path)
                return
            from workbench.catalog.tables import write_table

            self.written = write_table(
                frame,
                str(path),
                partition_by=self.partition_by,
                overwrite=self.overwrite,
                note="workbench run",
            )

        return to


def _selection(input_path: Path, where: str | None) -> str | None:
    check_where(where, input_path)
    if not is_table_name(input_path):
        return None
    from workbench.catalog.tables import select

    return select(str(input_path), where=where).summary()


def check_outputs(output: Path, inputs: list[Path], overwrite: bool, gate: Any = None) -> None:
    """Refuse, before any data is read, outputs that exist or overlap the inputs or each other."""
    if is_table_name(output):
        from workbench.catalog.tables import check_table_output

        if gate is not None:
            raise RecipeError("--ruleset gates file outputs; write the checked output to a path")
        check_table_output(str(output), overwrite, inputs)
        return
    format_of_name(output)
    check_output(output, overwrite, inputs)
    if gate is None:
        return
    check_output(gate.quarantine, True, inputs, role="quarantine folder")
    check_output(gate.quarantine, True, [output], role="quarantine folder", against="output")
    for target in gate.targets(output):
        check_output(target, overwrite, inputs)


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description:<40}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    )


def _step_callback(progress: Progress, task: Any, recipe: Recipe, console: Console) -> Any:
    def advance(index: int, step: Any) -> None:
        progress.update(task, advance=1, description=f"step {index + 1}: {step.operation}")
        if not console.is_terminal:
            console.print(f"step {index + 1}/{len(recipe.steps)}: {step.operation}", highlight=False)

    return advance


def _run_pandas(
    recipe: Recipe,
    input_path: Path,
    output_path: Path,
    datasets: dict[str, Path],
    csv: CsvOptions | None,
    progress: Progress,
    task: Any,
    secrets: Any = None,
    gate: Any = None,
    options: WriteOptions | None = None,
) -> tuple[int, int, Any]:
    from workbench.io.pandas_io import read_pandas
    from workbench.io.writers import write_pandas

    where = options.where if options else None
    frame = read_pandas(input_path, csv, where=where)
    bound = {name: read_pandas(path, csv) for name, path in datasets.items()}
    progress.update(task, advance=1, description="replaying on pandas")
    out = recipe.apply(
        frame,
        datasets=bound,
        progress=_step_callback(progress, task, recipe, progress.console),
        secrets=secrets,
    )
    progress.update(task, description=_writing(output_path, gate))
    outcome = publish(out, output_path, gate, bound, (options or WriteOptions()).bound(write_pandas))
    progress.update(task, advance=1, description="done")
    return len(frame), len(out), outcome


def _run_spark(
    recipe: Recipe,
    input_path: Path,
    output_path: Path,
    datasets: dict[str, Path],
    csv: CsvOptions | None,
    remote: str | None,
    progress: Progress,
    task: Any,
    secrets: Any = None,
    gate: Any = None,
    options: WriteOptions | None = None,
) -> tuple[int | None, int | None, Any]:
    from pyspark.sql import Observation
    from pyspark.sql import functions as F

    from workbench.engines.spark.session import get_session
    from workbench.io.spark_io import read_spark
    from workbench.io.writers import write_spark

    progress.update(task, description="starting Spark" + (f" at {remote}" if remote else " (local)"))
    session = get_session(remote)
    seen_in, seen_out = Observation("rows_in"), Observation("rows_out")
    where = options.where if options else None
    frame = read_spark(session, input_path, csv, where=where).observe(
        seen_in, F.count(F.lit(1)).alias("rows")
    )
    bound = {name: read_spark(session, path, csv) for name, path in datasets.items()}
    progress.update(task, advance=1, description="planning on Spark")
    out = recipe.apply(
        frame,
        datasets=bound,
        progress=_step_callback(progress, task, recipe, progress.console),
        secrets=secrets,
    )
    out = out.observe(seen_out, F.count(F.lit(1)).alias("rows"))
    progress.update(task, description=_writing(output_path, gate) + " (Spark)")
    outcome = publish(out, output_path, gate, bound, (options or WriteOptions()).bound(write_spark))
    progress.update(task, advance=1, description="done")
    return _observed(seen_in), _observed(seen_out), outcome


def _writing(output_path: Path, gate: Any) -> str:
    checking = "checking quality, " if gate is not None else ""
    return f"{checking}writing {escape(output_path.name)}"


def _observed(observation: Any) -> int | None:
    try:
        return int(observation.get["rows"])
    except Exception:
        return None
