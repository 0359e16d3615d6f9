"""Format detection and schema inference shared by both engines."""

from __future__ import annotations

import dataclasses
from enum import Enum
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from workbench.core.casting import INFER_INTEGER, TEXT_PATTERNS, text_valid_pandas
from workbench.core.errors import DataIOError, RecipeError
from workbench.core.types import LType, Schema, ltype_of_arrow
from workbench.engines.pandas.arrow import wrap

SAMPLE_ROWS = 10_000
"""Rows of a text file whose values decide each column's type."""


class Format(str, Enum):
    CSV = "csv"
    PARQUET = "parquet"
    JSONL = "jsonl"


_EXTENSIONS = {
    ".csv": Format.CSV,
    ".tsv": Format.CSV,
    ".parquet": Format.PARQUET,
    ".pq": Format.PARQUET,
    ".jsonl": Format.JSONL,
    ".ndjson": Format.JSONL,
    ".json": Format.JSONL,
}


@dataclasses.dataclass(frozen=True)
class CsvOptions:
    """How a CSV file is read: header row or not, and the delimiter."""

    header: bool = True
    delimiter: str = ","


def format_of_name(path: str | Path) -> Format:
    """The format an output path asks for, by its extension."""
    suffix = Path(str(path).rstrip("/")).suffix.lower()
    try:
        return _EXTENSIONS[suffix]
    except KeyError:
        known = ", ".join(sorted(_EXTENSIONS))
        raise RecipeError(
            f"cannot tell the format of {str(path)!r}: use one of the extensions {known}"
        ) from None


def data_files(path: Path) -> list[Path]:
    """The data files of an input: the file itself, or the data files inside a directory."""
    if path.is_file():
        return [path]
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in _EXTENSIONS and not p.name.startswith((".", "_"))
        )
        if files:
            return files
        raise DataIOError(f"{str(path)!r} is a directory with no .csv, .parquet or .jsonl files")
    raise DataIOError(f"input {str(path)!r} does not exist")


def detect_format(path: str | Path) -> Format:
    """The format of an input file or directory."""
    files = data_files(Path(path))
    formats = {format_of_name(f) for f in files}
    if len(formats) > 1:
        raise DataIOError(f"{str(path)!r} mixes formats {sorted(f.value for f in formats)}")
    return formats.pop()


# --- schema inference --------------------------------------------------------------------

_TEXT_TYPE_ORDER = (LType.BOOLEAN, LType.INTEGER, LType.DOUBLE, LType.DATE, LType.TIMESTAMP)


def infer_text_column(values: pa.Array) -> LType:
    """The narrowest type that every non-empty value of a text sample parses as."""
    present = pc.filter(values, pc.and_(pc.is_valid(values), pc.not_equal(values, "")))
    if len(present) == 0:
        return LType.STRING
    # Codes with leading zeros (zip codes, ids) stay text: a number would lose the zeros.
    padded = pc.any(pc.match_substring_regex(present, r"^\s*[+-]?0[0-9]")).as_py()
    for ltype in _TEXT_TYPE_ORDER:
        if padded and ltype in (LType.INTEGER, LType.DOUBLE):
            continue
        pattern = INFER_INTEGER if ltype is LType.INTEGER else TEXT_PATTERNS[ltype]
        if pc.all(pc.match_substring_regex(present, pattern)).as_py():
            real_dates = ltype not in (LType.DATE, LType.TIMESTAMP) or bool(
                text_valid_pandas(wrap(present, pd.RangeIndex(len(present))), ltype).all()
            )
            if real_dates:
                return ltype
    return LType.STRING


def csv_read_options(options: CsvOptions) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions]:
    read = pacsv.ReadOptions(autogenerate_column_names=not options.header, block_size=1 << 22)
    parse = pacsv.ParseOptions(delimiter=options.delimiter)
    return read, parse


def _column_names(path: Path, read_names: list[str], options: CsvOptions) -> list[str]:
    names = list(read_names) if options.header else [f"Column_{i + 1}" for i in range(len(read_names))]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DataIOError(f"{str(path)!r} repeats the column names {repeated}; column names must be unique")
    return names


def _all_text(names: list[str] | None) -> pacsv.ConvertOptions:
    # Every column is read as text; empty unquoted fields are null, quoted "" stays "".
    return pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.large_string()) if names else None,
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        null_values=[""],
        auto_dict_encode=False,
    )


def csv_sample(path: Path, options: CsvOptions) -> pa.Table:
    """The first ``SAMPLE_ROWS`` rows of a CSV file, all as text."""
    read, parse = csv_read_options(options)
    batches = []
    rows = 0
    with pacsv.open_csv(
        path, read_options=read, parse_options=parse, convert_options=_all_text(None)
    ) as reader:
        for batch in reader:
            batches.append(batch)
            rows += batch.num_rows
            if rows >= SAMPLE_ROWS:
                break
        schema = reader.schema
    table = pa.Table.from_batches(batches, schema=schema) if batches else schema.empty_table()
    return table.slice(0, SAMPLE_ROWS)


def infer_text_schema(path: Path, options: CsvOptions) -> Schema:
    """The logical schema of a CSV input, from a sample of its first file."""
    first = data_files(path)[0]
    sample = csv_sample(first, options)
    names = _column_names(first, sample.column_names, options)
    return {
        name: infer_text_column(sample.column(i).combine_chunks().cast(pa.large_string()))
        for i, name in enumerate(names)
    }


def jsonl_schema(path: Path) -> pa.Schema:
    """The Arrow schema pyarrow infers from the first block of the first JSON Lines file."""
    first = data_files(path)[0]
    try:
        with pajson.open_json(first, read_options=pajson.ReadOptions(block_size=1 << 22)) as reader:
            return reader.schema
    except pa.ArrowInvalid as exc:
        raise DataIOError(f"{str(first)!r} is not valid JSON Lines: {exc}") from None


def read_schema(path: str | Path, csv: CsvOptions | None = None) -> Schema:
    """An input's logical schema, without reading all of its data."""
    p = Path(path)
    fmt = detect_format(p)
    if fmt is Format.CSV:
        return infer_text_schema(p, csv or CsvOptions())
    schema = pq.read_schema(data_files(p)[0]) if fmt is Format.PARQUET else jsonl_schema(p)
    return {f.name: ltype_of_arrow(f.type) for f in schema}
