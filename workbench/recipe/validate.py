"""Validation before any data is touched: parameters, conditions, columns through the steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench.core.errors import ColumnNotFoundError, DatasetNotBoundError, RecipeError
from workbench.core.secrets import Secrets, aes_key, as_secrets
from workbench.core.types import Schema
from workbench.recipe.conditions import check_condition

if TYPE_CHECKING:
    from workbench.recipe.model import Recipe


def validate(
    recipe: Recipe,
    schema: Schema | None = None,
    datasets: dict[str, Schema] | None = None,
    *,
    secrets: Any = None,
    bound_only: bool = False,
) -> Schema | None:
    """Check every enabled step; returns the schema after the last step (None when unknown).

    With ``schema`` (the input's), each step's column references are checked against the
    schema as the earlier steps changed it, and the nearest existing name is suggested.
    With ``secrets``, every secret a step references must resolve to a usable key.
    With ``bound_only``, ``datasets`` are all the secondary datasets there are: a step naming
    another one is refused (:class:`DatasetNotBoundError`) instead of being checked without it.
    """
    datasets = datasets or {}
    store = None if secrets is None else as_secrets(secrets)
    current = dict(schema) if schema is not None else None
    history = _ColumnHistory()
    for index, step in enumerate(recipe.steps):
        if step.disabled:
            continue
        try:
            after = _validate_step(step, current, datasets, store, bound_only)
        except ColumnNotFoundError as exc:
            raise history.explain(exc).at_step(index, step.id, step.operation) from None
        except RecipeError as exc:
            raise exc.at_step(index, step.id, step.operation) from None
        if current is not None and after is not None:
            history.record(current, after, index, step.operation)
        current = after
    return current


class _ColumnHistory:
    """Which step removed or renamed each column, to explain a later reference to it."""

    def __init__(self) -> None:
        self.notes: dict[str, str] = {}
        self.renamed_to: dict[str, str] = {}

    def record(self, before: Schema, after: Schema, index: int, operation: str) -> None:
        gone = [c for c in before if c not in after]
        new = [c for c in after if c not in before]
        for column in gone:
            if operation == "RENAME" and len(new) == 1:
                self.renamed_to[column] = new[0]
                self.notes[column] = f"renamed to {new[0]!r} by step {index + 1}"
            else:
                self.notes[column] = f"removed by step {index + 1} ({operation})"

    def explain(self, exc: ColumnNotFoundError) -> ColumnNotFoundError:
        column = exc.column or ""
        if column not in self.notes:
            return exc
        return ColumnNotFoundError(
            f"{exc.detail}: it was {self.notes[column]}",
            operation=exc.operation,
            parameter=exc.parameter,
            column=exc.column,
            suggestion=self.renamed_to.get(column, exc.suggestion),
        )


def _validate_step(
    step: Any,
    schema: Schema | None,
    datasets: dict[str, Schema],
    secrets: Secrets | None,
    bound_only: bool,
) -> Schema | None:
    transform = step.transform()
    transform.check_conditions(len(step.conditions))
    if secrets is not None:
        _check_secrets(transform, secrets)
    for condition in step.conditions:
        check_condition(condition, schema)
    missing = [name for name in transform.secondary_datasets() if name not in datasets]
    if missing and bound_only:
        raise _not_bound(missing[0], datasets)
    if schema is None:
        return None
    if missing:
        transform.check(schema)
        return None
    transform.check_with(schema, datasets)
    return transform.output_schema_with(schema, datasets)


def _not_bound(name: str, datasets: dict[str, Schema]) -> DatasetNotBoundError:
    known = ", ".join(sorted(datasets)) or "none"
    return DatasetNotBoundError(
        f"dataset {name!r} is not bound (bound: {known}); pass --dataset {name}=PATH "
        "(a dataset name is only a name: no file is read unless you bind it)"
    )


def _check_secrets(transform: Any, secrets: Secrets) -> None:
    """Every secret the step references resolves to a usable key (its value is never shown)."""
    for parameter, name, use in transform.secrets_needed():
        if use == "aes":
            aes_key(secrets, name, operation=transform.operation, parameter=parameter)
        else:
            secrets.require(name, operation=transform.operation, parameter=parameter)
