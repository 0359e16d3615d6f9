"""The shared bases of the k-th largest, running and fill-onward steps, and the advanced-type package."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from workbench import Recipe
from workbench.core.errors import RecipeError
from workbench.core.registry import REGISTRY

ADVANCED = Path(__file__).resolve().parents[2] / "workbench" / "transforms" / "advanced_types"


def _apply(operation: str, parameters: dict[str, Any], frame: pd.DataFrame) -> pd.DataFrame:
    recipe = Recipe.from_data([{"Action": {"Operation": operation, "Parameters": parameters}}])
    return recipe.apply(frame)


@pytest.mark.parametrize("operation", ["ROLLING_KTH_LARGEST", "ROLLING_KTH_LARGEST_UNIQUE"])
def test_k_beyond_the_window_gives_nulls_of_the_column_type(operation: str) -> None:
    frame = pd.DataFrame({"x": pd.array([4, 1, None, 7], dtype="Int64")})
    params = {"sourceColumn": "x", "numRowsBefore": 1, "numRowsAfter": 1, "value": 4, "targetColumn": "k"}
    out = _apply(operation, params, frame)["k"]
    assert out.isna().all()
    assert pd.api.types.is_integer_dtype(out.dtype)


@pytest.mark.parametrize("operation", ["ROLLING_KTH_LARGEST", "ROLLING_KTH_LARGEST_UNIQUE"])
def test_k_below_one_is_refused_naming_value(operation: str) -> None:
    frame = pd.DataFrame({"x": [1, 2]})
    params = {"sourceColumn": "x", "numRowsBefore": 1, "numRowsAfter": 1, "value": 0, "targetColumn": "k"}
    with pytest.raises(RecipeError) as caught:
        _apply(operation, params, frame)
    assert operation in str(caught.value)
    assert "value" in str(caught.value)


def test_running_statistics_equal_pandas_groupby() -> None:
    rng = np.random.default_rng(5)
    n = 150
    frame = pd.DataFrame(
        {
            "g": rng.choice(["a", "b"], n),
            "t": rng.permutation(n),
            "x": pd.array(
                [None if rng.random() < 0.15 else int(v) for v in rng.integers(-50, 50, n)], "Int64"
            ),
        }
    )
    expected = frame.sort_values("t").groupby("g")["x"]
    grouped = {"sourceColumn": "x", "groupByColumns": '["g"]', "orderByColumns": '["t"]', "targetColumn": "y"}
    for operation, how in (
        ("CUMULATIVE_SUM", "cumsum"),
        ("CUMULATIVE_MAX", "cummax"),
        ("CUMULATIVE_MIN", "cummin"),
    ):
        found = _apply(operation, grouped, frame)["y"]
        want = getattr(expected, how)().sort_index().where(frame["x"].notna())
        pd.testing.assert_series_equal(found, want.astype(found.dtype), check_names=False)


def test_fill_down_and_up_mirror_each_other() -> None:
    values = ["a", None, "", "b", None]
    down = _apply("FILL_DOWN", {"sourceColumn": "s"}, pd.DataFrame({"s": values}))["s"].tolist()
    up = _apply("FILL_UP", {"sourceColumn": "s"}, pd.DataFrame({"s": values[::-1]}))["s"].tolist()
    assert down == up[::-1] == ["a", "a", "a", "b", "b"]


def test_advanced_types_steps_live_in_their_package_modules() -> None:
    modules = {
        "EXTRACT_ADVANCED_DATATYPE_DETAILS": "details",
        "ADVANCED_DATATYPE_FLAG": "flag",
        "ADVANCED_DATATYPE_FILTER": "filtering",
    }
    for operation, module in modules.items():
        assert REGISTRY[operation].__module__ == f"workbench.transforms.advanced_types.{module}"


def test_advanced_types_modules_import_no_other_transform_module() -> None:
    for path in ADVANCED.glob("*.py"):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [name for name in imported if name.startswith("workbench.transforms")], path.name
        assert len(path.read_text(encoding="utf-8").splitlines()) < 400, path.name
