"""Tables by name: ``catalog:DB.TABLE`` read and written on both engines.

A name resolves to the table's format, read options and the data files of its partitions.
``where`` keeps the partitions whose key values pass an expression (the grammar of
BOOLEAN_OPERATION, over the partition keys only) before any data file is opened. Partition
keys become typed columns after the data columns, as Glue and Hive add them. Spark is given
the resolved file list, so the same works over Spark Connect.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd

from workbench.catalog.catalog import Catalog, open_catalog, split_table_name
from workbench.catalog.model import Partition, Table
from workbench.catalog.remote import fetched, is_remote, join, list_data, spark_refusal
from workbench.catalog.store import CatalogError
from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.errors import RecipeError, nearest
from workbench.core.types import CAST_TARGETS, LType, Schema
from workbench.io.formats import CsvOptions, Format, data_files, files_schema

HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
"""The folder value of a null partition key (Hive's and Spark's)."""

_FORMATS = {
    "csv": Format.CSV,
    "tsv": Format.CSV,
    "parquet": Format.PARQUET,
    "jsonl": Format.JSONL,
    "json": Format.JSONL,
}
_EXTENSION = {Format.CSV: ".csv", Format.PARQUET: ".parquet", Format.JSONL: ".jsonl"}
_KEYWORDS = {"and", "or", "not", "case", "when", "then", "else", "end", "true", "false", "null", "distinct"}
_TOKENS = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"|`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_]*")

_current: ContextVar[str | None] = ContextVar("workbench_catalog_url", default=None)


@contextmanager
def using_catalog(url: str | None) -> Iterator[None]:
    """Resolve table names in this block against the catalog at ``url`` (``None``: the default)."""
    token = _current.set(url)
    try:
        yield
    finally:
        _current.reset(token)


def use_catalog(url: str | None) -> None:
    """Resolve table names against the catalog at ``url`` from now on (the commands' ``--catalog``)."""
    _current.set(url)


def connect(url: str | None = None) -> Catalog:
    """The catalog at ``url``, else the one ``using_catalog`` set, else ``WORKBENCH_CATALOG``/the default."""
    return open_catalog(url or _current.get())


# --- resolving ---------------------------------------------------------------------------


@dataclasses.dataclass
class Selection:
    """A table name resolved: the partitions kept by ``where`` and the data files to read."""

    table: Table
    partitions: list[Partition]
    total: int
    files: list[Path]
    fmt: Format
    where: str | None = None
    urls: list[str] = dataclasses.field(default_factory=list)
    """The files to read when the table is on an object store (``files`` is then empty)."""

    @property
    def partitioned(self) -> bool:
        return bool(self.table.partition_keys)

    @property
    def remote(self) -> bool:
        """Whether the table's files are on an object store."""
        return is_remote(self.table.location)

    def file_count(self) -> int:
        return len(self.urls) if self.remote else len(self.files)

    def per_file_values(self) -> list[tuple[Any, ...]]:
        """Each file's partition key values, in the order of the files read."""
        if self.remote:
            return [p.values for p in self.partitions for _ in p.files]
        return [p.values for p in self.partitions for _ in partition_files(p)]

    def summary(self) -> str:
        """What will be read, e.g. ``3 of 120 partitions, 6 files``."""
        n = self.file_count()
        files = f"{n} file{'' if n == 1 else 's'}"
        if not self.partitioned:
            return files
        return f"{len(self.partitions)} of {self.total} partitions, {files}"

    def key_types(self) -> Schema:
        return {name: logical_type(t) for name, t in self.table.partition_keys}

    def narrowed(self, keep: set[str]) -> Selection:
        """This selection with only the files whose identity is in ``keep`` (an incremental batch)."""
        if self.remote:
            partitions = [
                dataclasses.replace(p, files=[u for u in p.files if u in keep]) for p in self.partitions
            ]
            urls = [u for u in self.urls if u in keep]
            return dataclasses.replace(self, partitions=[p for p in partitions if p.files], urls=urls)
        partitions = []
        for partition in self.partitions:
            paths = partition_files(partition)
            names = [n for n, f in zip(partition.files, paths, strict=True) if str(f.resolve()) in keep]
            if names:
                partitions.append(dataclasses.replace(partition, files=names))
        files = [f for f in self.files if str(f.resolve()) in keep]
        return dataclasses.replace(self, partitions=partitions, files=files)


def logical_type(name: str) -> LType:
    """The logical type a catalog column type names."""
    try:
        return LType(name.lower())
    except ValueError:
        found = CAST_TARGETS.get(name.lower())
        if found is None:
            raise CatalogError(f"the catalog's column type {name!r} is not a Workbench type") from None
        return found


def select(
    name: str,
    *,
    where: str | None = None,
    catalog: str | None = None,
    storage_options: dict[str, Any] | None = None,
) -> Selection:
    """Resolve ``catalog:DB.TABLE``: its format, and the files of the partitions ``where`` keeps.

    ``storage_options`` (fsspec's) are needed only to list a table on an object store whose
    files the catalog does not name.
    """
    database, table_name = split_table_name(name)
    remote = False
    with connect(catalog) as cat:
        table = cat.table(database, table_name)
        remote = is_remote(table.location)
        partitions = cat.partitions(database, table_name)
    fmt = table_format(table)
    if not table.partition_keys:
        if where:
            raise RecipeError(f"--where prunes partitions, and table {table.full_name} has no partition keys")
        if remote:
            urls = _unpartitioned_urls(table, partitions, storage_options)
            return Selection(table, [], 0, [], fmt, urls=urls)
        # A crawl keeps the exact files it found (never a stray one added later); a table
        # registered by hand has no partition rows, and its folder is listed.
        recorded = [f for p in partitions for f in partition_files(p)]
        return Selection(table, [], 0, recorded or data_files(_local(table.location)), fmt)
    kept = prune(table, partitions, where) if where else partitions
    if remote:
        kept = [_with_urls(p) for p in kept]
        return Selection(table, kept, len(partitions), [], fmt, where, [u for p in kept for u in p.files])
    files = [f for p in kept for f in partition_files(p)]
    return Selection(table, kept, len(partitions), files, fmt, where)


def _with_urls(partition: Partition) -> Partition:
    return dataclasses.replace(partition, files=[join(partition.location, f) for f in partition.files])


def _unpartitioned_urls(
    table: Table, partitions: list[Partition], storage_options: dict[str, Any] | None
) -> list[str]:
    # A crawl keeps the files it found as one partition of no key values; else the folder is listed.
    urls = [join(p.location, f) for p in partitions for f in p.files]
    return urls or list_data(table.location, storage_options)


def table_format(table: Table) -> Format:
    found = _FORMATS.get(table.format.lower()) or _FORMATS.get(table.classification.lower())
    if found is None:
        raise CatalogError(
            f"table {table.full_name} is {table.format!r}, which Workbench cannot read "
            f"(it reads {sorted(_FORMATS)})"
        )
    return found


def table_folder(name: str) -> Path | None:
    """The local folder of table ``catalog:DB.TABLE``, or None when it is on an object store."""
    with connect() as cat:
        location = cat.table(*split_table_name(name)).location
    return None if is_remote(location) else _local(location)


def _local(location: str) -> Path:
    if location.startswith("file://"):
        return Path(unquote(location.removeprefix("file://")))
    if "://" in location:
        raise CatalogError(f"{location!r} is on an object store, not in a local folder")
    return Path(location)


def partition_files(partition: Partition) -> list[Path]:
    """A partition's data files (relative names are inside the partition's folder)."""
    folder = _local(partition.location)
    out = []
    for name in partition.files:
        path = _local(name) if "://" in name else Path(name)
        out.append(path if path.is_absolute() else folder / path)
    return out


def read_options(table: Table, csv: CsvOptions | None) -> CsvOptions:
    """The table's own read options (header, delimiter, encoding) over the caller's others.

    Partitions written at different schema versions are read together, so columns are matched
    by name (null where a file lacks one).
    """
    base = csv or CsvOptions()
    opts = table.read_options
    header = opts.get("header", base.header)
    return dataclasses.replace(
        base,
        header=header if isinstance(header, bool) else str(header).lower() in ("true", "1", "yes"),
        delimiter=str(opts.get("delimiter", opts.get("sep", base.delimiter))),
        encoding=str(opts.get("encoding", base.encoding)),
        union_by_name=True,
    )


# --- where -------------------------------------------------------------------------------


def prune(table: Table, partitions: list[Partition], where: str) -> list[Partition]:
    """The partitions whose key values pass ``where``, decided on the catalog's rows alone."""
    from workbench.core.expressions import Compiler, PandasBackend, Typer, columns_of, parse
    from workbench.engines.pandas import PandasEngine

    keys = {name: logical_type(t) for name, t in table.partition_keys}
    node = parse(quote_keys(where))
    for column in columns_of(node):
        if column not in keys:
            close = nearest(column, keys)
            hint = f"; did you mean {close!r}?" if close else ""
            raise RecipeError(
                f"--where names {column!r}, which is not a partition key of {table.full_name} "
                f"(its keys are {', '.join(keys)}){hint}"
            )
    typer = Typer(keys, {}, "where", "--where")
    typer.condition(node, "--where")
    frame = partition_frame(keys, [p.values for p in partitions])
    mask = Compiler(PandasBackend(frame, PandasEngine()), typer, {}).value(node, LType.BOOLEAN)
    keep = mask.fillna(False).astype(bool).tolist() if len(frame) else []
    return [p for p, ok in zip(partitions, keep, strict=True) if ok]


def quote_keys(text: str) -> str:
    """``year = 2024`` as ``\u0060year\u0060 = 2024``: bare words (not keywords or calls) are columns."""
    out, last = [], 0
    for match in _TOKENS.finditer(text):
        word = match.group(0)
        out.append(text[last : match.start()])
        last = match.end()
        follows = text[last:].lstrip()[:1]
        bare = word[0] not in "'\"`" and word.lower() not in _KEYWORDS and follows != "("
        out.append(f"`{word}`" if bare else word)
    out.append(text[last:])
    return "".join(out)


def partition_frame(keys: Schema, values: list[tuple[Any, ...]]) -> pd.DataFrame:
    """One row per partition: its key values, typed by the keys' types (folder text cast as written)."""
    from workbench.engines.pandas import PandasEngine

    text = {name: [_text(v[i]) if i < len(v) else None for v in values] for i, name in enumerate(keys)}
    frame = PandasEngine().from_records(text, dict.fromkeys(keys, LType.STRING))
    typed = {n: cast_pandas(frame[n], LType.STRING, t) for n, t in keys.items() if t is not LType.STRING}
    return frame.assign(**typed) if typed else frame


def _text(value: Any) -> str | None:
    if value is None or value == HIVE_NULL:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- reading -----------------------------------------------------------------------------


def read_table_pandas(
    name: str,
    csv: CsvOptions | None = None,
    *,
    where: str | None = None,
    catalog: str | None = None,
    storage_options: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """A catalog table as a pandas frame: its (kept) partitions' files, with the partition keys.

    A table on an object store is read through fsspec (``storage_options``, else fsspec's own
    configuration such as ``FSSPEC_S3_ENDPOINT_URL``); only the kept partitions' files are fetched.
    """
    chosen = select(name, where=where, catalog=catalog, storage_options=storage_options)
    return read_selection_pandas(chosen, csv, storage_options)


def read_selection_pandas(
    chosen: Selection, csv: CsvOptions | None = None, storage_options: dict[str, Any] | None = None
) -> pd.DataFrame:
    """The files of a resolved table name as a pandas frame, with the partition keys."""
    from workbench.engines.pandas import PandasEngine
    from workbench.io.pandas_io import read_pandas_files

    name = f"catalog:{chosen.table.full_name}"
    if not chosen.file_count():
        return PandasEngine().from_records(*_empty(chosen))
    with local_files(chosen, storage_options) as files:
        frame, counts = read_pandas_files(files, chosen.fmt, read_options(chosen.table, csv), source=name)
    if not chosen.partitioned:
        return frame
    _refuse_clash(chosen, list(frame.columns))
    per_file = chosen.per_file_values()
    keys = partition_frame(chosen.key_types(), per_file)
    rows = keys.iloc[np.repeat(np.arange(len(per_file)), counts)].reset_index(drop=True)
    rows.index = frame.index
    return pd.concat([frame, rows], axis=1)


def read_table_spark(
    session: Any,
    name: str,
    csv: CsvOptions | None = None,
    *,
    where: str | None = None,
    catalog: str | None = None,
) -> Any:
    """A catalog table as a lazy Spark frame over exactly the (kept) partitions' files."""
    return read_selection_spark(session, select(name, where=where, catalog=catalog), csv)


def read_selection_spark(session: Any, chosen: Selection, csv: CsvOptions | None = None) -> Any:
    """The files of a resolved table name as a lazy Spark frame, with the partition keys."""
    from workbench.core.lazy import F
    from workbench.engines.spark import SparkEngine
    from workbench.io.spark_io import read_spark_files

    if chosen.remote:
        raise spark_refusal(chosen.table.full_name, chosen.table.location)
    if not chosen.files:
        return SparkEngine(session).from_records(*_empty(chosen))
    frame = read_spark_files(session, chosen.files, chosen.fmt, read_options(chosen.table, csv))
    if not chosen.partitioned:
        return frame
    _refuse_clash(chosen, list(frame.columns))
    source = F.input_file_name()
    columns = {}
    for i, (key, ltype) in enumerate(chosen.key_types().items()):
        pairs = [
            (_spark_uri(f), _text(p.values[i]) if i < len(p.values) else None)
            for p in chosen.partitions
            for f in partition_files(p)
        ]
        lookup = F.create_map(*[F.lit(x) for pair in pairs for x in pair])
        text = F.element_at(lookup, source).cast("string")
        columns[key] = cast_spark(text, LType.STRING, ltype) if ltype is not LType.STRING else text
    return frame.withColumns(columns)


_URI_PATH_SAFE = "/-_.!~*'(),;:$&+=@"
"""The characters a URI path keeps as they are (java.net.URI's); others are percent-encoded."""


def _spark_uri(path: Path) -> str:
    # input_file_name() gives each file as Hadoop writes its URI: file:///path, percent-encoded.
    return "file://" + quote(str(path.resolve()), safe=_URI_PATH_SAFE)


def _refuse_clash(chosen: Selection, columns: list[str]) -> None:
    clash = [k for k, _ in chosen.table.partition_keys if k in columns]
    if clash:
        raise CatalogError(
            f"table {chosen.table.full_name}: partition key {clash[0]!r} is also a column of its files"
        )


def _empty(chosen: Selection) -> tuple[dict[str, list[Any]], Schema]:
    schema = {n: logical_type(t) for n, t in chosen.table.columns} | chosen.key_types()
    return {n: [] for n in schema}, schema


def table_schema(
    name: str,
    csv: CsvOptions | None = None,
    *,
    where: str | None = None,
    catalog: str | None = None,
    storage_options: dict[str, Any] | None = None,
) -> Schema:
    """The logical schema a read of the table gives: its files' columns, then its partition keys."""
    chosen = select(name, where=where, catalog=catalog, storage_options=storage_options)
    return selection_schema(chosen, csv, storage_options)


def selection_schema(
    chosen: Selection, csv: CsvOptions | None = None, storage_options: dict[str, Any] | None = None
) -> Schema:
    """The logical schema a read of a resolved table name gives."""
    if not chosen.file_count():
        return _empty(chosen)[1]
    with local_files(chosen, storage_options) as files:
        return files_schema(files, chosen.fmt, read_options(chosen.table, csv)) | chosen.key_types()


@contextmanager
def local_files(chosen: Selection, storage_options: dict[str, Any] | None = None) -> Iterator[list[Path]]:
    """The selection's files on this machine: as they are, or fetched from the object store."""
    if not chosen.remote:
        yield chosen.files
        return
    with fetched(chosen.urls, storage_options) as files:
        yield files


# --- writing -----------------------------------------------------------------------------


@dataclasses.dataclass
class Written:
    """What a write to a catalog table did."""

    table: Table
    partitions: int
    files: int
    new_version: bool


def check_table_output(
    name: str, overwrite: bool, inputs: list[Path] | None = None, *, catalog: str | None = None
) -> None:
    """Refuse, before any data is read, a write to a table that exists (unless ``overwrite``),
    that is one of the inputs, or whose folder overlaps an input path."""
    from workbench.io.formats import is_table_name
    from workbench.io.publish import check_output

    database, table_name = split_table_name(name)
    for source in inputs or []:
        if is_table_name(source) and split_table_name(str(source)) == (database, table_name):
            raise RecipeError(f"output {name!r} is also an input; write to another table")
    with connect(catalog) as cat:
        existing = cat.find_table(database, table_name)
        _refuse_remote_write(existing)
        location = _local(existing.location) if existing else warehouse(cat) / database / table_name
    if existing is not None and not overwrite:
        raise RecipeError(
            f"table {database}.{table_name} already exists; pass --overwrite to replace its data"
        )
    paths = [source for source in inputs or [] if not is_table_name(source)]
    check_output(location, True, paths, role="output table folder")


def write_table(
    frame: Any,
    name: str,
    *,
    partition_by: tuple[str, ...] = (),
    overwrite: bool = False,
    catalog: str | None = None,
    note: str = "",
) -> Written:
    """Write ``frame`` (pandas or Spark) as the table ``name`` and register it.

    The data is published atomically first (Hive ``key=value`` folders for ``partition_by``);
    only then is the catalog updated, in one transaction: a failed write registers nothing. A
    changed schema becomes a new schema version. A new table is Parquet in the catalog's
    warehouse folder; an existing one keeps its location and format.
    """
    from workbench.engines.spark import is_spark_frame

    database, table_name = split_table_name(name)
    spark = is_spark_frame(frame)
    schema = _schema_of(frame, spark)
    _check_keys(partition_by, schema)
    with connect(catalog) as cat:
        existing = cat.find_table(database, table_name)
        if existing is not None and not overwrite:
            raise RecipeError(
                f"table {existing.full_name} already exists; pass --overwrite to replace its data"
            )
        _refuse_remote_write(existing)
        location = _local(existing.location) if existing else warehouse(cat) / database / table_name
        fmt = table_format(existing) if existing else Format.PARQUET
        location = location.resolve()
        if spark:
            from workbench.io.writers import write_spark_folder

            write_spark_folder(frame, location, fmt, partition_by=partition_by, overwrite=overwrite)
        else:
            _write_pandas_folder(frame, location, fmt, partition_by, schema, overwrite)
        partitions = discover(location, partition_by)
        table = _table_row(existing, database, table_name, location, fmt, schema, partition_by, partitions)
        if not spark:
            table.row_estimate = len(frame)
        before = existing.schema_version if existing else 0
        saved = cat.replace_table(table, partitions if partition_by else [], note=note or "written")
    files = sum(len(p.files) for p in partitions)
    return Written(saved, len(partitions) if partition_by else 0, files, saved.schema_version != before)


def _refuse_remote_write(existing: Table | None) -> None:
    # Replacing files on an object store is not one atomic step; the table's data is left as it is.
    if existing is not None and is_remote(existing.location):
        raise RecipeError(
            f"table {existing.full_name} is on an object store ({existing.location}), and Workbench "
            "writes tables only to local folders; write to a new table name (its data goes to the "
            "warehouse folder beside the catalog)"
        )


def warehouse(cat: Catalog) -> Path:
    """Where new tables' data goes: ``warehouse/DB/TABLE`` beside the catalog file."""
    return Path(cat.path).resolve().parent / "warehouse"


def _schema_of(frame: Any, spark: bool) -> Schema:
    if spark:
        from workbench.engines.spark import SparkEngine

        return SparkEngine().schema_of(frame)
    from workbench.engines.pandas import PandasEngine

    return PandasEngine().schema_of(frame)


def _check_keys(keys: tuple[str, ...], schema: Schema) -> None:
    for key in keys:
        if key not in schema:
            close = nearest(key, schema)
            hint = f"; did you mean {close!r}?" if close else ""
            raise RecipeError(f"--partition-by names {key!r}, which is not a column of the output{hint}")
    if keys and len(keys) == len(schema):
        raise RecipeError("--partition-by cannot take every column: the files would hold none")


def _write_pandas_folder(
    frame: pd.DataFrame, location: Path, fmt: Format, keys: tuple[str, ...], schema: Schema, overwrite: bool
) -> None:
    from workbench.io.publish import publishing
    from workbench.io.writers import write_pandas

    part = f"part-00000{_EXTENSION[fmt]}"
    with publishing(location, overwrite=overwrite) as target:
        target.mkdir()
        if not keys:
            write_pandas(frame, target / part)
            return
        text = pd.DataFrame(
            {k: cast_pandas(frame[k], schema[k], LType.STRING) for k in keys}, index=frame.index
        )
        text = text.astype(object).where(text.notna(), HIVE_NULL)
        data = frame.drop(columns=list(keys))
        by: Any = list(keys) if len(keys) > 1 else keys[0]  # one key: groups keyed by its values
        for values, rows in text.groupby(by, sort=True).groups.items():
            values = values if isinstance(values, tuple) else (values,)
            folder = target.joinpath(*[f"{k}={_escape(str(v))}" for k, v in zip(keys, values, strict=True)])
            folder.mkdir(parents=True)
            write_pandas(data.loc[rows].reset_index(drop=True), folder / part)


def _escape(value: str) -> str:
    # As Hive and Spark write folder names: path separators, '=' and '%' (and controls) escaped.
    return "".join(c if c.isprintable() and c not in '/\\=%:"#?*' else f"%{ord(c):02X}" for c in value)


def discover(location: Path, keys: tuple[str, ...]) -> list[Partition]:
    """The partitions under ``location``: files grouped by their ``key=value`` folders."""
    found: dict[tuple[Any, ...], list[Path]] = {}
    for f in data_files(location):
        parts = f.relative_to(location).parts[:-1]
        values = tuple(_folder_value(part) for part in parts[: len(keys)])
        found.setdefault(values, []).append(f)
    return [
        Partition(
            values,
            str(files[0].parent),
            [str(f) for f in files],
            sum(f.stat().st_size for f in files),
        )
        for values, files in sorted(found.items(), key=lambda kv: str(kv[0]))
    ]


def _folder_value(part: str) -> str | None:
    _, _, value = part.partition("=")
    return None if value == HIVE_NULL else unquote(value)


def _table_row(
    existing: Table | None,
    database: str,
    name: str,
    location: Path,
    fmt: Format,
    schema: Schema,
    keys: tuple[str, ...],
    partitions: list[Partition],
) -> Table:
    columns = [(n, t.value) for n, t in schema.items() if n not in keys]
    table = Table(
        database,
        name,
        str(location),
        fmt.value,
        fmt.value,
        columns,
        [(k, schema[k].value) for k in keys],
        {"header": True} if fmt is Format.CSV else {},
        size_bytes=sum(p.size_bytes for p in partitions),
    )
    if existing is not None:
        table.description, table.owner = existing.description, existing.owner
    return table
