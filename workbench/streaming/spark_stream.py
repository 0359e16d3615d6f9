"""Streaming on Spark Structured Streaming: a file source, the recipe and gate per micro-batch.

Spark's checkpoint records which files each micro-batch holds before the batch runs, so a
restarted query replays an unfinished batch with the same id and the same files. Each batch's
output is published under a name made from its batch id and then listed in the output folder's
manifest; a replayed batch that the manifest already lists is skipped, and one whose files were
written but not listed is written again. So a query stopped at any point and restarted from its
checkpoint publishes every input row exactly once (``foreachBatch`` alone is at-least-once).

The stream's schema is taken, at start-up, from the files already in the input folder, by the
same readers as a batch run (CSV types by the CSV reader's rules), so a stream and a batch run
over the same files give the same columns and types.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.core.errors import DataIOError, RecipeError, WorkbenchError
from workbench.io.formats import CsvOptions, Format, format_of_name
from workbench.io.locations import refuse_remote_output, remote_url
from workbench.jobs.faults import fault_point
from workbench.jobs.manifest import RUN_PREFIX, Entry, Manifest, folder_lock, now, remove, unlisted
from workbench.streaming.text_types import dead_letter_rows, stream_types, typed_batch


@dataclasses.dataclass(frozen=True)
class StreamJob:
    """A stream's settings: what it reads, replays and writes, and when it runs a batch."""

    recipe: Any
    input: Path
    output: Path
    checkpoint: Path
    csv: CsvOptions = dataclasses.field(default_factory=CsvOptions)
    gate: Any = None
    once: bool = False
    """Process the files there now (in as many batches as ``max_files`` allows), then stop."""
    interval: float = 10.0
    max_files: int | None = None
    timeout: float | None = None
    """Stop a continuous stream after this many seconds (None: until interrupted)."""
    dead_letter: Path | None = None
    """Where CSV rows with a value that does not fit the stream's types go (None: refuse them)."""


@dataclasses.dataclass
class BatchRecord:
    """One micro-batch as the summary shows it."""

    batch: int
    rows_in: int | None
    rows_out: int | None
    outcome: str
    file: str
    dead_letters: int = 0

    def line(self) -> str:
        """``batch 3: 1,000 rows in, 990 rows out -> run-batch-00000003.parquet``."""
        rows_in = "?" if self.rows_in is None else f"{self.rows_in:,}"
        rows_out = "?" if self.rows_out is None else f"{self.rows_out:,}"
        dead = f", {self.dead_letters:,} dead letters" if self.dead_letters else ""
        return f"batch {self.batch}: {rows_in} rows in, {rows_out} rows out{dead} -> {self.file}"


def batch_run_name(batch_id: int) -> str:
    """The manifest's run name of a micro-batch (``batch-00000007``)."""
    return f"batch-{batch_id:08d}"


def run_spark_stream(job: StreamJob, session: Any, log: Callable[[str], None]) -> list[BatchRecord]:
    """Run the stream until it has nothing left (``once``), its timeout, or an interrupt."""
    refuse_remote_input(job)
    check_folders(job)
    if _is_connect(session):
        check_server_imports(session)
    fmt, files = stream_format(job.input)
    frame, schema = source(session, job, fmt, files)
    job.recipe.validate(schema, bound_only=True)
    query = _start(frame, job, schema if fmt is Format.CSV else None)
    try:
        _wait(query, job)
    except KeyboardInterrupt:
        log("interrupted: a batch in progress runs again at the next start")
    except Exception:  # the query's own exception is read and explained below
        if query.exception() is None:
            raise
    finally:
        query.stop()
    _raise_failure(query)
    return _records(job.output, _progress(query), job.dead_letter)


def refuse_remote_input(job: StreamJob) -> None:
    """A Spark stream watches a local (or shared) folder; an object store needs what is missing here."""
    url = remote_url(job.input)
    if url is not None:
        raise RecipeError(
            f"--input {url} is on an object store: Spark's file source watches it through s3a://, "
            f"which needs the hadoop-aws jar and spark.hadoop.fs.s3a.* settings on the cluster, and "
            f"this installation has none; stream it with --engine pandas, which polls the prefix "
            f"with a bookmark"
        )


def check_folders(job: StreamJob) -> None:
    """Refuse folders that overlap: the stream would read its own output or checkpoint."""
    if remote_url(job.input) is not None:
        _check_remote_stream(job)
        return
    if not job.input.is_dir():
        raise DataIOError(f"--input {str(job.input)!r} is not a folder; a stream watches a folder of files")
    inputs = job.input.resolve()
    roles = [("--output", job.output), ("--checkpoint", job.checkpoint)]
    if job.dead_letter is not None:
        roles.append(("--dead-letter", job.dead_letter))
    for role, path in roles:
        resolved = path.resolve()
        if resolved == inputs or inputs in resolved.parents or resolved in inputs.parents:
            raise RecipeError(f"{role} {str(path)!r} overlaps --input {str(job.input)!r}")
    if job.output.resolve() == job.checkpoint.resolve():
        raise RecipeError("--output and --checkpoint must be different folders")


def _check_remote_stream(job: StreamJob) -> None:
    # Polled with a bookmark (pandas); the outputs stay local, as a bookmarked run's do.
    roles = [("--output", job.output), ("--checkpoint", job.checkpoint), ("--dead-letter", job.dead_letter)]
    for role, path in roles:
        if path is not None:
            refuse_remote_output(path, role)
    if job.output.resolve() == job.checkpoint.resolve():
        raise RecipeError("--output and --checkpoint must be different folders")


def stream_format(folder: Path) -> tuple[Format, list[Path]]:
    """The one format of the files in ``folder``, and those files (the schema is taken from them)."""
    # Spark's file source watches the folder itself, not its subfolders.
    files = sorted(p for p in folder.iterdir() if p.is_file() and _is_data_name(p.name))
    if not files:
        raise DataIOError(
            f"{str(folder)!r} holds no .csv, .parquet or .jsonl files yet; a stream takes its schema "
            "from the files there when it starts"
        )
    formats = {format_of_name(f) for f in files}
    if len(formats) > 1:
        names = ", ".join(sorted(f.value for f in formats))
        raise DataIOError(f"{str(folder)!r} mixes formats ({names}); a stream reads one format")
    return formats.pop(), files


def _is_data_name(name: str) -> bool:
    if name.startswith((".", "_")):
        return False
    try:
        format_of_name(name)
    except WorkbenchError:
        return False
    return True


def source(session: Any, job: StreamJob, fmt: Format, files: list[Path]) -> tuple[Any, Any]:
    """The streaming frame over ``job.input``, typed as a batch read of ``files`` is; and its schema."""
    from workbench.io.spark_io import read_spark_files

    batch = read_spark_files(session, files, fmt, job.csv)
    reader = session.readStream
    if job.max_files:
        reader = reader.option("maxFilesPerTrigger", int(job.max_files))
    path = str(job.input.resolve())
    if fmt is Format.CSV:
        return _csv_stream(reader, batch, job.csv, path), stream_types(job.checkpoint, logical_schema(batch))
    if fmt is Format.PARQUET:
        return reader.schema(batch.schema).parquet(path), logical_schema(batch)
    return reader.schema(batch.schema).json(path), logical_schema(batch)


def _csv_stream(reader: Any, batch: Any, csv: CsvOptions, path: str) -> Any:
    """Every column as text, read as the CSV reader reads it; each batch casts it (text_types)."""
    from pyspark.sql.types import StringType, StructField, StructType

    text = StructType([StructField(name, StringType()) for name in logical_schema(batch)])
    return (
        reader.schema(text)
        .option("header", str(csv.header).lower())
        # With a header, each file's names are checked against the schema's, position by position.
        .option("enforceSchema", "false" if csv.header else "true")
        .option("sep", csv.delimiter)
        .option("encoding", csv.encoding or "UTF-8")
        .option("ignoreLeadingWhiteSpace", "false")
        .option("ignoreTrailingWhiteSpace", "false")
        .csv(path)
    )


def logical_schema(frame: Any) -> dict[str, Any]:
    """A Spark frame's columns and their logical types."""
    from workbench.engines.spark.types import ltype_of_spark

    return {f.name: ltype_of_spark(f.dataType) for f in frame.schema.fields}


def _start(frame: Any, job: StreamJob, text_types: dict[str, Any] | None) -> Any:
    writer = frame.writeStream.foreachBatch(batch_function(job, text_types)).option(
        "checkpointLocation", str(job.checkpoint.resolve())
    )
    writer = (
        writer.trigger(availableNow=True)
        if job.once
        else writer.trigger(processingTime=f"{job.interval} seconds")
    )
    return writer.start()


def batch_function(job: StreamJob, text_types: dict[str, Any] | None = None) -> Callable[[Any, int], None]:
    """The function Spark calls per micro-batch (under Spark Connect it runs on the server).

    With ``text_types`` (a CSV stream) the batch's text columns are cast to them first.
    """
    recipe, output, gate = job.recipe, job.output.resolve(), job.gate
    dead_letter = None if job.dead_letter is None else job.dead_letter.resolve()

    def each_batch(frame: Any, batch_id: int) -> None:
        if text_types is None:
            publish_batch(recipe.apply(frame), output, int(batch_id), gate)
            return
        # Checking the casts and publishing read the batch twice: once from the files, then
        # from memory, so that its rows are read (and counted) once.
        frame = frame.persist()
        try:
            typed = typed_batch(frame, text_types, int(batch_id), dead_letter)
            publish_batch(recipe.apply(typed), output, int(batch_id), gate)
        finally:
            frame.unpersist()

    return each_batch


def publish_batch(frame: Any, folder: Path, batch_id: int, gate: Any = None) -> str:
    """Write one batch's output and list it in the manifest, unless a replay already did."""
    from workbench.cli.gate import QualityGateError, publish
    from workbench.io.writers import write_spark

    run = batch_run_name(batch_id)
    name = f"{RUN_PREFIX}{run}.parquet"
    folder.mkdir(parents=True, exist_ok=True)
    with folder_lock(folder):
        manifest = Manifest.read(folder)
        if manifest.entry(run) is not None:
            return "replayed: already published"
        for leftover in unlisted(manifest):
            remove(leftover)  # written by a try of this batch that died before listing it
        fault_point("stream-before-publish")
        try:
            publish(frame, folder / name, gate, {}, write_spark)
            outcome = "published"
        except QualityGateError as held:
            # A held batch is in the quarantine folder; with row-level rules its passing rows
            # were published and are listed like any batch's.
            outcome = "quarantined" if held.outcome is None or not held.outcome.published else "published"
        fault_point("stream-after-publish")
        if (folder / name).exists():
            entry = Entry(
                file=name,
                run=run,
                bookmark="stream",
                rows=_rows(folder / name),
                inputs=(),
                published_at=now(),
            )
            manifest.with_entry(entry).save()
        fault_point("stream-after-manifest")
    return outcome


def _rows(path: Path) -> int | None:
    if not path.exists():
        return None
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in sorted(path.rglob("*.parquet")))


def _wait(query: Any, job: StreamJob) -> None:
    if job.once:
        query.awaitTermination()
        return
    deadline = None if job.timeout is None else time.monotonic() + job.timeout
    while query.isActive and (deadline is None or time.monotonic() < deadline):
        query.awaitTermination(1)


def _raise_failure(query: Any) -> None:
    problem = query.exception()
    if problem is None:
        return
    text = str(problem)
    header = _HEADER_MISMATCH.search(text)
    if header is not None:
        raise DataIOError(
            f"the stream stopped: the header of {header.group('file')} does not match the columns the "
            f"stream started with ({header.group('why').strip()}). Spark reads CSV columns by position, "
            "so the stream refuses the file rather than put values under the wrong names; give it the "
            "same columns in the same order"
        )
    misfit = _MISFIT.search(text)
    if misfit is not None:
        raise DataIOError(f"the stream stopped: {misfit.group(0).strip()}")
    lines = text.strip().splitlines()
    raise WorkbenchError(
        f"the stream stopped on an error in a batch: {lines[0] if lines else type(problem).__name__}"
    )


_HEADER_MISMATCH = re.compile(
    r"CSV header does not conform to the schema\.(?P<why>.*?)CSV file: (?P<file>\S+)", re.DOTALL
)
_MISFIT = re.compile(r"batch \d+: column .*? set such rows aside")


def _records(folder: Path, progress: list[Any], dead_letter: Path | None) -> list[BatchRecord]:
    batches = [p for p in progress if p.get("batchId") is not None]
    rows_in = {int(p["batchId"]): int(p.get("numInputRows") or 0) for p in batches}
    found = []
    for entry in Manifest.read(folder).entries:
        batch = int(entry.run.removeprefix("batch-")) if entry.run.startswith("batch-") else -1
        if batch in rows_in:  # a batch of this query's run, not of an earlier one
            dead = dead_letter_rows(dead_letter, batch)
            read: int | None = rows_in.get(batch)
            if not read and (entry.rows or dead):
                # Under Spark Connect the rows of a batch held in memory are not counted as read.
                read = None
            found.append(BatchRecord(batch, read, entry.rows, "published", entry.file, dead))
    return found


def _progress(query: Any) -> list[dict[str, Any]]:
    """The query's recent batch progress as dicts (classic Spark gives objects, Connect dicts)."""
    import json

    found = []
    for item in query.recentProgress:
        if isinstance(item, dict):
            found.append(item)
        else:
            found.append(json.loads(item.json) if hasattr(item, "json") else dict(item.jsonValue()))
    return found


def _is_connect(session: Any) -> bool:
    return type(session).__module__.startswith("pyspark.sql.connect")


def check_server_imports(session: Any) -> None:
    """Under Spark Connect each batch runs on the server: refuse to start if it lacks Workbench."""

    def probe(batches: Any) -> Any:
        import pandas as pd

        try:
            import workbench

            found = getattr(workbench, "__version__", "unknown")
        except ImportError as exc:
            found = f"missing: {exc}"
        for _ in batches:
            yield pd.DataFrame({"workbench": [found]})

    try:
        answer = session.range(1).mapInPandas(probe, "workbench string").collect()[0][0]
    except Exception as exc:
        raise WorkbenchError(
            f"cannot check the Spark Connect server's Python: {str(exc).splitlines()[0]}"
        ) from None
    if answer.startswith("missing"):
        raise WorkbenchError(
            "under Spark Connect each micro-batch runs on the server, and the server's Python cannot "
            f"import workbench ({answer}); install it there (pip install workbench) and start again"
        )
