"""Which steps an incremental run allows: each batch is only the new files, not all rows.

The registry already declares what decides this: a transform's family (column function, row
filter, whole-table), ``order_sensitive`` (it reads neighbouring rows) and ``uses_statistics``
(it learns from the data). From those, and a short list of named whole-table operations, every
step is one of:

- ``ROW_WISE``: each output row depends on its own input row only; batches give the same rows as
  one run over everything.
- ``PER_BATCH``: allowed with a warning, computed within each batch: statistics fills and
  scalers learn from the batch, dedupe removes duplicates within the batch, a sort orders each
  run's file.
- ``REFUSED``: the result would be wrong, not only batch-local: windows and running values read
  rows of earlier batches, GROUP_BY and pivots would publish partial totals, UNION would add its
  dataset again on every run, and steps whose output columns depend on the data would give
  batches with different columns in one folder.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from workbench.core.errors import RecipeError

ROW_WISE, PER_BATCH, REFUSED = "row-wise", "per-batch", "refused"

REFUSED_OPERATIONS: dict[str, str] = {
    "GROUP_BY": "its totals would cover only the new files",
    "RESAMPLE_TIME_SERIES": "its time buckets would cover only the new files",
    "JOIN_MULTI_VALUED_CELLS": "it merges rows that may arrive in different runs",
    "UNION": "it would add the other dataset's rows again on every run",
    "PIVOT": "its columns depend on the values of each batch",
    "ONE_HOT_ENCODING": "its columns depend on the values of each batch",
    "REMOVE_CONSTANT_COLUMNS": "which columns it keeps depends on each batch",
    "REMOVE_EMPTY_COLUMNS": "which columns it keeps depends on each batch",
    "TRANSPOSE": "its columns are the rows of each batch",
    "JSON_TO_STRUCTS": "the struct type it infers depends on each batch",
}
"""Whole-table operations refused by name, with the reason the error gives."""

PER_BATCH_OPERATIONS: dict[str, str] = {
    "SORT": "each run's file is sorted, not the whole folder",
    "SAMPLE_ROWS": "each batch is sampled",
    "SHUFFLE_ROWS": "each batch is shuffled",
    "TRAIN_TEST_SPLIT": "each batch is split",
    "FILL_WITH_GROUP_STATISTIC": "group statistics come from the batch",
    "DEDUPLICATE_BY_KEY": "duplicates are removed within each batch only",
    "DELETE_DUPLICATE_ROWS": "duplicates are removed within each batch only",
    "REMOVE_DUPLICATES": "duplicates are removed within each batch only",
    "FLAG_DUPLICATES_IN_COLUMN": "duplicates are flagged within each batch only",
    "FLAG_DUPLICATE_ROWS": "duplicates are flagged within each batch only",
    "RANDOM": "random values are drawn per batch",
    "RANDOM_BETWEEN": "random values are drawn per batch",
    "REPLACE_WITH_RANDOM_BETWEEN": "random values are drawn per batch",
    "REPLACE_WITH_RANDOM_DATE_BETWEEN": "random values are drawn per batch",
}
"""Order-sensitive or whole-table operations that are batch-local rather than wrong."""

ROW_WISE_OPERATIONS = {"SPLIT_MULTI_VALUED_CELLS_TO_ROWS"}
"""Declared order-sensitive only for the order of the rows they make from one row."""


class Verdict(str, Enum):
    """How an incremental run treats a step."""

    ROW_WISE = ROW_WISE
    PER_BATCH = PER_BATCH
    REFUSED = REFUSED


def classify(transform: type[Any]) -> tuple[Verdict, str]:
    """The verdict for a transform class and the reason shown to the user."""
    from workbench.core.families import TableTransform

    operation = transform.operation
    if operation in REFUSED_OPERATIONS:
        return Verdict.REFUSED, REFUSED_OPERATIONS[operation]
    if operation in PER_BATCH_OPERATIONS:
        return Verdict.PER_BATCH, PER_BATCH_OPERATIONS[operation]
    if operation in ROW_WISE_OPERATIONS:
        return Verdict.ROW_WISE, ""
    if transform.order_sensitive and not issubclass(transform, TableTransform):
        return Verdict.REFUSED, "it reads neighbouring rows, which may be in an earlier run's files"
    if transform.uses_statistics:
        return Verdict.PER_BATCH, "the statistics it uses come from the batch, not all rows"
    if transform.order_sensitive:
        return Verdict.PER_BATCH, "row order is kept within each batch only"
    return Verdict.ROW_WISE, ""


def check_incremental(recipe: Any) -> list[str]:
    """Refuse a recipe with a refused step; return the warnings of its per-batch steps.

    The error names the step (number, id) and its operation, and why.
    """
    from workbench.core.registry import REGISTRY

    warnings = []
    for number, step in enumerate(recipe.steps, start=1):
        transform = REGISTRY.get(step.operation)
        if step.disabled or transform is None:
            continue
        verdict, why = classify(transform)
        where = f"step {number}" + (f" (id {step.id!r})" if step.id else "") + f", {step.operation},"
        if verdict is Verdict.REFUSED:
            raise RecipeError(
                f"{where} cannot run incrementally: {why}; run it without --bookmark over all the data, "
                f"or in a later stage that reads the whole output folder"
            )
        if verdict is Verdict.PER_BATCH:
            warnings.append(f"{where} runs per batch: {why}")
    return warnings


def verdicts() -> dict[str, tuple[Verdict, str]]:
    """Every registered operation's verdict (the list in docs/jobs.md)."""
    import workbench.transforms  # noqa: F401  (registers the catalogue)
    from workbench.core.registry import REGISTRY

    return {op: classify(t) for op, t in sorted(REGISTRY.items())}
