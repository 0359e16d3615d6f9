"""Frames from the outside world (Parquet, user code) bring narrower physical types; results do not change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pyarrow as pa

from workbench import Recipe

STEPS = [
    {
        "Action": {
            "Operation": "ADD",
            "Parameters": {"sourceColumn1": "a", "sourceColumn2": "b", "targetColumn": "s"},
        }
    },
    {"Action": {"Operation": "CAPITAL_CASE", "Parameters": {"sourceColumn": "name"}}},
    {"Action": {"Operation": "YEAR", "Parameters": {"sourceColumn": "t", "targetColumn": "y"}}},
]
EXPECTED_SUM = [2**31, None]


def narrow_table() -> pa.Table:
    return pa.table(
        {
            "a": pa.array([2**31 - 1, None], pa.int32()),
            "b": pa.array([1, 5], pa.int32()),
            "name": pa.array(["ada lovelace", None], pa.string()),
            "t": pa.array([dt.datetime(2024, 1, 2, 3), None], pa.timestamp("ns")),
            "untouched": pa.array([1, 2], pa.int32()),
        }
    )


def test_pandas_frame_with_narrow_arrow_types() -> None:
    frame = narrow_table().to_pandas(types_mapper=pd.ArrowDtype)
    out = Recipe.from_data(STEPS).apply(frame)
    assert out["s"].tolist()[0] == EXPECTED_SUM[0]
    assert out["name"].tolist()[0] == "Ada Lovelace"
    assert out["y"].tolist()[0] == 2024
    assert str(out["untouched"].dtype) == "int32[pyarrow]", "columns no step reads are left as they were"


def test_pandas_frame_with_numpy_types() -> None:
    frame = pd.DataFrame(
        {
            "a": [2**31 - 1, 0],
            "b": [1, 5],
            "name": ["ada lovelace", None],
            "t": pd.to_datetime(["2024-01-02", None]),
        }
    )
    out = Recipe.from_data(STEPS).apply(frame)
    assert out["s"].tolist() == [2**31, 5]
    assert out["y"].tolist()[0] == 2024


def test_spark_frame_with_integer_columns(spark_session: Any) -> None:
    frame = spark_session.createDataFrame(
        [(2**31 - 1, 1, "ada lovelace", dt.datetime(2024, 1, 2, 3))], "a int, b int, name string, t timestamp"
    )
    row = Recipe.from_data(STEPS).apply(frame).collect()[0]
    assert row.s == 2**31, "int + int does not overflow at 32 bits"
    assert row.name == "Ada Lovelace"
    assert row.y == 2024
