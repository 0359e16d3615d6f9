"""``workbench quality``: evaluate a DQDL ruleset on a dataset.

Exit codes: 0 every rule passed, 1 a rule failed or errored, 2 the ruleset (or the command line) is invalid.
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

from workbench.cli.options import parse_datasets, read_input
from workbench.cli.read_options import input_where, read_options
from workbench.core.errors import WorkbenchError


class QualityCommandError(WorkbenchError):
    """The quality command was asked for something it cannot do."""

    exit_code = 2


_STYLE = {"Passed": "green", "Failed": "red", "Error": "yellow"}


def result_table(result: Any) -> Table:
    """One line per rule: outcome, rule text, reason."""
    c = result.counts()
    title = (
        f"score {result.score:.1%}: {c['Passed']} passed, {c['Failed']} failed, {c['Error']} errors "
        f"on {result.engine}"
    )
    table = Table(title=title, title_justify="left", show_edge=False)
    table.add_column("outcome")
    table.add_column("rule", overflow="fold")
    table.add_column("reason", overflow="fold")
    for r in result.rules:
        style = _STYLE[r.outcome]
        table.add_row(f"[{style}]{r.outcome}[/{style}]", escape(r.rule), escape(r.reason or ""))
    return table


def analyzer_table(result: Any) -> Table:
    """One line per metric the ``Analyzers`` section measured."""
    from workbench.quality.metrics import fmt

    table = Table(title="analyzers", title_justify="left", show_edge=False)
    table.add_column("metric", overflow="fold")
    table.add_column("value", overflow="fold")
    for name, value in result.analyzers.items():
        table.add_row(escape(name), escape(fmt(value)))
    return table


def write_rows(frame: Any, path: Path, *, overwrite: bool = True) -> None:
    """Write the row-level frame; CSV gets the rule arrays as JSON text.

    Without ``overwrite`` the file is created exclusively (see ``workbench.io.publish``).
    """
    from workbench.io.formats import Format, format_of_name
    from workbench.quality.evaluate import ROW_COLUMNS, is_spark_frame

    csv = format_of_name(path) is Format.CSV
    arrays = ROW_COLUMNS[:3]
    if is_spark_frame(frame):
        from workbench.core.lazy import F
        from workbench.io.writers import write_spark

        if csv:
            frame = frame.withColumns({c: F.to_json(F.col(c)) for c in arrays})
        write_spark(frame, path, overwrite=overwrite)
        return
    import pandas as pd
    import pyarrow as pa

    from workbench.io.writers import write_pandas

    if csv:
        frame = frame.copy(deep=False)
        for c in arrays:
            text = [json.dumps(list(v), ensure_ascii=False) for v in frame[c].tolist()]
            frame[c] = pd.Series(
                pa.array(text, pa.large_string()), index=frame.index, dtype=pd.ArrowDtype(pa.large_string())
            )
    write_pandas(frame, path, overwrite=overwrite)


def quality_command(
    input_path: Path,
    ruleset_path: Path,
    *,
    engine: str,
    spark_remote: str | None,
    datasets: dict[str, Path],
    json_path: Path | None,
    rows_path: Path | None,
    csv: Any,
    overwrite: bool,
    console: Console,
    record: bool = False,
    history_url: str | None = None,
) -> Any:
    """Parse the ruleset, read the inputs, evaluate, write the outputs asked for; return the result.

    Rules over history read the earlier metric values of IN from the run history; ``record`` appends
    this evaluation to it.
    """
    import time

    from workbench.history import history_of, record_quality
    from workbench.io.formats import format_of_name
    from workbench.io.publish import check_output, publishing
    from workbench.quality import parse_ruleset
    from workbench.quality.evaluate import evaluate
    from workbench.quality.parser import read_ruleset

    if not ruleset_path.is_file():
        raise QualityCommandError(f"ruleset {str(ruleset_path)!r} does not exist")
    parsed = parse_ruleset(read_ruleset(ruleset_path))
    inputs = [input_path, ruleset_path, *datasets.values()]
    for target in (json_path, rows_path):
        if target is not None:
            check_output(target, overwrite, inputs)
    if rows_path is not None:
        format_of_name(rows_path)
    frame = read_input(input_path, engine, spark_remote, csv, input_where())
    bound = {name: read_input(path, engine, spark_remote, csv) for name, path in datasets.items()}
    with console.status("evaluating rules"):
        started = time.perf_counter()
        result = evaluate(frame, parsed, bound, history=history_of(input_path, history_url))
        if record:
            run_id = record_quality(
                result,
                input_path,
                engine=result.engine,
                seconds=time.perf_counter() - started,
                url=history_url,
            )
            console.print(f"recorded in the run history as {run_id}", highlight=False)
        if json_path is not None:
            with publishing(json_path, overwrite=overwrite) as target:
                target.write_text(result.to_json() + "\n", encoding="utf-8")
        if rows_path is not None:
            write_rows(result.rows(), rows_path, overwrite=overwrite)
    return result


def register(cli: click.Group, guard: Any, csv_options: Any, stderr: Console) -> None:
    """Add the ``quality`` command to the CLI group."""

    @cli.command("quality")
    @click.argument("input_path", metavar="IN", type=click.Path(path_type=Path))
    @click.option(
        "--ruleset", "ruleset_path", required=True, type=click.Path(path_type=Path), help="DQDL rules file."
    )
    @click.option("--engine", type=click.Choice(["pandas", "spark"]), default="pandas", show_default=True)
    @click.option("--spark-remote", metavar="URL", help="Spark Connect URL (implies --engine spark).")
    @click.option(
        "--dataset", "datasets", multiple=True, metavar="NAME=PATH", help="Bind a reference dataset."
    )
    @click.option(
        "--json", "json_path", type=click.Path(path_type=Path), help="Write the results as JSON here."
    )
    @click.option(
        "--rows",
        "rows_path",
        type=click.Path(path_type=Path),
        help="Write row-level outcomes (.csv/.parquet/.jsonl).",
    )
    @click.option("--overwrite", is_flag=True, help="Replace existing --json/--rows outputs.")
    @click.option("--record", is_flag=True, help="Append this evaluation to the run history.")
    @click.option(
        "--history",
        "history_url",
        metavar="URL",
        help="The run history file (default WORKBENCH_HISTORY, else .workbench/history.db).",
    )
    @click.option("--no-header", is_flag=True, help="CSV inputs have no header row.")
    @click.option("--delimiter", default=",", show_default=True, help="CSV field delimiter.")
    @read_options
    @guard
    def quality_cli(
        input_path: Path,
        ruleset_path: Path,
        engine: str,
        spark_remote: str | None,
        datasets: tuple[str, ...],
        json_path: Path | None,
        rows_path: Path | None,
        overwrite: bool,
        record: bool,
        history_url: str | None,
        no_header: bool,
        delimiter: str,
    ) -> None:
        """Evaluate the DQDL rules of --ruleset on IN: exit 0 all passed, 1 some failed, 2 invalid rules."""
        result = quality_command(
            input_path,
            ruleset_path,
            engine="spark" if spark_remote else engine,
            spark_remote=spark_remote,
            datasets=parse_datasets(datasets),
            json_path=json_path,
            rows_path=rows_path,
            csv=csv_options(not no_header, delimiter),
            overwrite=overwrite,
            console=stderr,
            record=record,
            history_url=history_url,
        )
        Console(soft_wrap=False).print(result_table(result))
        if result.analyzers:
            Console(soft_wrap=False).print(analyzer_table(result))
        written = [str(p) for p in (json_path, rows_path) if p is not None]
        if written:
            stderr.print("[green]done[/green]: wrote " + escape(", ".join(written)))
        if not result.passed:
            sys.exit(1)
