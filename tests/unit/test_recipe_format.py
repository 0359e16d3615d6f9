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


# --- wrong shapes, unknown keys and limits (each was a raw error or silently accepted) --------

STEP = {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "a"}}}


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"steps": 3}, "'steps' must be a list"),
        ({"steps": None}, "'steps' must be a list, not null"),
        ({"name": "x"}, "'steps' must be a list, not missing"),
        ({"steps": [], "tags": 5}, "'tags' must be a list"),
        ({"steps": [], "tags": {"a": 1}}, "'tags' must be a list"),
        ({"steps": [], "tags": [1]}, "tag 1 of 'tags'"),
        ({"steps": [], "name": ["x"]}, "'name' must be a text"),
        ({"steps": [], "format": None}, "'format' must be"),
        ({"steps": [], "format": {"name": "workbench-recipe", "version": True}}, "'format' must be"),
        ({"Steps": 3}, "'Steps' must be a list"),
        (None, "not null"),
        (7, "not the number 7"),
        ([3], "step 1: a step must be an object"),
        ([{**STEP, "ConditionExpressions": True}], "'ConditionExpressions' must be a list"),
        ([{**STEP, "ConditionExpressions": [5]}], "condition 1 must be an object"),
        ([{"Action": "UPPER_CASE"}], "needs an 'Action' object"),
        ([{"Action": {"Operation": 5}}], "needs an 'Operation' name"),
        (
            [{"Action": {"Operation": "UPPER_CASE", "Parameters": '{"a": 1}'}}],
            "'Parameters' must be an object",
        ),
        ([{"Action": {"Operation": "UPPER_CASE", "Parameters": None}}], "'Parameters' must be an object"),
        ([{**STEP, "id": ["x"]}], "'id' must be a non-empty text"),
        ([{**STEP, "note": 5}], "'note' must be a text"),
    ],
)
def test_wrong_shapes_are_recipe_errors_naming_the_key(data: object, named: str) -> None:
    with pytest.raises(RecipeError, match="^.*" + named.replace("(", r"\(").replace("[", r"\[")) as info:
        Recipe.from_data(data)
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    ("data", "key", "suggestion"),
    [
        ({"steps": [], "stpes": []}, "stpes", "steps"),
        ({"steps": [], "Name": "x"}, "Name", "name"),
        ({"Steps": [], "Nmae": "x"}, "Nmae", "Name"),
        ([{"Actoin": STEP["Action"]}], "Actoin", "Action"),
        ([{**STEP, "Disabled": True}], "Disabled", "disabled"),
        ([{"Action": {**STEP["Action"], "Parameter": {}}}], "Parameter", "Parameters"),
        (
            [{**STEP, "ConditionExpressions": [{"Condition": "IS", "Vaule": "x", "TargetColumn": "a"}]}],
            "Vaule",
            "Value",
        ),
    ],
)
def test_unknown_keys_suggest_the_nearest_known_key(data: object, key: str, suggestion: str) -> None:
    with pytest.raises(RecipeError) as info:
        Recipe.from_data(data)
    assert f"unknown key {key!r}" in str(info.value)
    assert info.value.suggestion == suggestion


def test_an_extra_key_in_action_lists_what_action_takes() -> None:
    with pytest.raises(RecipeError, match=r"step 1 .*UPPER_CASE: unknown key 'X' in 'Action'; 'Action' take"):
        Recipe.from_data([{"Action": {**STEP["Action"], "X": 1}}])


def test_databrew_api_fields_are_accepted_and_ignored() -> None:
    described = {
        "Name": "orders",
        "Description": "from DescribeRecipe",
        "RecipeVersion": "1.0",
        "CreateDate": "2024-01-01T00:00:00Z",
        "CreatedBy": "arn:aws:iam::1:user/a",
        "LastModifiedDate": "2024-01-02T00:00:00Z",
        "LastModifiedBy": "arn:aws:iam::1:user/a",
        "PublishedDate": "2024-01-03T00:00:00Z",
        "PublishedBy": "arn:aws:iam::1:user/a",
        "ProjectName": "p",
        "ResourceArn": "arn:aws:databrew:eu-west-1:1:recipe/orders",
        "Tags": {"team": "sales"},
        "Steps": [STEP],
    }
    recipe = Recipe.from_data(described)
    assert (recipe.name, recipe.description, len(recipe.steps)) == ("orders", "from DescribeRecipe", 1)


@pytest.mark.parametrize(
    ("text", "disabled"), [(True, True), ("false", False), ("FALSE", False), (" True ", True)]
)
def test_disabled_follows_the_boolean_rules_of_parameters(text: object, disabled: bool) -> None:
    assert Recipe.from_data([{**STEP, "disabled": text}]).steps[0].disabled is disabled


@pytest.mark.parametrize("value", ["no", "0", 1, 0, None, [], "yes"])
def test_disabled_refuses_anything_but_a_boolean(value: object) -> None:
    with pytest.raises(
        RecipeError, match=r"step 1 \(id 's1'\), UPPER_CASE: the step key 'disabled' must be true"
    ):
        Recipe.from_data([{**STEP, "disabled": value}])


def test_integer_ids_become_text_and_other_ids_are_refused() -> None:
    assert Recipe.from_data([{**STEP, "id": 7}]).steps[0].id == "7"
    assert Recipe.from_data([{**STEP, "id": None, "note": None}]).steps[0].id == "s1"
    with pytest.raises(RecipeError, match="'id' must be"):
        Recipe.from_data([{**STEP, "id": True}])
    with pytest.raises(RecipeError, match="'id' must be"):
        Recipe.from_data([{**STEP, "id": " "}])


def test_a_five_thousand_digit_number_is_refused_naming_the_parameter() -> None:
    text = '[{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": ' + "9" * 5000 + "}}}]"
    located = r"^step 1 \(id 's1'\), UPPER_CASE, parameter 'sourceColumn': the value is a number with 5,000"
    with pytest.raises(RecipeError, match=located):
        Recipe.loads(text)


def test_huge_numbers_outside_steps_name_their_key() -> None:
    with pytest.raises(RecipeError, match=r"'format\.version' is a number with 5,000 digits"):
        Recipe.loads('{"format": {"name": "workbench-recipe", "version": ' + "1" * 5000 + '}, "steps": []}')


def test_nan_and_overflowing_floats_are_refused() -> None:
    nan = '[{"Action": {"Operation": "ADD", "Parameters": {"sourceColumn1": "a", "value2": NaN}}}]'
    with pytest.raises(RecipeError, match="'value2': the value is NaN"):
        Recipe.loads(nan)
    with pytest.raises(RecipeError, match="too large for a double"):
        Recipe.loads(nan.replace("NaN", "1e999"))


def test_duplicate_keys_are_refused_in_json_and_yaml() -> None:
    with pytest.raises(RecipeError, match="'Action' appears twice"):
        Recipe.loads('[{"Action": {"Operation": "UPPER_CASE"}, "Action": {"Operation": "LOWER_CASE"}}]')
    with pytest.raises(RecipeError, match="'Action' at line 2, column 3 appears twice"):
        Recipe.loads("- Action: {Operation: UPPER_CASE}\n  Action: {Operation: LOWER_CASE}\n", yaml_text=True)


def test_a_text_longer_than_databrews_limit_is_refused() -> None:
    with pytest.raises(
        RecipeError, match="parameter 'sourceColumn': the value is a text of 40,000 characters"
    ):
        Recipe.from_data(
            [{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "x" * 40_000}}}]
        )


def test_non_utf8_bytes_name_the_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(
        '[{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "é"}}}]'.encode("latin-1")
    )
    with pytest.raises(
        RecipeError, match=r"latin1.json is not UTF-8 text: byte 0xe9 at offset 72 \(line 1\)"
    ):
        Recipe.load(path)


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([STEP]).encode())
    assert Recipe.load(path).steps[0].operation == "UPPER_CASE"
    yml = tmp_path / "bom.yml"
    yml.write_bytes(b"\xef\xbb\xbf- Action: {Operation: UPPER_CASE, Parameters: {sourceColumn: a}}\n")
    assert Recipe.load(yml).steps[0].parameters == {"sourceColumn": "a"}


@pytest.mark.parametrize("yaml_text", [False, True])
def test_nesting_beyond_the_bound_is_refused_not_a_recursion_error(yaml_text: bool) -> None:
    text = "[" * 1000 + "]" * 1000
    with pytest.raises(RecipeError, match="nested more than 100 levels"):
        Recipe.loads(text, yaml_text=yaml_text)


def test_nesting_within_the_bound_loads() -> None:
    value = "[" * 90 + "]" * 90
    text = (
        '[{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "a"}}, "note": "'
        + value
        + '"}]'
    )
    assert Recipe.loads(text).steps[0].note == value


BILLION_LAUGHS = """\
- id: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  note: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  Action: {Operation: UPPER_CASE, Parameters: {sourceColumn: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]}}
  ConditionExpressions: [{Condition: IS, TargetColumn: a, Value: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]}]
- {Action: {Operation: UPPER_CASE, Parameters: {sourceColumn: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]}}}
- {Action: {Operation: UPPER_CASE, Parameters: {sourceColumn: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]}}}
- {Action: {Operation: UPPER_CASE, Parameters: {sourceColumn: [*f,*f,*f,*f,*f,*f,*f,*f,*f]}}}
"""


def test_yaml_billion_laughs_is_refused_before_it_expands() -> None:
    import time

    started = time.monotonic()
    with pytest.raises(RecipeError, match="YAML aliases expand the document by"):
        Recipe.loads(BILLION_LAUGHS, yaml_text=True)
    assert time.monotonic() - started < 2


def test_yaml_alias_uses_are_bounded_and_small_ones_load() -> None:
    many = "- &a {Action: {Operation: UPPER_CASE, Parameters: {sourceColumn: x}}}\n" + "- *a\n" * 150
    with pytest.raises(RecipeError, match="more than 100 YAML aliases"):
        Recipe.loads(many, yaml_text=True)
    few = "- &a {Action: {Operation: UPPER_CASE, Parameters: {sourceColumn: x}}}\n" + "- *a\n" * 3
    assert len(Recipe.loads(few, yaml_text=True).steps) == 4


def test_yaml_self_reference_is_refused() -> None:
    with pytest.raises(RecipeError, match="refers to a node that contains it"):
        Recipe.loads("- &a {Action: {Operation: UPPER_CASE}, note: *a}\n", yaml_text=True)


@pytest.mark.parametrize(
    "tag", ["!!python/object/apply:os.system ['x']", "!!binary aGVsbG8=", "!!set {a}", "!custom x"]
)
def test_yaml_tags_that_are_not_plain_data_are_refused_clearly(tag: str) -> None:
    with pytest.raises(RecipeError, match="is not plain data; a recipe holds only maps, lists"):
        Recipe.loads(
            f"- Action: {{Operation: UPPER_CASE, Parameters: {{sourceColumn: {tag}}}}}\n", yaml_text=True
        )


def test_yaml_dates_stay_text_as_written() -> None:
    text = "- Action: {Operation: UPPER_CASE, Parameters: {sourceColumn: 2024-01-31}}\n"
    assert Recipe.loads(text, yaml_text=True).steps[0].parameters == {"sourceColumn": "2024-01-31"}
