"""Row order survives multi-step recipes on Spark exactly as on pandas.

Duplicate removal shuffles rows on Spark and carries their position instead of sorting at once;
order-sensitive steps, table steps and the output must all still see pandas' order.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.conftest import make_engine
from tests.helpers import assert_same_records, example_schema
from workbench import Recipe
from workbench.recipe.replay import replay


def dedupe(column: str) -> dict:
    return {"Action": {"Operation": "REMOVE_DUPLICATES", "Parameters": {"sourceColumn": column}}}


RECIPES = {
    "dedupe-then-window": [
        dedupe("key"),
        {
            "Action": {
                "Operation": "PREV",
                "Parameters": {"sourceColumn": "n", "numRows": 1, "targetColumn": "prev_n"},
            }
        },
        {
            "Action": {
                "Operation": "FILL_WITH_LAST_VALID",
                "Parameters": {"sourceColumn": "v", "columnDataType": "number"},
            }
        },
    ],
    "dedupe-twice-then-table-step": [
        dedupe("key"),
        {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "key"}}},
        dedupe("group"),
        {"Action": {"Operation": "MOVE_TO_START", "Parameters": {"sourceColumn": "n"}}},
    ],
    "dedupe-then-numbering": [
        dedupe("key"),
        {
            "Action": {
                "Operation": "ROW_NUMBER",
                "Parameters": {"groupByColumns": '["group"]', "orderByColumns": "[]", "targetColumn": "rn"},
            }
        },
    ],
    "dedupe-then-sort-with-ties": [
        dedupe("key"),
        {"Action": {"Operation": "SORT", "Parameters": {"expressions": '[{"sourceColumn": "group"}]'}}},
    ],
    "dedupe-at-the-end": [
        {"Action": {"Operation": "LOWER_CASE", "Parameters": {"sourceColumn": "key"}}},
        dedupe("key"),
    ],
}


def data() -> dict[str, list[Any]]:
    rng = random.Random(11)
    n = 400
    return {
        "key": [rng.choice("abcAd") + str(rng.randint(0, 40)) if i % 7 else None for i in range(n)],
        "group": [rng.choice(["x", "y", "z", None]) for _ in range(n)],
        "n": list(range(n)),
        "v": [rng.random() if rng.random() > 0.3 else None for _ in range(n)],
    }


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_spark_keeps_pandas_row_order(engine_name: str, session_for: Any, name: str) -> None:
    columns = data()
    schema = example_schema(columns, {"key": "string"})
    recipe = Recipe.from_data(RECIPES[name])
    pandas_engine = make_engine("pandas", None)
    want = pandas_engine.to_records(
        replay(recipe, pandas_engine.from_records(columns, schema), engine=pandas_engine)
    )
    engine = make_engine(engine_name, session_for)
    frame = engine.from_records(columns, schema)
    got = engine.to_records(replay(recipe, frame, engine=engine))
    assert_same_records(got, want, ordered=True)
