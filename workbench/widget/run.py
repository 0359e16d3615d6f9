"""Run on full data: the session's recipe replayed on all of its source and written atomically."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.core.errors import WorkbenchError
from workbench.io.formats import format_of_name
from workbench.io.publish import check_output

if TYPE_CHECKING:
    from workbench.widget.session import Session

Progress = Callable[[float, str], None]


def run_full(
    session: Session,
    output: Path,
    *,
    engine: str = "pandas",
    remote: str | None = None,
    overwrite: bool = False,
    on_progress: Progress | None = None,
) -> dict[str, Any]:
    """Replay the recipe on all of the session's data and write ``output``; returns a summary.

    The output is checked before anything is read (its format from the name, it must not
    exist unless ``overwrite``, nor overlap the session's input files) and written through a
    staging path published in one step, so a failed run leaves no half-written output.
    """
    if engine not in ("pandas", "spark"):
        msg = f"unknown engine {engine!r}; use pandas or spark"
        raise WorkbenchError(msg)
    report = on_progress or (lambda fraction, message: None)
    format_of_name(output)
    check_output(output, overwrite, _input_paths(session))
    started = time.perf_counter()
    steps = sum(1 for step in session.recipe.steps if not step.disabled)
    frame = _replayed(session, engine, remote, report)
    if not isinstance(frame, pd.DataFrame):
        engine, rows_out = "spark", _write_spark(frame, output, overwrite, report)
    else:
        rows_out = _write_pandas(frame, output, overwrite, report)
    report(1.0, "done")
    return {
        "engine": engine + (f" at {remote}" if remote and engine == "spark" else ""),
        "steps": steps,
        "rowsOut": rows_out,
        "seconds": round(time.perf_counter() - started, 3),
        "output": str(output),
    }


def _replayed(session: Session, engine: str, remote: str | None, report: Progress) -> Any:
    """The recipe on all of the data: a pandas frame, or a lazy Spark plan."""
    if engine != "spark":
        report(0.1, "replaying the recipe")
        return session.result(engine="pandas")
    from workbench.engines.spark.session import get_session

    report(0.05, "starting Spark" + (f" at {remote}" if remote else " (local)"))
    spark = get_session(remote)
    report(0.2, "planning on Spark")
    return session.result(engine="spark", spark=spark)


def _input_paths(session: Session) -> list[Path]:
    """The files the session reads (its source and bound datasets), which an output may not overlap."""
    sources = [getattr(session._source, "path", None), *session._dataset_sources.values()]
    return [Path(s) for s in sources if isinstance(s, (str, Path))]


def _write_pandas(frame: Any, output: Path, overwrite: bool, report: Progress) -> int:
    from workbench.io.writers import write_pandas

    report(0.7, f"writing {output.name}")
    write_pandas(frame, output, overwrite=overwrite)
    return len(frame)


def _write_spark(frame: Any, output: Path, overwrite: bool, report: Progress) -> int | None:
    from pyspark.sql import Observation
    from pyspark.sql import functions as F

    from workbench.io.writers import write_spark

    seen = Observation("rows_out")
    report(0.4, f"running the recipe and writing {output.name} (Spark)")
    write_spark(frame.observe(seen, F.count(F.lit(1)).alias("rows")), output, overwrite=overwrite)
    try:
        return int(seen.get["rows"])
    except Exception:
        return None
