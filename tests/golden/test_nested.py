"""A real nested dataset (JSON Lines with objects, arrays, nulls, empty arrays and unicode) replayed
through every nested operation on pandas and on Spark, identically, and written to Parquet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tests.conftest import make_engine
from tests.helpers import assert_same_records, plain_records
from workbench.core.errors import WorkbenchError
from workbench.core.types import LType, spark_ddl
from workbench.io.pandas_io import read_pandas
from workbench.io.writers import write_pandas, write_spark
from workbench.recipe.model import Recipe, Step
from workbench.recipe.replay import replay

DATA = Path(__file__).parent.parent / "data" / "orders.jsonl"

STEPS = [
    (
        "EXTRACT_VALUE",
        {"sourceColumn": "customer", "targetColumn": "city", "path": "`customer`.`address`.`city`"},
    ),
    ("UNNEST_STRUCT_N", {"sourceColumns": '["customer"]', "delimiter": "_", "removeSourceColumn": "true"}),
    ("UNNEST_ARRAY", {"sourceColumn": "items", "targetColumn": "item"}),
    ("UNNEST_STRUCT", {"sourceColumn": "item", "targetColumn": "item_", "removeSourceColumn": "true"}),
    ("EXTRACT_VALUE", {"sourceColumn": "tags", "targetColumn": "first_tag", "path": "[0]"}),
    ("UNNEST_STRUCT", {"sourceColumn": "prices", "removeSourceColumn": "true"}),
    (
        "NEST_TO_MAP",
        {
            "sourceColumns": '["prices_net","prices_tax"]',
            "targetColumn": "price",
            "removeSourceColumns": "true",
        },
    ),
    ("NEST_TO_STRUCT", {"sourceColumns": '["order","first_tag"]', "targetColumn": "key"}),
    ("NEST_TO_ARRAY", {"sourceColumns": '["item_sku","item_qty"]', "targetColumn": "item_pair"}),
    ("UNNEST_MAP", {"sourceColumn": "price", "targetColumn": "price_", "removeSourceColumn": "true"}),
]


def recipe() -> Recipe:
    return Recipe(steps=[Step(operation, dict(params)) for operation, params in STEPS])


def spark_frame(session: Any, path: Path) -> Any:
    """The file as the pandas reader types it, as a Spark frame of Spark's own nested types."""
    table = read_pandas(path)
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    ddl = ", ".join(f"`{f.name}` {spark_ddl(f.type)}" for f in arrow.schema)
    rows = [tuple(row.values()) for row in arrow.to_pylist(maps_as_pydicts="strict")]
    return session.createDataFrame(rows, schema=ddl)


def test_the_file_holds_nested_values() -> None:
    lines = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    assert any(line["items"] == [] for line in lines)
    assert any(line["customer"] is None for line in lines)
    frame = read_pandas(DATA)
    kinds = {str(name): str(dtype) for name, dtype in frame.dtypes.items()}
    assert kinds["customer"].startswith("struct<")
    assert kinds["items"].startswith("list<")


def test_pandas_and_spark_replay_the_file_identically(spark_session: Any, tmp_path: Path) -> None:
    pandas_engine = make_engine("pandas", None)
    spark_engine = make_engine("spark", spark_session)
    on_pandas = replay(recipe(), read_pandas(DATA), engine=pandas_engine)
    on_spark = replay(recipe(), spark_frame(spark_session, DATA), engine=spark_engine)
    got_pandas = plain_records(pandas_engine, on_pandas)
    got_spark = plain_records(spark_engine, on_spark)
    assert_same_records(got_spark, got_pandas, ordered=False)

    assert list(got_pandas) == [
        "order",
        "key",
        "customer_name",
        "customer_address_city",
        "customer_address_zip",
        "city",
        "items",
        "item_sku",
        "item_pair",
        "item_qty",
        "tags",
        "first_tag",
        "price_key",
        "price_value",
    ]
    # One row per item and price entry: no items keep one row, null prices still give two null entries.
    assert len(got_pandas["order"]) == 2 * 2 + 1 * 2 + 1 * 2 + 1 * 2 + 3 * 2
    assert got_pandas["city"][:4] == ["Zürich"] * 4
    assert {"order": "A-3", "first_tag": None} in got_pandas["key"]

    parquet = tmp_path / "orders.parquet"
    write_pandas(on_pandas, parquet)
    back = read_pandas(parquet)
    assert_same_records(plain_records(pandas_engine, back), got_pandas, ordered=True)

    from_spark = tmp_path / "spark.parquet"
    write_spark(on_spark, from_spark)
    assert_same_records(plain_records(pandas_engine, read_pandas(from_spark)), got_pandas, ordered=False)


@pytest.mark.parametrize(
    ("operation", "params", "words"),
    [
        ("UNNEST_STRUCT", {"sourceColumn": "tags"}, ["UNNEST_STRUCT", "'sourceColumn'", "'tags'", "struct"]),
        (
            "UNNEST_STRUCT_N",
            {"sourceColumns": '["order"]'},
            ["UNNEST_STRUCT_N", "'sourceColumns'", "'order'", "struct"],
        ),
        (
            "EXTRACT_VALUE",
            {"sourceColumn": "customer", "targetColumn": "t", "path": "customer.adress.city"},
            ["step 1", "EXTRACT_VALUE", "'path'", "`customer`", "'adress'", "'address'"],
        ),
        (
            "EXTRACT_VALUE",
            {"sourceColumn": "tags", "targetColumn": "t", "path": "first"},
            ["EXTRACT_VALUE", "'path'", "`tags`", "array"],
        ),
        (
            "UNNEST_ARRAY",
            {"sourceColumn": "prices", "targetColumn": "p"},
            ["UNNEST_ARRAY", "'prices'", "array"],
        ),
        ("UNNEST_MAP", {"sourceColumn": "prices"}, ["UNNEST_MAP", "'prices'", "map"]),
    ],
)
def test_wrong_columns_and_paths_are_named(operation: str, params: dict[str, str], words: list[str]) -> None:
    engine = make_engine("pandas", None)
    with pytest.raises(WorkbenchError) as caught:
        replay(Recipe(steps=[Step(operation, params)]), read_pandas(DATA), engine=engine)
    message = str(caught.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_the_spark_reader_reads_nested_json_lines_as_pandas_does(spark_session: Any) -> None:
    from workbench.io.spark_io import read_spark

    pandas_engine = make_engine("pandas", None)
    spark_engine = make_engine("spark", spark_session)
    frame = read_spark(spark_session, DATA)
    ddl = {f.name: f.dataType.simpleString() for f in frame.schema.fields}
    assert ddl["customer"].startswith("struct<name:string,address:struct<")
    assert ddl["items"] == "array<struct<sku:string,qty:bigint>>"
    read_on_pandas = plain_records(pandas_engine, read_pandas(DATA))
    assert_same_records(plain_records(spark_engine, frame), read_on_pandas, ordered=True)

    on_pandas = replay(recipe(), read_pandas(DATA), engine=pandas_engine)
    on_spark = replay(recipe(), frame, engine=spark_engine)
    assert_same_records(
        plain_records(spark_engine, on_spark), plain_records(pandas_engine, on_pandas), ordered=True
    )


def test_json_text_parsed_into_structs_replays_identically(spark_session: Any) -> None:
    """The file's nested values written as JSON text, parsed back by JSON_TO_STRUCTS on both engines."""
    lines = DATA.read_text(encoding="utf-8").splitlines()
    columns = {"line": lines, "n": list(range(len(lines)))}
    steps = Recipe(
        steps=[
            Step(
                "JSON_TO_STRUCTS",
                {"sourceColumns": '["line"]', "removeSourceColumn": "true", "unnestLevel": "2"},
            ),
            Step("UNNEST_STRUCT", {"sourceColumn": "line", "removeSourceColumn": "true"}),
        ]
    )
    results = {}
    for name, session in (("pandas", None), ("spark", spark_session)):
        engine = make_engine(name, session)
        frame = engine.from_records(columns, {"line": LType.STRING, "n": LType.INTEGER})
        results[name] = plain_records(engine, replay(steps, frame, engine=engine))
    assert_same_records(results["spark"], results["pandas"], ordered=True)
    assert list(results["pandas"]) == [
        "line_customer",
        "line_items",
        "line_order",
        "line_prices",
        "line_tags",
        "n",
    ]
    first = results["pandas"]["line_customer"][0]
    assert first == {"address": '{"city":"Zürich","zip":"8001"}', "name": "Zoë Ångström"}
