"""``workbench profile``: column profiles of a dataset, as a table, JSON and an HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from workbench.cli.jobs import _progress
from workbench.cli.options import read_input
from workbench.cli.read_options import input_where, read_options


def profile_command(
    input_path: Path,
    *,
    engine: str,
    spark_remote: str | None,
    json_path: Path | None,
    html_path: Path | None,
    columns: list[str] | None,
    sample: int | None,
    show_pii: bool,
    csv: Any,
    overwrite: bool,
    console: Console,
    exact: bool = False,
) -> Any:
    """Read ``input_path``, profile it with a progress bar, write the outputs asked for."""
    from workbench.io.publish import check_output
    from workbench.profile import profile, stage_count

    for target in (json_path, html_path):
        if target is not None:
            check_output(target, overwrite, [input_path])
    with _progress(console) as progress:
        task = progress.add_task(f"reading {input_path.name}", total=None)
        frame = read_input(input_path, engine, spark_remote, csv, input_where())
        progress.update(
            task, total=stage_count(frame, columns, exact=exact) + 1, completed=1, description="profiling"
        )

        def advance(stage: str) -> None:
            progress.update(task, advance=1, description=stage)

        result = profile(
            frame, columns=columns, sample=sample, show_pii=show_pii, progress=advance, exact=exact
        )
        if json_path is not None:
            progress.update(task, description=f"writing {json_path.name}")
            result.save(json_path)
        if html_path is not None:
            progress.update(task, description=f"rendering {html_path.name}")
            result.to_html(html_path)
        progress.update(task, description="done")
    return result


def summary_table(result: Any) -> Table:
    """One line per column: type, missing, distinct, range or top value, PII."""
    table = Table(title=_title(result), title_justify="left", show_edge=False)
    for header in ("column", "type", "missing", "distinct", "min", "max", "mean", "note"):
        table.add_column(header, justify="right" if header in ("missing", "distinct", "mean") else "left")
    for name, c in result.columns.items():
        missing = f"{c.missing / c.rows:.1%}" if c.rows else "-"
        mean = "" if c.mean is None else f"{c.mean:,.4g}"
        note = (
            f"PII: {c.pii.entity}"
            if c.pii
            else ("" if c.semantic_type == c.logical_type else c.semantic_type)
        )
        cells = (name, c.logical_type, missing, _n(c.distinct), _short(c.min), _short(c.max), mean, note)
        table.add_row(*(escape(str(cell)) for cell in cells))
    return table


def _title(result: Any) -> str:
    d = result.dataset
    return (
        f"{d.rows:,} rows x {d.columns} columns on {d.engine}; {d.duplicate_rows:,} duplicate rows, "
        f"{d.missing_cells:,} missing cells"
    )


def _n(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 24 else text[:23] + "…"


def register(cli: click.Group, guard: Any, csv_options: Any, stderr: Console) -> None:
    """Add the ``profile`` command to the CLI group."""

    @cli.command("profile")
    @click.argument("input_path", metavar="IN", type=click.Path(path_type=Path))
    @click.option("--engine", type=click.Choice(["pandas", "spark"]), default="pandas", show_default=True)
    @click.option("--spark-remote", metavar="URL", help="Spark Connect URL (implies --engine spark).")
    @click.option("--json", "json_path", type=click.Path(path_type=Path), help="Write the profile JSON here.")
    @click.option(
        "--html", "html_path", type=click.Path(path_type=Path), help="Write the full HTML report here."
    )
    @click.option("--columns", help="Comma-separated columns to profile (default: all).")
    @click.option("--sample", type=click.IntRange(min=1), help="Profile a seeded random sample of N rows.")
    @click.option("--show-pii", is_flag=True, help="Show raw values of columns classified as PII.")
    @click.option(
        "--exact", is_flag=True, help="Spark: exact distinct counts, top values and quantiles (slower)."
    )
    @click.option("--overwrite", is_flag=True, help="Replace existing --json/--html outputs.")
    @click.option("--no-header", is_flag=True, help="CSV inputs have no header row.")
    @click.option("--delimiter", default=",", show_default=True, help="CSV field delimiter.")
    @read_options
    @guard
    def profile_cli(
        input_path: Path,
        engine: str,
        spark_remote: str | None,
        json_path: Path | None,
        html_path: Path | None,
        columns: str | None,
        sample: int | None,
        show_pii: bool,
        exact: bool,
        overwrite: bool,
        no_header: bool,
        delimiter: str,
    ) -> None:
        """Profile IN: per-column statistics, correlations, alerts and PII marks."""
        result = profile_command(
            input_path,
            engine="spark" if spark_remote else engine,
            spark_remote=spark_remote,
            json_path=json_path,
            html_path=html_path,
            columns=[c.strip() for c in columns.split(",")] if columns else None,
            sample=sample,
            show_pii=show_pii,
            exact=exact,
            csv=csv_options(not no_header, delimiter),
            overwrite=overwrite,
            console=stderr,
        )
        out = Console(soft_wrap=False)
        if not out.is_terminal:
            out.width = 160
        out.print(summary_table(result))
        for alert in result.alerts:
            stderr.print(f"[yellow]alert[/yellow] {alert.kind}: {escape(alert.message)}")
        written = [str(p) for p in (json_path, html_path) if p is not None]
        if written:
            stderr.print("[green]done[/green]: wrote " + escape(", ".join(written)))
