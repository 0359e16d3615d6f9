"""Column-level PII classification of a pandas or Spark DataFrame, on a bounded sample.

Both engines reduce the chosen columns to one sampled Arrow table (Spark in one job), and the
same Python code classifies it, so pandas and Spark give the same answer on the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.pii.entities import ENTITIES, Entity, Kind, hinted_entities
from workbench.pii.masking import mask_example

THRESHOLD = 0.8
"""Share of sampled non-missing values that must validate for a column without a name hint."""

HINTED_THRESHOLD = 0.5
"""The share needed when the column's name suggests the entity."""

HINT_WEIGHT = 0.5
"""How much of the remaining doubt a matching name hint removes from the confidence."""

MAX_EXAMPLES = 3

CHECK_LIMIT = 256
"""Distinct candidate values validated per column and entity; beyond this the share is estimated."""

_SPARK_KINDS: dict[str, Kind] = {
    "string": "text",
    "tinyint": "integer",
    "smallint": "integer",
    "int": "integer",
    "bigint": "integer",
    "date": "temporal",
    "timestamp": "temporal",
    "timestamp_ntz": "temporal",
}


@dataclass(frozen=True)
class PiiFinding:
    """The PII entity type a column was classified as, with the evidence for it."""

    entity: str
    share: float
    confidence: float
    examples: tuple[str, ...]
    name_hint: bool

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data."""
        out = asdict(self)
        out["examples"] = list(self.examples)
        return out


def detect_pii(
    frame: Any, columns: Sequence[str] | None = None, *, sample: int | None = 10_000, seed: int = 0
) -> dict[str, PiiFinding]:
    """Classify the columns of a pandas or Spark DataFrame that hold PII, on a sample of rows.

    Only text, integer, date and timestamp columns are considered. On pandas a frame longer than
    ``sample`` is sampled at random with ``seed``; on Spark the first ``sample`` rows are read
    in one job. ``sample=None`` reads every row; Spark then counts each column's distinct values
    in one job and sends only those. The result maps each column classified as PII to its
    finding; other columns are left out.
    """
    if sample is not None and sample < 1:
        raise ValueError(f"sample must be positive, got {sample}")
    distinct_columns = _distinct_columns(frame, columns, sample, seed)
    original = {str(c): c for c in frame.columns}  # pandas column names need not be text
    findings: dict[Any, PiiFinding] = {}
    for name, distinct in distinct_columns.items():
        finding = None if distinct is None else _classify(name, distinct)
        if finding is not None:
            findings[original.get(name, name)] = finding
    return findings


def _distinct_columns(
    frame: Any, columns: Sequence[str] | None, sample: int | None, seed: int
) -> dict[str, _Values | None]:
    if sample is None and not isinstance(frame, pd.DataFrame):
        from workbench.engines.spark import is_spark_frame

        if is_spark_frame(frame):
            return _spark_distinct(frame, _chosen(list(frame.columns), columns))
    table = _sampled_table(frame, columns, sample, seed)
    return {
        name: _distinct_values(column) for name, column in zip(table.column_names, table.columns, strict=True)
    }


def _sampled_table(frame: Any, columns: Sequence[str] | None, sample: int | None, seed: int) -> pa.Table:
    if isinstance(frame, pd.DataFrame):
        return _pandas_sample(frame, _chosen(list(frame.columns), columns), sample, seed)
    from workbench.engines.spark import is_spark_frame

    if is_spark_frame(frame):
        return _spark_sample(frame, _chosen(list(frame.columns), columns), sample)
    raise TypeError(f"detect_pii needs a pandas or Spark DataFrame, got {type(frame).__name__}")


def _chosen(available: list[Any], columns: Sequence[str] | None) -> list[Any]:
    if columns is None:
        return available
    unknown = [c for c in columns if c not in available]
    if unknown:
        raise KeyError(f"unknown columns: {unknown}")
    return list(dict.fromkeys(columns))


def _pandas_sample(frame: pd.DataFrame, columns: list[Any], sample: int | None, seed: int) -> pa.Table:
    rows = frame if sample is None or len(frame) <= sample else frame.sample(n=sample, random_state=seed)
    arrays = {}
    for name in columns:
        array = _arrow_of(rows[name])
        if array is not None:
            arrays[str(name)] = array
    return pa.table(arrays)


def _arrow_of(series: pd.Series) -> pa.Array | None:
    """The column as an Arrow array, or None when it cannot hold PII (floats, booleans...)."""
    if pd.api.types.is_float_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return None
    try:
        array = pa.array(series, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        # A mixed object column: its text is what a user would see.
        array = pa.array([None if _missing(v) else str(v) for v in series], pa.large_string())
    return array if _kind(array.type) is not None else None


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _spark_sample(frame: Any, columns: list[str], sample: int | None) -> pa.Table:
    types = dict(frame.dtypes)
    kept = [c for c in columns if _spark_kind(types[c]) is not None]
    if not kept:
        return pa.table({})
    quoted = ["`" + c.replace("`", "``") + "`" for c in kept]
    chosen = frame.select(*quoted)
    return (chosen if sample is None else chosen.limit(sample)).toArrow()


def _spark_distinct(frame: Any, columns: list[str]) -> dict[str, _Values | None]:
    """Every row of the columns as distinct values with their counts and first row, in one job.

    The values are the text ``_as_text`` makes of them, before trimming: trimmed here, they
    merge exactly as pandas' ``value_counts`` of trimmed text would, in order of first row.
    """
    from workbench.core.lazy import F

    types = dict(frame.dtypes)
    kinds = {c: _spark_kind(types[c]) for c in columns}
    kept = [c for c in columns if kinds[c] is not None]
    if not kept:
        return {}
    entries = F.array(
        *[
            F.struct(
                F.lit(i).alias("c"), _spark_text(frame["`" + c.replace("`", "``") + "`"], kinds[c]).alias("v")
            )
            for i, c in enumerate(kept)
        ]
    )
    stacked = frame.select(F.monotonically_increasing_id().alias("p"), F.explode(entries).alias("e"))
    counted = (
        stacked.select("p", "e.c", "e.v")
        .where(F.col("v").isNotNull())
        .groupBy("c", "v")
        .agg(F.count(F.lit(1)).alias("n"), F.min("p").alias("p"))
        .toArrow()
    )
    return {
        c: _merged_values(kinds[c], counted.filter(pc.equal(counted["c"], i))) for i, c in enumerate(kept)
    }


def _spark_text(column: Any, kind: Kind | None) -> Any:
    if kind == "temporal":
        return column.cast("date").cast("string")
    return column.cast("string")


def _merged_values(kind: Kind | None, counted: pa.Table) -> _Values | None:
    """Counted text values trimmed, with the counts of values that trim alike summed."""
    if kind is None:
        return None
    table = pa.table({"v": pc.utf8_trim_whitespace(counted["v"]), "n": counted["n"], "p": counted["p"]})
    table = table.filter(pc.not_equal(table["v"], ""))
    if table.num_rows == 0:
        return None
    merged = table.group_by("v", use_threads=False).aggregate([("n", "sum"), ("p", "min")])
    merged = merged.sort_by("p_min")
    values = merged["v"].combine_chunks()
    counts = pc.cast(merged["n_sum"], pa.int64()).combine_chunks()
    return _Values(kind, values, counts, pc.utf8_length(values), int(pc.sum(counts).as_py()))


def _spark_kind(type_name: str) -> Kind | None:
    if type_name.startswith(("varchar", "char")):
        return "text"
    return _SPARK_KINDS.get(type_name)


def _kind(arrow_type: pa.DataType) -> Kind | None:
    if pa.types.is_dictionary(arrow_type):
        return _kind(arrow_type.value_type)
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "text"
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_date(arrow_type) or pa.types.is_timestamp(arrow_type):
        return "temporal"
    return None


@dataclass(frozen=True)
class _Values:
    """A sampled column's distinct non-missing values as text, with how often each occurs."""

    kind: Kind
    values: pa.Array
    counts: pa.Array
    lengths: pa.Array
    total: int


def classify_column(name: str, column: pa.Array | pa.ChunkedArray) -> PiiFinding | None:
    """The finding for one sampled column, or None when it is not classified as PII."""
    distinct = _distinct_values(column)
    return None if distinct is None else _classify(name, distinct)


def _classify(name: str, distinct: _Values) -> PiiFinding | None:
    hinted = hinted_entities(name)
    for entity in ENTITIES.values():
        if distinct.kind not in entity.kinds or (entity.needs_hint and entity.name not in hinted):
            continue
        finding = _try_entity(entity, distinct, entity.name in hinted)
        if finding is not None:
            return finding
    return None


def _distinct_values(column: pa.Array | pa.ChunkedArray) -> _Values | None:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    kind = _kind(column.type)
    if kind is None:
        return None
    text = _as_text(column, kind)
    text = pc.filter(text, pc.not_equal(text, ""))
    if len(text) == 0:
        return None
    counted = pc.value_counts(text)
    counts = counted.field("counts")
    values = counted.field("values")
    return _Values(kind, values, counts, pc.utf8_length(values), int(pc.sum(counts).as_py()))


def _as_text(column: pa.Array, kind: Kind) -> pa.Array:
    if kind == "temporal":
        column = pc.cast(column, pa.date32())
    if kind != "text":
        column = pc.cast(column, pa.string())
    return pc.drop_null(pc.utf8_trim_whitespace(column))


def _try_entity(entity: Entity, distinct: _Values, hinted: bool) -> PiiFinding | None:
    threshold = HINTED_THRESHOLD if hinted else THRESHOLD
    if _share(distinct, _length_ok(entity, distinct)) < threshold:
        return None  # cheapest exit: too few values even have a possible length
    values = distinct.values
    if distinct.kind == "integer" and entity.pad_to:
        values = pc.utf8_lpad(values, width=entity.pad_to, padding="0")
    shaped = pc.match_substring_regex(values, entity.vector_pattern)
    if not hinted and entity.strict_pattern:
        shaped = pc.and_(shaped, pc.match_substring_regex(values, entity.strict_pattern))
    shaped_share = _share(distinct, shaped)
    if shaped_share < threshold:
        return None  # cheap exit: too few values even have the shape
    valid_fraction, examples = _check(entity, pc.filter(values, shaped), pc.filter(distinct.counts, shaped))
    share = shaped_share * valid_fraction
    if share < threshold:
        return None
    return _finding(entity, share, hinted, examples)


def _length_ok(entity: Entity, distinct: _Values) -> pa.Array:
    lengths = distinct.lengths
    if distinct.kind == "integer" and entity.pad_to:
        lengths = pc.max_element_wise(lengths, entity.pad_to)
    low, high = entity.lengths
    return pc.and_(pc.greater_equal(lengths, low), pc.less_equal(lengths, high))


def _share(distinct: _Values, mask: pa.Array) -> float:
    """Share of the sampled values whose distinct value is selected by the mask."""
    return int(pc.sum(pc.filter(distinct.counts, mask)).as_py() or 0) / distinct.total


def _check(entity: Entity, candidates: pa.Array, counts: pa.Array) -> tuple[float, list[str]]:
    """Weighted share of the first CHECK_LIMIT distinct candidates that validate, and examples."""
    checked = zip(candidates[:CHECK_LIMIT].to_pylist(), counts[:CHECK_LIMIT].to_pylist(), strict=True)
    checked_weight = valid_weight = 0
    examples: list[str] = []
    for value, count in checked:
        checked_weight += count
        if entity.check(value):
            valid_weight += count
            if len(examples) < MAX_EXAMPLES:
                examples.append(value)
    return valid_weight / checked_weight, examples


def _finding(entity: Entity, share: float, hinted: bool, examples: list[str]) -> PiiFinding:
    return PiiFinding(
        entity=entity.name,
        share=round(share, 4),
        confidence=round(confidence(share, entity.strength, hinted), 4),
        examples=tuple(mask_example(v, entity.name) for v in examples),
        name_hint=hinted,
    )


def confidence(share: float, strength: float, hinted: bool) -> float:
    """Share times the entity's strength (how rarely chance data validates), raised by a name hint."""
    base = share * strength
    return base + (1.0 - base) * HINT_WEIGHT if hinted else base
