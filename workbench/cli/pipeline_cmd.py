"""``workbench pipeline run|status|schema JOB``: multi-stage jobs with quality gates between stages."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

_OUTCOME_STYLE = {
    "promoted": "green",
    "kept": "green",
    "warned": "yellow",
    "held": "red",
    "failed": "red",
    "skipped": "dim",
}


def register(cli: click.Group, guard: Callable[..., Any], console: Console) -> None:
    """Add ``pipeline`` to ``cli``."""

    @cli.group("pipeline")
    def pipeline() -> None:
        """Run multi-stage jobs: stages with quality gates, in dependency order, resumable."""

    @pipeline.command("run")
    @click.argument("job_file", type=click.Path(dir_okay=False, path_type=Path), metavar="JOB")
    @click.option("--resume", is_flag=True, help="Re-run only the stages the last run did not finish.")
    @click.option("--engine", type=click.Choice(["pandas", "spark"]), help="Override the job's engine.")
    @click.option("--spark-remote", metavar="URL", help="Run every stage on Spark Connect at URL.")
    @click.option("--library", "library_url", metavar="URL", help="The library NAME@REF recipes come from.")
    @click.option("--lineage-url", metavar="URL", help="Also post each stage's OpenLineage events here.")
    @click.option("--state", "state_file", type=click.Path(dir_okay=False, path_type=Path),
                  help="The run state file (default: .workbench/pipelines/JOB_NAME.json).")  # fmt: skip
    @click.option(
        "--json", "json_out", metavar="FILE", help="Write the per-stage metrics as JSON (- for stdout)."
    )
    @guard
    def run(
        job_file: Path,
        resume: bool,
        engine: str | None,
        spark_remote: str | None,
        library_url: str | None,
        lineage_url: str | None,
        state_file: Path | None,
        json_out: str | None,
    ) -> None:
        """Run the stages of JOB (YAML or JSON) in dependency order, each behind its gate."""
        from workbench.pipeline import RunSettings, load_job, run_pipeline, state_path

        job = load_job(job_file)
        settings = RunSettings(engine, spark_remote, library_url, lineage_url, resume)
        state = state_file or state_path(job.name)
        result = run_pipeline(job, job_file.resolve().parent, state, settings, console)
        console.print(summary_table(result))
        console.print(_closing_line(result))
        if json_out:
            _write_json(result.to_dict(), json_out)
        if result.exit_code:
            sys.exit(result.exit_code)

    @pipeline.command("status")
    @click.argument("job_file", type=click.Path(dir_okay=False, path_type=Path), metavar="JOB")
    @click.option("--state", "state_file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--json", "as_json", is_flag=True, help="Print JSON to stdout.")
    @guard
    def status(job_file: Path, state_file: Path | None, as_json: bool) -> None:
        """Show the stages of JOB in run order, with the last run's outcome of each."""
        from workbench.pipeline import PipelineState, load_job, plan, state_path

        job = load_job(job_file)
        stages = plan(job, job_file.resolve().parent)
        last = PipelineState.load(state_file or state_path(job.name))
        rows = [_status_row(p, last) for p in stages]
        if as_json:
            click.echo(json.dumps({"job": job.name, "run_id": last.run_id if last else None, "stages": rows}))
            return
        table = Table(
            "stage",
            "after",
            "last outcome",
            title=f"{job.name}" + (f" (run {last.run_id[:8]})" if last else ""),
        )
        for row in rows:
            table.add_row(row["name"], ", ".join(row["after"]) or "-", _styled(row["outcome"] or "not run"))
        console.print(table)

    @pipeline.command("schema")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here.")
    @guard
    def schema(output: Path | None) -> None:
        """Print the JSON Schema of a job file."""
        from workbench.pipeline import job_schema

        text = json.dumps(job_schema(), indent=2) + "\n"
        if output is None:
            click.echo(text, nl=False)
            return
        from workbench.io.publish import write_text_atomic

        write_text_atomic(output, text)
        click.echo(f"wrote {output}")


def _status_row(planned: Any, last: Any) -> dict[str, Any]:
    record = last.stages.get(planned.name) if last else None
    return {
        "name": planned.name,
        "after": list(planned.upstream),
        "outcome": record.outcome if record else None,
        "message": record.message if record else "",
    }


def summary_table(result: Any) -> Table:
    """The per-stage summary: outcome, rows in/out, rejected, score, seconds."""
    table = Table("stage", "outcome", "rows in", "rows out", "rejected", "score", "seconds", title=result.job)
    for s in result.stages:
        table.add_row(
            s.name,
            _styled(s.outcome),
            _number(s.rows_in),
            _number(s.rows_out),
            _number(s.rejected),
            "-" if s.score is None else f"{s.score:.3f}",
            f"{s.seconds:.2f}",
        )
    return table


def _closing_line(result: Any) -> str:
    problems = [s for s in result.stages if s.outcome in ("held", "failed")]
    head = {"succeeded": "[green]done[/green]", "held": "[red]held back[/red]", "failed": "[red]failed[/red]"}
    stages = f"{len(result.stages)} stages in {result.seconds:.2f} s"
    text = f"{head[result.outcome]}: {stages} (run {result.run_id[:8]})"
    for s in problems:
        text += f"\n  {escape(s.name)}: {escape(s.message)}"
    if problems:
        text += "\n  fix it and continue with: workbench pipeline run JOB --resume"
    return text


def _styled(outcome: str) -> str:
    style = _OUTCOME_STYLE.get(outcome)
    return f"[{style}]{outcome}[/{style}]" if style else outcome


def _number(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _write_json(data: dict[str, Any], target: str) -> None:
    text = json.dumps(data, indent=2) + "\n"
    if target == "-":
        click.echo(text, nl=False)
        return
    from workbench.io.publish import write_text_atomic

    write_text_atomic(Path(target), text)
