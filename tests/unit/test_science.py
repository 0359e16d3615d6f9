"""Data-science steps: bad input is refused by name, and the splits and samples hold their promises."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
import pytest

from workbench import Recipe
from workbench.core.errors import ColumnNotFoundError, RecipeError, StepRuntimeError
from workbench.core.types import LType
from workbench.recipe.model import Step


def _recipe(operation: str, parameters: dict[str, Any]) -> Recipe:
    return Recipe.from_data([{"Action": {"Operation": operation, "Parameters": parameters}}])


def _refused(operation: str, parameters: dict[str, Any], frame: pd.DataFrame) -> RecipeError:
    with pytest.raises(RecipeError) as caught:
        _recipe(operation, parameters).apply(frame)
    assert operation in str(caught.value)
    return caught.value


@pytest.mark.parametrize(
    "operation", ["STANDARD_SCALING", "ROBUST_SCALING", "MAX_ABS_SCALING", "CLIP_VALUES"]
)
def test_a_text_column_is_refused_by_the_scalers(operation: str) -> None:
    parameters: dict[str, Any] = {"sourceColumns": ["x", "name"]}
    if operation == "CLIP_VALUES":
        parameters["lowerBound"] = "0"
    error = _refused(operation, parameters, pd.DataFrame({"x": [1.0], "name": ["Zoë"]}))
    assert error.parameter == "sourceColumns"
    assert error.column == "name"


def test_a_scaler_refuses_a_suffix_that_names_an_existing_column() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "x_s": [0.0, 0.0]})
    error = _refused("STANDARD_SCALING", {"sourceColumns": ["x"], "targetColumnSuffix": "_s"}, frame)
    assert error.parameter == "targetColumnSuffix"
    assert error.column == "x_s"


def test_robust_scaling_refuses_a_reversed_quantile_range() -> None:
    parameters = {"sourceColumns": ["x"], "lowerQuantile": "80", "upperQuantile": "20"}
    error = _refused("ROBUST_SCALING", parameters, pd.DataFrame({"x": [1.0]}))
    assert error.parameter == "lowerQuantile"


@pytest.mark.parametrize(
    ("parameters", "parameter"),
    [
        ({"sourceColumns": ["x"]}, "lowerBound"),
        ({"sourceColumns": ["x"], "lowerBound": 5, "upperBound": 1}, "upperBound"),
    ],
)
def test_clip_values_needs_a_sensible_bound(parameters: dict[str, Any], parameter: str) -> None:
    assert _refused("CLIP_VALUES", parameters, pd.DataFrame({"x": [1.0]})).parameter == parameter


def test_standard_scaling_matches_scikit_learn_semantics() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(10, 4, 200)
    frame = pd.DataFrame({"x": x, "c": np.full(200, 7.0)})
    out = _recipe("STANDARD_SCALING", {"sourceColumns": ["x", "c"]}).apply(frame)
    expected = (x - x.mean()) / x.std(ddof=0)
    assert np.allclose(out["x"].to_numpy(dtype=float), expected, rtol=1e-12)
    assert out["c"].tolist() == [0.0] * 200  # no spread: centred, divided by 1


@pytest.mark.parametrize(
    ("fractions", "message"),
    [("[0.7, 0.4]", "add up to more than 1"), ("[0.5, 0]", "more than 0"), ("[]", "at least one")],
)
def test_train_test_split_refuses_bad_fractions(fractions: str, message: str) -> None:
    parameters = {"splitFractions": fractions, "splitNames": '["a", "b"]' if fractions != "[]" else "[]"}
    error = _refused("TRAIN_TEST_SPLIT", parameters, pd.DataFrame({"x": [1]}))
    assert error.parameter == "splitFractions"
    assert message in str(error)


def test_train_test_split_needs_one_name_per_fraction() -> None:
    parameters = {"splitFractions": "[0.5, 0.3, 0.2]", "splitNames": '["train", "test"]'}
    assert _refused("TRAIN_TEST_SPLIT", parameters, pd.DataFrame({"x": [1]})).parameter == "splitNames"


def test_an_unknown_stratify_column_is_refused_with_a_suggestion() -> None:
    parameters = {"splitMethod": "STRATIFIED", "stratifyColumn": "labl"}
    error = _refused("TRAIN_TEST_SPLIT", parameters, pd.DataFrame({"label": ["a"], "x": [1]}))
    assert isinstance(error, ColumnNotFoundError)
    assert error.parameter == "stratifyColumn"
    assert error.suggestion == "label"
    assert "did you mean 'label'" in str(error)


def test_stratified_split_keeps_every_stratum_share_to_the_row() -> None:
    labels = ["a"] * 101 + ["b"] * 37 + [None] * 12
    frame = pd.DataFrame({"label": labels, "i": range(len(labels))})
    parameters = {
        "splitMethod": "STRATIFIED",
        "stratifyColumn": "label",
        "splitFractions": "[0.7, 0.3]",
        "seed": 9,
    }
    out = _recipe("TRAIN_TEST_SPLIT", parameters).apply(frame)
    counts = Counter(
        zip(out["label"].astype(object).where(out["label"].notna(), None), out["split"], strict=True)
    )
    for stratum, size in (("a", 101), ("b", 37), (None, 12)):
        train = counts[(stratum, "train")]
        assert train == int(np.floor(size * 0.7 + 0.5))
        assert train + counts[(stratum, "test")] == size


def test_split_by_key_keeps_each_key_on_one_side() -> None:
    keys = [f"k{i % 40}" for i in range(400)] + [None] * 5
    out = _recipe("TRAIN_TEST_SPLIT", {"splitMethod": "BY_KEY", "keyColumn": "id"}).apply(
        pd.DataFrame({"id": keys})
    )
    sides = out.assign(id=out["id"].astype(object)).groupby("id", dropna=False)["split"].nunique()
    assert (sides == 1).all()
    shuffled = pd.DataFrame({"id": keys[::-1]})
    again = _recipe("TRAIN_TEST_SPLIT", {"splitMethod": "BY_KEY", "keyColumn": "id"}).apply(shuffled)
    first = dict(zip(out["id"], out["split"], strict=True))
    assert all(first[k] == s for k, s in zip(again["id"], again["split"], strict=True))


def test_sample_rows_refuses_both_sizes_and_a_bad_fraction() -> None:
    frame = pd.DataFrame({"x": [1, 2]})
    assert _refused("SAMPLE_ROWS", {"fraction": "0.5", "numberOfRows": "1"}, frame).parameter == "fraction"
    assert _refused("SAMPLE_ROWS", {"fraction": "1.5"}, frame).parameter == "fraction"


def test_sample_rows_keeps_exactly_the_rounded_share_in_order() -> None:
    frame = pd.DataFrame({"i": range(1001)})
    out = _recipe("SAMPLE_ROWS", {"fraction": "0.25", "seed": 4}).apply(frame)
    assert len(out) == 250
    assert out["i"].is_monotonic_increasing


def test_ordinal_order_missing_a_category_is_refused_naming_it() -> None:
    frame = pd.DataFrame({"size": ["S", "M", "XL", None, "L", "XXL"]})
    parameters = {"sourceColumn": "size", "targetColumn": "code", "categories": '["S", "M", "L"]'}
    with pytest.raises(StepRuntimeError) as caught:  # known only once the data is read
        _recipe("ORDINAL_ENCODING", parameters).apply(frame)
    error = str(caught.value)
    assert "ORDINAL_ENCODING" in error
    assert "parameter 'categories'" in error
    assert "column 'size'" in error
    assert "'XL', 'XXL'" in error


def test_ordinal_encoding_refuses_repeated_categories_and_a_numeric_column() -> None:
    parameters = {"sourceColumn": "s", "targetColumn": "c", "categories": '["a", "a"]'}
    assert _refused("ORDINAL_ENCODING", parameters, pd.DataFrame({"s": ["a"]})).parameter == "categories"
    error = _refused("ORDINAL_ENCODING", {"sourceColumn": "n", "targetColumn": "c"}, pd.DataFrame({"n": [1]}))
    assert error.column == "n"


def test_equal_width_binning_needs_one_name_per_bin() -> None:
    parameters = {"sourceColumn": "x", "targetColumn": "b", "numberOfBins": "3", "binNames": '["lo", "hi"]'}
    assert _refused("EQUAL_WIDTH_BINNING", parameters, pd.DataFrame({"x": [1.0]})).parameter == "binNames"
    parameters = {"sourceColumn": "x", "targetColumn": "b", "numberOfBins": "0"}
    assert _refused("EQUAL_WIDTH_BINNING", parameters, pd.DataFrame({"x": [1.0]})).parameter == "numberOfBins"


def test_fill_with_group_statistic_refuses_a_text_mean_and_a_missing_group_column() -> None:
    frame = pd.DataFrame({"g": ["a"], "t": ["x"]})
    error = _refused("FILL_WITH_GROUP_STATISTIC", {"sourceColumn": "t", "groupByColumns": ["g"]}, frame)
    assert error.parameter == "sourceColumn"
    error = _refused("FILL_WITH_GROUP_STATISTIC", {"sourceColumn": "t", "groupByColumns": ["gg"]}, frame)
    assert error.column == "gg"
    assert error.suggestion == "g"


def test_fill_with_group_statistic_equals_pandas_groupby_transform() -> None:
    rng = np.random.default_rng(5)
    g = rng.choice(["a", "b", "c"], 300)
    x = rng.normal(0, 1, 300)
    x[rng.random(300) < 0.2] = np.nan
    frame = pd.DataFrame({"g": g, "x": x})
    for statistic, how in (("MEAN", "mean"), ("MEDIAN", "median")):
        parameters = {"sourceColumn": "x", "groupByColumns": ["g"], "statistic": statistic}
        out = _recipe("FILL_WITH_GROUP_STATISTIC", parameters).apply(frame)
        expected = frame["x"].fillna(frame.groupby("g")["x"].transform(how))
        assert np.allclose(out["x"].to_numpy(dtype=float), expected.to_numpy(), rtol=1e-12)


def test_mask_pii_columns_refuses_an_unknown_entity_type_with_a_suggestion() -> None:
    error = _refused("MASK_PII_COLUMNS", {"entityTypes": '["EMAL"]'}, pd.DataFrame({"e": ["a@b.co"]}))
    assert error.parameter == "entityTypes"
    assert error.suggestion == "EMAIL"


def test_mask_pii_columns_takes_text_columns_only() -> None:
    error = _refused("MASK_PII_COLUMNS", {"sourceColumns": ["n"]}, pd.DataFrame({"n": [4111111111111111]}))
    assert error.parameter == "sourceColumns"
    assert error.column == "n"
    error = _refused("MASK_PII_COLUMNS", {"sourceColumns": ["mail"]}, pd.DataFrame({"email": ["a@b.co"]}))
    assert error.suggestion == "email"


def test_mask_pii_columns_keeps_the_schema_and_masks_only_flagged_columns() -> None:
    frame = pd.DataFrame({"email": ["ana@example.com", "bo@example.org"], "city": ["Oslo", "Bergen"]})
    step = Step("MASK_PII_COLUMNS", {"maskSymbol": "x"}).transform()
    schema = {"email": LType.STRING, "city": LType.STRING, "n": LType.INTEGER}
    assert step.output_schema(schema) == schema  # known without the data
    out = _recipe("MASK_PII_COLUMNS", {"maskSymbol": "x"}).apply(frame)
    assert out["email"].tolist() == ["xxxxxxxxxxxxxxx", "xxxxxxxxxxxxxx"]
    assert out["city"].tolist() == ["Oslo", "Bergen"]


def _agree(
    spark_engine_name: str, session: Any, step: Step, columns: dict[str, list[Any]], schema: dict
) -> None:
    """pandas and the Spark engine give the same rows in the same order."""
    from tests.conftest import make_engine
    from workbench.recipe.replay import replay

    results = []
    for engine in (make_engine("pandas", None), make_engine(spark_engine_name, session)):
        frame = engine.from_records(columns, schema)
        results.append(engine.to_records(replay(Recipe(steps=[step]), frame, engine=engine)))
    assert results[0] == results[1]


@pytest.mark.parametrize(
    "parameters",
    [
        {},
        {
            "splitMethod": "STRATIFIED",
            "stratifyColumn": "g",
            "splitFractions": "[0.6, 0.25, 0.15]",
            "splitNames": '["a", "b", "c"]',
        },
        {"splitMethod": "BY_KEY", "keyColumn": "k", "seed": 5},
    ],
)
def test_train_test_split_is_the_same_on_spark(
    spark_engine_name: str, spark_session_for: Any, parameters: dict
) -> None:
    rng = np.random.default_rng(2)
    n = 500
    columns = {
        "g": [None if v == 3 else f"g{v}" for v in rng.integers(0, 4, n)],
        "k": [None if v == 0 else int(v) for v in rng.integers(0, 60, n)],
    }
    step = Step("TRAIN_TEST_SPLIT", parameters)
    _agree(spark_engine_name, spark_session_for, step, columns, {"g": LType.STRING, "k": LType.INTEGER})


@pytest.mark.parametrize(
    ("operation", "parameters"),
    [
        ("SAMPLE_ROWS", {"fraction": "0.3", "seed": 8}),
        ("FILL_WITH_GROUP_STATISTIC", {"sourceColumn": "x", "groupByColumns": ["g"], "statistic": "MEDIAN"}),
        ("FILL_WITH_GROUP_STATISTIC", {"sourceColumn": "x", "groupByColumns": ["g"], "statistic": "MODE"}),
    ],
)
def test_sampling_and_group_fill_are_the_same_on_spark(
    spark_engine_name: str, spark_session_for: Any, operation: str, parameters: dict
) -> None:
    rng = np.random.default_rng(4)
    n = 400
    columns = {
        "g": [None if v == 3 else f"g{v}" for v in rng.integers(0, 4, n)],
        "x": [None if v < 0.2 else float(round(v * 10)) for v in rng.random(n)],
    }
    _agree(
        spark_engine_name,
        spark_session_for,
        Step(operation, parameters),
        columns,
        {"g": LType.STRING, "x": LType.DOUBLE},
    )
