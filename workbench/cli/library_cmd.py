"""``workbench library …`` and ``workbench lock``: the shared recipe library from the command line."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

LIBRARY_ENV = "WORKBENCH_LIBRARY"

library_option = click.option(
    "--library",
    "library_url",
    metavar="URL",
    help=f"The recipe library: a folder or an fsspec URL, e.g. s3://bucket/prefix (default: {LIBRARY_ENV}).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON to stdout.")


def open_library(url: str | None) -> Any:
    from workbench.library import Library
    from workbench.library.errors import LibraryError

    chosen = (url or os.environ.get(LIBRARY_ENV, "")).strip()
    if not chosen:
        raise LibraryError(f"no recipe library: pass --library URL or set {LIBRARY_ENV}")
    return Library(chosen)


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def register(cli: click.Group, guard: Callable[..., Any], console: Console) -> None:
    """Add the ``library`` group and ``lock`` to ``cli``."""

    @cli.group("library")
    def library() -> None:
        """Publish, find, show, diff, pull, alias and deprecate recipes in a shared library."""

    @library.command("publish")
    @click.argument("recipe", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--name", help="The recipe's name in the library (default: the recipe's own name).")
    @click.option("--message", "-m", default="", help="Why this version was published.")
    @click.option("--author", help="Who publishes (default: env WORKBENCH_AUTHOR or the user name).")
    @click.option(
        "--input",
        "input_path",
        type=click.Path(exists=True, path_type=Path),
        help="Record this dataset's schema and path with the version (what it was built against).",
    )
    @library_option
    @json_option
    @guard
    def publish(
        recipe: Path,
        name: str | None,
        message: str,
        author: str | None,
        input_path: Path | None,
        library_url: str | None,
        as_json: bool,
    ) -> None:
        """Publish RECIPE as the next immutable version (1.0, 2.0, …)."""
        schema, dataset = _built_against(input_path)
        version = open_library(library_url).publish(
            recipe, name=name, message=message, author=author, input_schema=schema, dataset=dataset
        )
        if as_json:
            _print_json(version.to_dict())
            return
        click.echo(f"published {version.ref} ({version.digest})")

    @library.command("list")
    @click.option("--search", "query", help="Words found in name, description, tags, operations or columns.")
    @library_option
    @json_option
    @guard
    def list_recipes(query: str | None, library_url: str | None, as_json: bool) -> None:
        """List the library's recipes (their latest version)."""
        found = open_library(library_url).list(search=query)
        if as_json:
            _print_json(found)
            return
        for entry in found:
            latest = entry["latest"] or "draft only"
            count = f"{entry['versions']:>3} versions"
            click.echo(f"{entry['name']:<32} {latest:<10} {count}  {entry['description']}")

    @library.command("show")
    @click.argument("ref")
    @library_option
    @json_option
    @guard
    def show(ref: str, library_url: str | None, as_json: bool) -> None:
        """NAME: its versions and aliases. NAME@REF: that version with its steps."""
        info = open_library(library_url).show(ref)
        if as_json:
            _print_json(info)
            return
        if "steps" not in info:
            _show_recipe(info)
        else:
            _show_version(info)

    @library.command("diff")
    @click.argument("old")
    @click.argument("new")
    @library_option
    @json_option
    @guard
    def diff(old: str, new: str, library_url: str | None, as_json: bool) -> None:
        """What changed from OLD to NEW (NAME@A NAME@B), step by step."""
        changes = open_library(library_url).diff(old, new)
        if as_json:
            _print_json(changes.to_dict())
            return
        click.echo(str(changes))

    @library.command("pull")
    @click.argument("ref")
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--databrew", is_flag=True, help="Write DataBrew's strict form (a list of steps).")
    @library_option
    @guard
    def pull(ref: str, output: Path, databrew: bool, library_url: str | None) -> None:
        """Write the recipe NAME@REF names to a file."""
        found = open_library(library_url).pull(ref, output, databrew=databrew)
        click.echo(f"wrote {output} ({found.ref}, {found.digest})")

    @library.command("alias")
    @click.argument("ref")
    @click.argument("alias")
    @library_option
    @guard
    def alias(ref: str, alias: str, library_url: str | None) -> None:
        """Point ALIAS (e.g. prod) at the version NAME@VERSION."""
        found = open_library(library_url).alias(ref, alias)
        click.echo(f"{found.name}@{alias} -> {found.version}")

    @library.command("deprecate")
    @click.argument("ref")
    @click.option("--reason", default="", help="Why (shown with the version).")
    @click.option("--force", is_flag=True, help="Deprecate even a version a lock file pins.")
    @library_option
    @guard
    def deprecate(ref: str, reason: str, force: bool, library_url: str | None) -> None:
        """Deprecate NAME@VERSION: LATEST_PUBLISHED skips it; pinned jobs still read it."""
        found = open_library(library_url).deprecate(ref, reason=reason, force=force)
        click.echo(f"deprecated {found.ref}")

    @cli.command("lock")
    @click.argument("refs", nargs=-1)
    @click.option("--update", is_flag=True, help="Re-resolve every pinned ref (the only way a pin moves).")
    @click.option(
        "--lock",
        "lock_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("workbench.lock"),
        show_default=True,
    )
    @library_option
    @guard
    def lock_command(refs: tuple[str, ...], update: bool, lock_path: Path, library_url: str | None) -> None:
        """Pin library refs (NAME@REF) to their versions and digests in workbench.lock."""
        from workbench.library import lock

        written, changed = lock(open_library(library_url), list(refs), lock_path, update=update)
        for line in changed:
            console.print(f"pinned {escape(line)}")
        console.print(f"{escape(str(lock_path))}: {len(written.pins)} pinned, {len(changed)} changed")


def _built_against(path: Path | None) -> tuple[Any, dict[str, Any] | None]:
    """The input schema and dataset binding ``--input`` records (nothing without it)."""
    if path is None:
        return None, None
    from workbench.cli.read_options import read_settings
    from workbench.io.formats import CsvOptions, detect_format, read_schema

    return read_schema(path, CsvOptions(**read_settings())), {
        "path": str(path),
        "format": detect_format(path).value,
    }


def _show_recipe(info: dict[str, Any]) -> None:
    click.echo(f"{info['name']}  (latest {info['latest'] or 'none'}, draft {info['draft'] or 'none'})")
    for entry in info["versions"]:
        flag = "  deprecated" if entry["deprecated"] else ""
        when = f"{entry['published']}  {entry['author']}"
        click.echo(f"  {entry['version']:<8} {when}  {entry['message']}{flag}")
    for name, version in info["aliases"].items():
        click.echo(f"  @{name} -> {version}")


def _show_version(info: dict[str, Any]) -> None:
    click.echo(f"{info['ref']}  {info.get('digest', '')}")
    for key in ("published", "author", "message", "workbenchVersion"):
        if info.get(key):
            click.echo(f"  {key}: {info[key]}")
    if info.get("deprecated"):
        click.echo(f"  deprecated: {info['deprecated'].get('reason') or 'yes'}")
    for n, step in enumerate(info["steps"], 1):
        params = step["Action"].get("Parameters", {})
        click.echo(f"  {n}. {step['Action']['Operation']} {json.dumps(params, ensure_ascii=False)}")
