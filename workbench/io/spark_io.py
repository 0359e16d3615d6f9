"""Reading files into Spark DataFrames with explicit schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.core.casting import cast_spark
from workbench.core.lazy import scol
from workbench.core.types import LType
from workbench.io.formats import (
    CsvOptions,
    Format,
    data_files,
    detect_format,
    infer_text_schema,
    read_schema,
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
        return session.read.schema(struct_of(read_schema(p))).json(files)
    options = csv or CsvOptions()
    types = infer_text_schema(p, options)
    names = list(types)
    text_schema = T.StructType([T.StructField(n, T.StringType(), True) for n in names])
    reader = session.read.schema(text_schema).option("header", str(options.header).lower())
    # Quotes inside quoted fields are doubled (RFC 4180), as pyarrow reads and writes them.
    reader = reader.option("sep", options.delimiter).option("mode", "PERMISSIVE").option("escape", '"')
    text = reader.csv(files)
    return text.select(
        *[
            cast_spark(scol(n), LType.STRING, types[n]).alias(n) if types[n] is not LType.STRING else scol(n)
            for n in names
        ]
    )
