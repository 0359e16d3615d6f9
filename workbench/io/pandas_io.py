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
    jsonl_table,
    unified_schema,
)


def read_pandas(path: str | Path, csv: CsvOptions | None = None) -> pd.DataFrame:
    """Read a file or a directory of files into an Arrow-backed pandas frame."""
    p = Path(path)
    fmt = detect_format(p)
    files = data_files(p)
    options = csv or CsvOptions()
    if fmt is Format.CSV:
        return _read_csv(files, options)
    try:
        if fmt is Format.PARQUET:
            tables = [(f, pq.read_table(f)) for f in files]
        else:
            tables = [(f, jsonl_table(f)) for f in files if f.stat().st_size > 0]
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataIOError(f"cannot read {str(p)!r}: {exc}") from None
    if not tables:
        raise DataIOError(f"{str(p)!r} holds no rows and no columns (its files are empty)")
    schema = unified_schema([(f, t.schema) for f, t in tables], options.union_by_name)
    table = pa.concat_tables([_conformed(t, schema) for _, t in tables])
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _conformed(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A table with the input's columns in the input's order and types (null where it lacks one)."""
    columns = [
        table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(len(table), f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def _read_csv(files: list[Path], options: CsvOptions) -> pd.DataFrame:
    layout, batches = scan_csv(files, options.scan(), keep=True)
    tables = [aligned(b, layout, f.names) for f, b in zip(layout.files, batches, strict=True)]
    text = pa.concat_tables(tables).to_pandas(types_mapper=pd.ArrowDtype)
    return typed_text(text, layout.types)


def typed_text(text: pd.DataFrame, types: dict[str, LType]) -> pd.DataFrame:
    """Text columns read from a CSV file, cast to the types inferred for the file."""
    typed = {
        name: cast_pandas(text[name], LType.STRING, ltype)
        for name, ltype in types.items()
        if ltype is not LType.STRING
    }
    return text.assign(**typed) if typed else text
