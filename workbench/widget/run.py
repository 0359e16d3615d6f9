"""Run on full data: the session's recipe replayed on all of its source and written atomically."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.core.errors import WorkbenchError
from workbench.io.formats import format_of_name
from workbench.io.publish import check_output
from workbench.widget.sample import EXCEL_SUFFIXES, FileSource

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

    def replay() -> _Ran:
        frame = _replayed(session, engine, remote, report)
        if not isinstance(frame, pd.DataFrame):
            return _Ran("spark", _write_spark(frame, output, overwrite, report))
        return _Ran(engine, _write_pandas(frame, output, overwrite, report))

    ran = _with_lineage(session, output, engine, replay)
    report(1.0, "done")
    return {
        "engine": ran.engine + (f" at {remote}" if remote and ran.engine == "spark" else ""),
        "steps": steps,
        "rowsOut": ran.rows_out,
        "seconds": round(time.perf_counter() - started, 3),
        "output": str(output),
    }


@dataclasses.dataclass
class _Ran:
    """What a run on full data did, as the lineage and the run history read it (a JobResult's fields)."""

    engine: str
    rows_out: int | None
    rows_in: int | None = None
    gate: Any = None


def _with_lineage(session: Session, output: Path, engine: str, replay: Callable[[], _Ran]) -> _Ran:
    """``replay()`` between the OpenLineage events of ``workbench run`` (START, then COMPLETE or
    FAIL), recorded in the run history too, when the session reads files; a DataFrame has no
    dataset name to record, so a session over one runs without events."""
    inputs = _lineage_inputs(session)
    if inputs is None:
        return replay()
    from workbench.history import run_recorder
    from workbench.lineage.runs import emitting_run

    source, datasets = inputs
    ran: _Ran = emitting_run(
        replay, session.recipe, source, output, datasets=datasets, engine=engine, history=run_recorder()
    )
    return ran


def _lineage_inputs(session: Session) -> tuple[Path, dict[str, Path]] | None:
    """The session's source file and bound dataset files, or None when one of them is not a file."""
    source = session._source
    if not isinstance(source, FileSource) or source.excel:
        return None
    datasets = {}
    for name, data in session._dataset_sources.items():
        if not isinstance(data, (str, Path)) or Path(data).suffix.lower() in EXCEL_SUFFIXES:
            return None
        datasets[name] = Path(data)
    return source.path, datasets


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
