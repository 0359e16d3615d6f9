"""The profile as a notebook shows it: one table row per column, approximate numbers marked.

An approximate number (from a sketch, or scaled from a sample) is shown as ``≈ value``; hovering it
shows its error bound in words, so a reader never takes an estimate for a count.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.profile.model import Bound, ColumnProfile, Profile

_COLUMNS = [
    ("present", "count"),
    ("missing", "missing"),
    ("distinct", "distinct"),
    ("min", "min"),
    ("median", "median"),
    ("max", "max"),
    ("mean", "mean"),
]

_METHODS = {
    "hll": "HyperLogLog sketch",
    "kll": "KLL quantile sketch",
    "sample": "measured on a seeded sample and scaled to all rows",
    "percentile_approx": "Spark's percentile_approx",
}

_STYLE = (
    "<style>.wb-profile td,.wb-profile th{padding:2px 8px;text-align:right}"
    ".wb-profile td:first-child,.wb-profile th:first-child{text-align:left}"
    ".wb-profile .wb-approx{border-bottom:1px dotted;cursor:help}</style>"
)


def bound_text(bound: Bound) -> str:
    """An error bound in words: ``HyperLogLog sketch: within ±1.6% of the exact value, 95% of the time``."""
    share = f"{bound.error * 100:.2g}%"
    if bound.unit == "relative":
        within = f"within ±{share} of the exact value"
    elif bound.unit == "rank":
        within = f"its rank within ±{share} of the present values of the rank asked for"
    else:
        within = f"within ±{bound.error:,.0f} of the exact count"
    often = "" if bound.confidence >= 1 else f", {bound.confidence * 100:.0f}% of the time"
    return f"{_METHODS.get(bound.method, bound.method)}: {within}{often}"


def profile_html(profile: Profile) -> str:
    """The profile's summary table as HTML (what ``Profile`` shows in a notebook)."""
    d = profile.dataset
    mode = "approximate; ≈ marks an estimate, hover it for its bound" if d.mode == "approximate" else "exact"
    sample = f", a sample of {d.sample:,} rows" if d.sample else ""
    duplicates = _cell(d.duplicate_rows, d.approximate.get("duplicate_rows"))
    caption = (
        f"{d.rows:,} rows x {d.columns} columns on {d.engine}{sample} ({mode}); "
        f"duplicate rows: {duplicates}; {len(profile.alerts)} alerts"
    )
    head = "".join(f"<th>{escape(label)}</th>" for label in ["column", "type", *(c[0] for c in _COLUMNS)])
    body = "".join(_row(column) for column in profile.columns.values())
    alerts = "".join(f"<li>{escape(a.message)}</li>" for a in profile.alerts)
    return (
        f'{_STYLE}<div class="wb-profile"><div>{caption}</div>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        + (f"<ul>{alerts}</ul>" if alerts else "")
        + "</div>"
    )


def _row(column: ColumnProfile) -> str:
    kind = column.semantic_type if column.semantic_type != column.logical_type else column.logical_type
    cells = [f"<td>{escape(column.name)}</td>", f"<td>{escape(kind)}</td>"]
    for _, key in _COLUMNS:
        cells.append(f"<td>{_cell(getattr(column, key), column.approximate.get(key))}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def _cell(value: Any, bound: Bound | None) -> str:
    text = escape(_text(value))
    if bound is None or value is None:
        return text
    return f'<span class="wb-approx" title="{escape(bound_text(bound))}">≈ {text}</span>'


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e15 else f"{value:.3e}"
    return str(value)
