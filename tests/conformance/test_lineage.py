"""Declared lineage: what a step reads, and renaming its column references (OpenRefine-style).

For every example: the columns a step declares it reads exist in the input; and renaming every
input column, then renaming the step's references the same way, gives the same result under
the new names. Runs on pandas (the engines' agreement is the examples' job).
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_engine
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
    if not cls.examples[index].datasets
]


NAMES_BECOME_VALUES = {"UNPIVOT", "NEST_TO_MAP", "NEST_TO_STRUCT", "TRANSPOSE"}
"""Steps that turn column names into cell values (map keys, struct fields): renaming changes their
data, by design."""


def renamed(name: str) -> str:
    return f"r·{name}"


def named_in(value: object) -> set[str]:
    """Every string in a parameter value, looking inside lists, objects and JSON text."""
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in "[{":
            try:
                return named_in(json.loads(text))
            except json.JSONDecodeError:
                return {value}
        return {value}
    if isinstance(value, dict):
        return set().union(*(named_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(named_in(v) for v in value)) if value else set()
    return set()


def expected_name(name: str, given: dict, params: dict) -> str:
    """Input columns and names generated from them (``<source>_<suffix>``) follow the rename."""
    if name in given:
        return renamed(name)
    if name in named_in(params):
        return name
    sources = [g for g in given if name.startswith(f"{g}_")]
    if sources:
        source = max(sources, key=len)
        return renamed(source) + name[len(source) :]
    return name


@pytest.mark.parametrize(("cls", "index"), CASES)
def test_reads_and_rename(cls: type[Transform], index: int) -> None:
    example = cls.examples[index]
    transform = Step(cls.operation, dict(example.params)).transform()
    assert set(transform.reads()) <= set(example.given), "a step reads only existing columns"

    mapping = {name: renamed(name) for name in example.given}
    moved = transform.rename_columns(mapping)
    assert set(moved.reads()) == {mapping[c] for c in transform.reads()}
    given = {mapping[k]: v for k, v in example.given.items()}
    schema = {mapping[k]: v for k, v in example_schema(example.given, example.schema).items()}
    conditions = []
    for c in example.conditions:
        condition = Condition.from_json(c)
        condition.target_column = mapping[condition.target_column]
        conditions.append(condition)
    engine = make_engine("pandas", None)
    engine.secrets = Secrets(example.secrets, environ={})
    step = Step(cls.operation, moved.to_parameters(), conditions)
    frame = frame_of(engine, given, schema)
    if "pandas" in cls.not_supported:
        with pytest.raises(EngineNotSupportedError):
            replay(Recipe(steps=[step]), frame, engine=engine)
        return
    out = plain_records(engine, replay(Recipe(steps=[step]), frame, engine=engine))
    expected = {expected_name(k, example.given, example.params): v for k, v in example.expect.items()}
    if cls.operation in NAMES_BECOME_VALUES:
        assert list(out) == list(expected)
        return
    assert_same_records(out, expected, ordered=cls.order_sensitive)
