"""Step versions: older steps load through upgraders, newer ones are refused, versions round-trip."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from workbench import Recipe
from workbench.core.errors import RecipeError
from workbench.core.registry import REGISTRY, transforms
from workbench.recipe import migrations

SAVED = Path(__file__).parent / "saved"


@pytest.mark.parametrize("cls", [pytest.param(c, id=c.operation) for c in transforms()])
def test_every_version_has_an_upgrader_from_the_one_before(cls: Any) -> None:
    assert cls.version >= 1
    assert migrations.missing_upgraders(cls.operation, cls.version) == []


def test_every_upgrader_belongs_to_a_transform_version() -> None:
    for operation, saved in migrations.UPGRADERS:
        assert operation in REGISTRY, f"an upgrader for unknown operation {operation}"
        assert saved < REGISTRY[operation].version, f"{operation} has no version {saved + 1}"


@pytest.fixture
def lower_case_version_2() -> Iterator[None]:
    """LOWER_CASE as if version 2 had renamed a parameter that version 1 called ``column``.

    Registered for the test only: it shows the path every real parameter change takes.
    """
    cls = REGISTRY["LOWER_CASE"]

    def rename(parameters: dict[str, Any]) -> dict[str, Any]:
        if "column" in parameters:
            parameters["sourceColumn"] = parameters.pop("column")
        return parameters

    original = cls.version
    migrations.UPGRADERS[("LOWER_CASE", 1)] = rename
    cls.version = 2
    try:
        yield
    finally:
        cls.version = original
        del migrations.UPGRADERS[("LOWER_CASE", 1)]


def test_a_saved_version_1_recipe_replays_after_an_upgrade(lower_case_version_2: None) -> None:
    data = json.loads((SAVED / "names-v1.json").read_text())
    data["steps"][1]["Action"]["Parameters"] = {"column": "city"}
    recipe = Recipe.from_data(data)
    assert recipe.steps[1].parameters == {"sourceColumn": "city"}
    frame = pd.DataFrame(
        {"name": ["ada", None, "straße"], "city": ["OSLO", "ÉVORA", None]}, dtype="string[pyarrow]"
    )
    out = recipe.apply(frame)
    assert out["name"].fillna("-").tolist() == ["ADA", "-", "STRASSE"]
    assert out["city"].fillna("-").tolist() == ["oslo", "évora", "-"]
    saved = recipe.to_dict()["steps"]
    assert saved[1]["version"] == 2
    assert "version" not in saved[0], "version 1 steps stay as DataBrew writes them"
    assert "version" not in json.dumps(recipe.to_databrew())
    assert Recipe.from_data(recipe.to_dict()).to_dict() == recipe.to_dict()


def test_the_saved_recipe_loads_unchanged_at_version_1() -> None:
    recipe = Recipe.load(SAVED / "names-v1.json")
    assert [s.operation for s in recipe.steps] == ["UPPER_CASE", "LOWER_CASE"]
    assert all("version" not in s for s in recipe.to_dict()["steps"])


def test_a_step_from_a_newer_workbench_is_refused() -> None:
    data = json.loads((SAVED / "names-v1.json").read_text())
    data["steps"][0]["version"] = 7
    with pytest.raises(RecipeError) as err:
        Recipe.from_data(data)
    message = str(err.value)
    assert "step 1" in message
    assert "UPPER_CASE version 7" in message
    assert "upgrade Workbench" in message


@pytest.mark.parametrize("bad", [0, -1, "two", 1.5, True, None])
def test_a_bad_version_is_refused(bad: Any) -> None:
    data = json.loads((SAVED / "names-v1.json").read_text())
    data["steps"][0]["version"] = bad
    with pytest.raises(RecipeError, match="'version' must be a whole number"):
        Recipe.from_data(data)


def test_an_upgrader_is_registered_once() -> None:
    migrations.upgrader("LOWER_CASE", 1)(lambda p: p)
    try:
        with pytest.raises(ValueError, match="already has an upgrader"):
            migrations.upgrader("LOWER_CASE", 1)(lambda p: p)
    finally:
        del migrations.UPGRADERS[("LOWER_CASE", 1)]
