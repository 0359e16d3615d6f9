"""Reading and writing Spark DataFrames with explicit schemas; directory outputs, atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.core.casting import cast_spark
from workbench.core.errors import DataIOError
from workbench.core.lazy import scol
from workbench.core.types import LType
from workbench.io.formats import (
    CsvOptions,
    Format,
    csv_column_names,
    data_files,
    detect_format,
    format_of_name,
    infer_text_schema,
    jsonl_schema,
    publishing,
)


def read_spark(session: Any, path: str | Path, csv: CsvOptions | None = None) -> Any:
    """A lazy Spark DataFrame over a file or directory, typed like ``read_pandas``."""
    from pyspark.sql import types as T

    from workbench.engines.spark.types import struct_of

    p = Path(path).resolve()
    fmt = detect_format(p)
    files = [str(f) for f in data_files(p)]
    if fmt is Format.PARQUET:
        return session.read.parquet(*files)
    if fmt is Format.JSONL:
        schema = {f.name: f.type for f in jsonl_schema(p)}
        from workbench.core.types import ltype_of_arrow

        logical = {name: ltype_of_arrow(t) for name, t in schema.items()}
        return session.read.schema(struct_of(logical)).json(files)
    options = csv or CsvOptions()
    names = csv_column_names(Path(files[0]), options)
    text_schema = T.StructType([T.StructField(n, T.StringType(), True) for n in names])
    reader = session.read.schema(text_schema).option("header", str(options.header).lower())
    reader = reader.option("sep", options.delimiter).option("mode", "PERMISSIVE")
    text = reader.csv(files)
    types = infer_text_schema(p, options)
    return text.select(
        *[
            cast_spark(scol(n), LType.STRING, types[n]).alias(n) if types[n] is not LType.STRING else scol(n)
            for n in names
        ]
    )


def write_spark(frame: Any, path: str | Path) -> None:
    """Write a directory of part files, atomically (local paths)."""
    p = Path(path).resolve()
    fmt = format_of_name(p)
    with publishing(p) as target:
        writer = frame.write.mode("error")
        if fmt is Format.CSV:
            writer.option("header", "true").option("timestampFormat", "yyyy-MM-dd HH:mm:ss").csv(str(target))
        elif fmt is Format.PARQUET:
            writer.parquet(str(target))
        else:
            writer.json(str(target))
        if not target.exists():
            raise DataIOError(f"Spark wrote nothing at {str(target)!r}; is the Spark server on this machine?")
