"""``workbench history`` and ``workbench monitor``: the run history, and quality over time.

Exit codes: 0 success; 2 an unknown dataset (the nearest recorded name is suggested) or bad usage;
3 ``monitor --alert-below S`` when the latest score is below S (the code of a quality gate that
held data back), so a scheduler can alert.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from workbench.core.errors import RecipeError

ALERT_EXIT_CODE = 3

_HISTORY_HELP = "The run history file (default WORKBENCH_HISTORY, else .workbench/history.db)."
_STYLE = {"COMPLETE": "green", "PASSED": "green", "FAIL": "red", "FAILED": "red", "ABORT": "yellow"}


def history_table(found: list[dict[str, Any]]) -> Table:
    """One line per run or evaluation, newest first."""
    table = Table(show_edge=False)
    for name in ("time (UTC)", "run id", "kind", "recipe", "outcome", "rows in → out", "score", "seconds"):
        table.add_column(name, overflow="fold", no_wrap=name in ("time (UTC)", "run id"))
    for r in found:
        style = _STYLE.get(r["outcome"], "white")
        rows = f"{_n(r['rows_in'])} → {_n(r['rows_out'])}" if r["kind"] == "run" else _n(r["rows_in"])
        table.add_row(
            r["started_at"][:19].replace("T", " "),
            r["run_id"],
            r["kind"],
            escape(r["recipe"] or ""),
            f"[{style}]{r['outcome']}[/{style}]",
            rows,
            "" if r["score"] is None else f"{r['score']:.3f}",
            "" if r["seconds"] is None else f"{r['seconds']:.2f}",
        )
    return table


def _n(value: Any) -> str:
    return "?" if value is None else f"{value:,}"


def monitor_table(series: list[Any]) -> Table:
    """One line per series: a sparkline of its values over time, the first, latest, lowest and highest."""
    from workbench.history.chart import SCORE, number, sparkline

    table = Table(show_edge=False)
    for name in ("series", "over time", "first", "latest", "min", "max", "runs"):
        table.add_column(name, overflow="fold")
    for one in series:
        known = [v for v in one.values if v is not None]
        bounds = (0.0, 1.0) if one.name == SCORE else (None, None)
        table.add_row(
            escape(one.name),
            sparkline(one.values, *bounds),
            number(known[0] if known else None),
            number(one.values[-1] if one.values else None),
            number(min(known) if known else None),
            number(max(known) if known else None),
            str(len(known)),
        )
    return table


class NothingToMonitorError(RecipeError):
    """The dataset has runs but no quality evaluation: there is no score to show."""


def monitor(
    dataset: str,
    *,
    url: str | None,
    metrics: tuple[str, ...],
    last: int | None,
) -> tuple[list[dict[str, Any]], list[Any]]:
    """The evaluations of ``dataset`` (oldest first, the last ``last``) and their series."""
    from workbench.history import evaluations
    from workbench.history.chart import series_of
    from workbench.history.query import resolve

    key = resolve(dataset, url)
    found = evaluations(key, url=url)
    if not found:
        raise NothingToMonitorError(
            f"no quality evaluation of {key!r} is recorded: run it with a gate (workbench run --ruleset) "
            "or record one (workbench quality IN --ruleset R --record)"
        )
    found = found[-last:] if last else found
    series = series_of(found, metrics or None)
    return found, series


def write_pictures(
    found: list[dict[str, Any]],
    series: list[Any],
    threshold: float | None,
    svg: Path | None,
    html: Path | None,
) -> None:
    """The chart as SVG and/or as an HTML page with the evaluations' table."""
    from workbench.history.chart import html_page, svg_chart
    from workbench.io.publish import write_text_atomic

    title = f"quality of {found[-1]['dataset']}"
    picture = svg_chart(series, title=title, threshold=threshold)
    if svg is not None:
        write_text_atomic(svg, picture)
    if html is not None:
        write_text_atomic(html, html_page(picture, title, found))


def register(cli: click.Group, guard: Any, stderr: Console) -> None:
    """Add the ``history`` and ``monitor`` commands to the CLI group."""

    @cli.command("history")
    @click.argument("dataset", required=False)
    @click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON.")
    @click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="Newest N runs.")
    @click.option("--history", "url", metavar="URL", help=_HISTORY_HELP)
    @guard
    def history_cli(dataset: str | None, as_json: bool, limit: int, url: str | None) -> None:
        """Recorded runs and quality evaluations, newest first; with DATASET, those that touched it."""
        from workbench.history import runs

        found = runs(dataset, limit=limit, url=url)
        if as_json:
            click.echo(json.dumps(found, indent=2, default=str))
            return
        if not found:
            stderr.print("no runs recorded yet")
            return
        Console(soft_wrap=False).print(history_table(found))

    @cli.command("monitor")
    @click.argument("dataset")
    @click.option("--metric", "metrics", multiple=True, metavar="NAME", help="A metric to show (repeatable).")
    @click.option("--last", type=click.IntRange(1), help="Only the last N evaluations.")
    @click.option("--svg", type=click.Path(dir_okay=False, path_type=Path), help="Write the chart as SVG.")
    @click.option("--html", type=click.Path(dir_okay=False, path_type=Path), help="Write the chart as HTML.")
    @click.option(
        "--alert-below",
        type=click.FloatRange(0, 1),
        metavar="S",
        help=f"Exit {ALERT_EXIT_CODE} with the failed rules when the latest score is below S.",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print the evaluations as JSON.")
    @click.option("--history", "url", metavar="URL", help=_HISTORY_HELP)
    @guard
    def monitor_cli(
        dataset: str,
        metrics: tuple[str, ...],
        last: int | None,
        svg: Path | None,
        html: Path | None,
        alert_below: float | None,
        as_json: bool,
        url: str | None,
    ) -> None:
        """Quality of DATASET over time: score and key metrics as sparklines; --svg/--html a chart."""
        found, series = monitor(dataset, url=url, metrics=metrics, last=last)
        write_pictures(found, series, alert_below, svg, html)
        if as_json:
            click.echo(json.dumps(found, indent=2, default=str))
        else:
            Console(soft_wrap=False).print(monitor_table(series))
        latest = found[-1]
        failed = [r for r in latest["rules"] if r["outcome"] != "Passed"]
        stderr.print(
            f"latest: {latest['started_at'][:19].replace('T', ' ')} run {latest['run_id']}, "
            f"score {latest['score']:.3f}" + (f", {len(failed)} rules not passed" if failed else ""),
        )
        for path in (svg, html):
            if path is not None:
                stderr.print(f"[green]wrote[/green] {escape(str(path))}")
        if alert_below is not None and latest["score"] < alert_below:
            stderr.print(f"[red]alert:[/red] the latest score {latest['score']:.3f} is below {alert_below}")
            for r in failed:
                stderr.print(f"  {r['outcome']}: {escape(r['rule'])}: {escape(r['reason'] or '')}")
            sys.exit(ALERT_EXIT_CODE)
