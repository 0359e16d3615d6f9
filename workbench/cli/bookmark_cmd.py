"""``workbench run --bookmark``, ``--max-retries``, ``--dead-letter``; ``workbench bookmark …``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from workbench.core.errors import RecipeError, WorkbenchError

_KEY = "workbench.job_options"


def _keep(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta.setdefault(_KEY, {})[param.name] = value
    return value


_OPTIONS = (
    click.option(
        "--bookmark",
        metavar="NAME",
        expose_value=False,
        callback=_keep,
        help="Process only the input files earlier successful runs of NAME did not; --output is then a "
        "folder each run adds a file to, listed in its _manifest.json.",
    ),
    click.option(
        "--bookmark-mode",
        type=click.Choice(["enable", "pause", "reset"]),
        default="enable",
        show_default=True,
        expose_value=False,
        callback=_keep,
        help="enable: process new files and advance; pause: process new files into a separate --output "
        "file without advancing; reset: forget earlier runs (their output is withdrawn), then enable.",
    ),
    click.option(
        "--max-retries",
        type=click.IntRange(0, 20),
        default=0,
        show_default=True,
        expose_value=False,
        callback=_keep,
        help="Retry a run that fails with a transient error (object store, network, lost executor).",
    ),
    click.option(
        "--retry-backoff",
        type=click.FloatRange(0, 3600),
        default=1.0,
        show_default=True,
        expose_value=False,
        callback=_keep,
        help="Seconds before the first retry, doubled before each further one.",
    ),
    click.option(
        "--dead-letter",
        type=click.Path(file_okay=False, path_type=Path),
        expose_value=False,
        callback=_keep,
        help="Rows a type conversion or a row-level rule rejects go to DIR (JSON Lines with the row, "
        "step, operation, column and reason) instead of becoming null.",
    ),
)


def job_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--bookmark``, ``--bookmark-mode``, ``--max-retries``, ``--retry-backoff``, ``--dead-letter``."""
    for option in reversed(_OPTIONS):
        fn = option(fn)
    return fn


def _settings() -> dict[str, Any]:
    return dict(click.get_current_context().meta.get(_KEY, {}))


def retry_policy() -> Any:
    """The retry policy ``--max-retries`` and ``--retry-backoff`` ask for."""
    from workbench.jobs.retry import RetryPolicy

    settings = _settings()
    return RetryPolicy(int(settings.get("max_retries") or 0), float(settings.get("retry_backoff", 1.0)))


def bookmarked_run(
    recipe: Any,
    input_path: Path,
    output_path: Path,
    *,
    engine: str,
    spark_remote: str | None,
    datasets: dict[str, Path],
    csv: Any,
    secrets: Any,
    gate: Any,
    overwrite: bool,
    console: Console,
) -> bool:
    """Run with ``--bookmark`` when it was given (and print its summary); False when it was not."""
    settings = _settings()
    name = settings.get("bookmark")
    if not name and settings.get("bookmark_mode", "enable") != "enable":
        raise RecipeError("--bookmark-mode needs --bookmark NAME")
    if not name and not settings.get("dead_letter"):
        return False
    from workbench.cli.read_options import input_where
    from workbench.io.formats import is_table_name
    from workbench.io.locations import remote_url
    from workbench.jobs.run import IncrementalJob, run_incremental, run_once

    if is_table_name(output_path):
        raise RecipeError(
            "--bookmark and --dead-letter write files and folders, not catalog tables; give --output a "
            "folder (crawl it, or read it with --input FOLDER, which follows its manifest)"
        )

    if gate is not None and (gate.min_score < 1.0 or not gate.row_level):
        raise RecipeError(
            "with --bookmark or --dead-letter, --ruleset takes --row-level: failing rows go to "
            "--dead-letter, and a failing rule without row-level outcomes stops the run"
        )
    recipe.validate(secrets=secrets)
    job = IncrementalJob(
        recipe=recipe,
        input_spec=remote_url(input_path) or input_path,
        output=output_path,
        bookmark=str(name or ""),
        mode=str(settings.get("bookmark_mode", "enable")) if name else "once",
        engine=engine,
        spark_remote=spark_remote,
        datasets=datasets,
        csv=csv,
        secrets=secrets,
        retry=retry_policy(),
        dead_letter=settings.get("dead_letter"),
        ruleset=gate.ruleset if gate is not None else None,
        overwrite=overwrite,
        where=input_where(),
    )
    log = lambda text: console.print(escape(text))  # noqa: E731
    result = _recorded(job, lambda: run_incremental(job, log) if name else run_once(job, log))
    console.print(f"[green]done[/green]: {escape(result.summary())}")
    return True


def _recorded(job: Any, run: Callable[[], Any]) -> Any:
    """``run()`` between its OpenLineage events and recorded in the run history, as any run is."""
    from workbench.history import run_recorder
    from workbench.lineage.events import RunInfo
    from workbench.lineage.runs import emitting

    inputs = {"": job.input_name, **{k: str(v) for k, v in job.datasets.items()}}
    schemas = {k: _schema_of(v, job.csv) for k, v in job.datasets.items()}
    info = RunInfo(
        job.recipe, inputs, str(job.output), _schema_of(job.input_spec, job.csv), schemas, job.engine
    )
    url = click.get_current_context().params.get("lineage_url")
    return emitting(run, info, job.output, lineage_url=url, history=run_recorder())


def _schema_of(spec: Path | str, csv: Any) -> dict[str, Any]:
    """The columns of an input (a file, a folder or a glob: its first file), for the lineage events."""
    from workbench.io.formats import is_table_name, read_schema
    from workbench.io.locations import remote_url
    from workbench.jobs.run import input_files

    if remote_url(spec) is not None:
        return {}  # an object store's files are read in the run, not twice for the event
    if is_table_name(spec):
        try:
            return dict(read_schema(spec, csv))
        except WorkbenchError:
            return {}
    try:
        files = input_files(Path(spec))
        return dict(read_schema(files[0], csv)) if files else {}
    except WorkbenchError:
        return {}  # the run itself says what is wrong with its input


def register(cli: click.Group, guard: Callable[..., Any], console: Console) -> None:
    """Add ``workbench bookmark`` to the command line."""

    @cli.group()
    def bookmark() -> None:
        """Bookmarks of incremental runs: which input files each run processed."""

    @bookmark.command("list")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @guard
    def list_cmd(as_json: bool) -> None:
        """Every bookmark, its output folder and runs."""
        from workbench.jobs.bookmarks import BookmarkStore

        store = BookmarkStore()
        marks = [store.get(name) for name in store.names()]
        if as_json:
            click.echo(json.dumps([_as_json(b) for b in marks], indent=2))
            return
        for mark in marks:
            files = sum(r.files for r in mark.runs)
            click.echo(f"{mark.name}\t{len(mark.runs)} runs\t{files} files\t{mark.input} -> {mark.output}")

    @bookmark.command("show")
    @click.argument("name")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @guard
    def show_cmd(name: str, as_json: bool) -> None:
        """A bookmark's runs, oldest first: run id, files, rows out, output file."""
        from workbench.jobs.bookmarks import BookmarkStore

        mark = BookmarkStore().get(name)
        if as_json:
            click.echo(json.dumps(_as_json(mark), indent=2))
            return
        click.echo(f"bookmark {mark.name}: {mark.input} -> {mark.output}")
        for run in mark.runs:
            rows = "?" if run.rows_out is None else f"{run.rows_out:,}"
            click.echo(f"{run.run_id}\t{run.files} files\t{rows} rows\t{run.output_file}\t{run.committed_at}")

    @bookmark.command("reset")
    @click.argument("name")
    @guard
    def reset_cmd(name: str) -> None:
        """Forget every run of NAME and withdraw their output from its folder's manifest."""
        _withdraw(name, None, console)

    @bookmark.command("rewind")
    @click.argument("name")
    @click.option("--to", "run_id", required=True, metavar="RUN", help="The run to rewind to (kept).")
    @guard
    def rewind_cmd(name: str, run_id: str) -> None:
        """Forget the runs of NAME after RUN; their output is withdrawn and their files run again."""
        _withdraw(name, run_id, console)


def _withdraw(name: str, run_id: str | None, console: Console) -> None:
    from workbench.jobs.bookmarks import BookmarkStore
    from workbench.jobs.run import withdraw

    later = withdraw(BookmarkStore(), name, run_id, lambda text: console.print(escape(text)))
    to = f"to run {run_id}" if run_id else "to the start"
    console.print(
        f"bookmark {escape(name)} rewound {to}: {len(later)} runs withdrawn from the manifest; "
        f"the next run processes their files again"
    )


def _as_json(mark: Any) -> dict[str, Any]:
    return {
        "name": mark.name,
        "input": mark.input,
        "output": mark.output,
        "created_at": mark.created_at,
        "runs": [
            {
                "run_id": r.run_id,
                "files": r.files,
                "rows_out": r.rows_out,
                "output_file": r.output_file,
                "committed_at": r.committed_at,
                "state": r.state,
            }
            for r in mark.runs
        ],
    }
