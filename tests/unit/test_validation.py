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
