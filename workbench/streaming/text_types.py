"""CSV micro-batches typed by the stream's start-up schema, with nothing dropped quietly.

A CSV stream reads every column as text and casts it, per batch, to the type the CSV reader gave
the files that were there at start-up. Spark's own typed CSV read would turn a value that does
not fit (``"n/a"`` in a column of numbers) into null without a word; here a row holding such a
value is either set aside as a dead letter of that batch (``--dead-letter DIR``) or stops the
stream with an error naming the batch, the column and the value. The files' headers are checked
against the schema by Spark itself (``enforceSchema`` off), because its CSV source maps columns
by position: a file with its columns in another order would otherwise put values under the
wrong names.
"""

from __future__ import annotations

import json
from functools import reduce
from pathlib import Path
from typing import Any

from workbench.core.errors import DataIOError
from workbench.jobs.manifest import remove

READ_OPERATION = "READ"
"""The ``operation`` of a dead letter set aside when a batch is read (its ``step`` is 0)."""


class StreamValueError(DataIOError):
    """A batch holds a value that does not fit the stream's type for its column."""


TYPES_FILE = "workbench-types.json"
"""Where a CSV stream's checkpoint keeps the column types it started with."""


def stream_types(checkpoint: Path, found: dict[str, Any]) -> dict[str, Any]:
    """The column types of a CSV stream: those it was first started with, kept in its checkpoint.

    A restart must not re-infer them from the files there by then, or one bad value in a late
    file would turn its whole column into text instead of being caught.
    """
    from workbench.core.types import LType

    kept = checkpoint / TYPES_FILE
    if kept.exists():
        saved = json.loads(kept.read_text(encoding="utf-8"))
        if list(saved) == list(found):
            return {name: LType(value) for name, value in saved.items()}
        raise DataIOError(
            f"the files in the input have the columns {list(found)}, but the stream in this checkpoint "
            f"started with {list(saved)}; start a new stream with another --checkpoint"
        )
    checkpoint.mkdir(parents=True, exist_ok=True)
    staged = kept.with_name(f".{TYPES_FILE}.tmp")
    staged.write_text(json.dumps({n: t.value for n, t in found.items()}), encoding="utf-8")
    staged.replace(kept)
    return found


def dead_letter_name(batch_id: int) -> str:
    """The dead-letter file of one micro-batch; a replayed batch writes the same one again."""
    return f"batch-{batch_id:08d}.parquet"


def typed_batch(frame: Any, types: dict[str, Any], batch_id: int, dead_letter: Path | None) -> Any:
    """The batch with its text columns cast to ``types``; rows with a value that does not fit are
    written to ``dead_letter`` (or, without it, refused)."""
    from workbench.core.casting import cast_spark
    from workbench.core.lazy import scol
    from workbench.core.types import LType

    typed = {n: t for n, t in types.items() if t is not LType.STRING}
    casts = [cast_spark(scol(n), LType.STRING, typed[n]).alias(n) if n in typed else scol(n) for n in types]
    if not typed:
        return frame.select(*casts)
    misfits = {n: _misfit(scol(n), cast_spark(scol(n), LType.STRING, t)) for n, t in typed.items()}
    any_misfit = reduce(lambda a, b: a | b, misfits.values())
    if dead_letter is None:
        _refuse_misfits(frame, misfits, typed, batch_id)
    else:
        _write_dead_letters(frame.where(any_misfit), misfits, typed, dead_letter / dead_letter_name(batch_id))
    return frame.where(~any_misfit).select(*casts)


def _misfit(text: Any, cast: Any) -> Any:
    """True where the text is present (not blank) but does not convert; never null."""
    from workbench.core.lazy import F

    return F.coalesce(text.isNotNull() & (F.trim(text) != F.lit("")) & cast.isNull(), F.lit(False))


def _refuse_misfits(frame: Any, misfits: dict[str, Any], types: dict[str, Any], batch_id: int) -> None:
    from workbench.core.lazy import F, scol

    column = F.coalesce(*[F.when(m, F.lit(n)) for n, m in misfits.items()])
    value = F.coalesce(*[F.when(m, scol(n)) for n, m in misfits.items()])
    first = frame.select(column.alias("column"), value.alias("value")).where(column.isNotNull())
    found = first.limit(1).collect()
    if not found:
        return
    name, text = found[0]["column"], found[0]["value"]
    raise StreamValueError(
        f"batch {batch_id}: column {name!r} holds {text!r}, which is not a {types[name].value} value as "
        "the stream's first files made that column; nothing of this batch was published. Correct the "
        "file, or start the stream with --dead-letter DIR to set such rows aside"
    )


def _write_dead_letters(rows: Any, misfits: dict[str, Any], types: dict[str, Any], path: Path) -> None:
    """One dead letter per row, naming its first misfit column (the reason lists them all)."""
    from workbench.core.lazy import F, scol
    from workbench.io.writers import write_spark

    parts = [
        F.when(m, F.concat(F.lit(f"{n}: '"), scol(n), F.lit(f"' is not a {types[n].value} value")))
        for n, m in misfits.items()
    ]
    dead = rows.select(
        F.to_json(F.struct(*[scol(c) for c in rows.columns])).alias("row"),
        F.lit(0).cast("long").alias("step"),
        F.lit(READ_OPERATION).alias("operation"),
        F.coalesce(*[F.when(m, F.lit(n)) for n, m in misfits.items()]).alias("column"),
        F.concat_ws("; ", *parts).alias("reason"),
    )
    write_spark(dead, path, overwrite=True)
    if _rows(path) == 0:
        remove(path)  # a batch with nothing set aside leaves no file


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(f).metadata.num_rows for f in sorted(path.rglob("*.parquet")))


def dead_letter_rows(folder: Path | None, batch_id: int) -> int:
    """How many rows one batch set aside (0 when it wrote no dead-letter file)."""
    if folder is None or not (folder / dead_letter_name(batch_id)).exists():
        return 0
    return _rows(folder / dead_letter_name(batch_id))
