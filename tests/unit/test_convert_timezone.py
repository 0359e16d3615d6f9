"""CONVERT_TIMEZONE refuses bad steps when the recipe is read, naming step, parameter and column."""

from __future__ import annotations

import pytest

from workbench import Recipe
from workbench.core.errors import ColumnNotFoundError, ParameterError
from workbench.core.types import LType

SCHEMA = {"when": LType.STRING, "n": LType.INTEGER}


def step(**params: object) -> Recipe:
    return Recipe.from_data([{"Action": {"Operation": "CONVERT_TIMEZONE", "Parameters": params}}])


@pytest.mark.parametrize("parameter", ["fromTimeZone", "toTimeZone"])
@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "EST+5", "america/new york"])
def test_unknown_zone_names_the_parameter(parameter: str, zone: str) -> None:
    with pytest.raises(ParameterError, match=f"CONVERT_TIMEZONE.*'{parameter}'.*unknown time zone") as info:
        step(sourceColumn="when", targetColumn="t", **{parameter: zone}).validate(SCHEMA)
    assert "step 1" in str(info.value)


def test_bad_format_names_the_parameter() -> None:
    with pytest.raises(ParameterError, match=r"'dateTimeFormat'.*unknown letters 'q'"):
        step(sourceColumn="when", targetColumn="t", dateTimeFormat="yyyy q").validate(SCHEMA)


def test_column_type_is_checked() -> None:
    with pytest.raises(ParameterError, match=r"'n'.*is integer"):
        step(sourceColumn="n", targetColumn="t").validate(SCHEMA)


def test_missing_column_is_named() -> None:
    with pytest.raises(ColumnNotFoundError, match="whenn"):
        step(sourceColumn="whenn", targetColumn="t").validate(SCHEMA)


def test_zones_default_to_utc() -> None:
    recipe = step(sourceColumn="when", targetColumn="t")
    assert recipe.validate(SCHEMA) == {**SCHEMA, "t": LType.STRING}
