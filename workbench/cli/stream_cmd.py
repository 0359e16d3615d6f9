"""``workbench stream RECIPE --input DIR --output DIR --checkpoint DIR``: micro-batches of new files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

_folder = click.Path(file_okay=False, path_type=Path)


def register(cli: click.Group, guard: Callable[..., Any], console: Console) -> None:
    """Add ``stream`` to ``cli``."""

    @cli.command("stream")
    @click.argument("recipe")
    @click.option("--input", "input_dir", required=True, type=_folder, help="The folder new files arrive in.")
    @click.option("--output", "output_dir", required=True, type=_folder, help="The folder batches go to.")
    @click.option("--checkpoint", required=True, type=_folder, help="Where the stream remembers its batches.")
    @click.option("--engine", type=click.Choice(["pandas", "spark"]), default="spark", show_default=True)
    @click.option("--spark-remote", metavar="URL", help="Run on Spark Connect at URL.")
    @click.option("--once", is_flag=True, help="Process the files there now, then stop (available-now).")
    @click.option("--interval", type=float, default=10.0, show_default=True, help="Seconds between batches.")
    @click.option(
        "--max-files-per-trigger", "max_files", type=int, help="At most this many files a batch (Spark)."
    )
    @click.option(
        "--timeout", type=float, help="Stop after this many seconds (default: run until interrupted)."
    )
    @click.option("--library", "library_url", metavar="URL", help="The library a NAME@REF recipe comes from.")
    @click.option("--ruleset", type=click.Path(dir_okay=False, path_type=Path), help="A DQDL gate per batch.")
    @click.option("--min-score", type=float, default=1.0, show_default=True)
    @click.option("--quarantine", type=_folder, help="Where held-back batches go (default: beside --output).")
    @click.option("--row-level", is_flag=True, help="Hold back only the rows that fail row-level rules.")
    @click.option(
        "--dead-letter", type=_folder,
        help="Where rows go whose values do not fit the stream's types (default: such a value stops it).",
    )  # fmt: skip
    @click.option("--no-header", is_flag=True, help="CSV files have no header row.")
    @click.option("--delimiter", default=",", show_default=True, help="CSV field delimiter.")
    @guard
    def stream(
        recipe: str,
        input_dir: Path,
        output_dir: Path,
        checkpoint: Path,
        engine: str,
        spark_remote: str | None,
        once: bool,
        interval: float,
        max_files: int | None,
        timeout: float | None,
        library_url: str | None,
        ruleset: Path | None,
        min_score: float,
        quarantine: Path | None,
        row_level: bool,
        dead_letter: Path | None,
        no_header: bool,
        delimiter: str,
    ) -> None:
        """Apply RECIPE to each micro-batch of files arriving in --input, exactly once per file."""
        from workbench.cli.main import _csv_options, _quality_gate, _resolved_recipe
        from workbench.streaming import StreamJob, run_polling_stream, run_spark_stream

        loaded, _ = _resolved_recipe(recipe, library_url, False, Path("workbench.lock"))
        loaded.validate()
        gate = _quality_gate(ruleset, min_score, quarantine, row_level, output_dir / "batch")
        job = StreamJob(
            loaded, input_dir, output_dir, checkpoint, _csv_options(not no_header, delimiter), gate,
            once, interval, max_files, timeout, dead_letter,
        )  # fmt: skip

        def log(text: str) -> None:
            console.print(escape(text), highlight=False)

        from workbench.io.locations import remote_url

        mode = "until the files there now are done" if once else f"every {interval:g} s"
        watched = remote_url(input_dir) or str(input_dir)
        if engine == "pandas" and not spark_remote:
            console.print(f"streaming {escape(watched)} on pandas, {mode}")
            batches = run_polling_stream(job, log)
        else:
            from workbench.engines.spark.session import get_session
            from workbench.streaming.spark_stream import refuse_remote_input

            refuse_remote_input(job)  # before a Spark session is started for nothing

            where = f"Spark Connect at {spark_remote}" if spark_remote else "local Spark"
            console.print(f"streaming {escape(watched)} on {where}, {mode}")
            batches = run_spark_stream(job, get_session(spark_remote), log)
            for record in batches:
                log(record.line())
        rows = sum(b.rows_out or 0 for b in batches)
        console.print(
            f"[green]done[/green]: {len(batches)} batches, {rows:,} rows out -> {escape(str(output_dir))} "
            "(read it through its _manifest.json, e.g. workbench run --input OUTPUT)"
        )
