"""Every example of every transform, on every selected engine (generated from the registry)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import assert_same_records, example_schema, frame_of, plain_records
from workbench.core.errors import EngineNotSupportedError
from workbench.core.registry import Transform, transforms
from workbench.core.secrets import Secrets
from workbench.recipe.conditions import Condition
from workbench.recipe.model import Recipe, Step
from workbench.recipe.replay import replay

CASES = [
    pytest.param(cls, index, id=f"{cls.operation}-{index}")
    for cls in transforms()
    for index in range(len(cls.examples))
]


def run_example(cls: type[Transform], index: int, engine: Any) -> tuple[Any, Recipe, dict[str, Any]]:
    example = cls.examples[index]
    schema = example_schema(example.given, example.schema)
    frame = frame_of(engine, example.given, schema)
    dataset_schemas = {
        name: example_schema(cols, (example.dataset_schemas or {}).get(name))
        for name, cols in (example.datasets or {}).items()
    }
    engine.datasets = {
        name: engine.from_records(cols, dataset_schemas[name])
        for name, cols in (example.datasets or {}).items()
    }
    engine.secrets = Secrets(example.secrets, environ={})
    step = Step(
        cls.operation,
        dict(example.params),
        conditions=[Condition.from_json(c) for c in example.conditions],
    )
    recipe = Recipe(steps=[step])
    out = replay(recipe, frame, engine=engine)
    return out, recipe, {"schema": schema, "datasets": dataset_schemas}


@pytest.mark.parametrize(("cls", "index"), CASES)
def test_example(
    cls: type[Transform], index: int, engine: Any, engine_name: str, request: pytest.FixtureRequest
) -> None:
    example = cls.examples[index]
    family = "spark" if engine_name == "connect" else engine_name
    if family in cls.not_supported:
        with pytest.raises(EngineNotSupportedError):
            run_example(cls, index, engine)
        return
    reason = (example.xfail or {}).get(engine_name) or (example.xfail or {}).get(family)
    if reason:
        # A declared difference is a difference of values: any other failure is a bug.
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True, raises=AssertionError))
    out, recipe, schemas = run_example(cls, index, engine)
    records = plain_records(engine, out)
    assert_same_records(records, example.expect, ordered=cls.order_sensitive)
    declared = recipe.validate(schemas["schema"], schemas["datasets"])
    if declared is not None:
        assert engine.schema_of(out) == declared, "declared output schema differs from the actual one"
    if example.expect_schema:
        actual = engine.schema_of(out)
        for name, ltype in example.expect_schema.items():
            assert actual[name].value == ltype, f"column {name!r} is {actual[name].value}, expected {ltype}"
