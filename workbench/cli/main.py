"""``workbench``: run, validate, profile, check quality, list transforms, convert recipes.

Exit codes: 0 success, 2 a bad recipe or bad usage, 1 a failure while running. User errors
print one clear message and no traceback (``--debug`` shows it).
"""

from __future__ import annotations

import contextlib
import json
import sys
import warnings
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from workbench.cli.bookmark_cmd import job_options
from workbench.cli.options import parse_datasets
from workbench.cli.read_options import read_options
from workbench.core.errors import RecipeError, WorkbenchError

_stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn Workbench errors into a message and an exit code (tracebacks only with --debug)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return fn(*args, **kwargs)
        except BrokenPipeError:
            raise
        except WorkbenchError as exc:
            if debug:
                raise
            text = _one_line(str(exc)) if isinstance(exc, RecipeError) else str(exc)
            _stderr.print(f"[red]error:[/red] {escape(text)}")
            sys.exit(exc.exit_code)
        except Exception as exc:
            if debug:
                raise
            _stderr.print(f"[red]error:[/red] {type(exc).__name__}: {escape(_first_line(exc))}")
            _stderr.print("run again with --debug for the full traceback")
            sys.exit(1)

    return wrapper


def _one_line(text: str) -> str:
    """A recipe error on one line: the line breaks a quoted value holds are shown as ``\\n``."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:500] if text else "no details"


def _csv_options(header: bool, delimiter: str) -> Any:
    from workbench.cli.read_options import read_settings
    from workbench.io.formats import CsvOptions

    return CsvOptions(header=header, delimiter=delimiter, **read_settings())


_secret_option = click.option(
    "--secret",
    "secret_bindings",
    multiple=True,
    metavar="NAME=env:VAR|NAME=file:PATH",
    help="Bind a secret name a step references to a key (default: env WORKBENCH_SECRET_<NAME>).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks.")
@click.version_option(package_name="workbench")
def cli(debug: bool) -> None:
    """Workbench: DataBrew-compatible data-preparation recipes on pandas and Spark."""


@cli.command()
@click.argument("recipe")
@click.option(
    "--library",
    "library_url",
    metavar="URL",
    help="Run RECIPE as a library ref NAME@REF from this library (default: env WORKBENCH_LIBRARY).",
)
@click.option("--frozen", is_flag=True, help="Refuse a library ref that workbench.lock does not pin.")
@click.option(
    "--lock",
    "lock_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("workbench.lock"),
    show_default=True,
    help="The lock file pinning library refs.",
)
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Input file or directory, or catalog:DB.TABLE.",
)
@click.option(
    "--output",
    "output_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Output path (.csv, .parquet, .jsonl), or catalog:DB.TABLE (registered once written).",
)
@click.option(
    "--partition-by",
    metavar="COL,...",
    default="",
    help="With a catalog:DB.TABLE output: write Hive key=value folders by these columns.",
)
@click.option("--engine", type=click.Choice(["pandas", "spark"]), default="pandas", show_default=True)
@click.option(
    "--spark-remote", metavar="URL", help="Spark Connect URL, e.g. sc://host:15002 (implies --engine spark)."
)
@click.option(
    "--dataset",
    "datasets",
    multiple=True,
    metavar="NAME=PATH",
    help="Bind a secondary dataset (JOIN, UNION).",
)
@_secret_option
@click.option(
    "--overwrite", is_flag=True, help="Replace an existing output (only once the new one is complete)."
)
@click.option(
    "--csv-formula-guard",
    is_flag=True,
    help="For spreadsheets: prefix CSV text cells starting with = + - @ (or tab, CR) with ' (not run).",
)
@click.option(
    "--no-header", is_flag=True, help="CSV inputs have no header row (columns become Column_1, Column_2, …)."
)
@click.option("--delimiter", default=",", show_default=True, help="CSV field delimiter.")
@read_options
@job_options
@click.option(
    "--ruleset",
    type=click.Path(dir_okay=False, path_type=Path),
    help="DQDL rules the output must pass before it is published.",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=1.0,
    show_default=True,
    help="Share of rules that must pass (with --ruleset).",
)
@click.option(
    "--quarantine",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for held-back data and the quality report (default: OUTPUT.quarantine).",
)
@click.option(
    "--row-level",
    is_flag=True,
    help="Publish the rows that pass the row-level rules; quarantine the others with the rules they failed.",
)
@click.option(
    "--lineage-url",
    metavar="URL",
    help="Also send the run's OpenLineage events here (or 'console'); they are always kept in "
    ".workbench/lineage/events.jsonl.",
)
@_guard
def run(
    recipe: str,
    library_url: str | None,
    frozen: bool,
    lock_path: Path,
    input_path: Path,
    output_path: Path,
    partition_by: str,
    engine: str,
    spark_remote: str | None,
    datasets: tuple[str, ...],
    secret_bindings: tuple[str, ...],
    overwrite: bool,
    csv_formula_guard: bool,
    no_header: bool,
    delimiter: str,
    ruleset: Path | None,
    min_score: float,
    quarantine: Path | None,
    row_level: bool,
    lineage_url: str | None,
) -> None:
    """Replay RECIPE (a file, or NAME@REF from --library) over --input and write --output."""
    from workbench.cli.jobs import run_job
    from workbench.cli.read_options import input_where
    from workbench.recipe.replay import check_engine_support

    keys = _partition_keys(partition_by, output_path)
    _check_formula_guard(csv_formula_guard, output_path)
    loaded, version = _resolved_recipe(recipe, library_url, frozen, lock_path)
    check_engine_support(loaded, ("spark" if spark_remote else engine,))
    gate = _quality_gate(ruleset, min_score, quarantine, row_level, output_path)
    bound = parse_datasets(datasets)
    secrets = _parse_secrets(secret_bindings)
    where = input_where()
    csv = _csv_options(not no_header, delimiter)
    if _bookmarked(
        loaded, input_path, output_path, engine, spark_remote, bound, csv, secrets, gate, overwrite
    ):
        return
    from workbench.io.formats import check_where
    from workbench.io.locations import remote_url

    remote = remote_url(input_path)
    with contextlib.ExitStack() as stack:
        check_where(where, input_path)  # before an object store's input is copied for nothing
        source = _local_copy(stack, remote, spark_remote) if remote else input_path
        _retried(lambda: _validate_against_input(loaded, source, bound, csv, secrets, where))
        from workbench.history import run_recorder
        from workbench.lineage.runs import emitting_run

        engine_used = "spark" if spark_remote else engine
        replay = {"datasets": bound, "csv": csv, "where": where, "engine": engine_used}
        result = emitting_run(
            lambda: _retried(
                lambda: run_job(
                    loaded,
                    source,
                    output_path,
                    spark_remote=spark_remote,
                    overwrite=overwrite,
                    console=_stderr,
                    secrets=secrets,
                    gate=gate,
                    csv_formula_guard=csv_formula_guard,
                    partition_by=keys,
                    **replay,
                )
            ),
            loaded,
            source,
            output_path,
            input_name=remote,
            library_version=version,
            lineage_url=lineage_url,
            gate=gate,
            history=run_recorder(),
            **replay,
        )
    rows_in = "?" if result.rows_in is None else f"{result.rows_in:,}"
    read = "" if result.read is None else f" ({result.read})"
    rows_out = "?" if result.rows_out is None else f"{result.rows_out:,}"
    _stderr.print(
        f"[green]done[/green]: {result.steps} steps on {result.engine}, {rows_in} rows in{read}, "
        f"{rows_out} rows out, {result.seconds:.2f} s -> {escape(str(result.output))}"
    )
    if result.written is not None:
        _stderr.print(escape(_registered(result.written)))


def _local_copy(stack: contextlib.ExitStack[Any], url: str, spark_remote: str | None) -> Path:
    """A run over all of an object-store input reads a local copy of it, fetched with retries."""
    from workbench.jobs.sources import refuse_on_connect, staged_input

    refuse_on_connect(url, spark_remote)
    return _retried(lambda: stack.enter_context(staged_input(url, None)))  # type: ignore[no-any-return]


def _bookmarked(recipe: Any, input_path: Path, output_path: Path, engine: str, *rest: Any) -> bool:
    """Run with ``--bookmark`` when it was given; False when it was not."""
    from workbench.cli.bookmark_cmd import bookmarked_run

    remote, bound, csv, secrets, gate, overwrite = rest
    return bookmarked_run(
        recipe,
        input_path,
        output_path,
        engine="spark" if remote else engine,
        spark_remote=remote,
        datasets=bound,
        csv=csv,
        secrets=secrets,
        gate=gate,
        overwrite=overwrite,
        console=_stderr,
    )


def _retried(call: Callable[[], Any]) -> Any:
    """``call()`` with the retries of transient failures ``--max-retries`` asks for."""
    from workbench.cli.bookmark_cmd import retry_policy
    from workbench.jobs.retry import retrying

    return retrying(call, retry_policy(), lambda text: _stderr.print(escape(text)))


def _partition_keys(text: str, output: Path) -> tuple[str, ...]:
    from workbench.io.formats import is_table_name

    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    if keys and not is_table_name(output):
        raise RecipeError("--partition-by applies to a catalog:DB.TABLE output")
    return keys


def _registered(written: Any) -> str:
    table = written.table
    parts = _count(written.partitions, "partition") + ", " if table.partition_keys else ""
    version = f"schema version {table.schema_version}" + (" (new)" if written.new_version else "")
    return f"registered {table.full_name} in the catalog: {parts}{_count(written.files, 'file')}, {version}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _recipe_to_run(recipe: str, library_url: str | None, frozen: bool, lock_path: Path) -> Any:
    """A recipe file, or a library ref resolved here, before any engine runs (pinned by the lock)."""
    return _resolved_recipe(recipe, library_url, frozen, lock_path)[0]


def _resolved_recipe(recipe: str, library_url: str | None, frozen: bool, lock_path: Path) -> tuple[Any, Any]:
    """The recipe to run and, for a library ref, the library version it is (else None)."""
    import os

    from workbench.recipe.model import Recipe

    path = Path(recipe)
    url = (library_url or os.environ.get("WORKBENCH_LIBRARY", "")).strip()
    looks_like_file = path.suffix.lower() in {".json", ".yml", ".yaml"} or "/" in recipe or "\\" in recipe
    if "@" not in recipe and (path.exists() or looks_like_file):
        return Recipe.load(path), None
    if not url:
        if "@" in recipe:
            raise RecipeError(f"{recipe!r} is a library ref: pass --library URL or set WORKBENCH_LIBRARY")
        return Recipe.load(path), None
    from workbench.library import Library, resolve_pinned

    found = resolve_pinned(Library(url), recipe, lock_path, frozen=frozen)
    if found.deprecated:
        _stderr.print(f"[yellow]warning:[/yellow] {escape(found.ref)} is deprecated")
    _stderr.print(f"recipe {escape(found.ref)} ({found.digest}) from {escape(url)}")
    return found.recipe, found


def _check_formula_guard(guard: bool, output: Path) -> None:
    from workbench.io.formats import Format, format_of_name, is_table_name

    if guard and (is_table_name(output) or format_of_name(output) is not Format.CSV):
        raise RecipeError(f"--csv-formula-guard applies to CSV outputs; {str(output)!r} is not one")


def _quality_gate(
    ruleset: Path | None, min_score: float, quarantine: Path | None, row_level: bool, output: Path
) -> Any:
    """The gate of ``--ruleset``; its rules are parsed (an invalid ruleset is refused) before any data."""
    if ruleset is None:
        if quarantine is not None or row_level:
            raise RecipeError("--quarantine and --row-level need --ruleset")
        return None
    from workbench.cli.gate import QualityGate, default_quarantine
    from workbench.quality import parse_ruleset
    from workbench.quality.parser import read_ruleset

    if not ruleset.is_file():
        raise RecipeError(f"ruleset {str(ruleset)!r} does not exist")
    parsed = parse_ruleset(read_ruleset(ruleset))
    return QualityGate(parsed, quarantine or default_quarantine(output), min_score, row_level)


def _validate_against_input(
    recipe: Any,
    input_path: Path,
    datasets: dict[str, Path],
    csv: Any,
    secrets: Any = None,
    where: str | None = None,
) -> Any:
    from workbench.io.formats import check_where, read_schema

    recipe.validate(secrets=secrets)  # a missing secret fails before any data is read
    check_where(where, input_path)
    schema = read_schema(input_path, csv, where=where)
    dataset_schemas = {name: read_schema(path, csv) for name, path in datasets.items()}
    return recipe.validate(schema, dataset_schemas, secrets=secrets, bound_only=True)


def _parse_secrets(values: tuple[str, ...]) -> Any:
    from workbench.core.secrets import Secrets, parse_binding

    return Secrets(dict(parse_binding(item) for item in values))


@cli.command()
@click.argument("recipe", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--input", "input_path", type=click.Path(path_type=Path), help="Check against this dataset's schema."
)
@click.option("--dataset", "datasets", multiple=True, metavar="NAME=PATH", help="Bind a secondary dataset.")
@_secret_option
@click.option("--no-header", is_flag=True, help="CSV inputs have no header row.")
@click.option("--delimiter", default=",", show_default=True, help="CSV field delimiter.")
@read_options
@_guard
def validate(
    recipe: Path,
    input_path: Path | None,
    datasets: tuple[str, ...],
    secret_bindings: tuple[str, ...],
    no_header: bool,
    delimiter: str,
) -> None:
    """Check RECIPE (alone, or against --input's schema) without running it."""
    from workbench.recipe.model import Recipe
    from workbench.recipe.replay import check_engine_support

    loaded = Recipe.load(recipe)
    check_engine_support(loaded)  # a step no engine can run (a DataBrew session request)
    secrets = _parse_secrets(secret_bindings)
    if input_path is None:
        loaded.validate(secrets=secrets)
        click.echo(f"{recipe}: {len(loaded.steps)} steps, valid")
        return
    from workbench.cli.read_options import input_where

    schema = _validate_against_input(
        loaded,
        input_path,
        parse_datasets(datasets),
        _csv_options(not no_header, delimiter),
        secrets,
        input_where(),
    )
    columns = "unknown columns" if schema is None else f"{len(schema)} columns out"
    click.echo(f"{recipe}: {len(loaded.steps)} steps, valid on {input_path} ({columns})")


@cli.command("transforms")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable catalogue with parameter schemas.")
@_guard
def list_transforms(as_json: bool) -> None:
    """List every operation with its category, summary and engines."""
    from workbench.catalogue import catalogue

    entries = catalogue()
    if as_json:
        click.echo(json.dumps(entries, indent=2))
        return
    for entry in entries:
        engines = ",".join(e for e, ok in entry["engines"].items() if ok["supported"])
        click.echo(f"{entry['operation']:<36} {entry['category']:<26} {engines:<13} {entry['summary']}")


@cli.group()
def recipe() -> None:
    """Convert recipes between Workbench's format and DataBrew's."""


@recipe.command("schema")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout."
)
@_guard
def recipe_schema(output: Path | None) -> None:
    """Print the JSON Schema of the recipe format (generated from the catalogue)."""
    from workbench.recipe.schema import recipe_json_schema, schema_text

    text = schema_text(recipe_json_schema())
    if output is None:
        click.echo(text, nl=False)
    else:
        from workbench.io.publish import write_text_atomic

        write_text_atomic(output, text)
        click.echo(f"wrote {output}")


@recipe.command("import-databrew")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@_guard
def import_databrew(source: Path, output: Path) -> None:
    """Read a DataBrew export (JSON or YAML) and write a Workbench recipe."""
    from workbench.recipe.model import Recipe

    loaded = Recipe.load(source)
    loaded.validate()
    loaded.save(output)
    click.echo(f"wrote {output} ({len(loaded.steps)} steps)")


@recipe.command("export-databrew")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@_guard
def export_databrew(source: Path, output: Path) -> None:
    """Write a recipe in DataBrew's strict form (a list of steps, every parameter a string)."""
    from workbench.recipe.model import Recipe

    loaded = Recipe.load(source)
    loaded.validate()
    extensions = [s.operation for s in loaded.steps if _is_extension(s.operation)]
    if extensions:
        raise RecipeError(
            f"operations {sorted(set(extensions))} are Workbench extensions that DataBrew cannot run"
        )
    loaded.save(output, databrew=True)
    click.echo(f"wrote {output} ({len(loaded.to_databrew())} steps)")


def _is_extension(operation: str) -> bool:
    from workbench.core.registry import lookup

    return lookup(operation).extension


def _register_commands() -> None:
    from workbench.cli import (
        bookmark_cmd,
        catalog_cmd,
        clean_cmd,
        crawl_cmd,
        history_cmd,
        library_cmd,
        lineage_cmd,
        pipeline_cmd,
        profile_cmd,
        quality_cmd,
        stream_cmd,
    )

    profile_cmd.register(cli, _guard, _csv_options, _stderr)
    quality_cmd.register(cli, _guard, _csv_options, _stderr)
    clean_cmd.register(cli, _guard, _stderr)
    library_cmd.register(cli, _guard, _stderr)
    catalog_cmd.register(cli, _guard, _stderr)
    crawl_cmd.register(cli, _guard, _stderr)
    history_cmd.register(cli, _guard, _stderr)
    pipeline_cmd.register(cli, _guard, _stderr)
    stream_cmd.register(cli, _guard, _stderr)
    lineage_cmd.register(cli, _guard, _stderr)
    bookmark_cmd.register(cli, _guard, _stderr)


_register_commands()


def main() -> None:
    """Entry point of the ``workbench`` command."""
    # pyspark warns about pandas 3 on import; Workbench never hands pandas frames to pyspark.
    warnings.filterwarnings(
        "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
    )
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        _stderr.print("aborted")
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
