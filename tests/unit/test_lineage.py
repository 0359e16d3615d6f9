"""OpenLineage events of runs: column lineage against hand-written expectations on every engine,
validation against the OpenLineage JSON Schemas, and delivery to a real HTTP receiver."""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import pytest
from referencing import Registry, Resource

from workbench.cli.jobs import run_job
from workbench.core.registry import transforms
from workbench.lineage import recipe_lineage
from workbench.lineage.events import read_events
from workbench.lineage.rules import rule_of
from workbench.lineage.runs import emitting_run
from workbench.recipe.model import Recipe, Step

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tests" / "data" / "openlineage"

I, T, A = "DIRECT/IDENTITY", "DIRECT/TRANSFORMATION", "DIRECT/AGGREGATION"

SALES_EXPECTED = {
    "order_id": {"order_id": [I]},
    "order_date": {"order_date": [T]},
    "order_year": {"order_date": [T]},
    "order_month": {"order_date": [T]},
    "customer_name": {"customer_name": [T]},
    "email": {"email": [T]},
    "email_valid": {"email": [T]},
    "city": {"city": [I]},
    "country": {"country": [T]},
    "product": {"product": [I]},
    "quantity": {"quantity": [T]},
    "unit_price": {"unit_price": [T]},
    "discount": {"discount": [T]},
    "gross": {"quantity": [T], "unit_price": [T]},
    "status": {"status": [T]},
}
SALES_DATASET = {
    "order_date": ["INDIRECT/FILTER", "INDIRECT/SORT"],
    "order_id": ["INDIRECT/FILTER", "INDIRECT/SORT"],
    "status": ["INDIRECT/FILTER"],
}


def compact(facet: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """column -> {input field -> ["TYPE/SUBTYPE[/masked]"]} and the dataset-level list, by field name
    (qualified by the dataset's file name when the run reads several)."""

    def label(t: dict[str, Any]) -> str:
        return f"{t['type']}/{t['subtype']}" + ("/masked" if t.get("masking") else "")

    def key(item: dict[str, Any]) -> str:
        stem = Path(item["name"]).stem
        return item["field"] if stem in ("sales", "orders") else f"{stem}.{item['field']}"

    fields = {
        column: {key(i): [label(t) for t in i["transformations"]] for i in entry["inputFields"]}
        for column, entry in facet["fields"].items()
    }
    dataset = {key(i): [label(t) for t in i["transformations"]] for i in facet.get("dataset", [])}
    return fields, dataset


def validator() -> Any:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        doc = json.loads(path.read_text())
        resources.append((doc["$id"], Resource.from_contents(doc)))
    registry = Registry().with_resources(resources)
    main = json.loads((SCHEMAS / "OpenLineage.json").read_text())
    return jsonschema.Draft202012Validator(main, registry=registry)


def check_event(event: dict[str, Any]) -> None:
    """The event, and each facet against the schema its ``_schemaURL`` names."""
    validator().validate(event)
    facets = [*event["run"]["facets"].values(), *event["job"]["facets"].values()]
    for dataset in [*event["inputs"], *event["outputs"]]:
        facets += [*dataset.get("facets", {}).values(), *dataset.get("outputFacets", {}).values()]
    for facet in facets:
        url, _, pointer = facet["_schemaURL"].partition("#")
        name = url.rsplit("/", 1)[1]
        doc = json.loads((SCHEMAS / name).read_text())
        registry = Registry().with_resources(
            [(json.loads(p.read_text())["$id"], Resource.from_contents(json.loads(p.read_text()))) for p in SCHEMAS.glob("*.json")]
        )
        target = {"$ref": f"{doc['$id']}#{pointer}"}
        jsonschema.Draft202012Validator(target, registry=registry).validate(facet)


def run(recipe: Recipe, tmp_path: Path, engine_name: str, request: Any, datasets: dict[str, Path] | None = None, **kw: Any) -> list[dict[str, Any]]:
    data = ROOT / "data" / "sales.csv"
    output = tmp_path / "out.parquet"
    remote = request.getfixturevalue("connect_server").url if engine_name == "connect" else None
    if engine_name == "spark":
        request.getfixturevalue("spark_session")
    engine = "pandas" if engine_name == "pandas" else "spark"
    file = tmp_path / "events.jsonl"
    import os

    os.environ["WORKBENCH_LINEAGE_FILE"] = str(file)
    try:
        emitting_run(
            lambda: run_job(recipe, data if "input" not in kw else kw["input"], output, engine=engine, spark_remote=remote, datasets=datasets),
            recipe,
            data if "input" not in kw else kw["input"],
            output,
            datasets=datasets,
            engine=engine,
            lineage_url=kw.get("url"),
        )
    finally:
        del os.environ["WORKBENCH_LINEAGE_FILE"]
    return read_events(file)


def test_sales_clean_column_lineage_matches_the_hand_written_one(
    tmp_path: Path, engine_name: str, request: pytest.FixtureRequest
) -> None:
    events = run(Recipe.load(ROOT / "recipes" / "sales-clean.json"), tmp_path, engine_name, request)
    assert [e["eventType"] for e in events] == ["START", "COMPLETE"]
    for event in events:
        check_event(event)
    done = events[-1]["outputs"][0]
    fields, dataset = compact(done["facets"]["columnLineage"])
    assert fields == SALES_EXPECTED
    assert dataset == SALES_DATASET
    assert done["outputFacets"]["outputStatistics"]["rowCount"] == 3860
    assert done["outputFacets"]["outputStatistics"]["size"] > 0
    assert events[-1]["job"]["name"] == "sales-clean"
    assert done["namespace"] == "file" and done["name"].endswith("/out.parquet")


JOIN_GROUP_MASK = Recipe.from_data(
    {
        "name": "revenue-by-region",
        "steps": [
            {"Action": {"Operation": "JOIN", "Parameters": {
                "joinType": "INNER_JOIN", "joinKeys": [{"key": "country", "value": "code"}],
                "leftColumns": ["order_id", "email", "country", "unit_price"], "rightColumns": ["region"],
                "secondaryDatasetName": "countries"}}},
            {"Action": {"Operation": "CRYPTOGRAPHIC_HASH", "Parameters": {"sourceColumns": ["email"], "algorithm": "SHA256"}}},
            {"Action": {"Operation": "GROUP_BY", "Parameters": {
                "sourceColumns": ["region"], "useNewDataFrame": True,
                "groupByAggFunctionOptions": [
                    {"sourceColumnName": "unit_price", "targetColumnName": "revenue", "functionName": "SUM"},
                    {"sourceColumnName": "email", "targetColumnName": "buyers", "functionName": "COUNT_DISTINCT"}]}}},
        ],
    }
)


def test_join_group_mask_column_lineage(tmp_path: Path, engine_name: str, request: pytest.FixtureRequest) -> None:
    countries = tmp_path / "countries.csv"
    pd.DataFrame({"code": ["FR", "NG", "US", "DE"], "region": ["EU", "AF", "NA", "EU"]}).to_csv(countries, index=False)
    upper = tmp_path / "sales.csv"
    frame = pd.read_csv(ROOT / "data" / "sales.csv")
    frame["country"] = frame["country"].str.upper()
    frame.to_csv(upper, index=False)
    events = run(JOIN_GROUP_MASK, tmp_path, engine_name, request, {"countries": countries}, input=upper)
    for event in events:
        check_event(event)
    assert events[-1]["eventType"] == "COMPLETE", events[-1]["run"]["facets"].get("errorMessage")
    fields, dataset = compact(events[-1]["outputs"][0]["facets"]["columnLineage"])
    assert fields == {
        "region": {"countries.region": [I]},
        "revenue": {"unit_price": [A], "countries.region": ["INDIRECT/GROUP_BY"]},
        "buyers": {"email": ["DIRECT/AGGREGATION/masked"], "countries.region": ["INDIRECT/GROUP_BY"]},
    }
    assert dataset == {
        "country": ["INDIRECT/JOIN"],
        "countries.code": ["INDIRECT/JOIN"],
        "countries.region": ["INDIRECT/GROUP_BY"],
    }
