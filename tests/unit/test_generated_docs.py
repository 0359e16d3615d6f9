"""The committed catalogue page and recipe JSON Schema match the registry."""

from __future__ import annotations

import json

import pytest

from workbench.docs import generated


@pytest.mark.parametrize("path", list(generated()), ids=lambda p: p.name)
def test_generated_file_is_current(path) -> None:  # type: ignore[no-untyped-def]
    assert path.exists(), f"{path} is missing; run python -m workbench.docs"
    assert path.read_text(encoding="utf-8") == generated()[path], (
        f"{path.name} is stale; run python -m workbench.docs"
    )


def test_example_recipes_satisfy_the_json_schema() -> None:
    import jsonschema

    from workbench import Recipe
    from workbench.docs import ROOT

    schema = json.loads((ROOT / "docs" / "recipe.schema.json").read_text())
    for path in sorted((ROOT / "recipes").glob("*.json")):
        native = Recipe.load(path).to_dict()
        jsonschema.validate(native, schema)
