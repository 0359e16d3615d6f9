"""Reading files into Spark DataFrames with explicit schemas."""

from __future__ import annotations

from functools import reduce
from pathlib import Path
from typing import Any

from workbench.core.casting import cast_spark
from workbench.core.lazy import F, scol
from workbench.core.types import LType, ltype_of_arrow, spark_ddl
from workbench.io.csv_scan import CsvFile, scan_csv
from workbench.io.formats import (
    CsvOptions,
    Format,
    data_files,
    detect_format,
    file_schemas_of,
    is_table_name,
    unified_schema,
)

_LINE_ENCODINGS = ("utf-8", "ascii")
"""Encodings whose line breaks are the bytes of ASCII, so Spark may split a file into lines."""


def read_spark(
    session: Any, path: str | Path, csv: CsvOptions | None = None, *, where: str | None = None
) -> Any:
    """A lazy Spark DataFrame over a file, a directory or a catalog table, typed like ``read_pandas``."""
    if is_table_name(path):
        from workbench.catalog.tables import read_table_spark

        return read_table_spark(session, str(path), csv, where=where)
    p = Path(path).resolve()
    return read_spark_files(session, data_files(p), detect_format(p), csv)


def read_spark_files(session: Any, files: list[Path], fmt: Format, csv: CsvOptions | None = None) -> Any:
    """A lazy Spark DataFrame over data files of one format (Spark reads exactly these files)."""
    options = csv or CsvOptions()
    if fmt is Format.CSV:
        return _read_csv(session, files, options)
    schemas = file_schemas_of(files, fmt)
    schema = unified_schema(schemas, options.union_by_name)
    if fmt is Format.JSONL:
        # The Arrow schema the pandas reader infers, nested fields included, as Spark's own types.
        ddl = ", ".join(f"`{f.name.replace('`', '``')}` {spark_ddl(f.type)}" for f in schema)
        if not ddl:
            from workbench.engines.spark.types import struct_of

            return session.read.schema(struct_of({})).json([str(f) for f, s in schemas if len(s)])
        return session.read.schema(ddl).json([str(f) for f, s in schemas if len(s)])
    groups: dict[Any, list[str]] = {}
    for f, s in schemas:
        groups.setdefault(s, []).append(str(f))
    if len(groups) == 1:
        return session.read.parquet(*next(iter(groups.values())))
    frames = [
        _conformed(session.read.parquet(*files), file_schema, schema) for file_schema, files in groups.items()
    ]
    return reduce(lambda a, b: a.unionByName(b), frames)


def _conformed(frame: Any, own: Any, schema: Any) -> Any:
    from workbench.engines.spark.types import spark_type

    columns = []
    for field in schema:
        ltype = ltype_of_arrow(field.type)
        if field.name not in own.names:
            columns.append(F.lit(None).cast(spark_type(ltype)).alias(field.name))
        elif own.field(field.name).type != field.type:
            columns.append(scol(field.name).cast(spark_type(ltype)).alias(field.name))
        else:
            columns.append(scol(field.name))
    return frame.select(*columns)


def _read_csv(session: Any, files: list[Path], options: CsvOptions) -> Any:
    layout, _ = scan_csv(files, options.scan())
    groups: dict[tuple[tuple[str, ...], str, bool], list[CsvFile]] = {}
    for f in layout.files:
        whole = f.multiline or f.encoding not in _LINE_ENCODINGS
        groups.setdefault((f.names, f.encoding, whole), []).append(f)
    frames = [
        _read_text(session, key, [str(f.path) for f in group], options, layout.types)
        for key, group in groups.items()
    ]
    text = reduce(lambda a, b: a.unionByName(b), frames)
    return text.select(
        *[
            cast_spark(scol(n), LType.STRING, t).alias(n) if t is not LType.STRING else scol(n)
            for n, t in layout.types.items()
        ]
    )


def _read_text(
    session: Any,
    key: tuple[tuple[str, ...], str, bool],
    files: list[str],
    options: CsvOptions,
    types: dict[str, LType],
) -> Any:
    from pyspark.sql import types as T

    names, encoding, whole = key
    # Spark reads by position: the schema lists the file's own columns in the file's own order,
    # and the input's columns are then taken by name.
    schema = T.StructType([T.StructField(n, T.StringType(), True) for n in names])
    reader = session.read.schema(schema).option("header", str(options.header).lower())
    # Quotes inside quoted fields are doubled (RFC 4180), as pyarrow reads and writes them.
    reader = reader.option("sep", options.delimiter).option("mode", "PERMISSIVE").option("escape", '"')
    reader = reader.option("encoding", _java_charset(encoding)).option("multiLine", str(whole).lower())
    text = reader.csv(files)
    return text.select(*[scol(n) if n in names else F.lit(None).cast("string").alias(n) for n in types])


def _java_charset(encoding: str) -> str:
    return {"utf-8": "UTF-8", "utf-16": "UTF-16", "iso8859-1": "ISO-8859-1", "cp1252": "windows-1252"}.get(
        encoding, encoding
    )
