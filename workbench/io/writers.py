"""Writing outputs from either engine, atomically, in the format the output's extension names."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from workbench.core.casting import cast_pandas
from workbench.core.errors import DataIOError, WorkbenchError
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr
from workbench.io.formats import Format, format_of_name
from workbench.io.publish import publishing

FORMULA_START = r"^[=+\-@\t\r]"
"""Text a spreadsheet would run as a formula (OWASP's CSV injection list)."""

_DISK_PROBLEMS = (
    ("no space left on device", "no space left on device"),
    ("disk quota exceeded", "disk quota exceeded"),
    ("read-only file system", "read-only file system"),
    ("permission denied", "permission denied"),
    ("accessdeniedexception", "permission denied"),
)


def write_pandas(
    frame: pd.DataFrame, path: str | Path, *, overwrite: bool = True, csv_formula_guard: bool = False
) -> None:
    """Write a frame atomically, in the format its extension names.

    Without ``overwrite`` the output is created exclusively (an output that appeared meanwhile
    is an error, never replaced). ``csv_formula_guard`` prefixes text cells of a CSV output
    that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) with ``'``.
    """
    from workbench.engines.pandas import PandasEngine

    p = Path(path)
    fmt = format_of_name(p)
    table = PandasEngine().to_arrow(frame)
    with publishing(p, overwrite=overwrite) as target:
        if fmt is Format.CSV:
            pacsv.write_csv(_csv_ready(frame, table, csv_formula_guard), target)
        elif fmt is Format.PARQUET:
            pq.write_table(table, target)
        else:
            frame_out = table.to_pandas(types_mapper=pd.ArrowDtype)
            frame_out.to_json(target, orient="records", lines=True, date_format="iso", force_ascii=False)


def _csv_ready(frame: pd.DataFrame, table: pa.Table, formula_guard: bool) -> pa.Table:
    """Timestamps as CHANGE_DATA_TYPE writes them ("2024-01-05 13:07:09"), which reads back as timestamps."""
    columns = [
        arr(cast_pandas(frame.iloc[:, i], LType.TIMESTAMP, LType.STRING))
        if pa.types.is_timestamp(column.type)
        else _guarded(column)
        if formula_guard
        else column
        for i, column in enumerate(table.columns)
    ]
    return pa.table(columns, names=table.column_names)


def _guarded(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return column
    risky = pc.match_substring_regex(column, FORMULA_START)
    quoted = pc.binary_join_element_wise(pa.scalar("'", column.type), column, pa.scalar("", column.type))
    return pc.if_else(risky, quoted, column)


def write_spark(
    frame: Any, path: str | Path, *, overwrite: bool = True, csv_formula_guard: bool = False
) -> None:
    """Write a directory of part files, atomically (local paths); see :func:`write_pandas`.

    A failed Spark job becomes one :class:`DataIOError` naming the cause (a full disk, a denied
    permission) and the path, never Spark's error text, which can quote row values.
    """
    p = Path(path).resolve()
    fmt = format_of_name(p)
    if csv_formula_guard and fmt is Format.CSV:
        frame = _spark_guarded(frame)
    write_spark_folder(frame, p, fmt, overwrite=overwrite)


def write_spark_folder(
    frame: Any, path: Path, fmt: Format, *, partition_by: tuple[str, ...] = (), overwrite: bool = True
) -> None:
    """Write a folder of part files in ``fmt`` atomically (``partition_by``: Hive ``key=value`` folders)."""
    with publishing(path, overwrite=overwrite) as target, _quiet_spark_log(frame):
        try:
            _spark_write(frame, fmt, target, partition_by)
        except WorkbenchError:
            raise
        except Exception as exc:
            if not _is_spark_error(exc):
                raise
            raise DataIOError(_spark_failure(exc, path)) from exc
        if not target.exists():
            raise DataIOError(f"Spark wrote nothing at {str(target)!r}; is the Spark server on this machine?")


def _spark_write(frame: Any, fmt: Format, target: Path, partition_by: tuple[str, ...] = ()) -> None:
    writer = frame.write.mode("error")
    if partition_by:
        writer = writer.partitionBy(*partition_by)
    if fmt is Format.CSV:
        writer = writer.option("header", "true").option("escape", '"')
        # Spark trims text cells when writing CSV unless told not to; pandas writes them as they are.
        writer = writer.option("ignoreLeadingWhiteSpace", "false").option("ignoreTrailingWhiteSpace", "false")
        writer.option("timestampFormat", "yyyy-MM-dd HH:mm:ss").csv(str(target))
    elif fmt is Format.PARQUET:
        writer.parquet(str(target))
    else:
        writer.json(str(target))


def _spark_guarded(frame: Any) -> Any:
    from workbench.core.lazy import F

    text = [f.name for f in frame.schema.fields if f.dataType.typeName() == "string"]
    if not text:
        return frame
    guarded = {
        name: F.when(F.col(name).rlike(FORMULA_START), F.concat(F.lit("'"), F.col(name))).otherwise(
            F.col(name)
        )
        for name in text
    }
    return frame.withColumns(guarded)


def _is_spark_error(exc: BaseException) -> bool:
    from pyspark.errors import PySparkException

    try:
        from py4j.protocol import Py4JError
    except ImportError:  # Spark Connect clients may come without py4j
        return isinstance(exc, PySparkException)
    return isinstance(exc, (PySparkException, Py4JError))


def _spark_failure(exc: BaseException, path: Path) -> str:
    """One line: what failed and where, from the error's causes, quoting none of its text."""
    text = _error_text(exc).lower()
    for needle, cause in _DISK_PROBLEMS:
        if needle in text:
            return f"Spark could not write {str(path)!r}: {cause}; nothing was written"
    return (
        f"Spark could not write {str(path)!r} ({_error_kind(exc)}); nothing was written; "
        "run again with --debug for Spark's own error, which may show row values"
    )


def _error_text(exc: BaseException) -> str:
    parts: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 10:
        parts.append(str(seen))
        seen = seen.__cause__ or seen.__context__
    return "\n".join(parts)


def _error_kind(exc: BaseException) -> str:
    """The engine's error class or the Java exception at the root, which carry no data."""
    error_class = getattr(exc, "getCondition", getattr(exc, "getErrorClass", lambda: None))()
    if error_class:
        return f"Spark error {error_class}"
    roots = re.findall(r"Caused by: ([\w.$]+)", _error_text(exc))
    if roots:
        return roots[-1]
    found = re.match(r"[\w.$]+(?:Exception|Error)", str(exc))
    return found.group(0) if found else type(exc).__name__


@contextmanager
def _quiet_spark_log(frame: Any) -> Iterator[None]:
    """Silence a local Spark's log while it writes: a failed task logs the rows it was writing.

    Only a classic session logs to this process's stderr; ``WORKBENCH_SPARK_LOG_LEVEL`` keeps
    the chosen level.
    """
    context = _classic_context(frame)
    if context is None or "WORKBENCH_SPARK_LOG_LEVEL" in os.environ:
        yield
        return
    level = _root_log_level(context)
    context.setLogLevel("OFF")
    try:
        yield
    finally:
        context.setLogLevel(level)


def _classic_context(frame: Any) -> Any:
    try:
        return frame.sparkSession.sparkContext
    except Exception:  # Spark Connect sessions have no SparkContext in this process
        return None


def _root_log_level(context: Any) -> str:
    try:
        jvm = context._jvm
        return str(jvm.org.apache.logging.log4j.LogManager.getRootLogger().getLevel().toString())
    except Exception:
        return "ERROR"
