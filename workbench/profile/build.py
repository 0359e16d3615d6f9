"""From raw statistics to the profile document: semantic types, validity, alerts, PII masking."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Callable
from typing import Any

from workbench.core.types import LType
from workbench.profile import raw, semantic
from workbench.profile.model import (
    Alert,
    Bound,
    ColumnProfile,
    ColumnSketch,
    Correlation,
    DatasetProfile,
    ElementCount,
    Histogram,
    Outliers,
    PiiMark,
    ProfileDocument,
    Sketches,
    TextLength,
    ValueCount,
)
from workbench.profile.raw import RawColumn, RawDataset

HIGH_MISSING_SHARE = 0.5
HIGH_CARDINALITY_SHARE = 0.5
HIGH_CARDINALITY_MIN = 50
SKEWNESS_LIMIT = 2.0

Masker = Callable[[Any], str]
PiiFound = tuple[str, float, Masker | None]


def document(data: RawDataset, engine: str, pii: dict[str, PiiFound] | None = None) -> ProfileDocument:
    """The profile document of ``data``; columns in ``pii`` with a masker show masked values only."""
    pii = pii or {}
    columns = {c.name: column_profile(c, data.rows, pii.get(c.name)) for c in data.columns}
    return ProfileDocument(
        dataset=DatasetProfile(
            rows=data.rows,
            columns=len(data.columns),
            duplicate_rows=data.duplicate_rows,
            missing_cells=sum(c.missing for c in columns.values()),
            size_bytes=sum(raw.estimated_size(c.ltype, data.rows, c.text_bytes) for c in data.columns),
            engine=engine,  # type: ignore[arg-type]
            sample=data.sample,
            mode="approximate" if data.sketch_sizes else "exact",
            approximate=_bounds(data.bounds),
        ),
        columns=columns,
        correlations={
            "pearson": _correlation(data.numeric_columns, data.pearson, columns),
            "spearman": _correlation(data.numeric_columns, data.spearman, columns),
        },
        alerts=alerts(data, columns),
        sketches=_sketches(data),
    )


def _bounds(bounds: dict[str, raw.Approx]) -> dict[str, Bound]:
    return {
        key: Bound(error=b.error, unit=b.unit, method=b.method, confidence=b.confidence)  # type: ignore[arg-type]
        for key, b in bounds.items()
    }


def _sketches(data: RawDataset) -> Sketches | None:
    if data.sketch_sizes is None:
        return None
    lg_k, k = data.sketch_sizes
    return Sketches(
        hll_lg_k=lg_k,
        kll_k=k,
        rows=_base64(data.rows_hll),
        columns={
            c.name: ColumnSketch(
                hll=_base64(c.hll),
                kll=_base64(c.kll),
                length_sum=c.length_sum,
                text_bytes=c.text_bytes,
                elements_sum=c.elements_sum,
                patterns=dict(c.patterns),
                exact_counts=c.exact_counts,
            )
            for c in data.columns
        },
    )


def _base64(blob: bytes | None) -> str | None:
    import base64

    return None if blob is None else base64.b64encode(blob).decode("ascii")


def column_profile(c: RawColumn, rows: int, pii: PiiFound | None) -> ColumnProfile:
    """One column's profile entry."""
    kind = semantic.semantic_type(c.ltype, c.count, c.distinct, c.patterns)
    valid = semantic.valid_count(kind, c.count, c.patterns)
    masker = pii[2] if pii else None
    show: Callable[[Any], Any] = json_value if masker is None else (lambda v: _masked(v, masker))
    q1, median, q3 = c.quartiles or (None, None, None)
    top = _ranked(c.top)
    return ColumnProfile(
        name=c.name,
        logical_type=c.ltype.value,
        semantic_type=kind,
        rows=rows,
        count=c.count,
        missing=c.nulls + c.empty + c.nan,
        nulls=c.nulls,
        empty=c.empty,
        nan=c.nan,
        valid=valid,
        invalid=c.count - valid,
        distinct=c.distinct,
        unique=c.unique,
        min=show(c.min),
        max=show(c.max),
        mean=raw.finite_or_none(c.mean),
        median=show(median),
        q1=show(q1),
        q3=show(q3),
        mode=show(top[0][0]) if top else None,
        stddev=raw.finite_or_none(c.stddev),
        variance=raw.finite_or_none(c.variance),
        sum=raw.finite_or_none(c.sum),
        skewness=raw.finite_or_none(c.skewness),
        kurtosis=raw.finite_or_none(c.kurtosis),
        zeros=c.zeros,
        negatives=c.negatives,
        outliers=_outliers(c),
        top_values=[ValueCount(value=show(v), count=n) for v, n in top],
        histogram=_histogram(c),
        text_length=_text_length(c),
        elements=_elements(c),
        pii=PiiMark(entity=pii[0], confidence=round(pii[1], 4)) if pii else None,
        approximate=_bounds(c.bounds),
    )


def _ranked(top: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
    """Most frequent first; ties in ascending value order, the same on every engine."""
    return sorted(top, key=lambda vc: (-vc[1], _sort_key(vc[0])))[: raw.TOP_VALUES]


def _sort_key(value: Any) -> Any:
    if isinstance(value, str):
        return (0, value.encode("utf-8"))
    return (1, value)


def json_value(value: Any) -> Any:
    """A raw value as JSON: dates and timestamps as ISO text (UTC), decimals as numbers."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat() + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _masked(value: Any, mask: Masker) -> Any:
    return None if value is None else mask(json_value(value))


def _outliers(c: RawColumn) -> Outliers | None:
    if c.outliers_iqr is None:
        return None
    return Outliers(zscore=c.outliers_zscore or 0, iqr=c.outliers_iqr)


def _histogram(c: RawColumn) -> Histogram | None:
    if c.histogram is None or c.min is None:
        return None
    return Histogram(edges=raw.histogram_edges(float(c.min), float(c.max)), counts=c.histogram)


def _text_length(c: RawColumn) -> TextLength | None:
    if c.length_min is None or c.length_max is None or not c.count:
        return None
    return TextLength(min=c.length_min, max=c.length_max, mean=(c.length_sum or 0) / c.count)


def _elements(c: RawColumn) -> ElementCount | None:
    if c.elements_min is None or c.elements_max is None or not c.count:
        return None
    return ElementCount(min=c.elements_min, max=c.elements_max, mean=(c.elements_sum or 0) / c.count)


def _correlation(
    names: list[str], matrix: list[list[float | None]], columns: dict[str, ColumnProfile]
) -> Correlation:
    fixed = [row[:] for row in matrix]
    for i, name in enumerate(names):
        spread = columns[name].stddev
        fixed[i][i] = 1.0 if spread else None
    return Correlation(columns=names, matrix=fixed)


def alerts(data: RawDataset, columns: dict[str, ColumnProfile]) -> list[Alert]:
    """What deserves a look: constant, mostly missing, high-cardinality, skewed, mixed, identifier
    columns, and duplicated rows."""
    found = [a for c in data.columns for a in _column_alerts(c, columns[c.name])]
    bound = data.bounds.get("duplicate_rows")
    if data.duplicate_rows > (bound.error if bound else 0):
        share = data.duplicate_rows / data.rows
        found.append(
            Alert(
                kind="duplicate_rows",
                column=None,
                message=f"{data.duplicate_rows:,} rows ({share:.1%}) repeat an earlier row",
            )
        )
    return found


def _column_alerts(c: RawColumn, p: ColumnProfile) -> list[Alert]:
    out: list[Alert] = []

    def add(kind: str, message: str) -> None:
        out.append(Alert(kind=kind, column=c.name, message=f"{c.name}: {message}"))  # type: ignore[arg-type]

    if p.rows and p.missing / p.rows >= HIGH_MISSING_SHARE:
        add("high_missing", f"{p.missing / p.rows:.1%} of values are missing")
    if p.distinct == 1:
        add("constant", "every present value is the same")
    if p.semantic_type == "identifier":
        add("identifier", "every value is different: an identifier, not a feature")
    elif _high_cardinality(c, p):
        add("high_cardinality", f"{p.distinct:,} distinct values in {p.count:,}")
    if p.skewness is not None and abs(p.skewness) >= SKEWNESS_LIMIT:
        add("skewed", f"skewness {p.skewness:.2f}")
    if semantic.mixes_types(c.ltype, c.count, c.patterns):
        share = c.patterns.get("numeric_text", 0) / c.count
        add("mixed_types", f"{share:.0%} of values are numbers, the rest text")
    return out


def _high_cardinality(c: RawColumn, p: ColumnProfile) -> bool:
    if c.ltype is not LType.STRING or p.distinct is None or p.semantic_type != "text":
        return False
    return p.distinct >= HIGH_CARDINALITY_MIN and p.distinct >= HIGH_CARDINALITY_SHARE * p.count
