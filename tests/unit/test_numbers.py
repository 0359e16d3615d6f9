"""Random numbers, skew functions, outlier rescaling and number formats beyond their examples."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from tests.unit.test_spark_plan import jobs_while
from workbench import Recipe
from workbench.core.errors import RecipeError
from workbench.engines.spark import SparkEngine
from workbench.recipe.replay import replay

RANDOM_STEPS = [
    {"Action": {"Operation": "RANDOM", "Parameters": {"targetColumn": "u", "seed": "11"}}},
    {
        "Action": {
            "Operation": "RANDOM_BETWEEN",
            "Parameters": {"lowerBound": "-5", "upperBound": "5", "targetColumn": "k", "seed": "3"},
        }
    },
]


def test_random_numbers_are_the_same_on_both_engines_over_many_partitions(spark_session: Any) -> None:
    n = 5000
    spark_frame = spark_session.range(0, n, numPartitions=7).withColumnRenamed("id", "n")
    recipe = Recipe.from_data(RANDOM_STEPS)
    spark_out = recipe.apply(spark_frame).orderBy("n").toPandas()
    pandas_out = recipe.apply(pd.DataFrame({"n": range(n)}))
    assert list(spark_out["u"]) == list(pandas_out["u"].astype(float))
    assert list(spark_out["k"]) == list(pandas_out["k"].astype(int))
    assert set(pandas_out["k"]) == set(range(-5, 6))
    u = pandas_out["u"].astype(float)
    assert u.min() >= 0.0
    assert u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.02


def test_row_wise_number_steps_run_no_job_and_rescaling_one_aggregation(spark_session: Any) -> None:
    frame = spark_session.createDataFrame([(float(i),) for i in [*range(20), 400]], "x double")
    row_wise = [
        *RANDOM_STEPS,
        {
            "Action": {
                "Operation": "SKEWNESS",
                "Parameters": {"sourceColumn": "x", "targetColumn": "s", "skewFunction": "LOG"},
            }
        },
        {"Action": {"Operation": "NUMBER_FORMAT", "Parameters": {"sourceColumn": "s", "decimalPlaces": "2"}}},
    ]
    assert jobs_while(spark_session, lambda: Recipe.from_data(row_wise).apply(frame)) == 0

    class Counting(SparkEngine):
        aggregations = 0

        def aggregate(self, frame: Any, exprs: Any) -> Any:
            Counting.aggregations += 1
            return super().aggregate(frame, exprs)

    rescale = [
        {
            "Action": {
                "Operation": operation,
                "Parameters": {
                    "sourceColumn": "x",
                    "targetColumn": target,
                    "outlierStrategy": "MODIFIED_Z_SCORE",
                    **extra,
                },
            }
        }
        for operation, target, extra in (
            ("RESCALE_OUTLIERS_WITH_Z_SCORE", "z", {}),
            ("RESCALE_OUTLIERS_WITH_SKEW", "r", {"skewFunction": "ROOT"}),
        )
    ]
    engine = Counting(session=spark_session)
    out = replay(Recipe.from_data(rescale), frame, engine=engine)
    assert Counting.aggregations == 2
    top = out.agg({"r": "max"}).collect()[0][0]
    assert top == pytest.approx(math.sqrt(10 + 3 * 5 / 0.6745))  # 400 capped at the fence: median 10, MAD 5


@pytest.mark.parametrize(
    ("operation", "parameters", "parameter"),
    [
        (
            "SKEWNESS",
            {"sourceColumn": "x", "targetColumn": "y", "skewFunction": "LOG", "value": "1"},
            "value",
        ),
        (
            "SKEWNESS",
            {"sourceColumn": "x", "targetColumn": "y", "skewFunction": "SQUARE", "value": "2"},
            "value",
        ),
        ("RANDOM_BETWEEN", {"lowerBound": "3", "upperBound": "2", "targetColumn": "y"}, "upperBound"),
        ("NUMBER_FORMAT", {"sourceColumn": "x", "numericThousandSeparator": "_"}, "numericThousandSeparator"),
        (
            "NUMBER_FORMAT",
            {"sourceColumn": "x", "numericDecimalSeparator": ",", "numericThousandSeparator": ","},
            "numericThousandSeparator",
        ),
        ("NUMBER_FORMAT", {"sourceColumn": "x", "numericUnitAbbreviation": "K"}, "numericUnitAbbreviation"),
        (
            "RESCALE_OUTLIERS_WITH_Z_SCORE",
            {"sourceColumn": "x", "targetColumn": "y", "outlierStrategy": "IQR", "threshold": "-1"},
            "threshold",
        ),
    ],
)
def test_bad_parameters_are_refused_by_name(
    operation: str, parameters: dict[str, Any], parameter: str
) -> None:
    recipe = Recipe.from_data([{"Action": {"Operation": operation, "Parameters": parameters}}])
    with pytest.raises(RecipeError) as caught:
        recipe.apply(pd.DataFrame({"x": [1.0, 2.0]}))
    assert caught.value.parameter == parameter
    assert operation in str(caught.value)


@pytest.mark.parametrize("operation", ["SKEWNESS", "NUMBER_FORMAT", "RESCALE_OUTLIERS_WITH_SKEW"])
def test_a_text_column_is_refused_naming_it(operation: str) -> None:
    parameters = {
        "SKEWNESS": {"sourceColumn": "name", "targetColumn": "y", "skewFunction": "ROOT"},
        "NUMBER_FORMAT": {"sourceColumn": "name", "decimalPlaces": "1"},
        "RESCALE_OUTLIERS_WITH_SKEW": {
            "sourceColumn": "name",
            "targetColumn": "y",
            "outlierStrategy": "Z_SCORE",
            "skewFunction": "LOG",
        },
    }[operation]
    recipe = Recipe.from_data([{"Action": {"Operation": operation, "Parameters": parameters}}])
    with pytest.raises(RecipeError) as caught:
        recipe.apply(pd.DataFrame({"name": ["Zoë", None]}))
    assert caught.value.parameter == "sourceColumn"
    assert caught.value.column == "name"
    assert "string" in str(caught.value)
