"""The batch job behind ``workbench run``: read, replay, write atomically, summarise."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from workbench.cli.gate import publish
from workbench.io.formats import CsvOptions, format_of_name
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
) -> JobResult:
    """Replay ``recipe`` over ``input_path`` and write ``output_path`` (atomically)."""
    console = console or Console(stderr=True)
    format_of_name(output_path)
    check_output(output_path, overwrite)
    for target in gate.targets(output_path) if gate is not None else []:
        check_output(target, overwrite)
    datasets = datasets or {}
    started = time.perf_counter()
    steps = [s for s in recipe.steps if not s.disabled]
    with _progress(console) as progress:
        task = progress.add_task("reading", total=len(steps) + 2)
        if engine == "spark":
            result = _run_spark(
                recipe, input_path, output_path, datasets, csv, spark_remote, progress, task, secrets, gate
            )
        else:
            result = _run_pandas(
                recipe, input_path, output_path, datasets, csv, progress, task, secrets, gate
            )
    rows_in, rows_out = result
    return JobResult(engine, len(steps), rows_in, rows_out, time.perf_counter() - started, str(output_path))


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
) -> tuple[int, int]:
    from workbench.io.pandas_io import read_pandas
    from workbench.io.writers import write_pandas

    frame = read_pandas(input_path, csv)
    bound = {name: read_pandas(path, csv) for name, path in datasets.items()}
    progress.update(task, advance=1, description="replaying on pandas")
    out = recipe.apply(
        frame,
        datasets=bound,
        progress=_step_callback(progress, task, recipe, progress.console),
        secrets=secrets,
    )
    progress.update(task, description=_writing(output_path, gate))
    publish(out, output_path, gate, bound, write_pandas)
    progress.update(task, advance=1, description="done")
    return len(frame), len(out)


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
) -> tuple[int | None, int | None]:
    from pyspark.sql import Observation
    from pyspark.sql import functions as F

    from workbench.engines.spark.session import get_session
    from workbench.io.spark_io import read_spark
    from workbench.io.writers import write_spark

    progress.update(task, description="starting Spark" + (f" at {remote}" if remote else " (local)"))
    session = get_session(remote)
    seen_in, seen_out = Observation("rows_in"), Observation("rows_out")
    frame = read_spark(session, input_path, csv).observe(seen_in, F.count(F.lit(1)).alias("rows"))
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
    publish(out, output_path, gate, bound, write_spark)
    progress.update(task, advance=1, description="done")
    return _observed(seen_in), _observed(seen_out)


def _writing(output_path: Path, gate: Any) -> str:
    checking = "checking quality, " if gate is not None else ""
    return f"{checking}writing {output_path.name}"


def _observed(observation: Any) -> int | None:
    try:
        return int(observation.get["rows"])
    except Exception:
        return None
