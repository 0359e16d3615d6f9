"""Pictures of a dataset's quality over time: terminal sparklines, an SVG chart, an HTML page.

The SVG is written here, element by element: one panel per series (the score first, on a fixed
0-1 scale, with the alert threshold as a dashed line), each with its axes, tick labels, a line
through the points and a circle per evaluation (hover shows the run, the time and the value).
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Sequence
from typing import Any

BARS = "▁▂▃▄▅▆▇█"
WIDTH, PANEL_HEIGHT = 720, 180
LEFT, RIGHT, TOP, BOTTOM = 70, 60, 30, 40
SCORE = "score"


@dataclasses.dataclass(frozen=True)
class Point:
    """One evaluation's value of a series."""

    run_id: str
    time: str
    value: float | None


@dataclasses.dataclass(frozen=True)
class Series:
    """A named series of values, oldest first."""

    name: str
    points: tuple[Point, ...]

    @property
    def values(self) -> list[float | None]:
        return [p.value for p in self.points]


def series_of(evaluations: Sequence[dict[str, Any]], metrics: Sequence[str] | None = None) -> list[Series]:
    """The score and the chosen metrics (default: RowCount and up to three more of the latest run)."""
    names = list(metrics) if metrics else key_metrics(evaluations)
    out = [Series(SCORE, tuple(Point(e["run_id"], e["started_at"], e["score"]) for e in evaluations))]
    for name in names:
        points = tuple(Point(e["run_id"], e["started_at"], e["metrics"].get(name)) for e in evaluations)
        out.append(Series(name, points))
    return out


def key_metrics(evaluations: Sequence[dict[str, Any]], limit: int = 4) -> list[str]:
    """RowCount first, then the other metrics of the latest evaluation, by name."""
    if not evaluations:
        return []
    latest = sorted(evaluations[-1]["metrics"])
    first = [m for m in latest if m == "Dataset.*.RowCount"]
    return (first + [m for m in latest if m not in first])[:limit]


def sparkline(values: Sequence[float | None], low: float | None = None, high: float | None = None) -> str:
    """One bar per value, scaled between ``low`` and ``high`` (default: the values' range); a gap for None."""
    known = [v for v in values if v is not None and math.isfinite(v)]
    if not known:
        return " " * len(values)
    lo = min(known) if low is None else low
    hi = max(known) if high is None else high
    out = []
    for v in values:
        if v is None or not math.isfinite(v):
            out.append(" ")
        elif hi == lo:
            out.append(BARS[len(BARS) // 2])
        else:
            share = min(max((v - lo) / (hi - lo), 0.0), 1.0)
            out.append(BARS[round(share * (len(BARS) - 1))])
    return "".join(out)


def number(value: float | None) -> str:
    """A value as shown in tables and labels."""
    if value is None:
        return "-"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.4g}"


# ---- SVG ----------


@dataclasses.dataclass(frozen=True)
class Scale:
    """Maps values to the pixels of one panel."""

    low: float
    high: float
    top: float
    count: int

    def x(self, i: int) -> float:
        inner = WIDTH - LEFT - RIGHT
        return LEFT + (inner / 2 if self.count == 1 else inner * i / (self.count - 1))

    def y(self, value: float) -> float:
        inner = PANEL_HEIGHT - TOP - BOTTOM
        if self.high == self.low:
            return self.top + TOP + inner / 2
        return self.top + TOP + inner * (self.high - value) / (self.high - self.low)


def scale_for(series: Series, top: float, threshold: float | None) -> Scale:
    """0 to 1 for the score; else the values' range, widened to round tick values."""
    if series.name == SCORE:
        return Scale(0.0, 1.0, top, len(series.points))
    known = [v for v in series.values if v is not None and math.isfinite(v)]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    if high == low:
        low, high = low - max(abs(low) / 10, 1.0), high + max(abs(high) / 10, 1.0)
    step = tick_step(high - low)
    return Scale(math.floor(low / step) * step, math.ceil(high / step) * step, top, len(series.points))


def tick_step(span: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` intervals over ``span``."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def svg_chart(series: Sequence[Series], *, title: str, threshold: float | None = None) -> str:
    """An SVG document with one panel per series; ``threshold`` draws the alert line on the score."""
    height = TOP + len(series) * PANEL_HEIGHT + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11">',
        f"<title>{_text(title)}</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
        f'<text class="title" x="{LEFT}" y="18" font-size="14" font-weight="bold">{_text(title)}</text>',
    ]
    for i, one in enumerate(series):
        top = TOP + i * PANEL_HEIGHT
        parts.extend(_panel(one, scale_for(one, top, threshold), threshold if one.name == SCORE else None))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _panel(series: Series, scale: Scale, threshold: float | None) -> list[str]:
    top, bottom = scale.top + TOP, scale.top + PANEL_HEIGHT - BOTTOM
    right = WIDTH - RIGHT
    out = [
        f'<g class="panel" data-series="{_attr(series.name)}">',
        f'<text class="series-label" x="{LEFT}" y="{top - 8:.1f}" font-weight="bold">'
        f"{_text(series.name)}</text>",
        f'<line class="axis y-axis" x1="{LEFT}" y1="{top:.1f}" x2="{LEFT}" y2="{bottom:.1f}" '
        'stroke="black"/>',
        f'<line class="axis x-axis" x1="{LEFT}" y1="{bottom:.1f}" x2="{right}" y2="{bottom:.1f}" '
        'stroke="black"/>',
    ]
    out.extend(_y_ticks(scale, right))
    out.extend(_x_ticks(series, scale, bottom))
    if threshold is not None:
        y = scale.y(threshold)
        out.append(
            f'<line class="threshold" data-value="{threshold}" x1="{LEFT}" y1="{y:.1f}" x2="{right}" '
            f'y2="{y:.1f}" stroke="#d62728" stroke-dasharray="6 4"/>'
        )
        out.append(
            f'<text class="threshold-label" x="{right - 4}" y="{y - 4:.1f}" text-anchor="end" '
            f'fill="#d62728">alert below {number(threshold)}</text>'
        )
    out.extend(_points(series, scale, threshold))
    out.append("</g>")
    return out


def _y_ticks(scale: Scale, right: float) -> list[str]:
    out = []
    step = 0.25 if (scale.low, scale.high) == (0.0, 1.0) else tick_step(scale.high - scale.low)
    count = round((scale.high - scale.low) / step)
    for k in range(count + 1):
        value = round(scale.low + step * k, 12)
        y = scale.y(value)
        out.append(f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(
            f'<text class="y-tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_text(number(value))}</text>"
        )
    return out


def _x_ticks(series: Series, scale: Scale, bottom: float) -> list[str]:
    count = len(series.points)
    step = max(1, math.ceil(count / 8))
    out = []
    for i in range(0, count, step):
        label = series.points[i].time[5:19].replace("T", " ")
        out.append(
            f'<text class="x-tick" x="{scale.x(i):.1f}" y="{bottom + 16:.1f}" text-anchor="middle">'
            f"{_text(label)}</text>"
        )
    out.append(
        f'<text class="x-label" x="{(LEFT + WIDTH - RIGHT) / 2:.1f}" y="{bottom + 32:.1f}" '
        f'text-anchor="middle">evaluation time (UTC)</text>'
    )
    return out


def _points(series: Series, scale: Scale, threshold: float | None) -> list[str]:
    placed = [(i, p) for i, p in enumerate(series.points) if p.value is not None and math.isfinite(p.value)]
    out = []
    if len(placed) > 1:
        path = " ".join(f"{scale.x(i):.1f},{scale.y(p.value):.1f}" for i, p in placed)  # type: ignore[arg-type]
        out.append(
            f'<polyline class="line" points="{path}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>'
        )
    for i, p in placed:
        value = float(p.value)  # type: ignore[arg-type]
        low = threshold is not None and value < threshold
        out.append(
            f'<circle class="point{" alert" if low else ""}" cx="{scale.x(i):.1f}" cy="{scale.y(value):.1f}" '
            f'r="4" fill="{"#d62728" if low else "#1f77b4"}" data-value="{value!r}" '
            f'data-run="{_attr(p.run_id)}">'
            f"<title>{_text(f'{p.time} run {p.run_id}: {number(value)}')}</title></circle>"
        )
    return out


def _text(value: str) -> str:
    return html.escape(value, quote=False)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def html_page(svg: str, title: str, rows: Sequence[dict[str, Any]]) -> str:
    """A standalone HTML page: the chart and a table of the evaluations (newest first)."""
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{_text(str(c))}</td>" for c in (r["started_at"], r["run_id"], r["kind"], r["outcome"])
        )
        + f"<td>{number(r['score'])}</td><td>{_text(_failed(r))}</td></tr>"
        for r in reversed(rows)
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_text(title)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}</style></head><body>"
        f"<h1>{_text(title)}</h1>\n{svg}"
        "<table><thead><tr><th>time (UTC)</th><th>run id</th><th>kind</th><th>outcome</th><th>score</th>"
        f"<th>rules not passed</th></tr></thead><tbody>{body}</tbody></table></body></html>\n"
    )


def _failed(run: dict[str, Any]) -> str:
    return "; ".join(r["rule"] for r in run["rules"] if r["outcome"] != "Passed")
