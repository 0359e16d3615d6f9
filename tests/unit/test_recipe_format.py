"""The recipe format: native envelope, DataBrew's forms, string encodings, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench import Recipe
from workbench.core.errors import RecipeError

DATABREW_STEPS = [
    {"Action": {"Operation": "DELETE", "Parameters": {"sourceColumns": '["a","b"]'}}},
    {
        "Action": {"Operation": "REMOVE_VALUES", "Parameters": {"sourceColumn": "c"}},
        "ConditionExpressions": [{"Condition": "IS", "Value": '["x"]', "TargetColumn": "c"}],
    },
    {"Action": {"Operation": "MOVE_TO_INDEX", "Parameters": {"sourceColumn": "c", "targetIndex": "0"}}},
]


def test_bare_databrew_array_loads_with_string_values_decoded() -> None:
    recipe = Recipe.from_data(DATABREW_STEPS)
    assert [s.operation for s in recipe.steps] == ["DELETE", "REMOVE_VALUES", "MOVE_TO_INDEX"]
    assert recipe.steps[0].transform().source_columns == ["a", "b"]
    assert recipe.steps[2].transform().target_index == 0
    assert recipe.steps[1].conditions[0].value == ["x"]


def test_native_form_has_envelope_and_typed_values() -> None:
    native = Recipe.from_data(DATABREW_STEPS).to_dict()
    assert native["format"] == {"name": "workbench-recipe", "version": 1}
    assert native["steps"][0]["Action"]["Parameters"] == {"sourceColumns": ["a", "b"]}
    assert native["steps"][2]["Action"]["Parameters"]["targetIndex"] == 0
    assert [s["id"] for s in native["steps"]] == ["s1", "s2", "s3"]


def test_export_is_strict_databrew_and_round_trips() -> None:
    recipe = Recipe.from_data(DATABREW_STEPS)
    exported = json.loads(recipe.dumps(databrew=True))
    assert isinstance(exported, list)
    for step in exported:
        assert set(step) <= {"Action", "ConditionExpressions"}
        assert all(isinstance(v, str) for v in step["Action"].get("Parameters", {}).values())
    assert exported[0]["Action"]["Parameters"]["sourceColumns"] == '["a","b"]'
    assert exported[1]["ConditionExpressions"][0]["Value"] == '["x"]'
    again = Recipe.from_data(exported)
    assert again.to_dict() == recipe.to_dict()
    assert Recipe.from_data(again.to_dict()).to_dict() == recipe.to_dict()


def test_yaml_and_api_forms(tmp_path: Path) -> None:
    yml = tmp_path / "r.yml"
    yml.write_text("- Action:\n    Operation: UPPER_CASE\n    Parameters:\n      sourceColumn: city\n")
    assert Recipe.load(yml).steps[0].operation == "UPPER_CASE"
    api = {
        "Name": "x",
        "Steps": [{"Action": {"Operation": "LOWER_CASE", "Parameters": {"sourceColumn": "c"}}}],
    }
    assert Recipe.from_data(api).steps[0].operation == "LOWER_CASE"


def test_booleans_in_any_case() -> None:
    steps = [
        {
            "Action": {
                "Operation": "SORT",
                "Parameters": {
                    "expressions": json.dumps(
                        [{"sourceColumn": "a", "customOrder": ["x"], "isCustomOrderCaseSensitive": "TRUE"}]
                    )
                },
            }
        }
    ]
    key = Recipe.from_data(steps).steps[0].transform().expressions[0]
    assert key.is_custom_order_case_sensitive is True


def test_workbench_keys_survive_native_round_trip(tmp_path: Path) -> None:
    data = {
        "format": {"name": "workbench-recipe", "version": 1},
        "name": "n",
        "description": "d",
        "tags": ["t"],
        "steps": [
            {
                "id": "keep",
                "Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "c"}},
                "disabled": True,
                "note": "why",
            }
        ],
    }
    recipe = Recipe.from_data(data)
    path = tmp_path / "r.json"
    recipe.save(path)
    assert json.loads(path.read_text()) == data
    assert recipe.to_databrew() == [], "disabled steps are not exported to DataBrew"


def test_newer_format_is_refused() -> None:
    with pytest.raises(RecipeError, match="format 9"):
        Recipe.from_data({"format": {"name": "workbench-recipe", "version": 9}, "steps": []})


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"Action": {"Operation": "UPPER_CASE",}}]')
    with pytest.raises(RecipeError, match="line 1"):
        Recipe.load(path)


def test_recipe_from_anywhere_is_data_only() -> None:
    """YAML tags that would build Python objects are refused, not executed."""
    text = "- !!python/object/apply:os.system ['echo hacked']\n"
    with pytest.raises(RecipeError):
        Recipe.loads(text, yaml_text=True)
