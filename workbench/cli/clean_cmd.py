"""``workbench clean``: remove the staging that killed runs left beside their outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console

from workbench.io.publish import Leftover, remove_leftover, stale_staging


def leftovers(paths: list[Path]) -> list[Leftover]:
    """Dead runs' staging for each path: beside it (for an output) and inside it (for a folder)."""
    found: dict[Path, Leftover] = {}
    for path in paths:
        candidates = stale_staging(path.parent, path.name)
        if path.is_dir():
            candidates += stale_staging(path)
        found.update((leftover.path, leftover) for leftover in candidates)
    return [found[key] for key in sorted(found)]


def _describe(leftover: Leftover) -> str:
    what = f"{leftover.path} ({leftover.size:,} bytes, staging of {leftover.output.name})"
    if leftover.restores:
        what += f"; holds the previous {leftover.output.name}, which goes back into place"
    return what


def register(cli: click.Group, guard: Any, stderr: Console) -> None:
    """Add the ``clean`` command to the CLI group."""

    @cli.command("clean")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
    @click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
    @guard
    def clean(paths: tuple[Path, ...], dry_run: bool) -> None:
        """Remove staging folders and moved-aside outputs left by killed runs, beside or inside PATHS.

        Only staging whose writing process (on this host) is gone is touched; an old output that
        a killed replacement had moved aside is put back when the output is missing.
        """
        found = leftovers(list(paths))
        for leftover in found:
            if not dry_run:
                remove_leftover(leftover)
            click.echo(("would remove " if dry_run else "removed ") + _describe(leftover))
        total = sum(leftover.size for leftover in found)
        verb = "would free" if dry_run else "freed"
        stderr.print(f"[green]done[/green]: {len(found)} stale staging entries, {verb} {total:,} bytes")
