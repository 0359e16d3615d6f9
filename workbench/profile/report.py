"""The full HTML report, rendered by ydata-profiling over the profiled data (the ``report`` extra)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench.core.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.profile.model import Profile

MINIMAL_ABOVE_ROWS = 100_000
"""Above this many rows the report uses ydata-profiling's minimal mode, which skips the costly
interactions and correlation plots."""


class ReportUnavailableError(WorkbenchError):
    """The HTML report needs ydata-profiling, which is not installed."""

    exit_code = 2


def render_html(profile: Profile, source: Any, *, title: str | None = None, show_pii: bool = False) -> str:
    """The ydata-profiling report of the profiled data, with PII columns masked unless shown."""
    try:
        from ydata_profiling import ProfileReport
    except ImportError as exc:
        raise ReportUnavailableError(
            "the HTML report needs ydata-profiling: pip install 'workbench[report]' "
            f"(it could not be imported: {exc})"
        ) from None
    if source is None:
        raise ReportUnavailableError("this profile was read from JSON; profile the data again to render HTML")
    frame = _masked_frame(profile, source, show_pii)
    rows = len(frame)
    report = ProfileReport(
        frame,
        title=title or _title(profile, rows),
        minimal=rows > MINIMAL_ABOVE_ROWS,
        progress_bar=False,
    )
    return str(report.to_html())


def _title(profile: Profile, rows: int) -> str:
    """The report's default title; it says when the statistics are of a sample or approximate."""
    total = profile.dataset.rows
    if profile.dataset.mode == "approximate":
        return (
            f"Workbench profile (approximate: the report shows a {rows:,}-row sample of {total:,} rows; "
            "the profile JSON holds every number with its error bound)"
        )
    return f"Workbench profile ({rows:,} rows)"


def _masked_frame(profile: Profile, source: Any, show_pii: bool) -> Any:
    """The data handed to the report: Arrow columns as NumPy ones, PII columns masked."""
    import pandas as pd

    from workbench.pii import mask_example

    frame = pd.DataFrame({name: _plain(source[name]) for name in profile.columns})
    for name, column in profile.columns.items():
        if column.pii is not None and not show_pii:
            entity = column.pii.entity
            frame[name] = frame[name].map(lambda v, e=entity: None if pd.isna(v) else mask_example(str(v), e))
    return frame


def _plain(series: Any) -> Any:
    import pandas as pd

    if isinstance(series.dtype, pd.ArrowDtype):
        converted = series.astype(object).where(series.notna(), None)
        try:
            return pd.to_numeric(converted) if series.dtype.kind in "iuf" else converted
        except (TypeError, ValueError):
            return converted
    return series
