"""Fused row-wise steps read the columns earlier steps computed, never the stale input columns.

Every example of every transform that can join a Spark projection runs on a projection whose
columns are computed (each one read from a hidden copy of the example's input), while the base
DataFrame's own columns of those names hold decoys: the same values rotated by one row. A
transform that referred to its input other than through ``scol`` or its frame's ``df[name]``
would read a decoy and miss the expected output. Transforms that ask their frame for more than
a projection answers must fall back to running on their own.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import assert_same_records, example_schema, frame_of, plain_records
from workbench.core.lazy import scol
from workbench.core.registry import Transform, transforms
from workbench.core.secrets import Secrets
from workbench.engines.spark.projection import Projection, fusable
from workbench.recipe.conditions import Condition
from workbench.recipe.model import Step

CASES = [
    pytest.param(cls, index, id=f"{cls.operation}-{index}")
    for cls in transforms()
    for index, example in enumerate(cls.examples)
    if not example.xfail and not example.datasets
]


def _rotated(values: list[Any]) -> list[Any]:
    return values[1:] + values[:1]


def _hidden(index: int) -> str:
    return f"__wb_true_{index}"


def _projection_with_decoys(engine: Any, given: dict[str, list[Any]], schema: dict[str, Any]) -> Projection:
    columns = {name: _rotated(values) for name, values in given.items()}
    hidden_schema = dict(schema)
    for i, name in enumerate(given):
        columns[_hidden(i)] = given[name]
        hidden_schema[_hidden(i)] = schema[name]
    base = frame_of(engine, columns, hidden_schema)
    start = Projection.of(base, hidden="")
    true_columns = {name: scol(_hidden(i)) for i, name in enumerate(given)}
    schema_only = {name: start.schema[name] for name in given}
    return Projection(
        base=base,
        columns=true_columns,
        schema=schema_only,
        physical=start.physical,
        canonical=frozenset(),
    )


@pytest.mark.parametrize(("cls", "index"), CASES)
def test_fused_step_reads_computed_columns(
    cls: type[Transform], index: int, spark_engine_name: str, spark_session_for: Any
) -> None:
    from tests.conftest import make_engine

    example = cls.examples[index]
    engine = make_engine(spark_engine_name, spark_session_for)
    engine.secrets = Secrets(example.secrets, environ={})
    step = Step(cls.operation, dict(example.params), [Condition.from_json(c) for c in example.conditions])
    transform = step.transform()
    schema = example_schema(example.given, example.schema)
    projection = _projection_with_decoys(engine, example.given, schema)
    fused = engine.fuse(projection, transform, step.conditions)
    if not fusable(transform) or fused is None:
        # Runs on its own in a replay: test_examples covers it there.
        assert fused is None
        return
    records = plain_records(engine, engine.materialise(fused))
    assert_same_records(records, example.expect, ordered=True)
    assert fused.schema == transform.output_schema(schema)
