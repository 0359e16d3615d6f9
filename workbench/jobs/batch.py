"""One batch of a bookmarked run on pandas or Spark: read the files, replay, publish.

Each attempt starts from the files again and publishes nothing until its output is whole, so a
failed attempt leaves nothing behind and a retry is safe.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.core.errors import RecipeError
from workbench.io.publish import publishing
from workbench.jobs.faults import fault_point


def process_pandas(job: Any, batch: Any) -> tuple[int | None, int | None, int]:
    """Replay ``job`` over ``batch`` on pandas; returns rows in, rows out and dead letters."""
    from workbench.io.pandas_io import read_pandas, read_pandas_files
    from workbench.io.writers import write_pandas

    _validate(job, batch)
    if batch.table is not None:
        from workbench.catalog.tables import read_selection_pandas

        frame = read_selection_pandas(batch.table, job.csv, job.storage_options)
    else:
        frame, _ = read_pandas_files(batch.files, batch.fmt, job.csv, source=job.input_name)
    datasets = {name: read_pandas(path, job.csv) for name, path in job.datasets.items()}
    out, dead = _replayed(job, frame, datasets)
    count = 0
    if dead is not None and len(dead):
        write_pandas(dead, batch.dead_letter, overwrite=False)
        count = len(dead)
    _publish(lambda target: write_pandas(out, target, overwrite=False), batch.output, job)
    return len(frame), len(out), count


def process_spark(job: Any, batch: Any) -> tuple[int | None, int | None, int]:
    """Replay ``job`` over ``batch`` on Spark: one job for the output, one more for dead letters."""
    from pyspark.sql import Observation

    from workbench.core.lazy import F
    from workbench.engines.spark.session import get_session
    from workbench.io.spark_io import read_spark, read_spark_files
    from workbench.io.writers import write_spark

    _validate(job, batch)
    session = get_session(job.spark_remote)
    seen_in, seen_out = Observation("rows_in"), Observation("rows_out")
    if batch.table is not None:
        from workbench.catalog.tables import read_selection_spark

        frame = read_selection_spark(session, batch.table, job.csv)
    else:
        frame = read_spark_files(session, batch.files, batch.fmt, job.csv)
    frame = frame.observe(seen_in, F.count(F.lit(1)).alias("rows"))
    datasets = {name: read_spark(session, path, job.csv) for name, path in job.datasets.items()}
    out, dead = _replayed(job, frame, datasets)
    count = 0
    if dead is not None and batch.dead_letter is not None:
        # The failing rows are few; a cached copy keeps the count from rerunning the plan.
        kept = dead.persist()
        try:
            count = int(kept.count())
            if count:
                write_spark(kept, batch.dead_letter, overwrite=False)
        finally:
            kept.unpersist()
    out = out.observe(seen_out, F.count(F.lit(1)).alias("rows"))
    _publish(lambda target: write_spark(out, target, overwrite=False), batch.output, job)
    return _observed(seen_in), _observed(seen_out), count


def _validate(job: Any, batch: Any) -> None:
    from workbench.io.formats import files_schema, read_schema

    if batch.table is not None:
        from workbench.catalog.tables import selection_schema

        schema = selection_schema(batch.table, job.csv, job.storage_options)
    else:
        schema = files_schema(batch.files, batch.fmt, job.csv)
    others = {name: read_schema(path, job.csv) for name, path in job.datasets.items()}
    job.recipe.validate(schema, others, secrets=job.secrets, bound_only=True)


def _replayed(job: Any, frame: Any, datasets: dict[str, Any]) -> tuple[Any, Any]:
    from workbench.jobs.deadletter import replay_with_dead_letters, rule_failures, union_dead

    if job.dead_letter is None:
        out = job.recipe.apply(frame, datasets=datasets, secrets=job.secrets)
        if job.ruleset is not None:
            raise RecipeError("--ruleset with --bookmark needs --dead-letter DIR for the rows that fail")
        return out, None
    replayed = replay_with_dead_letters(job.recipe, frame, datasets=datasets, secrets=job.secrets)
    if job.ruleset is None:
        return replayed.frame, replayed.dead
    kept, failed, result = rule_failures(replayed.frame, job.ruleset, datasets)
    _check_dataset_rules(result)
    return kept, union_dead([replayed.dead, failed])


def _check_dataset_rules(result: Any) -> None:
    from workbench.cli.gate import QualityGateError

    blocking = [r for r in result.rules if not r.passed and not r.row_level]
    if blocking:
        failed = "; ".join(r.rule for r in blocking[:3])
        raise QualityGateError(
            f"quality rules without row-level outcomes failed ({failed}); nothing was published and "
            f"the bookmark was not advanced"
        )


def _publish(write: Any, output: Path, job: Any) -> None:
    """Write into a staging name, then rename into place (the ``during-publish`` fault point is between)."""
    fault_point("before-publish")
    # Only a plain output file (pause, or a run without a bookmark) may replace an earlier one.
    with publishing(output, overwrite=job.overwrite and job.mode in {"pause", "once"}) as target:
        write(target)
        fault_point("during-publish")


def _observed(observation: Any) -> int | None:
    try:
        return int(observation.get["rows"])
    except Exception:
        return None
