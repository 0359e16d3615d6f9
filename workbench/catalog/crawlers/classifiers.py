"""Classifiers: each looks at the start of a file and answers (classification, schema, certainty).

They are tried in order, the user's own first, then Parquet, JSON Lines, JSON, CSV/TSV; the first
sure answer (certainty 1.0) wins, as in AWS Glue, else the most certain one. Text formats are
judged on a bounded sample (``sample_bytes`` from the start, at most ``sample_rows`` rows); Parquet
on its footer alone.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from workbench.catalog.crawlers.config import CrawlConfigError
from workbench.catalog.crawlers.grok import GrokError, grok_to_regex
from workbench.catalog.crawlers.inference import FileSchema, merge_type
from workbench.core.errors import nearest
from workbench.core.types import LType, ltype_of_arrow, ltype_of_value
from workbench.io.csv_scan import ColumnState, observe

SURE = 1.0
DELIMITERS = (",", "\t", ";", "|")


class Unreadable(Exception):
    """The file is of this classifier's format but cannot be read (e.g. a corrupt Parquet footer)."""


@dataclasses.dataclass
class Head:
    """The start of one file, read once and shown to every classifier."""

    name: str
    size: int
    data: bytes
    opener: Callable[[], Any]
    """Opens the whole file (binary) for classifiers that read elsewhere than the start."""
    max_rows: int

    @property
    def truncated(self) -> bool:
        return len(self.data) < self.size


@dataclasses.dataclass
class Classification:
    """What a classifier found in one file."""

    classification: str
    format: str
    """The catalog's table format: csv, parquet, jsonl, json or regex."""
    schema: FileSchema
    certainty: float
    read_options: dict[str, Any] = dataclasses.field(default_factory=dict)
    rows_estimate: int | None = None
    sample: dict[str, list[Any]] | None = None
    """Sampled values by column, for sensitive-data detection (never stored)."""
    sampler: Callable[[], dict[str, list[Any]]] | None = None
    """Reads a sample on demand (Parquet: the first rows of the first row group)."""

    def sample_values(self) -> dict[str, list[Any]]:
        """The sampled values by column (read now for Parquet); never written anywhere."""
        if self.sample is None and self.sampler is not None:
            self.sample = self.sampler()
        return self.sample or {}


class Classifier(Protocol):
    name: str

    def classify(self, head: Head) -> Classification | None: ...


def classify(head: Head, classifiers: Sequence[Classifier]) -> Classification | None:
    """The first sure answer, else the most certain one, else None (no classifier recognised it)."""
    best: Classification | None = None
    for classifier in classifiers:
        found = classifier.classify(head)
        if found is None or found.certainty <= 0:
            continue
        if found.certainty >= SURE:
            return found
        if best is None or found.certainty > best.certainty:
            best = found
    return best


# --- text ----------------------------------------------------------------------------------


def decode(head: Head) -> tuple[str, str] | None:
    """(text, encoding) of the sample, without a last line cut off by the sample bound; None for binary."""
    data = head.data
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = _utf8(data[3:], head.truncated), "utf-8"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = data.decode("utf-16", errors="replace"), "utf-16"
    elif _binary(data):
        return None
    else:
        text, encoding = _utf8(data, head.truncated), "utf-8"
        if text is None:
            text, encoding = data.decode("latin-1"), "latin-1"
    if text is None:
        return None
    if head.truncated:
        text = text[: text.rfind("\n") + 1] if "\n" in text else ""
    return text, encoding


def _utf8(data: bytes, truncated: bool) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The sample bound may cut a character in two; anything else is not UTF-8.
        if truncated and exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8", errors="strict")
        return None


_CONTROLS = bytes(range(9)) + bytes(range(14, 32))


def _binary(data: bytes) -> bool:
    probe = data[:4096]
    if b"\x00" in probe:
        return True
    controls = len(probe) - len(probe.translate(None, _CONTROLS))
    return bool(probe) and controls / len(probe) > 0.05


def _lines(text: str, limit: int) -> list[str]:
    out = []
    for line in text.splitlines():
        if line.strip():
            out.append(line)
            if len(out) >= limit:
                break
    return out


def _estimate(head: Head, rows: int, used: int) -> int:
    if not head.truncated or used <= 0:
        return rows
    return int(rows * head.size / used)


_NOT_TEXT = frozenset("0123456789+-.:eEtTrRuUfFaAlLsSnNiIyY \t\r\n")
"""Every character a boolean, number, date or timestamp can be written with (true, NaN, Infinity…)."""


_PLAIN_INTEGER = re.compile(r"[\t\n\f\r ]*[+-]?[1-9][0-9]{0,17}[\t\n\f\r ]*|[\t\n\f\r ]*[+-]?0[\t\n\f\r ]*")
"""Integers as the readers' INFER_INTEGER pattern takes them, without a leading zero (a code)."""

_PLAIN_DECIMAL = re.compile(r"[\t\n\f\r ]*[+-]?(?:(?:[1-9][0-9]{0,17}|0)(?:\.[0-9]*)?|\.[0-9]+)[\t\n\f\r ]*")
"""Plain decimals (``2.5``, ``-.5``, ``7``) the readers type as double; anything else takes the slow path."""


def text_type(values: list[str]) -> LType | None:
    """The narrowest type every non-empty value parses as, by the readers' rules (None: no value)."""
    if any(not _NOT_TEXT.issuperset(v) for v in values):
        return LType.STRING  # a value no other type can be written with: skip the pattern checks
    present = [v for v in values if v]
    if present and all(_PLAIN_INTEGER.fullmatch(v) for v in present):
        return LType.INTEGER
    if present and all(_PLAIN_DECIMAL.fullmatch(v) for v in present):
        return LType.DOUBLE
    state = ColumnState()
    observe(state, pa.array(values, pa.large_string()))
    return None if state.fits is None else state.ltype()


def text_schema(columns: dict[str, list[str]]) -> FileSchema:
    """The narrowest type of each column of text values (None when it has no value)."""
    return {name: text_type(values) for name, values in columns.items()}


# --- CSV / TSV -----------------------------------------------------------------------------


@dataclasses.dataclass
class CsvClassifier:
    """Delimited text: the delimiter, the quote character and the header are sniffed unless given."""

    name: str = "csv"
    delimiter: str | None = None
    quote: str | None = None
    header: bool | None = None

    def classify(self, head: Head) -> Classification | None:
        decoded = decode(head)
        if decoded is None:
            return None
        text, encoding = decoded
        quote = self.quote or _sniff_quote(text)
        first_line = text[: text.find("\n")] if "\n" in text else text
        found = [d for d in DELIMITERS if d in first_line]
        candidates = (self.delimiter,) if self.delimiter else tuple(found or DELIMITERS[:1])
        best = max((_parse(text, d, quote, head.max_rows + 1) for d in candidates), key=_score)
        delimiter, rows, consistency = best
        if not rows:
            return None
        width = max(len(r) for r in rows)
        below = [text_type([r[i] if i < len(r) else "" for r in rows[1:]]) for i in range(width)]
        header = self.header if self.header is not None else _has_header(rows, below)
        names = _names(rows[0], width) if header else [f"Column_{i + 1}" for i in range(width)]
        body = rows[1:] if header else rows
        columns = {n: [r[i] if i < len(r) else "" for r in body] for i, n in enumerate(names)}
        if header:
            schema = dict(zip(names, below, strict=True))
        else:
            first = [text_type([c]) for c in rows[0]] + [None] * (width - len(rows[0]))
            schema = {n: merge_type(a, b)[0] for n, a, b in zip(names, first, below, strict=True)}
        certainty = _csv_certainty(width, consistency, head.name, self.delimiter is not None)
        default = "tsv" if delimiter == "\t" else "csv"
        used = len(text.encode(encoding if encoding != "utf-16" else "utf-16-le"))
        return Classification(
            self.name if self.name != "csv" else default,
            "csv",
            schema,
            certainty,
            {"header": header, "delimiter": delimiter, "quote": quote, "encoding": encoding},
            _estimate(head, len(body), used),
            columns,
        )


def _parse(text: str, delimiter: str, quote: str, limit: int) -> tuple[str, list[list[str]], float]:
    rows: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quote):
            if any(field.strip() for field in record):
                rows.append(record)
                if len(rows) >= limit:
                    break
    except csv.Error:
        return delimiter, rows, 0.0
    if not rows:
        return delimiter, rows, 0.0
    widths = [len(r) for r in rows]
    mode = max(set(widths), key=widths.count)
    return delimiter, rows, widths.count(mode) / len(widths) if mode > 1 else 0.0


def _score(parsed: tuple[str, list[list[str]], float]) -> tuple[float, int]:
    _, rows, consistency = parsed
    return consistency, max((len(r) for r in rows), default=0)


def _sniff_quote(text: str) -> str:
    double = len(re.findall(r'(?:^|[,\t;|])"', text[:65536], re.MULTILINE))
    single = len(re.findall(r"(?:^|[,\t;|])'[^'\n]*'(?:[,\t;|]|$)", text[:65536], re.MULTILINE))
    return "'" if single > double else '"'


def _csv_certainty(width: int, consistency: float, name: str, given: bool) -> float:
    if width < 2:
        return 0.3 if name.lower().endswith((".csv", ".tsv")) else 0.05
    if consistency >= 1.0:
        return SURE
    return 0.6 if consistency >= 0.9 else 0.2


def _has_header(rows: list[list[str]], below: list[LType | None]) -> bool:
    """Glue's rule, roughly: a first row of distinct, non-empty texts, unlike the rows below it.

    ``below`` is the type of each column in the rows after the first.
    """
    first = [c.strip() for c in rows[0]]
    if not all(first) or len(set(first)) != len(first) or any(len(c) > 150 for c in first[:-1]):
        return False
    if any(text_type([c]) is not LType.STRING for c in first):
        return False
    if len(rows) == 1:
        return True
    for i, cell in enumerate(first):
        if i < len(below) and below[i] not in (LType.STRING, None):
            return True
        if all(cell != (r[i] if i < len(r) else "") for r in rows[1:]):
            return True
    return False


def _names(first: list[str], width: int) -> list[str]:
    names = [c.strip() or f"Column_{i + 1}" for i, c in enumerate(first)]
    return names + [f"Column_{i + 1}" for i in range(len(names), width)]


# --- JSON Lines and JSON -------------------------------------------------------------------


def records_schema(records: list[dict[str, Any]]) -> tuple[FileSchema, dict[str, list[Any]]]:
    """Column types over JSON records (a column's conflicting types make it string) and their values."""
    schema: FileSchema = {}
    values: dict[str, list[Any]] = {}
    for record in records:
        for key, value in record.items():
            merged, _ = merge_type(schema.get(key), ltype_of_value(value))
            schema[key] = merged
            values.setdefault(key, []).append(value if isinstance(value, (str, int)) else None)
    return schema, values


@dataclasses.dataclass
class JsonLinesClassifier:
    name: str = "jsonl"

    def classify(self, head: Head) -> Classification | None:
        decoded = decode(head)
        if decoded is None:
            return None
        lines = _lines(decoded[0], head.max_rows)
        if not lines or not lines[0].lstrip().startswith("{"):
            return None
        records = []
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                records.append(record)
        if not records or (len(records) < 2 and not head.name.lower().endswith((".jsonl", ".ndjson"))):
            # One object alone is as much a JSON document as a JSON Lines file.
            return None
        share = len(records) / len(lines)
        schema, values = records_schema(records)
        used = len(decoded[0].encode(decoded[1] if decoded[1] != "utf-16" else "utf-16-le"))
        return Classification(
            self.name,
            "jsonl",
            schema,
            SURE if share == 1.0 else share * 0.9,
            {"encoding": decoded[1]},
            _estimate(head, len(records), used),
            values,
        )


@dataclasses.dataclass
class JsonClassifier:
    """A JSON document: an array of objects (read element by element within the sample) or one object."""

    name: str = "json"

    def classify(self, head: Head) -> Classification | None:
        decoded = decode(Head(head.name, len(head.data), head.data, head.opener, head.max_rows))
        if decoded is None:
            return None
        text = decoded[0].lstrip()
        records = _json_records(text, head.max_rows)
        if not records:
            return None
        schema, values = records_schema(records)
        rows = len(records) if not head.truncated else int(len(records) * head.size / max(len(head.data), 1))
        return Classification(self.name, "json", schema, SURE, {"encoding": decoded[1]}, rows, values)


def _json_records(text: str, limit: int) -> list[dict[str, Any]]:
    decoder = json.JSONDecoder()
    if text.startswith("{"):
        try:
            found, _ = decoder.raw_decode(text)
        except ValueError:
            return []
        return [found] if isinstance(found, dict) else []
    if not text.startswith("["):
        return []
    records: list[dict[str, Any]] = []
    at = 1
    while len(records) < limit:
        at = _skip(text, at)
        if at >= len(text) or text[at] == "]":
            break
        try:
            found, at = decoder.raw_decode(text, at)
        except ValueError:
            break  # the sample ends inside an element
        if not isinstance(found, dict):
            return []
        records.append(found)
    return records


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n,":
        at += 1
    return at


# --- Parquet -------------------------------------------------------------------------------


@dataclasses.dataclass
class ParquetClassifier:
    """Parquet: the schema and row count from the footer; no data page is read to classify."""

    name: str = "parquet"
    sample_rows: int = 1000

    def classify(self, head: Head) -> Classification | None:
        named = head.name.lower().endswith((".parquet", ".pq", ".parq"))
        if not named and not head.data.startswith(b"PAR1"):
            return None
        try:
            with head.opener() as handle:
                metadata = pq.ParquetFile(handle).metadata
                arrow_schema = metadata.schema.to_arrow_schema()
        except Exception as exc:
            raise Unreadable(f"corrupt Parquet footer: {_first_line(exc)}") from None
        schema: FileSchema = {f.name: _ltype(f.type) for f in arrow_schema}
        return Classification(
            self.name,
            "parquet",
            schema,
            SURE,
            {},
            metadata.num_rows,
            sampler=lambda: _parquet_sample(head, self.sample_rows),
        )


def _parquet_sample(head: Head, rows: int) -> dict[str, list[Any]]:
    try:
        with head.opener() as handle:
            batch = next(pq.ParquetFile(handle).iter_batches(batch_size=rows), None)
    except Exception:
        return {}
    if batch is None:
        return {}
    keep = [
        f.name
        for f in batch.schema
        if pa.types.is_string(f.type) or pa.types.is_large_string(f.type) or pa.types.is_integer(f.type)
    ]
    return {name: batch.column(name).to_pylist() for name in keep}


def _ltype(t: pa.DataType) -> LType:
    try:
        return ltype_of_arrow(t)
    except TypeError:
        return LType.STRING


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


# --- custom: regex and grok ------------------------------------------------------------------


@dataclasses.dataclass
class PatternClassifier:
    """Log lines: a regular expression (or grok pattern) whose named groups are the columns."""

    name: str
    pattern: re.Pattern[str]
    source: dict[str, Any]

    def classify(self, head: Head) -> Classification | None:
        decoded = decode(head)
        if decoded is None:
            return None
        lines = _lines(decoded[0], head.max_rows)
        if not lines:
            return None
        matches = [m for m in map(self.pattern.fullmatch, lines) if m is not None]
        names = list(self.pattern.groupindex)
        columns = {n: [m.group(n) or "" for m in matches] for n in names}
        used = len(decoded[0].encode(decoded[1] if decoded[1] != "utf-16" else "utf-16-le"))
        return Classification(
            self.name,
            "regex",
            text_schema(columns),
            len(matches) / len(lines),
            {"pattern": self.pattern.pattern, "encoding": decoded[1], **self.source},
            _estimate(head, len(matches), used),
            columns,
        )


_CUSTOM_KINDS = ("csv", "regex", "grok")


def custom(spec: dict[str, Any]) -> Classifier:
    """A classifier the user declared: ``{"name", "type": csv|regex|grok, …}``.

    csv takes ``delimiter``, ``quote`` and ``header``; regex takes ``pattern`` with named groups;
    grok takes ``pattern`` such as ``%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:level} %{GREEDYDATA:msg}``
    and optional ``custom_patterns``.
    """
    name = str(spec.get("name") or "")
    kind = str(spec.get("type") or "").lower()
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name):
        raise CrawlConfigError(
            f"a custom classifier needs a name of letters, digits, '_' or '-' (got {name!r})"
        )
    if kind not in _CUSTOM_KINDS:
        close = nearest(kind, _CUSTOM_KINDS)
        hint = f"; did you mean {close!r}?" if close else ""
        raise CrawlConfigError(f"classifier {name!r}: type must be csv, regex or grok, not {kind!r}{hint}")
    if kind == "csv":
        return _custom_csv(name, spec)
    return _custom_pattern(name, kind, spec)


def _custom_csv(name: str, spec: dict[str, Any]) -> Classifier:
    _known_keys(name, spec, ("name", "type", "delimiter", "quote", "header"))
    delimiter = spec.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise CrawlConfigError(f"classifier {name!r}: delimiter must be one character, not {delimiter!r}")
    header = spec.get("header")
    if header is not None and not isinstance(header, bool):
        raise CrawlConfigError(f"classifier {name!r}: header must be true or false, not {header!r}")
    return CsvClassifier(name, delimiter, spec.get("quote"), header)


def _custom_pattern(name: str, kind: str, spec: dict[str, Any]) -> Classifier:
    _known_keys(name, spec, ("name", "type", "pattern", "custom_patterns"))
    text = spec.get("pattern")
    if not isinstance(text, str) or not text:
        raise CrawlConfigError(f"classifier {name!r}: a {kind} classifier needs a pattern")
    try:
        regex = grok_to_regex(text, spec.get("custom_patterns")) if kind == "grok" else text
        compiled = re.compile(regex)
    except (GrokError, re.error) as exc:
        raise CrawlConfigError(f"classifier {name!r}: pattern {text!r} is not valid: {exc}") from None
    if not compiled.groupindex:
        raise CrawlConfigError(
            f"classifier {name!r}: the pattern has no named groups, so it gives no columns "
            "(write (?P<column>...) or %{PATTERN:column})"
        )
    source = {"grok": text} if kind == "grok" else {}
    return PatternClassifier(name, compiled, source)


def _known_keys(name: str, spec: dict[str, Any], known: tuple[str, ...]) -> None:
    for key in spec:
        if key not in known:
            close = nearest(key, known)
            hint = f"; did you mean {close!r}?" if close else ""
            raise CrawlConfigError(f"classifier {name!r}: unknown setting {key!r}{hint}")


def build_classifiers(specs: list[dict[str, Any]], sample_rows: int) -> list[Classifier]:
    """The user's classifiers in their order, then the built-in ones."""
    mine = [custom(spec) for spec in specs]
    names = [c.name for c in mine]
    if len(set(names)) != len(names):
        raise CrawlConfigError(f"custom classifiers must have distinct names (got {names})")
    built_in: list[Classifier] = [
        ParquetClassifier(sample_rows=sample_rows),
        JsonLinesClassifier(),
        JsonClassifier(),
        CsvClassifier(),
    ]
    return mine + built_in
