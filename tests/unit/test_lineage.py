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

from tests.unit.lineage_recipes import revenue_by_region
from workbench.cli.jobs import run_job
from workbench.core.registry import transforms
from workbench.lineage import recipe_lineage
from workbench.lineage.events import read_events
from workbench.lineage.rules import rule_of
from workbench.lineage.runs import emitting_run
from workbench.recipe.model import Recipe, Step

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tests" / "data" / "openlineage"

ID, T, A = "DIRECT/IDENTITY", "DIRECT/TRANSFORMATION", "DIRECT/AGGREGATION"

SALES_EXPECTED = {
    "order_id": {"order_id": [ID]},
    "order_date": {"order_date": [T]},
    "order_year": {"order_date": [T]},
    "order_month": {"order_date": [T]},
    "customer_name": {"customer_name": [T]},
    "email": {"email": [T]},
    "email_valid": {"email": [T]},
    "city": {"city": [ID]},
    "country": {"country": [T]},
    "product": {"product": [ID]},
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
            [
                (json.loads(p.read_text())["$id"], Resource.from_contents(json.loads(p.read_text())))
                for p in SCHEMAS.glob("*.json")
            ]
        )
        target = {"$ref": f"{doc['$id']}#{pointer}"}
        jsonschema.Draft202012Validator(target, registry=registry).validate(facet)


def run(
    recipe: Recipe,
    tmp_path: Path,
    engine_name: str,
    request: Any,
    datasets: dict[str, Path] | None = None,
    **kw: Any,
) -> list[dict[str, Any]]:
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
            lambda: run_job(
                recipe,
                kw.get("input", data),
                output,
                engine=engine,
                spark_remote=remote,
                datasets=datasets,
            ),
            recipe,
            kw.get("input", data),
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
    assert done["namespace"] == "file"
    assert done["name"].endswith("/out.parquet")


JOIN_GROUP_MASK = Recipe.from_data(revenue_by_region("unit_price"))


def test_join_group_mask_column_lineage(
    tmp_path: Path, engine_name: str, request: pytest.FixtureRequest
) -> None:
    countries = tmp_path / "countries.csv"
    pd.DataFrame({"code": ["FR", "NG", "US", "DE"], "region": ["EU", "AF", "NA", "EU"]}).to_csv(
        countries, index=False
    )
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
        "region": {"countries.region": [ID]},
        "revenue": {"unit_price": [A], "countries.region": ["INDIRECT/GROUP_BY"]},
        "buyers": {"email": ["DIRECT/AGGREGATION/masked"], "countries.region": ["INDIRECT/GROUP_BY"]},
    }
    assert dataset == {
        "country": ["INDIRECT/JOIN"],
        "countries.code": ["INDIRECT/JOIN"],
        "countries.region": ["INDIRECT/GROUP_BY"],
    }


def _example_lineage(cls: Any, example: Any) -> Any:
    from workbench.recipe.conditions import Condition

    step = Step(cls.operation, dict(example.params), [Condition.from_json(c) for c in example.conditions])
    given = pd.DataFrame(example.given)
    from workbench.engines.pandas import PandasEngine

    engine = PandasEngine()
    schema = engine.schema_of(given)
    datasets = {n: engine.schema_of(pd.DataFrame(d)) for n, d in (example.datasets or {}).items()}
    if example.schema:
        from workbench.core.types import LType

        schema.update({k: LType(v) for k, v in example.schema.items()})
    return recipe_lineage(Recipe(steps=[step]), schema, datasets, list(example.expect))


def test_every_transform_has_a_lineage_rule_that_covers_its_examples() -> None:
    """Over the whole catalogue: each example's lineage covers every output column and names only
    real input columns (of the main input or a bound dataset)."""
    checked = 0
    for cls in transforms():
        assert rule_of(cls) is not None, cls.operation
        for example in cls.examples:
            if example.secrets or (example.xfail and "pandas" in example.xfail):
                continue
            lineage = _example_lineage(cls, example)
            assert list(lineage.columns) == list(example.expect), (cls.operation, example.title)
            real = {("", c) for c in example.given}
            real |= {(n, c) for n, d in (example.datasets or {}).items() for c in d}
            for column, trace in lineage.columns.items():
                assert set(trace.fields) <= real, (cls.operation, column, trace.fields)
            assert set(lineage.dataset) <= real, cls.operation
            checked += 1
    assert checked > 400


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_events_reach_a_real_http_receiver_and_a_down_endpoint_never_fails_the_run(
    tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        recipe = Recipe.load(ROOT / "recipes" / "sales-clean.json")
        kept = run(recipe, tmp_path, "pandas", request, url=url)
    finally:
        server.shutdown()
        server.server_close()
    assert [e["eventType"] for e in _Receiver.received] == ["START", "COMPLETE"]
    assert [e["run"]["runId"] for e in _Receiver.received] == [e["run"]["runId"] for e in kept]
    for event in _Receiver.received:
        check_event(event)
    down = tmp_path / "down"
    down.mkdir()
    events = run(recipe, down, "pandas", request, url=url)  # the server is gone now
    assert [e["eventType"] for e in events] == ["START", "COMPLETE"]
    assert "lineage endpoint" in capsys.readouterr().err


def test_a_failed_run_ends_with_fail_and_the_error(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    recipe = Recipe.from_data(
        [{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "nope"}}}]
    )
    with pytest.raises(Exception, match="nope"):
        run(recipe, tmp_path, "pandas", request)
    events = read_events(tmp_path / "events.jsonl")
    assert [e["eventType"] for e in events] == ["START", "FAIL"]
    assert "nope" in events[-1]["run"]["facets"]["errorMessage"]["message"]
    for event in events:
        check_event(event)
