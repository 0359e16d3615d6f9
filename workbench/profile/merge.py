"""Merging profiles: the profile of two datasets' rows together, from their two profiles.

Counts, sums, minima and maxima add up or compare exactly; means, variances, skewness and kurtosis
combine exactly from the two sides' moments; distinct counts and duplicate rows come from the
union of the HyperLogLog sketches, quartiles, histograms and outliers from the merged KLL
sketches, each with its bound; top values add up the two lists, with a bound for the values a
side did not list. Correlations are the two sides' averaged by rows (approximate). The sketches
are read through a Spark session, on one-row local relations that run no Spark job.
"""

from __future__ import annotations

import base64
import math
from typing import Any

from workbench.core.errors import WorkbenchError
from workbench.core.types import LType
from workbench.profile import build, raw, spark_sketch
from workbench.profile.model import ColumnProfile, ColumnSketch, Profile, ProfileDocument
from workbench.profile.raw import Approx, RawColumn, RawDataset


class ProfileMergeError(WorkbenchError):
    """Two profiles that cannot be merged (no sketches, or different columns)."""

    exit_code = 2


def merge(a: Profile, b: Profile, session: Any = None) -> Profile:
    """The merged profile of ``a`` and ``b`` (see the module's docstring)."""
    left, right = a.document, b.document
    _check(left, right)
    if session is None:
        from workbench.engines.spark.session import get_session

        session = get_session()
    assert left.sketches is not None
    assert right.sketches is not None
    columns = [
        _merged_column(
            left.columns[name], right.columns[name], left.sketches.columns[name], right.sketches.columns[name]
        )
        for name in left.columns
    ]
    _merge_sketches(session, columns, left, right)
    rows = left.dataset.rows + right.dataset.rows
    data = RawDataset(
        rows=rows,
        columns=columns,
        duplicate_rows=0,
        pearson=_averaged(left, right, "pearson"),
        spearman=_averaged(left, right, "spearman"),
        numeric_columns=list(left.correlations["pearson"].columns),
        sketch_sizes=(left.sketches.hll_lg_k, left.sketches.kll_k),
    )
    rows_sketches = [_bytes(left.sketches.rows), _bytes(right.sketches.rows)]
    if all(s is not None for s in rows_sketches):
        data.rows_hll = _union(session, "hll", rows_sketches)  # type: ignore[arg-type]
        spark_sketch.set_duplicates(data, spark_sketch.estimate_distinct(session, [data.rows_hll])[0])
    pii: dict[str, build.PiiFound] = {
        name: (c.pii.entity, c.pii.confidence, None) for name, c in left.columns.items() if c.pii is not None
    }
    return Profile(build.document(data, "spark", pii), show_pii=a.show_pii and b.show_pii)


def _check(left: ProfileDocument, right: ProfileDocument) -> None:
    if left.sketches is None or right.sketches is None:
        raise ProfileMergeError(
            "only approximate Spark profiles carry the sketches merging needs: "
            "profile both parts on Spark without exact=True"
        )
    if left.sketches.hll_lg_k != right.sketches.hll_lg_k or left.sketches.kll_k != right.sketches.kll_k:
        raise ProfileMergeError("the two profiles' sketches have different sizes")
    types = {n: c.logical_type for n, c in left.columns.items()}
    other = {n: c.logical_type for n, c in right.columns.items()}
    if types != other:
        missing = sorted(set(types) ^ set(other)) or sorted(n for n in types if types[n] != other[n])
        raise ProfileMergeError(f"the two profiles have different columns or types: {', '.join(missing)}")


def _bytes(text: str | None) -> bytes | None:
    return None if text is None else base64.b64decode(text)


def _merged_column(a: ColumnProfile, b: ColumnProfile, sa: ColumnSketch, sb: ColumnSketch) -> RawColumn:
    c = RawColumn(name=a.name, ltype=LType(a.logical_type))
    c.nulls, c.empty, c.nan, c.count = a.nulls + b.nulls, a.empty + b.empty, a.nan + b.nan, a.count + b.count
    c.min = _pick(min, a.min, b.min)
    c.max = _pick(max, a.max, b.max)
    c.zeros = _add(a.zeros, b.zeros)
    c.negatives = _add(a.negatives, b.negatives)
    if c.is_numeric and c.count:
        _moments(c, a, b)
    if a.text_length or b.text_length:
        c.length_min = _pick(min, *(t.min if t else None for t in (a.text_length, b.text_length)))
        c.length_max = _pick(max, *(t.max if t else None for t in (a.text_length, b.text_length)))
        c.length_sum = (sa.length_sum or 0) + (sb.length_sum or 0)
    c.text_bytes = sa.text_bytes + sb.text_bytes
    if a.elements or b.elements:
        c.elements_min = _pick(min, *(e.min if e else None for e in (a.elements, b.elements)))
        c.elements_max = _pick(max, *(e.max if e else None for e in (a.elements, b.elements)))
        c.elements_sum = (sa.elements_sum or 0) + (sb.elements_sum or 0)
    c.patterns = {k: sa.patterns.get(k, 0) + sb.patterns.get(k, 0) for k in {*sa.patterns, *sb.patterns}}
    for key in ("valid", "invalid"):
        error = sum(p.approximate[key].error for p in (a, b) if key in p.approximate)
        if error:
            c.bounds[key] = Approx(error, "count", "sample")
    c.hll = _bytes(sa.hll) if sa.hll else None
    c.kll = _bytes(sa.kll) if sa.kll else None
    _top(c, a, b)
    return c


def _pick(choose: Any, *values: Any) -> Any:
    present = [v for v in values if v is not None]
    return choose(present) if present else None


def _add(x: int | None, y: int | None) -> int | None:
    return None if x is None and y is None else (x or 0) + (y or 0)


def _central(p: ColumnProfile) -> tuple[int, float, float, float, float]:
    """(n, mean, M2, M3, M4): the sums of the 2nd to 4th powers of the deviations from the mean."""
    n, mean = p.count, float(p.mean or 0.0)
    m2 = float(p.variance or 0.0) * (n - 1)
    m3 = (p.skewness or 0.0) * m2**1.5 / math.sqrt(n) if n else 0.0
    m4 = ((p.kurtosis or 0.0) + 3) * m2 * m2 / n if n else 0.0
    return n, mean, m2, m3, m4


def _moments(c: RawColumn, a: ColumnProfile, b: ColumnProfile) -> None:
    """Mean, variance, skewness and kurtosis of both sides together (pairwise update formulas)."""
    na, ma, a2, a3, a4 = _central(a)
    nb, mb, b2, b3, b4 = _central(b)
    n, d = na + nb, mb - ma
    m2 = a2 + b2 + d * d * na * nb / n
    m3 = a3 + b3 + d**3 * na * nb * (na - nb) / n**2 + 3 * d * (na * b2 - nb * a2) / n
    m4 = (
        a4
        + b4
        + d**4 * na * nb * (na * na - na * nb + nb * nb) / n**3
        + 6 * d * d * (na * na * b2 + nb * nb * a2) / n**2
        + 4 * d * (na * b3 - nb * a3) / n
    )
    c.sum = _add_float(a.sum, b.sum)
    c.mean = ma + d * nb / n
    if c.ltype is LType.INTEGER and c.sum is not None:
        c.sum = round(c.sum)
    c.variance = m2 / (n - 1) if n > 1 else None
    c.stddev = math.sqrt(c.variance) if c.variance is not None else None
    if m2 > 0:
        c.skewness, c.kurtosis = math.sqrt(n) * m3 / m2**1.5, n * m4 / (m2 * m2) - 3


def _add_float(x: float | None, y: float | None) -> float | None:
    return None if x is None and y is None else (x or 0.0) + (y or 0.0)


def _top(c: RawColumn, a: ColumnProfile, b: ColumnProfile) -> None:
    """Top values of both sides added up; a value one side did not list may have up to that
    side's smallest listed count there, which is the bound."""
    counts: dict[Any, int] = {}
    error = 0
    for side in (a, b):
        for item in side.top_values:
            counts[item.value] = counts.get(item.value, 0) + item.count
        if len(side.top_values) >= raw.TOP_VALUES:
            error += side.top_values[-1].count
        if "top_values" in side.approximate:
            error += int(side.approximate["top_values"].error)
    c.top = sorted(counts.items(), key=lambda vc: -vc[1])
    if error:
        c.bounds["top_values"] = c.bounds["mode"] = Approx(error, "count", "sample")


def _union(session: Any, kind: str, blobs: list[bytes]) -> bytes:
    from workbench.core.lazy import F

    frame = spark_sketch.one_row(session, blobs)
    merged = F.hll_union("s0", "s1") if kind == "hll" else F.kll_sketch_merge_double("s0", "s1")
    return bytes(frame.select(merged.alias("m")).collect()[0]["m"])


def _merge_sketches(
    session: Any, columns: list[RawColumn], left: ProfileDocument, right: ProfileDocument
) -> None:
    """Each column's sketches, both sides' merged, then read like a fresh profile's."""
    assert left.sketches is not None
    assert right.sketches is not None
    for c in columns:
        sa, sb = left.sketches.columns[c.name], right.sketches.columns[c.name]
        for kind in ("hll", "kll"):
            blobs = [_bytes(getattr(s, kind)) for s in (sa, sb)]
            present = [x for x in blobs if x is not None]
            merged = (
                _union(session, kind, present) if len(present) == 2 else (present[0] if present else None)
            )
            setattr(c, kind, merged)
    spark_sketch.read_sketches(session, columns)


def _averaged(left: ProfileDocument, right: ProfileDocument, kind: str) -> list[list[float | None]]:
    ma, mb = left.correlations[kind], right.correlations[kind]  # type: ignore[index]
    if ma.columns != mb.columns:
        return [[None] * len(ma.columns) for _ in ma.columns]
    wa, wb = left.dataset.rows, right.dataset.rows
    return [
        [
            None if x is None or y is None else (x * wa + y * wb) / (wa + wb)
            for x, y in zip(ra, rb, strict=True)
        ]
        for ra, rb in zip(ma.matrix, mb.matrix, strict=True)
    ]
