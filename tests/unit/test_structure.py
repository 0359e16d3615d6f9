"""Structure, pivot and nested steps: bad input is refused naming the operation, parameter and column;
the JSON schema merge rules hold."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from workbench import Recipe
from workbench.core.errors import RecipeError, WorkbenchError
from workbench.core.json_schema import (
    NULL,
    compact,
    finished,
    from_variant_schema,
    inferred,
    merge,
    type_of_value,
)
from workbench.core.types import LType
from workbench.recipe.model import Step
from workbench.recipe.replay import replay

ORDERS = pd.DataFrame(
    {
        "order": pd.Series(["A-1", "A-2"], dtype=pd.ArrowDtype(pa.large_string())),
        "customer": pd.Series(
            [{"name": "Zoë", "city": "Oslo"}, None],
            dtype=pd.ArrowDtype(pa.struct([("name", pa.large_string()), ("city", pa.large_string())])),
        ),
        "payload": pd.Series(['{"a": 1}', "{}"], dtype=pd.ArrowDtype(pa.large_string())),
        "qty": pd.Series([1, 2], dtype=pd.ArrowDtype(pa.int64())),
    }
)


def _refused(operation: str, parameters: dict[str, Any], frame: pd.DataFrame = ORDERS) -> RecipeError:
    recipe = Recipe.from_data([{"Action": {"Operation": operation, "Parameters": parameters}}])
    with pytest.raises(RecipeError) as caught:
        recipe.apply(frame)
    assert operation in str(caught.value)
    return caught.value


def test_a_struct_step_on_a_text_column_names_the_column() -> None:
    error = _refused("UNNEST_STRUCT", {"sourceColumn": "order"})
    assert error.parameter == "sourceColumn"
    assert error.column == "order"
    assert "struct" in str(error)


def _failed(operation: str, parameters: dict[str, Any]) -> str:
    """The message of a step that fails on the data (a runtime error naming the step)."""
    recipe = Recipe.from_data([{"Action": {"Operation": operation, "Parameters": parameters}}])
    with pytest.raises(WorkbenchError) as caught:
        recipe.apply(ORDERS)
    return str(caught.value)


def test_an_unknown_field_path_names_the_field_and_suggests_one() -> None:
    path = {"sourceColumn": "customer", "targetColumn": "t", "path": "customer.nmae"}
    message = _failed("EXTRACT_VALUE", path)
    for word in ("EXTRACT_VALUE", "'path'", "'nmae'", "did you mean 'name'"):
        assert word in message


@pytest.mark.parametrize("parameters", [{"sourceColumns": '["qty"]'}, {"sourceColumns": '["customer"]'}])
def test_json_text_must_be_a_text_column(parameters: dict[str, str]) -> None:
    error = _refused("JSON_TO_STRUCTS", parameters)
    assert error.parameter == "sourceColumns"
    assert error.column in ("qty", "customer")
    assert "string" in str(error)


def test_json_to_structs_needs_columns_and_a_positive_level() -> None:
    assert _refused("JSON_TO_STRUCTS", {}).parameter == "sourceColumns"
    assert _refused("JSON_TO_STRUCTS", {"sourceColumns": '["payload"]', "unnestLevel": "0"}).parameter == (
        "unnestLevel"
    )


def test_json_to_structs_refuses_to_overwrite_a_column() -> None:
    frame = ORDERS.assign(payload_struct=ORDERS["qty"])
    error = _refused("JSON_TO_STRUCTS", {"sourceColumns": '["payload"]'}, frame)
    assert error.column == "payload_struct"


def test_transpose_names_a_missing_column_with_a_suggestion() -> None:
    error = _refused(
        "TRANSPOSE",
        {"pivotColumns": '["ordr"]', "valueColumns": '["qty"]', "aggregateFunction": "SUM", "newColumn": "c"},
    )
    assert error.column == "ordr"
    assert error.parameter == "pivotColumns"
    assert error.suggestion == "order"


def test_transpose_refuses_overlaps_text_sums_and_name_clashes() -> None:
    both = {
        "pivotColumns": '["order"]',
        "valueColumns": '["order"]',
        "aggregateFunction": "SUM",
        "newColumn": "c",
    }
    assert _refused("TRANSPOSE", both).parameter == "valueColumns"
    text = {
        "pivotColumns": '["qty"]',
        "valueColumns": '["order"]',
        "aggregateFunction": "SUM",
        "newColumn": "c",
    }
    assert _refused("TRANSPOSE", text).parameter == "aggregateFunction"
    clash = {
        "pivotColumns": '["order"]',
        "valueColumns": '["qty"]',
        "aggregateFunction": "SUM",
        "newColumn": "A-1",
    }
    message = _failed("TRANSPOSE", clash)
    assert "'newColumn'" in message
    assert "'A-1'" in message


def test_the_extensions_refuse_bad_parameters_by_name() -> None:
    split = {"sourceColumn": "order", "delimiter": ""}
    assert _refused("SPLIT_MULTI_VALUED_CELLS_TO_ROWS", split).parameter == "delimiter"
    assert _refused("SPLIT_MULTI_VALUED_CELLS_TO_ROWS", {"sourceColumn": "qty"}).column == "qty"
    join = {"sourceColumn": "order", "keyColumns": '["order"]'}
    assert _refused("JOIN_MULTI_VALUED_CELLS", join).parameter == "keyColumns"
    assert _refused("REMOVE_EMPTY_COLUMNS", {"missingThreshold": "1.5"}).parameter == "missingThreshold"
    assert _refused("DEDUPLICATE_BY_KEY", {"keyColumns": "[]"}).parameter == "keyColumns"
    nested = _refused("DEDUPLICATE_BY_KEY", {"keyColumns": '["order"]', "orderColumn": "customer"})
    assert (nested.parameter, nested.column) == ("orderColumn", "customer")
    missing = _refused("DEDUPLICATE_BY_KEY", {"keyColumns": '["ordre"]'})
    assert missing.suggestion == "order"


def _tree(*texts: str) -> Any:
    merged = type_of_value(None)
    for text in texts:
        merged = merge(merged, type_of_value(json.loads(text)))
    return finished(merged, None)


def test_merge_rules() -> None:
    tree = _tree('{"a": 1, "b": [], "c": {}, "d": true}', '{"a": 2.5, "b": [null], "d": 1, "e": null}')
    kinds = {name: t.kind for name, t in tree.fields}
    assert kinds == {"a": "double", "b": "array", "c": "string", "d": "string", "e": "string"}
    assert dict(tree.fields)["b"].element.kind == "string"
    assert _tree("[1]", '{"a": 1}').kind == "string"
    assert _tree(str(2**64)).kind == "double"


MIXTURES = [
    ['{"a": 1}', '{"b": 2.5, "a": 2.0}'],
    ["1", "2.5"],
    ["true", "1"],
    ['{"d": true}', '{"d": 1}'],
    ['{"a": [1, 2]}', '{"a": []}', '{"a": null}'],
    ['[{"x": 1}]', '[{"y": "s"}]'],
    ['"s"', '{"a": 1}'],
    [str(2**70), "1"],
    ['{"n": ' + str(2**64) + "}", '{"n": 1}'],
    ["{}", '{"a": 1}'],
    ['{"a": {}}'],
    ["null", "null"],
    ["[]", "[]"],
    ['{"a": 1}', '{"a": "x"}'],
    ['{"é": [[1.5, null]], "b": {"c": false}}', '{"b": {"c": null, "d": "😀"}}'],
]


@pytest.mark.parametrize("texts", MIXTURES)
def test_the_fast_inference_follows_the_merge_rules(texts: list[str]) -> None:
    values = [json.loads(t) for t in texts]
    by_value = NULL
    for value in values:
        by_value = merge(by_value, type_of_value(value))
    assert inferred(values) == by_value


def test_the_variant_schema_reads_as_the_same_tree() -> None:
    pandas_tree = _tree('{"z": [1, 2.5], "odd": {"x": "s"}, "t": true}', '{"t": 1}')
    spark_text = "OBJECT<`odd`: OBJECT<x: STRING>, t: VARIANT, z: ARRAY<DECIMAL(2,1)>>"
    assert finished(from_variant_schema(spark_text), None) == pandas_tree


def test_json_text_is_written_as_spark_writes_it() -> None:
    assert compact({"sku": "😀 é", "q": [1, 2.5, None]}) == '{"sku":"\\uD83D\\uDE00 é","q":[1,2.5,null]}'


# --- JSON_TO_STRUCTS never drops text it could not parse ------------------------------------------

INVALID_JSON = {"payload": ['{"a": 1}', "{oops", "", None, "[1" + "x" * 100], "n": [1, 2, 3, 4, 5]}


def _json_step(remove_source: bool) -> Recipe:
    parameters = {"sourceColumns": ["payload"], "removeSourceColumn": remove_source}
    return Recipe(steps=[Step("JSON_TO_STRUCTS", parameters)])


def test_json_to_structs_refuses_to_remove_a_source_holding_invalid_json(engine: Any) -> None:
    frame = engine.from_records(INVALID_JSON, {"payload": LType.STRING, "n": LType.INTEGER})
    with pytest.raises(WorkbenchError) as caught:
        engine.to_records(replay(_json_step(True), frame, engine=engine))
    message = str(caught.value)
    for words in ("step 1", "JSON_TO_STRUCTS", "'payload'", "2 values are not valid JSON"):
        assert words in message
    assert "(first: '[1" + "x" * 58 + "…')" in message, "the first invalid value in text order, cut short"


def test_json_to_structs_keeps_invalid_text_in_the_source_column(engine: Any) -> None:
    frame = engine.from_records(INVALID_JSON, {"payload": LType.STRING, "n": LType.INTEGER})
    out = engine.to_records(replay(_json_step(False), frame, engine=engine))
    assert list(out) == ["payload", "payload_struct", "n"]
    assert out["payload"] == INVALID_JSON["payload"]
    assert out["payload_struct"] == [{"a": 1}, None, None, None, None]


def test_json_to_structs_removes_a_source_whose_only_gaps_are_null_or_empty() -> None:
    frame = pd.DataFrame({"payload": ['{"a": 1}', "", None]}, dtype=pd.ArrowDtype(pa.large_string()))
    out = _json_step(True).apply(frame)
    assert list(out.columns) == ["payload"]
    assert out["payload"].tolist()[0] == {"a": 1}
    assert out["payload"].isna().tolist() == [False, True, True]
