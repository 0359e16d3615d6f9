"""Reading files into pandas frames (Arrow-backed)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from workbench.core.casting import cast_pandas
from workbench.core.errors import DataIOError
from workbench.core.types import LType
from workbench.io.formats import (
    CsvOptions,
    Format,
    _all_text,
    csv_read_options,
    data_files,
    detect_format,
    infer_text_schema,
    jsonl_schema,
)


def read_pandas(path: str | Path, csv: CsvOptions | None = None) -> pd.DataFrame:
    """Read a file or a directory of files into an Arrow-backed pandas frame."""
    p = Path(path)
    fmt = detect_format(p)
    files = data_files(p)
    try:
        if fmt is Format.CSV:
            return _read_csv(p, files, csv or CsvOptions())
        if fmt is Format.PARQUET:
            table = pa.concat_tables([pq.read_table(f) for f in files])
        else:
            schema = jsonl_schema(p)
            opts = pajson.ParseOptions(explicit_schema=schema)
            table = pa.concat_tables([pajson.read_json(f, parse_options=opts) for f in files])
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataIOError(f"cannot read {str(p)!r}: {exc}") from None
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _read_csv(path: Path, files: list[Path], options: CsvOptions) -> pd.DataFrame:
    schema = infer_text_schema(path, options)
    names = list(schema)
    read, parse = csv_read_options(options)
    tables = []
    for f in files:
        table = pacsv.read_csv(f, read_options=read, parse_options=parse, convert_options=_all_text(None))
        if table.num_columns != len(names):
            raise DataIOError(f"{str(f)!r} has {table.num_columns} columns, expected {len(names)}")
        tables.append(table.rename_columns(names).cast(pa.schema([(n, pa.large_string()) for n in names])))
    return typed_text(pa.concat_tables(tables).to_pandas(types_mapper=pd.ArrowDtype), schema)


def typed_text(text: pd.DataFrame, types: dict[str, LType]) -> pd.DataFrame:
    """Text columns read from a CSV file, cast to the types inferred for the file."""
    typed = {
        name: cast_pandas(text[name], LType.STRING, ltype)
        for name, ltype in types.items()
        if ltype is not LType.STRING
    }
    return text.assign(**typed) if typed else text
