"""Validation before any data is touched: parameters, conditions, columns through the steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench.core.errors import RecipeError
from workbench.core.types import Schema
from workbench.recipe.conditions import check_condition

if TYPE_CHECKING:
    from workbench.recipe.model import Recipe


def validate(
    recipe: Recipe, schema: Schema | None = None, datasets: dict[str, Schema] | None = None
) -> Schema | None:
    """Check every enabled step; returns the schema after the last step (None when unknown).

    With ``schema`` (the input's), each step's column references are checked against the
    schema as the earlier steps changed it, and the nearest existing name is suggested.
    """
    datasets = datasets or {}
    current = dict(schema) if schema is not None else None
    for index, step in enumerate(recipe.steps):
        if step.disabled:
            continue
        try:
            current = _validate_step(step, current, datasets)
        except RecipeError as exc:
            raise exc.at_step(index, step.id, step.operation) from None
    return current


def _validate_step(step: Any, schema: Schema | None, datasets: dict[str, Schema]) -> Schema | None:
    transform = step.transform()
    transform.check_conditions(len(step.conditions))
    for condition in step.conditions:
        check_condition(condition, schema)
    if schema is None:
        return None
    missing = [name for name in transform.secondary_datasets() if name not in datasets]
    if missing:
        transform.check(schema)
        return None
    transform.check_with(schema, datasets)
    return transform.output_schema_with(schema, datasets)
