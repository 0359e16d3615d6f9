"""One pass over the CSV files of an input: their layout, their faults and the type of each column.

Both engines read a CSV input through this pass, so they agree on the columns, on the types
(inferred over every row of every file by default) and on the errors: a ragged row, an
unterminated quote or bytes that are not valid in the encoding fail the same way, naming the
file and the line, before any engine reads a row.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from workbench.core.casting import (
    FINITE_NUMBER,
    INFER_INTEGER,
    LONG_WHOLE,
    TEXT_PATTERNS,
    text_valid_pandas,
)
from workbench.core.errors import DataIOError
from workbench.core.types import LType
from workbench.engines.pandas.arrow import wrap

SAMPLE_ROWS = 10_000
"""Rows of each file whose values decide the types under ``on_type_mismatch="fail"``."""

TYPE_ORDER = (LType.BOOLEAN, LType.INTEGER, LType.DOUBLE, LType.DATE, LType.TIMESTAMP)
_NUMERIC = (LType.INTEGER, LType.DOUBLE)
_BLOCK = 1 << 22
_MAX_BLOCK = 1 << 31
_HINT = "check --encoding and --delimiter"


@dataclasses.dataclass(frozen=True)
class CsvFile:
    """One CSV file of an input as the pass found it."""

    path: Path
    names: tuple[str, ...]
    encoding: str
    multiline: bool
    """A quoted value holds a line break (Spark must then read the file whole)."""
    rows: int
    block: int = _BLOCK
    """Bytes per block that hold the file's longest value."""

    def batches(self, header: bool, delimiter: str) -> Iterator[pa.RecordBatch]:
        """The file's rows again, as text batches."""
        return file_batches(self.path, ReadSpec(header, delimiter, self.encoding), self.block)


@dataclasses.dataclass(frozen=True)
class CsvLayout:
    """The files of a CSV input and the logical type of each column, in column order."""

    files: tuple[CsvFile, ...]
    types: dict[str, LType]


_WIDER = {
    LType.BOOLEAN: (),
    LType.INTEGER: (LType.DOUBLE,),
    LType.DOUBLE: (),
    LType.DATE: (LType.TIMESTAMP,),
    LType.TIMESTAMP: (),
}
"""The types a column may widen to once some of its values fit one: every integer is a double
and every date a timestamp, while a value that fits one chain fits no other."""


@dataclasses.dataclass
class ColumnState:
    """The narrowest type the values seen so far fit (None before any value)."""

    fits: LType | None = None
    finite: bool = False
    """Some value is a real number, not only ``NaN`` or ``inf``."""
    padded: bool = False
    """Some value has a leading zero (a code such as a zip code): never a number."""

    def merge(self, other: ColumnState) -> None:
        self.fits = _join(self.fits, other.fits)
        self.finite |= other.finite
        self.padded |= other.padded

    def ltype(self) -> LType:
        if self.fits is None or (self.padded and self.fits in _NUMERIC):
            return LType.STRING
        if self.fits is LType.DOUBLE and not self.finite:
            return LType.STRING
        return self.fits


def _join(a: LType | None, b: LType | None) -> LType | None:
    if a is None or b is None or a is b:
        return b if a is None else a
    if b in _WIDER.get(a, ()):
        return b
    return a if a in _WIDER.get(b, ()) else LType.STRING


def observe(state: ColumnState, values: pa.Array) -> None:
    """Narrow a column's type by a batch of its text values."""
    if state.fits is LType.STRING:
        return
    present = pc.filter(values, pc.and_(pc.is_valid(values), pc.not_equal(values, "")))
    if len(present) == 0:
        return
    if not state.padded and state.fits in (None, *_NUMERIC):
        state.padded = _any(present, r"^\s*[+-]?0[0-9]")
    options = TYPE_ORDER if state.fits is None else (state.fits, *_WIDER[state.fits])
    allowed = [t for t in options if not (state.padded and t in _NUMERIC)]
    state.fits = next((t for t in allowed if _fits(present, t)), LType.STRING)
    if state.fits is LType.INTEGER:
        state.finite = True
    elif state.fits is LType.DOUBLE and not state.finite:
        state.finite = _any(present, FINITE_NUMBER)


def _any(values: pa.Array, pattern: str) -> bool:
    return bool(pc.any(pc.match_substring_regex(values, pattern)).as_py())


_SURE_DATE = (
    r"^\s*[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
    r"([ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])?\s*$"
)
"""Dates and times that exist in every month: only the others need the calendar check."""


def _fits(present: pa.Array, ltype: LType) -> bool:
    pattern = INFER_INTEGER if ltype is LType.INTEGER else TEXT_PATTERNS[ltype]
    if not pc.all(pc.match_substring_regex(present, pattern)).as_py():
        return False
    if ltype is LType.DOUBLE:
        return not _any(present, LONG_WHOLE)
    if ltype in (LType.DATE, LType.TIMESTAMP):
        unsure = pc.filter(present, pc.invert(pc.match_substring_regex(present, _SURE_DATE)))
        return bool(text_valid_pandas(wrap(unsure, pd.RangeIndex(len(unsure))), ltype).all())
    return True


def infer_text_column(values: pa.Array) -> LType:
    """The narrowest type that every non-empty value of a text column parses as."""
    state = ColumnState()
    observe(state, values)
    return state.ltype()


# --- encodings ---------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def file_encoding(path: Path, encoding: str) -> str:
    """The codec a file is decoded with: the one asked for, or the one its byte-order mark names."""
    with path.open("rb") as fh:
        head = fh.read(4)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise DataIOError(f"unknown encoding {encoding!r} (try utf-8, latin-1, cp1252 or utf-16)") from None


def _undecodable(path: Path, encoding: str) -> tuple[int, int] | None:
    """Line and byte offset of the first bytes that are not valid in the encoding."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line, offset = 1, 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            try:
                line += decoder.decode(chunk).count("\n")
            except UnicodeDecodeError as exc:
                start = max(exc.start, 0)
                line += chunk[:start].decode(encoding, errors="ignore").count("\n")
                return line, offset + start
            offset += len(chunk)
    return None


# --- reading one file --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ReadSpec:
    """How the text of one file is parsed."""

    header: bool
    delimiter: str
    encoding: str


def _options(spec: ReadSpec, block: int, names: list[str] | None, threads: bool = True) -> dict[str, Any]:
    read = pacsv.ReadOptions(
        autogenerate_column_names=not spec.header,
        block_size=block,
        encoding=spec.encoding,
        use_threads=threads,
    )
    parse = pacsv.ParseOptions(delimiter=spec.delimiter, newlines_in_values=True)
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.large_string()) if names is not None else None,
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        null_values=[""],
        auto_dict_encode=False,
    )
    return {"read_options": read, "parse_options": parse, "convert_options": convert}


def _source(path: Path) -> Any:
    # A header without a line break is a valid empty table; Arrow needs the line break.
    if path.stat().st_size < _BLOCK:
        data = path.read_bytes()
        if b"\n" not in data and b"\r" not in data:
            return pa.BufferReader(data + b"\n")
    return path


def _raw_names(path: Path, spec: ReadSpec, block: int) -> list[str]:
    with pacsv.open_csv(_source(path), **_options(spec, block, None)) as reader:
        return list(reader.schema.names)


def file_batches(path: Path, spec: ReadSpec, block: int = _BLOCK) -> Iterator[pa.RecordBatch]:
    """The rows of one file as batches of text columns, or a DataIOError naming file and line."""
    try:
        names = _raw_names(path, spec, block)
        with pacsv.open_csv(_source(path), **_options(spec, block, names)) as reader:
            yield from reader
    except pa.ArrowInvalid as exc:
        raise _read_error(path, spec, exc) from None
    except UnicodeDecodeError:
        raise _encoding_error(path, spec) from None


def _read_error(path: Path, spec: ReadSpec, exc: Exception) -> Exception:
    text = str(exc)
    if "straddl" in text:
        return _Straddle()
    if "Empty CSV file" in text:
        return DataIOError(f"{str(path)!r} is empty: it has no header row")
    if "UTF8" in text or "UTF-8" in text:
        return _encoding_error(path, spec)
    if "Expected" in text and "columns" in text:
        return _ragged_error(path, spec, text)
    return DataIOError(f"cannot read {str(path)!r}: {text.splitlines()[0]} ({_HINT})")


class _Straddle(Exception):
    """A value longer than the block: read the file again with bigger blocks."""


def _encoding_error(path: Path, spec: ReadSpec) -> DataIOError:
    where = _undecodable(path, spec.encoding)
    at = f" at line {where[0]}{_column_at(path, spec, where[1])} (byte {where[1]})" if where else ""
    return DataIOError(
        f"{str(path)!r} is not valid {spec.encoding}{at}; "
        "give the file's encoding with --encoding (e.g. --encoding latin-1)"
    )


def _column_at(path: Path, spec: ReadSpec, offset: int) -> str:
    """ ", column 'name'" for the field holding a byte offset, when the header can be read."""
    with path.open("rb") as fh:
        start = max(0, offset - (1 << 20))
        fh.seek(start)
        before = fh.read(offset - start)
    line = before[before.rfind(b"\n") + 1 :]
    delimiter, quote, fields, quoted = spec.delimiter.encode(), b'"'[0], 0, False
    for byte in line:
        quoted ^= byte == quote
        fields += not quoted and byte == delimiter[0]
    try:
        names = column_names(path, _raw_names(path, spec, _BLOCK), spec.header)
    except (pa.ArrowInvalid, UnicodeDecodeError, DataIOError):
        return ""
    return f", column {names[fields]!r}" if fields < len(names) else ""


def _ragged_error(path: Path, spec: ReadSpec, text: str) -> DataIOError:
    found: list[Any] = []

    def keep(row: Any) -> str:
        found.append(row)
        return "error"

    options = _options(spec, _BLOCK, None, threads=False)
    options["parse_options"].invalid_row_handler = keep
    with contextlib.suppress(pa.ArrowInvalid, UnicodeDecodeError):
        pacsv.read_csv(_source(path), **options)
    if not found:
        return DataIOError(f"cannot read {str(path)!r}: {text.splitlines()[0]} ({_HINT})")
    row = found[0]
    line = f"line {row.number}" if row.number is not None else "a row"
    return DataIOError(
        f"{str(path)!r}, {line}: {row.actual_columns} fields where the header has "
        f"{row.expected_columns} columns ({_HINT}; quote values that hold the delimiter, "
        "and close every quote)"
    )


# --- the pass ----------------------------------------------------------------------------


@dataclasses.dataclass
class _FileScan:
    names: list[str]
    states: dict[str, ColumnState]
    rows: int = 0
    multiline: bool = False
    last: str | None = None
    block: int = _BLOCK
    quoted: bool = True
    """The file holds a quote character (else no value can hold a line break)."""
    tables: list[pa.RecordBatch] = dataclasses.field(default_factory=list)


Check = Callable[[Path, int, pa.RecordBatch, list[str]], None]


def scan_file(
    path: Path,
    spec: ReadSpec,
    *,
    keep: bool = False,
    limit: int | None = None,
    check: Check | None = None,
) -> _FileScan:
    """Read one file once: its column names, what its values allow, and its rows when kept."""
    block = _BLOCK
    scan = _scan_growing(path, spec, block, keep, limit, check)
    while scan is None:
        if block >= _MAX_BLOCK:
            raise DataIOError(f"{str(path)!r} has a value longer than 2 GB")
        block *= 8
        scan = _scan_growing(path, spec, block, keep, limit, check)
    return scan


def _scan_growing(
    path: Path, spec: ReadSpec, block: int, keep: bool, limit: int | None, check: Check | None
) -> _FileScan | None:
    try:
        return _scan_once(path, spec, block, keep, limit, check)
    except _Straddle:
        return None


def _scan_once(
    path: Path, spec: ReadSpec, block: int, keep: bool, limit: int | None, check: Check | None
) -> _FileScan:
    scan: _FileScan | None = None
    for batch in file_batches(path, spec, block):
        if scan is None:
            scan = _FileScan(column_names(path, batch.schema.names, spec.header), {}, block=block)
            scan.states = {n: ColumnState() for n in scan.names}
            scan.quoted = _holds_quote(path)
        if limit is not None:
            batch = batch.slice(0, limit - scan.rows)
        if check is not None:
            check(path, scan.rows, batch, scan.names)
        _observe_batch(scan, batch)
        if keep:
            scan.tables.append(batch)
        if limit is not None and scan.rows >= limit:
            return scan
    if scan is None:
        names = column_names(path, _raw_names(path, spec, block), spec.header)
        scan = _FileScan(names, {n: ColumnState() for n in names}, block=block)
    if scan.last is not None and scan.quoted:
        _check_closed_quote(path, spec, scan.last)
    return scan


def _observe_batch(scan: _FileScan, batch: pa.RecordBatch) -> None:
    scan.rows += batch.num_rows
    for name, column in zip(scan.names, batch.columns, strict=True):
        observe(scan.states[name], column)
        if scan.quoted and not scan.multiline and _any(column, "[\r\n]"):
            scan.multiline = True
    if batch.num_rows and batch.num_columns:
        scan.last = batch.column(batch.num_columns - 1)[batch.num_rows - 1].as_py()


def _holds_quote(path: Path) -> bool:
    # A byte search runs at memory speed; UTF-16 quotes hold the same byte.
    with path.open("rb") as fh:
        return any(b'"' in chunk for chunk in iter(lambda: fh.read(1 << 24), b""))


def _check_closed_quote(path: Path, spec: ReadSpec, last: str) -> None:
    # A quote left open swallows the rest of the file into the last value of the last row; the
    # file then ends with that opening quote and the value (a closed one ends with the quote).
    raw = ('"' + last.replace('"', '""')).encode(_bomless(path, spec.encoding))
    size = path.stat().st_size
    if len(raw) > size:
        return
    with path.open("rb") as fh:
        fh.seek(size - len(raw))
        if fh.read() != raw:
            return
        fh.seek(0)
        before = fh.read(size - len(raw))
    line = before.decode(spec.encoding, errors="ignore").count("\n") + 1
    raise DataIOError(
        f"{str(path)!r}, line {line}: a quote opened there is never closed, so the rest of the file "
        'would become one value (close the quote, or escape a quote inside a value as "")'
    )


def _bomless(path: Path, encoding: str) -> str:
    if encoding != "utf-16":
        return encoding
    with path.open("rb") as fh:
        return "utf-16-be" if fh.read(2) == codecs.BOM_UTF16_BE else "utf-16-le"


def column_names(path: Path, read_names: Iterable[str], header: bool) -> list[str]:
    """A file's column names: its header (without a byte-order mark) or Column_1, Column_2, ..."""
    names = list(read_names)
    if not header:
        return [f"Column_{i + 1}" for i in range(len(names))]
    if names:
        names[0] = names[0].removeprefix("\ufeff")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DataIOError(f"{str(path)!r} repeats the column names {repeated}; column names must be unique")
    return names


# --- the files of an input ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ScanRequest:
    """What the pass over an input needs from the read options."""

    header: bool = True
    delimiter: str = ","
    encoding: str = "utf-8"
    fail_on_mismatch: bool = False
    union_by_name: bool = False


def scan_csv(
    files: list[Path], request: ScanRequest, *, keep: bool = False
) -> tuple[CsvLayout, list[list[pa.RecordBatch]]]:
    """The layout of a CSV input (and its rows when ``keep``), after one pass over every file.

    A layout is remembered for files whose size and modification time have not changed, so
    checking a recipe against an input and then reading it costs one pass, not two.
    """
    files = _non_empty(files)
    key = (tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files), request)
    known = _LAYOUTS.get(key)
    if known is not None:
        batches = [list(f.batches(request.header, request.delimiter)) if keep else [] for f in known.files]
        return known, batches
    layout, batches = _scan_all(files, request, keep)
    if len(_LAYOUTS) >= _REMEMBERED:
        _LAYOUTS.pop(next(iter(_LAYOUTS)))
    _LAYOUTS[key] = layout
    return layout, batches


_LAYOUTS: dict[Any, CsvLayout] = {}
_REMEMBERED = 32


def _scan_all(
    files: list[Path], request: ScanRequest, keep: bool
) -> tuple[CsvLayout, list[list[pa.RecordBatch]]]:
    specs = [ReadSpec(request.header, request.delimiter, file_encoding(f, request.encoding)) for f in files]
    check: Check | None = None
    if request.fail_on_mismatch:
        samples = [scan_file(f, s, limit=SAMPLE_ROWS) for f, s in zip(files, specs, strict=True)]
        check = _mismatch_check(_types(samples, _column_order(files, samples, request.union_by_name)))
    scans = [scan_file(f, s, keep=keep, check=check) for f, s in zip(files, specs, strict=True)]
    order = _column_order(files, scans, request.union_by_name)
    layout = CsvLayout(
        files=tuple(
            CsvFile(f, tuple(sc.names), s.encoding, sc.multiline, sc.rows, sc.block)
            for f, s, sc in zip(files, specs, scans, strict=True)
        ),
        types=_types(scans, order),
    )
    return layout, [sc.tables for sc in scans]


def _non_empty(files: list[Path]) -> list[Path]:
    # Empty part files are common in a directory written by a cluster; they hold no rows.
    kept = [f for f in files if f.stat().st_size > 0]
    if kept:
        return kept
    raise DataIOError(f"{str(files[0])!r} is empty (0 bytes): a CSV input needs at least a header row")


def _types(scans: list[_FileScan], order: list[str]) -> dict[str, LType]:
    merged = {name: ColumnState() for name in order}
    for scan in scans:
        for name, state in scan.states.items():
            merged[name].merge(state)
    return {name: state.ltype() for name, state in merged.items()}


def _column_order(files: list[Path], scans: list[_FileScan], union: bool) -> list[str]:
    order = list(dict.fromkeys(n for scan in scans for n in scan.names))
    if union:
        return order
    first = set(scans[0].names)
    for path, scan in zip(files[1:], scans[1:], strict=True):
        if set(scan.names) != first:
            missing = sorted(first - set(scan.names))
            extra = sorted(set(scan.names) - first)
            raise DataIOError(
                f"the files of the input have different columns: {str(path)!r} lacks {missing} "
                f"and has {extra} compared with {str(files[0])!r}; make the headers agree, or "
                "use --union-by-name to read every column (null where a file lacks it)"
            )
    return order


def _mismatch_check(types: dict[str, LType]) -> Check:
    def check(path: Path, before: int, batch: pa.RecordBatch, names: list[str]) -> None:
        for name, values in zip(names, batch.columns, strict=True):
            ltype = types.get(name, LType.STRING)
            if ltype is LType.STRING:
                continue
            present = pc.and_(pc.is_valid(values), pc.not_equal(values, ""))
            valid = pa.array(text_valid_pandas(wrap(values, pd.RangeIndex(len(values))), ltype).array)
            bad = pc.and_(present, pc.invert(pc.fill_null(valid, False)))
            if pc.any(bad).as_py():
                at = pc.index(bad, True).as_py()
                raise DataIOError(
                    f"{str(path)!r}, row {before + at + 1}, column {name!r}: value "
                    f"{values[at].as_py()!r} is not {ltype.value} (the type of the first {SAMPLE_ROWS} "
                    "rows of each file); use --on-type-mismatch widen to type the column by all rows"
                )

    return check


def aligned(batches: Iterable[pa.RecordBatch], layout: CsvLayout, names: tuple[str, ...]) -> pa.Table:
    """A file's text rows with the input's columns in the input's order (null where it lacks one)."""
    schema = pa.schema([(n, pa.large_string()) for n in layout.types])
    return pa.Table.from_batches([aligned_batch(b, layout, names) for b in batches], schema=schema)


def aligned_batch(batch: pa.RecordBatch, layout: CsvLayout, names: tuple[str, ...]) -> pa.RecordBatch:
    """One batch of a file's text rows with the input's columns in the input's order."""
    index = {n: i for i, n in enumerate(names)}
    columns = [
        batch.column(index[n]) if n in index else pa.nulls(batch.num_rows, pa.large_string())
        for n in layout.types
    ]
    return pa.RecordBatch.from_arrays(columns, names=list(layout.types))
