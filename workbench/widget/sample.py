"""Sources of the notebook session and the sample of rows the grid shows.

A source is a pandas DataFrame, a file or directory (CSV, Parquet, JSON Lines, Excel), or a Spark
DataFrame (classic or Spark Connect). A sample is a pandas frame in the form the pandas engine
replays on, with a fresh 0..n-1 row index: the grid's row numbers are positions in the sample,
and an index the user's frame carried is not part of the data a recipe sees.

Files are read without loading all of them when the sample allows it: the first rows of a CSV,
Parquet or JSON Lines file stop the reader early; the last rows and a random sample stream the
file twice (count, then take) and keep only the chosen rows in memory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.json as pajson
import pyarrow.parquet as pq

from workbench.core.errors import DataIOError, RecipeError
from workbench.engines.pandas import PandasEngine, canonical_series
from workbench.io.csv_scan import aligned_batch
from workbench.io.formats import (
    CsvOptions,
    Format,
    csv_layout,
    data_files,
    detect_format,
    file_schemas,
    unified_schema,
)
from workbench.io.pandas_io import typed_text

SampleMode = Literal["FIRST_N", "LAST_N", "RANDOM", "FULL"]
MODES: tuple[SampleMode, ...] = ("FIRST_N", "LAST_N", "RANDOM", "FULL")
DEFAULT_SIZE = 50_000
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_BATCH_ROWS = 65_536


@dataclasses.dataclass(frozen=True)
class SampleSpec:
    """Which rows of the source the session works on: the first, last or a random N, or all.

    ``seed`` makes RANDOM reproducible (None draws a different sample each time).
    """

    mode: str = "FIRST_N"
    size: int = DEFAULT_SIZE
    seed: int | None = 0

    def __post_init__(self) -> None:
        mode = str(self.mode).strip().upper()
        if mode not in MODES:
            raise RecipeError(f"unknown sample mode {self.mode!r}; use one of {', '.join(MODES)}")
        object.__setattr__(self, "mode", mode)
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 1:
            raise RecipeError(f"a sample size is a whole number of rows above 0, not {self.size!r}")


@dataclasses.dataclass
class Sample:
    """The sampled rows and the SampleInfo dict (protocol.ts) describing them."""

    frame: pd.DataFrame
    info: dict[str, Any]


def sample_info(spec: SampleSpec, rows: int, total: int | None) -> dict[str, Any]:
    """The SampleInfo dict: the effective mode (FULL when every row is in), sizes and a label."""
    mode = "FULL" if spec.mode == "FULL" or (total is not None and rows >= total) else spec.mode
    seed = spec.seed if mode == "RANDOM" else None
    return {"mode": mode, "size": rows, "seed": seed, "totalRows": total, "label": _label(mode, rows, total)}


def _label(mode: str, rows: int, total: int | None) -> str:
    noun = "row" if (total if total is not None else rows) == 1 else "rows"
    if mode == "FULL":
        return f"all {rows:,} {noun}"
    word = {"FIRST_N": "first", "LAST_N": "last", "RANDOM": "random"}[mode]
    if total is None:
        return f"{word} {rows:,} {noun}"
    return f"{word} {rows:,} of {total:,} {noun}"


def positions(spec: SampleSpec, total: int) -> np.ndarray:
    """The 0-based row positions a sample of ``total`` rows takes, in source order."""
    if spec.mode == "FULL" or spec.size >= total:
        return np.arange(total, dtype=np.int64)
    if spec.mode == "FIRST_N":
        return np.arange(spec.size, dtype=np.int64)
    if spec.mode == "LAST_N":
        return np.arange(total - spec.size, total, dtype=np.int64)
    rng = np.random.default_rng(spec.seed)
    return np.sort(rng.choice(total, size=spec.size, replace=False)).astype(np.int64)


def prepared(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame as the pandas engine takes it, with a 0..n-1 row index."""
    frame = PandasEngine().prepare(frame)
    if isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1:
        return frame
    return frame.reset_index(drop=True)


# --- sources -------------------------------------------------------------------------------------


class Source:
    """Where the session's data comes from; takes samples and reads all of it for ``result``."""

    kind = "source"

    def sample(self, spec: SampleSpec) -> Sample:
        """The rows ``spec`` asks for, as a prepared pandas frame."""
        raise NotImplementedError

    def full_pandas(self) -> pd.DataFrame:
        """All rows as a pandas frame."""
        raise NotImplementedError

    def spark_frame(self, session: Any) -> Any:
        """All rows as a (lazy) Spark DataFrame on ``session``."""
        raise NotImplementedError

    def describe(self) -> str:
        """A short name of the source for messages."""
        return self.kind


def open_source(data: Any) -> Source:
    """The Source of a pandas DataFrame, a path, or a Spark DataFrame."""
    if isinstance(data, Source):
        return data
    if isinstance(data, pd.DataFrame):
        return FrameSource(data)
    if isinstance(data, (str, Path)):
        return FileSource(Path(data))
    from workbench.engines.spark import is_spark_frame

    if is_spark_frame(data):
        return SparkSource(data)
    msg = f"cannot open {type(data).__name__}: give a pandas DataFrame, a file path or a Spark DataFrame"
    raise TypeError(msg)


def read_frame(data: Any) -> pd.DataFrame:
    """All rows of a pandas frame, a path or a Spark frame, as a prepared pandas frame."""
    return prepared(open_source(data).full_pandas())


class FrameSource(Source):
    """A pandas DataFrame in memory."""

    kind = "pandas"

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def sample(self, spec: SampleSpec) -> Sample:
        total = len(self.frame)
        rows = positions(spec, total)
        frame = self.frame if len(rows) == total else self.frame.iloc[rows]
        return Sample(prepared(frame), sample_info(spec, len(rows), total))

    def full_pandas(self) -> pd.DataFrame:
        return self.frame

    def spark_frame(self, session: Any) -> Any:
        return spark_from_pandas(session, self.frame)

    def describe(self) -> str:
        return "a pandas DataFrame"


def spark_from_pandas(session: Any, frame: pd.DataFrame) -> Any:
    """A Spark DataFrame holding a pandas frame's rows (through Arrow)."""
    table = PandasEngine().to_arrow(prepared(frame))
    return session.createDataFrame(table)


class FileSource(Source):
    """A CSV, Parquet, JSON Lines or Excel file, or a directory of one of the first three."""

    kind = "file"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.excel = path.suffix.lower() in EXCEL_SUFFIXES
        if self.excel:
            if not path.is_file():
                raise DataIOError(f"input {str(path)!r} does not exist")
            self.format: Format | None = None
        else:
            self.format = detect_format(path)
        self._csv = csv_layout(path, CsvOptions()) if self.format is Format.CSV else None
        self._csv_types = self._csv.types if self._csv is not None else None

    def describe(self) -> str:
        return str(self.path)

    def full_pandas(self) -> pd.DataFrame:
        if self.excel:
            return read_excel(self.path)
        from workbench.io.pandas_io import read_pandas

        return read_pandas(self.path)

    def spark_frame(self, session: Any) -> Any:
        if self.excel:
            return spark_from_pandas(session, read_excel(self.path))
        from workbench.io.spark_io import read_spark

        return read_spark(session, self.path)

    def sample(self, spec: SampleSpec) -> Sample:
        if self.excel:
            return FrameSource(read_excel(self.path)).sample(spec)
        if spec.mode == "FIRST_N":
            return self._first(spec)
        if spec.mode == "FULL":
            table = pa.Table.from_batches(list(self._batches()), schema=self._schema())
            return Sample(self._frame(table), sample_info(spec, table.num_rows, table.num_rows))
        total = self.total_rows()
        table = _take(self._batches(), positions(spec, total), self._schema())
        return Sample(self._frame(table), sample_info(spec, table.num_rows, total))

    def total_rows(self) -> int:
        """Rows in the whole input: from Parquet footers, else by streaming the file once."""
        if self.format is Format.PARQUET:
            return sum(pq.ParquetFile(f).metadata.num_rows for f in data_files(self.path))
        return sum(batch.num_rows for batch in self._batches())

    def _first(self, spec: SampleSpec) -> Sample:
        batches: list[pa.RecordBatch] = []
        rows = 0
        for batch in self._batches():
            batches.append(batch)
            rows += batch.num_rows
            if rows > spec.size:
                break
        table = pa.Table.from_batches(batches, schema=self._schema())
        complete = rows <= spec.size
        total = rows if complete else self._known_total()
        table = table.slice(0, spec.size)
        return Sample(self._frame(table), sample_info(spec, table.num_rows, total))

    def _known_total(self) -> int | None:
        """The row count when it costs no scan (Parquet keeps it in the footer)."""
        return self.total_rows() if self.format is Format.PARQUET else None

    def _schema(self) -> pa.Schema:
        if self._csv_types is not None:
            return pa.schema([(name, pa.large_string()) for name in self._csv_types])
        assert self.format is not None
        return unified_schema(file_schemas(self.path, self.format), union_by_name=False)

    def _batches(self) -> Iterator[pa.RecordBatch]:
        try:
            for f in data_files(self.path):
                yield from self._file_batches(f)
        except (pa.ArrowInvalid, OSError) as exc:
            raise DataIOError(f"cannot read {str(self.path)!r}: {exc}") from None

    def _file_batches(self, f: Path) -> Iterator[pa.RecordBatch]:
        if self.format is Format.PARQUET:
            yield from pq.ParquetFile(f).iter_batches(batch_size=_BATCH_ROWS)
        elif self.format is Format.JSONL:
            options = pajson.ParseOptions(explicit_schema=self._schema())
            with pajson.open_json(f, parse_options=options) as reader:
                yield from reader
        else:
            yield from self._csv_batches(f)

    def _csv_batches(self, f: Path) -> Iterator[pa.RecordBatch]:
        assert self._csv is not None
        options = CsvOptions()
        for file in self._csv.files:
            if file.path == f:
                for batch in file.batches(options.header, options.delimiter):
                    yield aligned_batch(batch, self._csv, file.names)

    def _frame(self, table: pa.Table) -> pd.DataFrame:
        frame = table.to_pandas(types_mapper=pd.ArrowDtype)
        if self._csv_types is not None:
            frame = typed_text(frame, self._csv_types)
        return prepared(frame)


def _take(batches: Iterator[pa.RecordBatch], wanted: np.ndarray, schema: pa.Schema) -> pa.Table:
    """The rows at sorted ``wanted`` positions, streaming ``batches`` and keeping only those rows."""
    kept: list[pa.RecordBatch] = []
    offset = 0
    for batch in batches:
        end = offset + batch.num_rows
        lo, hi = np.searchsorted(wanted, [offset, end])
        if hi > lo:
            kept.append(batch.take(pa.array(wanted[lo:hi] - offset)))
        offset = end
        if hi == len(wanted):
            break
    return pa.Table.from_batches(kept, schema=schema)


def read_excel(path: Path) -> pd.DataFrame:
    """The first sheet of an Excel workbook as an Arrow-backed frame (mixed columns as text)."""
    try:
        raw = pd.read_excel(path, engine="openpyxl")
    except ImportError:
        raise DataIOError("reading Excel files needs openpyxl: pip install openpyxl") from None
    except (ValueError, OSError) as exc:
        raise DataIOError(f"cannot read {str(path)!r}: {exc}") from None
    columns = {str(name): _arrow_column(raw[name]) for name in raw.columns}
    return pd.DataFrame(columns)


def _arrow_column(s: pd.Series) -> pd.Series:
    try:
        return canonical_series(s)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        # Cells of several kinds in one column (numbers and text): the column is text.
        text = pa.array(s.map(lambda v: None if pd.isna(v) else str(v)), pa.large_string())
        return pd.Series(text, dtype=pd.ArrowDtype(pa.large_string()), name=s.name)


class SparkSource(Source):
    """A Spark DataFrame (classic or Spark Connect); samples are collected through Arrow."""

    kind = "spark"

    def __init__(self, frame: Any) -> None:
        from workbench.engines.spark import SparkEngine

        self.frame = SparkEngine(session=frame.sparkSession).prepare(frame)

    def describe(self) -> str:
        return "a Spark DataFrame"

    def full_pandas(self) -> pd.DataFrame:
        return _collect(self.frame)

    def spark_frame(self, session: Any) -> Any:
        return self.frame

    def sample(self, spec: SampleSpec) -> Sample:
        if spec.mode == "FIRST_N":
            head = _collect(self.frame.limit(spec.size + 1))
            total = len(head) if len(head) <= spec.size else None
            frame = head.iloc[: spec.size]
            return Sample(prepared(frame), sample_info(spec, len(frame), total))
        total = int(self.frame.count())
        if spec.mode == "FULL" or spec.size >= total:
            part = self.frame
        elif spec.mode == "LAST_N":
            part = self.frame.offset(total - spec.size)
        else:
            fraction = min(1.0, spec.size / total * 1.1 + 0.001)
            seed = spec.seed if spec.seed is not None else int(np.random.default_rng().integers(2**31))
            part = self.frame.sample(withReplacement=False, fraction=fraction, seed=seed).limit(spec.size)
        frame = _collect(part)
        return Sample(prepared(frame), sample_info(spec, len(frame), total))


def _collect(frame: Any) -> pd.DataFrame:
    """A Spark frame's rows as a pandas frame with the pandas engine's column types."""
    table = frame.toArrow()
    out = table.to_pandas(types_mapper=pd.ArrowDtype)
    return pd.DataFrame({name: canonical_series(out[name]) for name in out.columns}, index=out.index)
