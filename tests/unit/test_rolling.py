"""Rolling statistics: the block-wise reduction equals a row-by-row one, bad input is refused by name."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from workbench import Recipe
from workbench.core.errors import RecipeError
from workbench.core.rolling import add, larger, rolling


def _naive(values: list[Any], before: int, after: int, reduce: Any) -> list[Any]:
    out = []
    for i in range(len(values)):
        window = [v for v in values[max(0, i - before) : i + after + 1] if v is not None]
        out.append(reduce(window) if window else None)
    return out


@pytest.mark.parametrize(("before", "after"), [(0, 0), (3, 2), (15, 0), (16, 0), (40, 23), (0, 100), (7, -1)])
def test_block_wise_rolling_equals_row_by_row(before: int, after: int) -> None:
    rng = np.random.default_rng(7)
    values = [None if rng.random() < 0.2 else int(v) for v in rng.integers(-50, 50, 300)]
    array = pa.array(values, pa.int64())
    if after < 0:  # the rows above only, as the invalid-value rolling replacements read them
        shifted = pa.concat_arrays([pa.nulls(1, pa.int64()), array.slice(0, len(array) - 1)])
        assert rolling(shifted, before - 1, 0, add).to_pylist() == _naive(
            [None, *values[:-1]], before - 1, 0, sum
        )
        return
    assert rolling(array, before, after, add).to_pylist() == _naive(values, before, after, sum)
    assert rolling(array, before, after, larger).to_pylist() == _naive(values, before, after, max)


def test_long_rolling_variance_stays_accurate() -> None:
    x = [1e9 + v for v in (4.0, 7.0, 13.0, 16.0)] * 10
    recipe = Recipe.from_data(
        [
            {
                "Action": {
                    "Operation": "ROLLING_VARIANCE",
                    "Parameters": {
                        "sourceColumn": "x",
                        "numRowsBefore": "20",
                        "numRowsAfter": "19",
                        "targetColumn": "v",
                    },
                }
            }
        ]
    )
    found = recipe.apply(pd.DataFrame({"x": x}))["v"].tolist()
    expected = np.var(x, ddof=1)
    assert math.isclose(found[20], expected, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("operation", "parameters", "parameter"),
    [
        (
            "ROLLING_VARIANCE",
            {"sourceColumn": "x", "numRowsBefore": "-1", "numRowsAfter": "0"},
            "numRowsBefore",
        ),
        (
            "ROLLING_COUNT_A",
            {"sourceColumn": "x", "numRowsBefore": "0", "numRowsAfter": "-2"},
            "numRowsAfter",
        ),
    ],
)
def test_bad_row_counts_are_refused_by_name(
    operation: str, parameters: dict[str, Any], parameter: str
) -> None:
    recipe = Recipe.from_data(
        [{"Action": {"Operation": operation, "Parameters": {**parameters, "targetColumn": "y"}}}]
    )
    with pytest.raises(RecipeError) as caught:
        recipe.apply(pd.DataFrame({"x": [1.0, 2.0]}))
    assert caught.value.parameter == parameter
    assert operation in str(caught.value)


@pytest.mark.parametrize("operation", ["ROLLING_VARIANCE", "ROLLING_STANDARD_DEVIATION", "ROLLING_SUM"])
def test_a_text_column_is_refused_naming_it(operation: str) -> None:
    parameters = {"sourceColumn": "name", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "y"}
    recipe = Recipe.from_data([{"Action": {"Operation": operation, "Parameters": parameters}}])
    with pytest.raises(RecipeError) as caught:
        recipe.apply(pd.DataFrame({"name": ["Zoë", None]}))
    assert caught.value.parameter == "sourceColumn"
    assert caught.value.column == "name"
    assert operation in str(caught.value)


def test_missing_column_is_refused_naming_it() -> None:
    parameters = {"sourceColumn": "nope", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "y"}
    recipe = Recipe.from_data([{"Action": {"Operation": "ROLLING_COUNT_A", "Parameters": parameters}}])
    with pytest.raises(RecipeError) as caught:
        recipe.apply(pd.DataFrame({"x": [1]}))
    assert caught.value.column == "nope"
