"""Dead letters: rows a step cannot convert, or that fail a row-level rule, set aside with why.

Without dead letters a CHANGE_DATA_TYPE step turns a value it cannot convert into null, and the
row goes on with its value lost. With ``--dead-letter DIR`` the replay stops before each such
step, takes out the rows whose value is present but would not convert (blank text is missing,
not a failure), and writes them, as they were before the step, to the dead-letter output with
the step number, the operation, the column and the reason; the other rows go on. Rows that fail
a row-level DQDL rule of ``--ruleset`` are set aside the same way, after the last step.

A dead letter has the columns ``row`` (the row as a JSON object), ``step``, ``operation``,
``column`` and ``reason``. The same on pandas and Spark.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

DEAD_LETTER_COLUMNS = ("row", "step", "operation", "column", "reason")
_CONVERSIONS = {"CHANGE_DATA_TYPE"}


@dataclasses.dataclass
class Replayed:
    """A replay's output frame and its dead letters (a frame of the same engine, or None)."""

    frame: Any
    dead: Any = None


def replay_with_dead_letters(
    recipe: Any,
    frame: Any,
    *,
    datasets: dict[str, Any] | None = None,
    secrets: Any = None,
    progress: Callable[[int, Any], None] | None = None,
) -> Replayed:
    """Replay ``recipe``, setting aside the rows its conversion steps cannot convert."""
    from workbench.recipe.replay import engine_for

    dead: list[Any] = []
    start = 0
    steps = recipe.steps
    for index, step in enumerate(steps):
        if not _is_conversion(step):
            continue
        frame = _replay_range(recipe, frame, start, index, datasets, secrets, progress)
        engine = engine_for(frame, datasets, secrets)
        frame, failed = _split_conversion(engine, frame, step, index)
        dead.append(failed)
        start = index
    frame = _replay_range(recipe, frame, start, len(steps), datasets, secrets, progress)
    return Replayed(frame, _union(dead))


def _is_conversion(step: Any) -> bool:
    return step.operation in _CONVERSIONS and not step.disabled and not step.conditions


def _replay_range(
    recipe: Any,
    frame: Any,
    start: int,
    stop: int,
    datasets: dict[str, Any] | None,
    secrets: Any,
    progress: Callable[[int, Any], None] | None,
) -> Any:
    """Replay steps ``start``..``stop`` (others disabled, so errors keep the recipe's step numbers)."""
    if start == stop:
        return frame
    part = dataclasses.replace(
        recipe,
        steps=[
            s if start <= i < stop else dataclasses.replace(s, disabled=True)
            for i, s in enumerate(recipe.steps)
        ],
    )
    return part.apply(frame, datasets=datasets, progress=progress, secrets=secrets)


def _split_conversion(engine: Any, frame: Any, step: Any, index: int) -> tuple[Any, Any]:
    transform = step.transform()
    column = transform.source_column
    source = engine.schema_of(frame).get(column)
    target = transform.target_type()
    if source is None:
        return frame, None  # the step's own validation names the missing column
    reason = f"{{value}} is not a valid {target.value}"
    if engine.name == "pandas":
        return _split_pandas(frame, column, source, target, index + 1, step.operation, reason)
    return _split_spark(frame, column, source, target, index + 1, step.operation, reason)


def _split_pandas(
    frame: Any, column: str, source: Any, target: Any, number: int, operation: str, reason: str
) -> tuple[Any, Any]:
    import pandas as pd

    from workbench.core.casting import cast_pandas
    from workbench.core.types import LType
    from workbench.engines.pandas.arrow import filter_rows

    values = frame[column]
    present = values.notna()
    if source is LType.STRING:
        present &= values.str.strip().fillna("").ne("")
    failed = (present & cast_pandas(values, source, target).isna()).to_numpy(dtype=bool, na_value=False)
    if not failed.any():
        return frame, None
    bad = filter_rows(frame, failed)
    texts = bad[column].astype("string").fillna("")
    dead = pd.DataFrame(
        {
            "row": bad.to_json(orient="records", lines=True, date_format="iso", force_ascii=False)
            .strip()
            .split("\n"),
            "step": number,
            "operation": operation,
            "column": column,
            "reason": [reason.format(value=repr(t)) for t in texts],
        }
    ).astype({"row": "string", "operation": "string", "column": "string", "reason": "string"})
    return filter_rows(frame, ~failed), dead


def _split_spark(
    frame: Any, column: str, source: Any, target: Any, number: int, operation: str, reason: str
) -> tuple[Any, Any]:
    from workbench.core.casting import cast_spark
    from workbench.core.lazy import F, scol
    from workbench.core.types import LType

    value = scol(column)
    present = value.isNotNull()
    if source is LType.STRING:
        present = present & (F.trim(value) != F.lit(""))
    failed = present & cast_spark(value, source, target).isNull()
    before, after = reason.split("{value}")
    text = F.concat(F.lit(before + "'"), value.cast("string"), F.lit("'" + after))
    dead = frame.where(failed).select(
        F.to_json(F.struct(*[scol(c) for c in frame.columns])).alias("row"),
        F.lit(number).cast("long").alias("step"),
        F.lit(operation).alias("operation"),
        F.lit(column).alias("column"),
        text.alias("reason"),
    )
    return frame.where(~failed | failed.isNull()), dead


def rule_failures(frame: Any, ruleset: Any, datasets: dict[str, Any] | None = None) -> tuple[Any, Any, Any]:
    """Split ``frame`` by the row-level rules of ``ruleset``: (passing rows, dead letters, result).

    A dead letter's reason lists the rules the row failed; its step is 0 (after the recipe).
    """
    from workbench.quality.evaluate import ROW_COLUMNS, evaluate, is_spark_frame

    result = evaluate(frame, ruleset, datasets)
    rows = result.rows()
    _, failed_col, _, outcome = ROW_COLUMNS
    if is_spark_frame(rows):
        from workbench.core.lazy import F, scol

        failed = scol(outcome) == F.lit("Failed")
        dead = rows.where(failed).select(
            F.to_json(F.struct(*[scol(c) for c in frame.columns])).alias("row"),
            F.lit(0).cast("long").alias("step"),
            F.lit("RULESET").alias("operation"),
            F.lit("").alias("column"),
            F.concat(F.lit("failed "), F.array_join(scol(failed_col), "; ")).alias("reason"),
        )
        return rows.where(~failed).drop(*ROW_COLUMNS), dead, result
    import pandas as pd

    from workbench.engines.pandas.arrow import filter_rows

    mask = (rows[outcome] == "Failed").to_numpy(dtype=bool, na_value=False)
    kept = filter_rows(rows, ~mask).drop(columns=list(ROW_COLUMNS))
    if not mask.any():
        return kept, None, result
    bad = filter_rows(rows, mask)
    data = bad.drop(columns=list(ROW_COLUMNS))
    dead = pd.DataFrame(
        {
            "row": data.to_json(orient="records", lines=True, date_format="iso", force_ascii=False)
            .strip()
            .split("\n"),
            "step": 0,
            "operation": "RULESET",
            "column": "",
            "reason": ["failed " + "; ".join(list(r)) for r in bad[failed_col]],
        }
    ).astype({"row": "string", "operation": "string", "column": "string", "reason": "string"})
    return kept, dead, result


def union_dead(parts: list[Any]) -> Any:
    """One frame of dead letters from several (None when there are none)."""
    return _union(parts)


def _union(parts: list[Any]) -> Any:
    found = [p for p in parts if p is not None]
    if not found:
        return None
    from workbench.quality.evaluate import is_spark_frame

    if is_spark_frame(found[0]):
        out = found[0]
        for part in found[1:]:
            out = out.unionByName(part)
        return out
    import pandas as pd

    return pd.concat(found, ignore_index=True)
