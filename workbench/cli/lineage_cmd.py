"""``workbench lineage DATASET[.COLUMN]`` and ``workbench lineage --pii [DATASET]``: the recorded lineage."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape


def register(cli: click.Group, guard: Callable[..., Any], console: Console) -> None:
    """Add ``lineage`` to ``cli``."""

    @cli.command("lineage")
    @click.argument("target", required=False, metavar="DATASET[.COLUMN]")
    @click.option("--column", help="The column (instead of DATASET.COLUMN, e.g. for names with dots).")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON to stdout.")
    @click.option(
        "--svg", "svg_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the graph."
    )
    @click.option(
        "--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Write a page with it."
    )
    @click.option(
        "--events",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The events file (default: env WORKBENCH_LINEAGE_FILE, then .workbench/lineage/events.jsonl).",
    )
    @click.option("--pii", is_flag=True, help="Where the PII columns of the inputs (or of DATASET) go.")
    @click.option(
        "--fail-on-unmasked",
        is_flag=True,
        help="With --pii: exit 1 when a PII column reaches an output unmasked.",
    )
    @click.option(
        "--sample",
        type=click.IntRange(1),
        default=10_000,
        show_default=True,
        help="With --pii: rows of each input file the PII detection reads.",
    )
    @guard
    def lineage(
        target: str | None,
        column: str | None,
        as_json: bool,
        svg_path: Path | None,
        html_path: Path | None,
        events: Path | None,
        pii: bool,
        fail_on_unmasked: bool,
        sample: int,
    ) -> None:
        """Upstream and downstream of DATASET (a path, URL or catalog:DB.TABLE) and, for a column,
        the steps that made it, from the recorded runs (each job's latest completed run)."""
        from workbench.lineage.graph import LineageError, read_graph

        if fail_on_unmasked and not pii:
            raise LineageError("--fail-on-unmasked goes with --pii")
        graph = read_graph(events)
        if pii:
            _pii(graph, target, as_json, fail_on_unmasked, sample, console)
            return
        if not target:
            raise LineageError(
                "name a dataset (a path, URL or catalog:DB.TABLE, optionally .COLUMN), or --pii"
            )
        from workbench.lineage.view import Lineage

        dataset, found = graph.resolve(target, column)
        view = Lineage(graph, dataset, found)
        _write(svg_path, view.svg(), console)
        _write(html_path, view.html(), console)
        if as_json:
            click.echo(json.dumps(view.to_dict(), indent=2, ensure_ascii=False))
        else:
            click.echo(view.text())


def _pii(graph: Any, target: str | None, as_json: bool, fail: bool, sample: int, console: Console) -> None:
    from workbench.lineage.pii import pii_report

    dataset = graph.resolve(target)[0] if target else None
    report = pii_report(graph, dataset, sample=sample)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.text())
    leaks = report.unmasked
    if fail and leaks:
        shown = ", ".join(f"{_name(c.column)} → {_name(r.column)}" for c, r in leaks[:5])
        more = f" and {len(leaks) - 5} more" if len(leaks) > 5 else ""
        console.print(
            f"[red]error:[/red] {len(leaks)} unmasked PII column{'s' if len(leaks) != 1 else ''} "
            f"reach an output: {escape(shown)}{more} (mask them with CRYPTOGRAPHIC_HASH, MASK_* or ENCRYPT)"
        )
        sys.exit(1)


def _name(key: Any) -> str:
    from workbench.lineage.graph import label

    return f"{label(key[0])}.{key[1]}"


def _write(path: Path | None, text: str, console: Console) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    console.print(f"wrote {escape(str(path))}")
