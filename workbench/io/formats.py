"""Format detection and schema inference shared by both engines."""

from __future__ import annotations

import dataclasses
import functools
from enum import Enum
from pathlib import Path

import pyarrow as pa
import pyarrow.json as pajson
import pyarrow.parquet as pq

from workbench.core.errors import DataIOError, RecipeError
from workbench.core.types import LType, Schema, ltype_of_arrow
from workbench.io.csv_scan import SAMPLE_ROWS, CsvLayout, ScanRequest, infer_text_column, scan_csv

__all__ = ["SAMPLE_ROWS", "CsvOptions", "Format", "infer_text_column", "read_schema"]


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


MISMATCH_MODES = ("widen", "fail")


@dataclasses.dataclass(frozen=True)
class CsvOptions:
    """How an input is read (the read options of every format, despite the name).

    ``header`` and ``delimiter`` shape a CSV file; ``encoding`` decodes it (a byte-order mark
    overrides it). ``on_type_mismatch="widen"`` types each column by every row of every file,
    so no value is lost; ``"fail"`` types it by the first rows of each file and refuses a later
    value that does not fit, naming file, row, column and value. ``union_by_name`` reads the
    files of a directory whose columns differ (null where a file lacks a column) instead of
    refusing them.
    """

    header: bool = True
    delimiter: str = ","
    encoding: str = "utf-8"
    on_type_mismatch: str = "widen"
    union_by_name: bool = False

    def __post_init__(self) -> None:
        if self.on_type_mismatch not in MISMATCH_MODES:
            raise RecipeError(
                f"on_type_mismatch must be one of {list(MISMATCH_MODES)}, not {self.on_type_mismatch!r}"
            )
        if len(self.delimiter) != 1:
            raise RecipeError(f"the CSV delimiter must be one character, not {self.delimiter!r}")

    def scan(self) -> ScanRequest:
        """The options of the pass over a CSV input."""
        return ScanRequest(
            self.header, self.delimiter, self.encoding, self.on_type_mismatch == "fail", self.union_by_name
        )


TABLE_PREFIX = "catalog:"
"""An input or output named ``catalog:DB.TABLE`` is a table of the catalog, not a path."""


def check_where(where: str | None, spec: object) -> None:
    """Refuse ``--where`` on an input that is not a ``catalog:DB.TABLE`` (it prunes partitions)."""
    if where and not is_table_name(spec):
        from workbench.io.locations import remote_url

        name = remote_url(str(spec)) or str(spec)
        raise RecipeError(f"--where prunes the partitions of a catalog:DB.TABLE input; {name!r} is a path")


def is_table_name(path: object) -> bool:
    """Whether ``path`` names a catalog table (``catalog:DB.TABLE``) rather than a file."""
    return str(path).startswith(TABLE_PREFIX)


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
    """The data files of an input: the file itself, or the data files inside a directory.

    A directory with a ``_manifest.json`` gives the files its manifest lists, never a listing.
    """
    if path.is_file():
        return [path]
    if path.is_dir():
        from workbench.jobs.manifest import manifest_files

        listed = manifest_files(path)  # a bookmarked output folder is read through its manifest
        if listed is not None:
            if listed:
                return listed
            raise DataIOError(f"{str(path)!r} has a manifest that lists no files yet")
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


# --- schemas -----------------------------------------------------------------------------


def csv_layout(path: Path, options: CsvOptions) -> CsvLayout:
    """The files, columns and types of a CSV input, from one pass over all of its rows."""
    return scan_csv(data_files(path), options.scan())[0]


def infer_text_schema(path: Path, options: CsvOptions) -> Schema:
    """The logical schema of a CSV input (see ``CsvOptions`` for how types are decided)."""
    return csv_layout(path, options).types


def file_schemas(path: Path, fmt: Format) -> list[tuple[Path, pa.Schema]]:
    """The Arrow schema of each Parquet or JSON Lines file of an input."""
    return file_schemas_of(data_files(path), fmt)


def file_schemas_of(files: list[Path], fmt: Format) -> list[tuple[Path, pa.Schema]]:
    """The Arrow schema of each of these Parquet or JSON Lines files."""
    if fmt is Format.PARQUET:
        return [(f, _parquet_schema(f)) for f in files]
    return [(f, _jsonl_schema(str(f), f.stat().st_size, f.stat().st_mtime_ns)) for f in files]


@functools.lru_cache(maxsize=64)
def _jsonl_schema(path: str, size: int, mtime_ns: int) -> pa.Schema:
    # Keyed by size and modification time: checking a recipe and then reading reads a file once.
    return jsonl_table(Path(path)).schema


def _parquet_schema(path: Path) -> pa.Schema:
    try:
        return pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataIOError(f"{str(path)!r} is not a readable Parquet file: {exc}") from None


def jsonl_table(path: Path) -> pa.Table:
    """A JSON Lines file, typed by all of its lines (one block), or an error naming the line."""
    if path.stat().st_size == 0:
        return pa.table({})
    block = max(1 << 20, min(path.stat().st_size + 1, 1 << 31))
    try:
        return pajson.read_json(path, read_options=pajson.ReadOptions(block_size=block))
    except pa.ArrowInvalid as exc:
        raise DataIOError(_json_problem(path, str(exc))) from None


def _json_problem(path: Path, text: str) -> str:
    import re

    changed = re.search(r"Column\((.*?)\) changed from (\w+) to (\w+) in row (\d+)", text)
    if changed:
        field, was, now, row = changed.groups()
        return (
            f"{str(path)!r}, line {int(row) + 1}: field {field.lstrip('/')!r} is a {now} here but a "
            f"{was} before; JSON Lines fields keep one type (quote the values to read them as text)"
        )
    return f"{str(path)!r} is not valid JSON Lines: {text.splitlines()[0]}"


def unified_schema(schemas: list[tuple[Path, pa.Schema]], union_by_name: bool) -> pa.Schema:
    """One schema for the files of an input: columns matched by name, numbers promoted losslessly."""
    first_path, first = schemas[0]
    fields: dict[str, pa.Field] = {}
    for path, schema in schemas:
        if not union_by_name and set(schema.names) != set(first.names):
            missing = sorted(set(first.names) - set(schema.names))
            extra = sorted(set(schema.names) - set(first.names))
            raise DataIOError(
                f"the files of the input have different columns: {str(path)!r} lacks {missing} and has "
                f"{extra} compared with {str(first_path)!r}; use --union-by-name to read every column"
            )
        for field in schema:
            known = fields.get(field.name)
            fields[field.name] = field if known is None else _promoted(known, field, path, first_path)
    return pa.schema(list(fields.values()))


def _promoted(known: pa.Field, field: pa.Field, path: Path, first: Path) -> pa.Field:
    a, b = known.type, field.type
    if a == b or pa.types.is_null(b):
        return known
    if pa.types.is_null(a):
        return field
    if pa.types.is_integer(a) and pa.types.is_integer(b):
        return pa.field(known.name, pa.int64())
    if _is_number(a) and _is_number(b):
        # JSON writes 2 and 2.5 alike: a column holding both is a double column.
        return pa.field(known.name, pa.float64())
    if {ltype_of_arrow(a), ltype_of_arrow(b)} == {LType.STRING}:
        return pa.field(known.name, pa.large_string())
    raise DataIOError(
        f"column {known.name!r} is {a} in {str(first)!r} but {b} in {str(path)!r}; "
        "the files of an input must agree on each column's type"
    )


def _is_number(t: pa.DataType) -> bool:
    return bool(pa.types.is_integer(t) or pa.types.is_floating(t))


def read_schema(path: str | Path, csv: CsvOptions | None = None, *, where: str | None = None) -> Schema:
    """An input's logical schema (a CSV input's types come from the pass over its rows).

    A catalog table (``catalog:DB.TABLE``) has the schema of its (pruned) files plus its
    partition keys.
    """
    if is_table_name(path):
        from workbench.catalog.tables import table_schema

        return table_schema(str(path), csv, where=where)
    p = Path(path)
    return files_schema(data_files(p), detect_format(p), csv)


def files_schema(files: list[Path], fmt: Format, csv: CsvOptions | None = None) -> Schema:
    """The logical schema of data files of one format, read together."""
    options = csv or CsvOptions()
    if fmt is Format.CSV:
        return scan_csv(files, options.scan())[0].types
    schema = unified_schema(file_schemas_of(files, fmt), options.union_by_name)
    return {f.name: ltype_of_arrow(f.type) for f in schema}
