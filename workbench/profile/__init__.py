"""Column profiles and dataset statistics, computed in one pass per engine.

>>> import pandas as pd, workbench as wb
>>> p = wb.profile(pd.DataFrame({"qty": [1, 2, 2, None]}))
>>> p.columns["qty"].count, p.columns["qty"].missing, p.columns["qty"].mode
(3, 1, 2)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from workbench.profile.model import (
    STABLE_COLUMN_KEYS,
    ColumnProfile,
    Profile,
    ProfileDocument,
    json_schema,
)

__all__ = [
    "STABLE_COLUMN_KEYS",
    "ColumnProfile",
    "Profile",
    "ProfileDocument",
    "column_profiles",
    "json_schema",
    "merge_profiles",
    "profile",
]

PII_SAMPLE = 10_000
HEADER_PII_SAMPLE = 2_000
"""Rows a column header's PII check reads: enough to classify a column, cheap enough to redo per edit."""


def profile(
    frame: Any,
    columns: Sequence[str] | None = None,
    sample: int | None = None,
    *,
    show_pii: bool = False,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    exact: bool | None = None,
) -> Profile:
    """Profile a pandas or Spark DataFrame: per-column statistics, correlations and alerts.

    ``columns`` restricts the profile to those columns; ``sample`` profiles a seeded random sample
    of that many rows instead of all of them. Columns classified as PII show masked values in top
    values, min, max and mode unless ``show_pii`` is true. ``progress`` is called with the name of
    each finished stage.

    On Spark the profile is approximate unless ``exact`` is true: distinct counts, quartiles,
    histograms and outliers come from sketches in one aggregation, each approximate number with
    its error bound (``column.approximate``), and the sketches travel in the profile so that
    profiles of parts of a dataset merge (:func:`merge_profiles`). pandas is always exact.
    """
    from workbench.recipe.replay import engine_for

    report = progress or (lambda _stage: None)
    engine = engine_for(frame)
    frame = _select(frame, columns, engine.name)
    if engine.name == "pandas":
        return _profile_pandas(frame, sample, show_pii, seed, report)
    return _profile_spark(frame, sample, show_pii, seed, report, exact=bool(exact))


def column_profiles(frame: Any, *, pii_sample: int = HEADER_PII_SAMPLE) -> dict[str, dict[str, Any]]:
    """The per-column entries of a pandas frame's profile, without the dataset-wide statistics.

    What a column header shows, for less: no correlations, no duplicate rows, and PII classified
    on the first ``pii_sample`` rows.
    """
    from workbench.profile import build, pandas_stats

    data = pandas_stats.measure(frame, None, lambda _stage: None, dataset_wide=False)
    pii = _pii_columns(frame.head(pii_sample), show_pii=False)
    document = build.document(data, "pandas", pii)
    return dict(Profile(document, source=frame, show_pii=False).to_dict()["columns"])


def stage_count(frame: Any, columns: Sequence[str] | None = None, *, exact: bool | None = None) -> int:
    """How many times :func:`profile` calls ``progress`` on this frame (for progress bars)."""
    from workbench.recipe.replay import engine_for

    engine = engine_for(frame)
    if engine.name == "pandas":
        width = len(columns) if columns is not None else len(frame.columns)
        return width + 3
    return 5 if exact else 4


def _select(frame: Any, columns: Sequence[str] | None, engine: str) -> Any:
    if columns is None:
        return frame
    from workbench.core.errors import ColumnNotFoundError, nearest

    present = [str(c) for c in frame.columns]
    for name in columns:
        if name not in present:
            raise ColumnNotFoundError(
                f"column {name!r} is not in the data", column=name, suggestion=nearest(name, present)
            )
    if engine == "pandas":
        return frame[list(columns)]
    from workbench.core.lazy import scol

    return frame.select(*[scol(c) for c in columns])


def _profile_pandas(
    frame: Any, sample: int | None, show_pii: bool, seed: int, progress: Callable[[str], None]
) -> Profile:
    from workbench.profile import build, pandas_stats

    if sample is not None and sample < len(frame):
        frame = frame.sample(n=sample, random_state=seed).sort_index()
    head = frame.head(PII_SAMPLE) if len(frame) > PII_SAMPLE else frame
    # PII checks are pure Python: run beside the measurement, they would make its threads wait
    # for the GIL at every NumPy call, so they run first, on their own.
    pii = _pii_columns(head, show_pii)
    progress("PII")
    data = pandas_stats.measure(frame, sample, progress)
    return Profile(build.document(data, "pandas", pii), source=frame, show_pii=show_pii)


def _profile_spark(
    frame: Any, sample: int | None, show_pii: bool, seed: int, progress: Callable[[str], None], *, exact: bool
) -> Profile:
    from workbench.profile import build, pandas_stats, spark_sketch, spark_stats

    if sample is not None:
        frame = frame.orderBy(_seeded_order(seed)).limit(sample)
    measure = spark_stats.measure if exact else spark_sketch.measure
    data, rows_sample = measure(frame, sample, progress)
    numeric = {name: pandas_stats.dense_numeric(rows_sample[name]) for name in data.numeric_columns}
    data.pearson, data.spearman = pandas_stats.correlations(numeric)
    pii = _pii_columns(rows_sample.head(PII_SAMPLE), show_pii)
    progress("PII")
    return Profile(build.document(data, "spark", pii), source=rows_sample, show_pii=show_pii)


def _seeded_order(seed: int) -> Any:
    from workbench.core.lazy import F

    return F.rand(seed)


def _pii_columns(sample: Any, show_pii: bool) -> dict[str, tuple[str, float, Callable[[Any], str] | None]]:
    """Columns of the sample classified as PII, with the masking of their values (None: shown)."""
    from workbench.pii import detect_pii, mask_example

    found = detect_pii(sample)
    return {
        name: (
            finding.entity,
            finding.confidence,
            None if show_pii else _masker(finding.entity, mask_example),
        )
        for name, finding in found.items()
    }


def _masker(entity: str, mask: Callable[[str, str], str]) -> Callable[[Any], str]:
    return lambda value: mask(str(value), entity)


def merge_profiles(a: Profile, b: Profile, session: Any = None) -> Profile:
    """The profile of the union of two datasets' rows, from their approximate Spark profiles.

    Both need their sketches (Spark's approximate mode); ``session`` is the Spark session that
    reads them (the default local one when not given). See :mod:`workbench.profile.merge`.
    """
    from workbench.profile.merge import merge

    return merge(a, b, session)
