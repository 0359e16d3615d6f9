"""Parsing shared by several commands' options."""

from __future__ import annotations

from pathlib import Path

from workbench.core.errors import RecipeError


def parse_datasets(values: tuple[str, ...]) -> dict[str, Path]:
    """``--dataset NAME=PATH`` values as a mapping from name to path."""
    bound = {}
    for item in values:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise RecipeError(f"--dataset takes NAME=PATH, got {item!r}")
        bound[name] = Path(path)
    return bound
