"""Validation before any data is touched: each bad recipe gets its precise, located error."""

from __future__ import annotations

import pytest

from workbench import Recipe
from workbench.core.errors import ColumnNotFoundError, ParameterError, UnknownOperationError
from workbench.core.types import LType

SCHEMA = {"first_name": LType.STRING, "age": LType.INTEGER, "city": LType.STRING}


def one(
    operation: str, conditions: list | None = None, step_id: str | None = None, **params: object
) -> Recipe:
    step: dict = {"Action": {"Operation": operation, "Parameters": params}}
    if conditions:
        step["ConditionExpressions"] = conditions
    if step_id:
        step["id"] = step_id
    return Recipe.from_data(
        [{"Action": {"Operation": "LOWER_CASE", "Parameters": {"sourceColumn": "city"}}}, step]
    )


def test_unknown_operation_suggests_nearest() -> None:
    with pytest.raises(UnknownOperationError) as err:
        one("UPPERCASE", sourceColumn="city").validate(SCHEMA)
    assert err.value.step_index == 1
    assert err.value.suggestion == "UPPER_CASE"
    assert "step 2" in str(err.value)
    assert "did you mean 'UPPER_CASE'" in str(err.value)


def test_missing_parameter_is_named() -> None:
    with pytest.raises(ParameterError) as err:
        one("RENAME", sourceColumn="city").validate()
    assert err.value.parameter == "targetColumn"
    assert "RENAME" in str(err.value)


def test_unknown_parameter_suggests_nearest() -> None:
    with pytest.raises(ParameterError) as err:
        one("RENAME", sourceColumn="city", targetColum="town").validate()
    assert err.value.parameter == "targetColum"
    assert err.value.suggestion == "targetColumn"


def test_ill_typed_parameter() -> None:
    with pytest.raises(ParameterError) as err:
        one("MOVE_TO_INDEX", sourceColumn="city", targetIndex="two").validate()
    assert err.value.parameter == "targetIndex"


def test_missing_column_is_tracked_through_earlier_steps() -> None:
    recipe = Recipe.from_data(
        [
            {
                "id": "ren",
                "Action": {
                    "Operation": "RENAME",
                    "Parameters": {"sourceColumn": "city", "targetColumn": "town"},
                },
            },
            {"id": "up", "Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}},
        ]
    )
    with pytest.raises(ColumnNotFoundError) as err:
        recipe.validate(SCHEMA)
    assert err.value.step_index == 1
    assert err.value.step_id == "up"
    assert err.value.column == "city"
    assert err.value.parameter == "sourceColumn"
    assert err.value.suggestion == "town"


def test_misspelt_column_suggests_nearest() -> None:
    with pytest.raises(ColumnNotFoundError) as err:
        one("UPPER_CASE", sourceColumn="firstname").validate(SCHEMA)
    assert err.value.suggestion == "first_name"


def test_condition_column_checked() -> None:
    cond = [{"Condition": "IS_MISSING", "TargetColumn": "agee"}]
    with pytest.raises(ColumnNotFoundError) as err:
        one("REMOVE_VALUES", cond, sourceColumn="age").validate(SCHEMA)
    assert err.value.suggestion == "age"


def test_unknown_condition_suggests_nearest() -> None:
    cond = [{"Condition": "IS_NULL", "TargetColumn": "age"}]
    with pytest.raises(ParameterError) as err:
        one("REMOVE_VALUES", cond, sourceColumn="age").validate(SCHEMA)
    assert "IS_NULL" in str(err.value)


def test_remove_values_needs_a_condition() -> None:
    with pytest.raises(ParameterError, match="at least one condition"):
        one("REMOVE_VALUES", sourceColumn="age").validate(SCHEMA)


def test_column_type_is_checked() -> None:
    with pytest.raises(ParameterError, match="is integer"):
        one("UPPER_CASE", sourceColumn="age").validate(SCHEMA)


def test_new_column_must_not_exist() -> None:
    with pytest.raises(ParameterError, match="already exists"):
        one("RENAME", sourceColumn="city", targetColumn="age").validate(SCHEMA)


def test_disabled_steps_are_not_validated() -> None:
    recipe = Recipe.from_data([{"Action": {"Operation": "NOPE"}, "disabled": True}])
    assert recipe.validate(SCHEMA) == SCHEMA


@pytest.mark.parametrize(
    ("operation", "params", "parameter"),
    [
        ("LEN", {"sourceColumn": "city", "value": "x", "targetColumn": "n"}, "sourceColumn"),
        ("LEN", {"targetColumn": "n"}, "sourceColumn"),
        ("DIVIDE", {"sourceColumn1": "age", "targetColumn": "q"}, "sourceColumn2"),
        (
            "EXACT",
            {"sourceColumn1": "city", "value1": "x", "value2": "y", "targetColumn": "e"},
            "sourceColumn1",
        ),
        ("CHAR", {"targetColumn": "c"}, "sourceColumn"),
    ],
)
def test_column_or_literal_operands(operation: str, params: dict, parameter: str) -> None:
    with pytest.raises(ParameterError, match="not both or neither") as err:
        one(operation, **params).validate(SCHEMA)
    assert err.value.parameter == parameter


@pytest.mark.parametrize("position", ["9" * 400, 10**400, 2**31, -(2**31) - 1, "2147483648"])
def test_integer_parameters_beyond_32_bits_are_refused_naming_the_parameter(position: object) -> None:
    recipe = one("LEFT", sourceColumn="city", position=position, targetColumn="c2")
    with pytest.raises(ParameterError) as err:
        recipe.validate(SCHEMA)
    assert err.value.parameter == "position"
    assert err.value.step_index == 1
    assert "outside the range of integer parameters" in str(err.value)


def test_integer_parameters_at_the_bound_validate() -> None:
    one("LEFT", sourceColumn="city", position=2**31 - 1, targetColumn="c2").validate(SCHEMA)


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "NaN", "nan", float("inf")])
def test_number_parameters_must_be_finite(value: object) -> None:
    recipe = one("ADD", sourceColumn1="age", value2=value, targetColumn="a2")
    with pytest.raises(ParameterError, match=r"parameter 'value2'.*finite number"):
        recipe.validate(SCHEMA)


def test_bucket_splits_keep_infinite_ends_but_refuse_nan() -> None:
    splits = {"sourceColumn": "age", "bucketNames": '["a","b"]', "targetColumn": "b"}
    one("BUCKETIZATION", splits='["-Infinity","20","Infinity"]', **splits).validate(SCHEMA)
    with pytest.raises(ParameterError, match=r"parameter 'splits'.*NaN"):
        one("BUCKETIZATION", splits='["-Infinity","NaN","Infinity"]', **splits).validate(SCHEMA)


JOIN = {
    "joinType": "LEFT_JOIN",
    "joinKeys": [{"key": "city", "value": "city"}],
    "leftColumns": ["city"],
    "rightColumns": ["pop"],
}


@pytest.mark.parametrize("name", ["/etc/passwd", "../x.csv", "lookup"])
def test_an_unbound_dataset_is_refused_when_the_bound_ones_are_all_there_are(name: str) -> None:
    from workbench.core.errors import DatasetNotBoundError

    recipe = one("JOIN", step_id="j", secondaryDatasetName=name, **JOIN)
    recipe.validate(SCHEMA)  # without bound_only, a dataset may be bound later
    with pytest.raises(DatasetNotBoundError) as err:
        recipe.validate(SCHEMA, {"other": {"city": LType.STRING}}, bound_only=True)
    assert err.value.exit_code == 2
    assert f"step 2 (id 'j'), JOIN: dataset {name!r} is not bound (bound: other)" in str(err.value)
    with pytest.raises(DatasetNotBoundError):
        recipe.validate(None, {}, bound_only=True)


def test_json_text_nested_too_deeply_is_a_parameter_error_not_a_recursion_error() -> None:
    recipe = one("DELETE", sourceColumns="[" * 30_000)
    with pytest.raises(ParameterError, match=r"parameter 'sourceColumns': is JSON text nested too deeply"):
        recipe.validate(SCHEMA)
