"""Registry checks: every transform is fully declared (generated from the registry)."""

from __future__ import annotations

import json
import re

import pytest

from workbench.core.params import ParamKind
from workbench.core.registry import Transform, transforms
from workbench.recipe.conditions import Condition
from workbench.recipe.model import Recipe, Step

ALL = [pytest.param(cls, id=cls.operation) for cls in transforms()]


@pytest.mark.parametrize("cls", ALL)
def test_declaration(cls: type[Transform]) -> None:
    assert re.fullmatch(r"[A-Z][A-Z0-9_]*", cls.operation)
    summary = cls.summary()
    assert summary.endswith("."), "the tooltip is one sentence"
    assert len(summary) <= 120, "the tooltip fits on one line"
    assert cls.examples, "at least one example"
    for engine, reason in cls.not_supported.items():
        assert engine in {"pandas", "spark"}
        assert len(reason) > 10


@pytest.mark.parametrize("cls", ALL)
def test_examples_cover_nulls(cls: type[Transform]) -> None:
    has_null = any(None in values for ex in cls.examples for values in ex.given.values())
    assert has_null, "at least one example with a null input value"


@pytest.mark.parametrize("cls", ALL)
def test_every_parameter_has_a_form_kind(cls: type[Transform]) -> None:
    kinds = cls.param_kinds()
    for name, kind in kinds.items():
        assert kind is not ParamKind.OBJECT, f"{cls.operation}.{name} needs a parameter kind"
    schema = cls.model_json_schema(by_alias=True)
    assert set(kinds) == set(schema.get("properties", {})), "every parameter gets one form field"


@pytest.mark.parametrize("cls", ALL)
def test_databrew_round_trip(cls: type[Transform]) -> None:
    """Native -> DataBrew strings -> native is the identity on every example."""
    for example in cls.examples:
        step = Step(
            cls.operation, dict(example.params), [Condition.from_json(c) for c in example.conditions], id="s1"
        )
        native = Recipe(steps=[step]).to_dict()
        exported = Recipe(steps=[step]).dumps(databrew=True)
        for s in json.loads(exported):
            for value in s["Action"].get("Parameters", {}).values():
                assert isinstance(value, str), "DataBrew parameters are strings"
        again = Recipe.loads(exported)
        assert again.to_dict()["steps"] == native["steps"]
        assert Recipe.from_data(native).to_dict() == native
