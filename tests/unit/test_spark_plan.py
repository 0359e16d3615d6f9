"""On Spark a recipe is one lazy plan: no job before the write, one aggregation per statistic."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from workbench import Recipe

ROW_WISE = [
    {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}},
    {
        "Action": {
            "Operation": "CHANGE_DATA_TYPE",
            "Parameters": {"sourceColumn": "qty", "columnDataType": "integer"},
        }
    },
    {"Action": {"Operation": "RENAME", "Parameters": {"sourceColumn": "city", "targetColumn": "town"}}},
    {
        "Action": {"Operation": "REMOVE_VALUES", "Parameters": {"sourceColumn": "qty"}},
        "ConditionExpressions": [{"Condition": "IS_MISSING", "TargetColumn": "qty"}],
    },
    {"Action": {"Operation": "SORT", "Parameters": {"expressions": '[{"sourceColumn":"town"}]'}}},
    {"Action": {"Operation": "DUPLICATE", "Parameters": {"sourceColumn": "town", "targetColumn": "t2"}}},
]


@pytest.fixture
def frame(spark_session: Any) -> Any:
    rows = [("oslo", "3"), ("rome", None), ("lima", "x")]
    return spark_session.createDataFrame(rows, "city string, qty string")


def jobs_while(spark_session: Any, action: Any) -> int:
    sc = spark_session.sparkContext
    tracker = sc.statusTracker()
    group = f"wb-plan-{uuid.uuid4().hex}"  # ids of short-lived objects repeat; a group must not
    sc.setJobGroup(group, "plan check")
    try:
        action()
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
    return len(tracker.getJobIdsForGroup(group))


def test_row_wise_recipe_runs_no_spark_job_until_the_write(spark_session: Any, frame: Any) -> None:
    recipe = Recipe.from_data(ROW_WISE)
    holder: dict[str, Any] = {}
    jobs = jobs_while(spark_session, lambda: holder.setdefault("out", recipe.apply(frame)))
    assert jobs == 0
    out = holder["out"]
    assert [r.town for r in out.collect()] == ["OSLO"]
    assert out.columns == ["town", "t2", "qty"]


def test_statistics_steps_cost_one_aggregation_each(spark_session: Any) -> None:
    """FILL_WITH_AVERAGE and NORMALIZATION learn from the data: one aggregation job each, no more."""
    rows = [("oslo", "3"), ("rome", None), ("lima", "x"), ("nice", "5")]
    frame = spark_session.createDataFrame(rows, "city string, qty string")
    from workbench.engines.spark import SparkEngine
    from workbench.recipe.replay import replay

    steps = [
        {
            "Action": {
                "Operation": "CHANGE_DATA_TYPE",
                "Parameters": {"sourceColumn": "qty", "columnDataType": "double"},
            }
        },
        {"Action": {"Operation": "FILL_WITH_AVERAGE", "Parameters": {"sourceColumn": "qty"}}},
        {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}},
        {
            "Action": {
                "Operation": "NORMALIZATION",
                "Parameters": {"sourceColumn": "qty", "strategy": "MIN_MAX", "targetColumn": "q"},
            }
        },
    ]

    class Counting(SparkEngine):
        aggregations = 0

        def aggregate(self, frame: Any, exprs: Any) -> Any:
            Counting.aggregations += 1
            return super().aggregate(frame, exprs)

    engine = Counting(session=spark_session)
    previous = spark_session.conf.get("spark.sql.adaptive.enabled")
    spark_session.conf.set("spark.sql.adaptive.enabled", "false")
    try:
        holder: dict[str, Any] = {}
        jobs = jobs_while(
            spark_session,
            lambda: holder.setdefault("out", replay(Recipe.from_data(steps), frame, engine=engine)),
        )
    finally:
        spark_session.conf.set("spark.sql.adaptive.enabled", previous)
    assert Counting.aggregations == 2
    assert jobs == 2
    assert [r.q for r in holder["out"].collect()] == [0.0, 0.5, 0.5, 1.0]


def _case_steps() -> list[dict[str, Any]]:
    return [
        {"Action": {"Operation": "LOWER_CASE", "Parameters": {"sourceColumn": "city"}}},
        {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}},
    ]


def test_a_fused_step_that_fails_names_the_step(frame: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.core.errors import StepRuntimeError
    from workbench.core.registry import REGISTRY

    def broken(self: Any, c: Any) -> Any:
        raise RuntimeError("the expression cannot be built")

    monkeypatch.setattr(REGISTRY["UPPER_CASE"], "spark_map", broken)
    with pytest.raises(StepRuntimeError) as err:
        Recipe.from_data(_case_steps()).apply(frame)
    assert "step 2" in str(err.value)
    assert "UPPER_CASE" in str(err.value)
    assert "cannot be built" in str(err.value)


def test_a_fused_plan_spark_rejects_is_replayed_step_by_step_to_name_the_step(
    frame: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.core.errors import StepRuntimeError
    from workbench.core.lazy import scol
    from workbench.core.registry import REGISTRY

    monkeypatch.setattr(REGISTRY["UPPER_CASE"], "spark_map", lambda self, c: scol("no_such_column"))
    with pytest.raises(StepRuntimeError) as err:
        assert Recipe.from_data(_case_steps()).apply(frame).columns == ["city", "qty"]
    assert "step 2" in str(err.value)
    assert "UPPER_CASE" in str(err.value)
