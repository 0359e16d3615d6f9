"""Reading files into pandas frames (Arrow-backed)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from workbench.core.casting import cast_pandas
from workbench.core.errors import DataIOError
from workbench.core.types import LType
from workbench.io.csv_scan import aligned, scan_csv
from workbench.io.formats import (
    CsvOptions,
    Format,
    data_files,
    detect_format,
    is_table_name,
    jsonl_table,
    unified_schema,
)


def read_pandas(path: str | Path, csv: CsvOptions | None = None, *, where: str | None = None) -> pd.DataFrame:
    """Read a file, a directory of files or a catalog table (``catalog:DB.TABLE``) into an
    Arrow-backed pandas frame; ``where`` prunes a catalog table's partitions before any file is read."""
    if is_table_name(path):
        from workbench.catalog.tables import read_table_pandas

        return read_table_pandas(str(path), csv, where=where)
    p = Path(path)
    frame, _ = read_pandas_files(data_files(p), detect_format(p), csv, source=str(p))
    return frame


def read_pandas_files(
    files: list[Path], fmt: Format, csv: CsvOptions | None = None, *, source: str = ""
) -> tuple[pd.DataFrame, list[int]]:
    """Data files of one format as one frame, with the number of rows each file gave (in order)."""
    options = csv or CsvOptions()
    if fmt is Format.CSV:
        return _read_csv(files, options)
    try:
        if fmt is Format.PARQUET:
            tables = [(f, pq.read_table(f)) for f in files]
        else:
            tables = [(f, jsonl_table(f)) for f in files if f.stat().st_size > 0]
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataIOError(f"cannot read {source or str(files[0])!r}: {exc}") from None
    if not tables:
        raise DataIOError(f"{source!r} holds no rows and no columns (its files are empty)")
    schema = unified_schema([(f, t.schema) for f, t in tables], options.union_by_name)
    table = pa.concat_tables([_conformed(t, schema) for _, t in tables])
    counts = dict.fromkeys(files, 0) | {f: len(t) for f, t in tables}
    return table.to_pandas(types_mapper=pd.ArrowDtype), [counts[f] for f in files]


def _conformed(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A table with the input's columns in the input's order and types (null where it lacks one)."""
    columns = [
        table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(len(table), f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def _read_csv(files: list[Path], options: CsvOptions) -> tuple[pd.DataFrame, list[int]]:
    layout, batches = scan_csv(files, options.scan(), keep=True)
    tables = [aligned(b, layout, f.names) for f, b in zip(layout.files, batches, strict=True)]
    text = pa.concat_tables(tables).to_pandas(types_mapper=pd.ArrowDtype)
    counts = {f.path: len(t) for f, t in zip(layout.files, tables, strict=True)}
    return typed_text(text, layout.types), [counts.get(f, 0) for f in files]


def typed_text(text: pd.DataFrame, types: dict[str, LType]) -> pd.DataFrame:
    """Text columns read from a CSV file, cast to the types inferred for the file."""
    typed = {
        name: cast_pandas(text[name], LType.STRING, ltype)
        for name, ltype in types.items()
        if ltype is not LType.STRING
    }
    return text.assign(**typed) if typed else text
