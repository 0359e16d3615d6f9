"""Reading lineage back: ``workbench lineage`` text, JSON, SVG and HTML from real runs, the PII report,
errors, and the events of the widget's "Run on full data"."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import workbench as wb
from tests.unit.lineage_recipes import revenue_by_region

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"

MART = revenue_by_region("gross")


def workbench(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, in ``cwd`` (events go to its .workbench/lineage/events.jsonl)."""
    env = {k: v for k, v in os.environ.items() if k not in ("WORKBENCH_LINEAGE_FILE", "OPENLINEAGE_URL")}
    env["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def ok(cwd: Path, *args: str) -> str:
    done = workbench(cwd, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def stable(text: str) -> str:
    """Run ids and times vary; everything else is compared exactly."""
    return re.sub(r"\(run [0-9a-f]{8}, [0-9T:-]{19}\)", "(run …)", text)


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """raw.csv → sales-clean → clean.parquet → revenue-by-region (+ countries.csv) → mart.parquet."""
    folder = tmp_path_factory.mktemp("chain")
    frame = pd.read_csv(ROOT / "data" / "sales.csv")
    frame.to_csv(folder / "raw.csv", index=False)
    pd.DataFrame({"code": ["FR", "NG", "US", "DE"], "region": ["EU", "AF", "NA", "EU"]}).to_csv(
        folder / "countries.csv", index=False
    )
    (folder / "mart.json").write_text(json.dumps(MART))
    ok(
        folder,
        "run",
        str(ROOT / "recipes" / "sales-clean.json"),
        "--input",
        "raw.csv",
        "--output",
        "clean.parquet",
    )
    ok(
        folder,
        "run",
        "mart.json",
        "--input",
        "clean.parquet",
        "--dataset",
        "countries=countries.csv",
        "--output",
        "mart.parquet",
    )
    return folder


SALES_GROSS = """\
clean.parquet.gross  (each job's latest completed run)
upstream
├── raw.csv.quantity  TRANSFORMATION  [sales-clean]
└── raw.csv.unit_price  TRANSFORMATION  [sales-clean]
downstream
└── mart.parquet.revenue  AGGREGATION  [revenue-by-region]
steps of sales-clean that made clean.parquet.gross
  step 10 CHANGE_DATA_TYPE (quantity-int): quantity ← quantity (DIRECT/TRANSFORMATION)
  step 11 FILL_WITH_CUSTOM (quantity-fill): quantity ← quantity of step 10 (DIRECT/TRANSFORMATION)
  step 12 FILL_WITH_MEDIAN (price-fill): unit_price ← unit_price (DIRECT/TRANSFORMATION)
  step 14 MULTIPLY (gross): gross ← quantity of step 11 (DIRECT/TRANSFORMATION), \
unit_price of step 12 (DIRECT/TRANSFORMATION)
steps of revenue-by-region that made mart.parquet.revenue
  step 1 JOIN: region ← region of countries.csv (DIRECT/IDENTITY)
  step 3 GROUP_BY: revenue ← gross (DIRECT/AGGREGATION), region of step 1 (INDIRECT/GROUP_BY)
rows decided by: raw.csv.order_date (FILTER/SORT), raw.csv.order_id (FILTER/SORT), raw.csv.status (FILTER)
"""


def test_sales_clean_column_text_shows_the_steps_that_made_it(chain: Path) -> None:
    assert ok(chain, "lineage", "clean.parquet.gross") == SALES_GROSS
    assert ok(chain, "lineage", "clean.parquet", "--column", "gross") == SALES_GROSS


def test_sales_clean_column_json(chain: Path) -> None:
    data = json.loads(ok(chain, "lineage", "clean.parquet.email_valid", "--json"))
    assert data["column"] == "email_valid"
    assert data["graph"] == "each job's latest completed run"
    assert [d["label"] for d in data["upstream"]] == ["raw.csv"]
    assert [d["label"] for d in data["downstream"]] == ["mart.parquet"]
    assert data["columnUpstream"] == [
        {
            "from": "raw.csv.email",
            "to": "clean.parquet.email_valid",
            "job": "sales-clean",
            "transformations": [{"type": "DIRECT", "subtype": "TRANSFORMATION"}],
            "masking": False,
        }
    ]
    assert data["columnDownstream"] == []
    (steps,) = data["steps"]
    assert [(s["step"], s["operation"], s["column"]) for s in steps["steps"]] == [
        (5, "LOWER_CASE", "email"),
        (6, "FLAG_COLUMN_FROM_PATTERN", "email_valid"),
    ]
    assert steps["steps"][1]["inputs"] == [
        {"column": "email", "from": 5, "subtype": "TRANSFORMATION", "type": "DIRECT"}
    ]


MART_BUYERS = """\
mart.parquet.buyers  (each job's latest completed run)
upstream
├── clean.parquet.email  AGGREGATION · masked  [revenue-by-region]
│   └── raw.csv.email  TRANSFORMATION  [sales-clean]
└── countries.csv.region  GROUP_BY  [revenue-by-region]
downstream
(none recorded)
steps of revenue-by-region that made mart.parquet.buyers
  step 1 JOIN: region ← region of countries.csv (DIRECT/IDENTITY)
  step 2 CRYPTOGRAPHIC_HASH: email ← email (DIRECT/TRANSFORMATION, masking)
  step 3 GROUP_BY: buyers ← email of step 2 (DIRECT/AGGREGATION), region of step 1 (INDIRECT/GROUP_BY)
steps of sales-clean that made clean.parquet.email
  step 5 LOWER_CASE (email-case): email ← email (DIRECT/TRANSFORMATION)
rows decided by: clean.parquet.country (JOIN), countries.csv.code (JOIN), countries.csv.region (GROUP_BY)
"""


def test_join_group_mask_column_across_two_runs(chain: Path) -> None:
    assert ok(chain, "lineage", "mart.parquet.buyers") == MART_BUYERS


def test_a_two_run_chain_gives_transitive_upstream_and_downstream(chain: Path) -> None:
    assert stable(ok(chain, "lineage", "mart.parquet")) == (
        "mart.parquet  (each job's latest completed run)\n"
        "upstream\n"
        "└── job revenue-by-region (run …)\n"
        "    ├── clean.parquet\n"
        "    │   └── job sales-clean (run …)\n"
        "    │       └── raw.csv\n"
        "    └── countries.csv\n"
        "downstream\n"
        "(none recorded)\n"
    )
    raw = json.loads(ok(chain, "lineage", "raw.csv", "--json"))
    assert [d["label"] for d in raw["upstream"]] == []
    assert [d["label"] for d in raw["downstream"]] == ["clean.parquet", "mart.parquet"]
    assert [j["job"] for j in raw["jobs"]] == ["revenue-by-region", "sales-clean"]
    email = json.loads(ok(chain, "lineage", "raw.csv.email", "--json"))
    assert [(k["to"], k["masking"]) for k in email["columnDownstream"]] == [
        ("clean.parquet.email", False),
        ("clean.parquet.email_valid", False),
        ("mart.parquet.buyers", True),
    ]


def _boxes(root: ET.Element) -> dict[str, tuple[float, float, float, float, str]]:
    out = {}
    for group in root.iter(f"{SVG}g"):
        rect = group.find(f"{SVG}rect")
        text = group.find(f"{SVG}text")
        if rect is None or text is None or "node" not in group.get("class", ""):
            continue
        box = tuple(float(rect.get(k, "0")) for k in ("x", "y", "width", "height"))
        out[group.get("data-id", "")] = (*box, f"{group.get('class')}|{text.text}")  # type: ignore[assignment]
    return out  # type: ignore[return-value]


def test_svg_has_the_nodes_edges_and_masked_marking_without_overlaps(chain: Path) -> None:
    picture = chain / "pictures" / "buyers.svg"
    page = chain / "pictures" / "buyers.html"
    ok(chain, "lineage", "mart.parquet.buyers", "--svg", str(picture), "--html", str(page))
    root = ET.fromstring(picture.read_text())
    boxes = _boxes(root)
    labels = sorted(b[4] for b in boxes.values())
    assert labels == [
        "node column|buyers",
        "node column|email",
        "node column|email",
        "node column|region",
        "node dataset|clean.parquet",
        "node dataset|countries.csv",
        "node dataset|mart.parquet",
        "node dataset|raw.csv",
        "node job|job revenue-by-region",
        "node job|job sales-clean",
    ]
    edges = [p for p in root.iter(f"{SVG}path") if "edge" in p.get("class", "")]
    # 3 reads + 2 writes between datasets and jobs, 3 column links
    assert len(edges) == 8
    masked = [p for p in edges if "masked" in p.get("class", "")]
    assert len(masked) == 1
    assert masked[0].get("stroke-dasharray") == "6 3"
    masked_labels = [t.text for t in root.iter(f"{SVG}text") if "masked" in t.get("class", "")]
    assert masked_labels == ["AGGREGATION · masked"]
    assert [p.get("class") for p in edges if "indirect" in p.get("class", "")] == ["edge column indirect"]
    placed = list(boxes.values())
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            apart = a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]
            assert apart, (a, b)
    width = float(root.get("width", "0"))
    assert all(x + w <= width for x, _, w, _, _ in placed)
    html = page.read_text()
    assert html.startswith("<!doctype html>")
    assert "<svg" in html
    assert "steps of revenue-by-region" in html


def test_pii_report_finds_an_unmasked_and_a_masked_email(chain: Path) -> None:
    text = ok(chain, "lineage", "--pii")
    assert text.splitlines() == [
        "Where PII goes (each job's latest completed run; "
        "detection on the first 10,000 rows of each input file)",
        "raw.csv.email  EMAIL (detection, confidence 0.84)",
        "  ├── clean.parquet.email  UNMASKED  via sales-clean: 5 LOWER_CASE",
        "  ├── mart.parquet.buyers  masked  via sales-clean: 5 LOWER_CASE; "
        "then revenue-by-region: 1 JOIN, 2 CRYPTOGRAPHIC_HASH, 3 GROUP_BY",
        "  └── clean.parquet.email_valid  UNMASKED  "
        "via sales-clean: 5 LOWER_CASE, 6 FLAG_COLUMN_FROM_PATTERN",
        "2 unmasked PII columns reach an output",
    ]
    report = json.loads(ok(chain, "lineage", "--pii", "raw.csv", "--json"))
    (email,) = report["columns"]
    assert (email["dataset"], email["column"], email["entity"]) == ("raw.csv", "email", "EMAIL")
    reached = {r["column"]: (r["masked"], r["aggregated"]) for r in email["reaches"]}
    assert reached == {
        "clean.parquet.email": (False, False),
        "clean.parquet.email_valid": (False, False),
        "mart.parquet.buyers": (True, True),
    }
    assert report["unmasked"] == 2
    failed = workbench(chain, "lineage", "--pii", "--fail-on-unmasked")
    assert failed.returncode == 1
    assert "2 unmasked PII columns reach an output: raw.csv.email → clean.parquet.email" in failed.stderr
    countries = json.loads(ok(chain, "lineage", "--pii", "countries.csv", "--json"))
    assert countries["columns"] == []
    assert countries["unmasked"] == 0


def test_a_masked_only_flow_passes_fail_on_unmasked(tmp_path: Path) -> None:
    pd.read_csv(ROOT / "data" / "sales.csv").to_csv(tmp_path / "raw.csv", index=False)
    recipe = {
        "name": "hashed",
        "steps": [
            {
                "Action": {
                    "Operation": "CRYPTOGRAPHIC_HASH",
                    "Parameters": {"sourceColumns": ["email"], "algorithm": "SHA256"},
                }
            },
            {
                "Action": {
                    "Operation": "DUPLICATE",
                    "Parameters": {"sourceColumn": "email", "targetColumn": "email_copy"},
                }
            },
        ],
    }
    (tmp_path / "hashed.json").write_text(json.dumps(recipe))
    ok(tmp_path, "run", "hashed.json", "--input", "raw.csv", "--output", "out.csv")
    text = ok(tmp_path, "lineage", "--pii", "--fail-on-unmasked")
    assert "  ├── out.csv.email  masked  via hashed: 1 CRYPTOGRAPHIC_HASH" in text
    assert "  └── out.csv.email_copy  masked  via hashed: 1 CRYPTOGRAPHIC_HASH, 2 DUPLICATE" in text
    assert text.endswith("0 unmasked PII columns reach an output\n")


def test_the_latest_completed_run_of_a_job_wins(tmp_path: Path) -> None:
    pd.DataFrame({"name": ["a", "b"]}).to_csv(tmp_path / "in.csv", index=False)
    upper = {
        "name": "tidy",
        "steps": [{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "name"}}}],
    }
    (tmp_path / "tidy.json").write_text(json.dumps(upper))
    ok(tmp_path, "run", "tidy.json", "--input", "in.csv", "--output", "first.csv")
    ok(tmp_path, "run", "tidy.json", "--input", "in.csv", "--output", "second.csv")
    failed = workbench(tmp_path, "run", "tidy.json", "--input", "missing.csv", "--output", "third.csv")
    assert failed.returncode != 0
    assert json.loads(ok(tmp_path, "lineage", "in.csv", "--json"))["downstream"] == [
        {"namespace": "file", "name": str((tmp_path / "second.csv").resolve()), "label": "second.csv"}
    ]
    gone = workbench(tmp_path, "lineage", "first.csv")
    assert gone.returncode == 2
    assert "no recorded lineage for dataset 'first.csv'" in gone.stderr


def test_unnamed_recipes_writing_different_outputs_are_different_jobs(tmp_path: Path) -> None:
    pd.DataFrame({"name": ["a", "b"]}).to_csv(tmp_path / "in.csv", index=False)
    for operation in ("UPPER_CASE", "LOWER_CASE"):
        step = {"Action": {"Operation": operation, "Parameters": {"sourceColumn": "name"}}}
        (tmp_path / f"{operation}.json").write_text(json.dumps({"steps": [step]}))
        ok(tmp_path, "run", f"{operation}.json", "--input", "in.csv", "--output", f"{operation}.csv")
    downstream = json.loads(ok(tmp_path, "lineage", "in.csv", "--json"))["downstream"]
    assert sorted(d["label"] for d in downstream) == ["LOWER_CASE.csv", "UPPER_CASE.csv"]


def test_cli_errors_name_the_nearest(chain: Path, tmp_path: Path) -> None:
    column = workbench(chain, "lineage", "mart.parquet.buyrs")
    assert column.returncode == 2
    assert (
        "dataset mart.parquet has no column 'buyrs' in the recorded lineage; did you mean 'buyers'?"
        in column.stderr
    )
    dataset = workbench(chain, "lineage", "mrt.parquet")
    assert dataset.returncode == 2
    assert "no recorded lineage for dataset 'mrt.parquet'; did you mean 'mart.parquet'?" in dataset.stderr
    nothing = workbench(tmp_path, "lineage", "out.csv")
    assert nothing.returncode == 2
    assert "no lineage recorded yet" in nothing.stderr
    alone = workbench(chain, "lineage", "mart.parquet", "--fail-on-unmasked")
    assert alone.returncode == 2
    assert "--fail-on-unmasked goes with --pii" in alone.stderr
    bare = workbench(chain, "lineage")
    assert bare.returncode == 2
    assert "name a dataset" in bare.stderr
    assert "Traceback" not in column.stderr + dataset.stderr + nothing.stderr


def test_wb_lineage_renders_inline_and_exposes_the_data(chain: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(chain)
    monkeypatch.delenv("WORKBENCH_LINEAGE_FILE", raising=False)
    found = wb.lineage("clean.parquet")
    assert found.upstream == ["raw.csv"]
    assert found.downstream == ["mart.parquet"]
    assert found.to_dict()["jobs"][0]["job"] in ("revenue-by-region", "sales-clean")
    svg = found._repr_svg_()
    assert svg.startswith("<svg")
    assert ">job sales-clean</text>" in svg
    assert found._repr_html_().startswith("<div class='workbench-lineage'><svg")
    column = wb.lineage("mart.parquet", column="revenue")
    assert column.upstream == [
        "clean.parquet.gross",
        "countries.csv.region",
        "raw.csv.quantity",
        "raw.csv.unit_price",
    ]
    with pytest.raises(wb.WorkbenchError, match="did you mean 'revenue'"):
        wb.lineage("mart.parquet.revenu")


def _events(folder: Path) -> list[dict[str, Any]]:
    lines = (folder / ".workbench" / "lineage" / "events.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_run_on_full_data_emits_the_events_of_workbench_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.unit.test_widget import Frontend, wait_for_job

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKBENCH_LINEAGE_FILE", raising=False)
    pd.read_csv(ROOT / "data" / "sales.csv").to_csv(tmp_path / "raw.csv", index=False)
    ui = Frontend(wb.open("raw.csv", sample=100))
    ui.ok(
        "apply",
        step={
            "Action": {
                "Operation": "CRYPTOGRAPHIC_HASH",
                "Parameters": {"sourceColumns": ["email"], "algorithm": "SHA256"},
            }
        },
    )
    ui.ok("run", engine="pandas", output="out.parquet")
    job = wait_for_job(ui.workbench)
    assert job["state"] == "done", job
    start, complete = _events(tmp_path)
    assert (start["eventType"], complete["eventType"]) == ("START", "COMPLETE")
    assert start["run"]["runId"] == complete["run"]["runId"]
    assert complete["inputs"][0]["name"] == str((tmp_path / "raw.csv").resolve())
    output = complete["outputs"][0]
    assert output["name"] == str((tmp_path / "out.parquet").resolve())
    assert output["outputFacets"]["outputStatistics"]["rowCount"] == 5000
    assert output["facets"]["columnLineage"]["fields"]["email"]["inputFields"][0]["transformations"] == [
        {"type": "DIRECT", "subtype": "TRANSFORMATION", "masking": True}
    ]
    assert wb.lineage("out.parquet.email").upstream == ["raw.csv.email"]
    # A run that breaks on the full data ends with FAIL, as `workbench run` does: the Parquet
    # source keeps its footer (so its schema reads) but its data pages are damaged.
    frame = pd.read_csv(ROOT / "data" / "sales.csv")
    frame.to_parquet(tmp_path / "raw.parquet")
    broken = Frontend(wb.open("raw.parquet", sample=100))
    data = bytearray((tmp_path / "raw.parquet").read_bytes())
    data[8:4008] = bytes(4000)
    (tmp_path / "raw.parquet").write_bytes(bytes(data))
    broken.ok("run", engine="pandas", output="again.parquet")
    job = wait_for_job(broken.workbench)
    assert job["state"] == "failed", job
    events = _events(tmp_path)
    assert [e["eventType"] for e in events[2:]] == ["START", "FAIL"]
    assert "cannot read 'raw.parquet'" in events[-1]["run"]["facets"]["errorMessage"]["message"]
    assert not (tmp_path / "again.parquet").exists()


def test_pii_of_a_catalog_table_input_comes_from_its_column_tags(tmp_path: Path) -> None:
    (tmp_path / "lake" / "orders").mkdir(parents=True)
    pd.read_csv(ROOT / "data" / "sales.csv").to_csv(tmp_path / "lake" / "orders" / "part-0.csv", index=False)
    ok(tmp_path, "crawl", "lake", "--database", "sales")
    # a tag the detection would not give: only the catalog knows this column is PII
    ok(tmp_path, "catalog", "tag", "sales.orders", "--column", "customer_name", "pii.entity=PERSON_NAME")
    recipe = str(ROOT / "recipes" / "sales-clean.json")
    ok(tmp_path, "run", recipe, "--input", "catalog:sales.orders", "--output", "clean.csv")
    report = json.loads(ok(tmp_path, "lineage", "--pii", "--json"))
    assert report["sources"] == [{"dataset": "catalog:sales.orders", "scannedBy": "catalog tags"}]
    found = {
        (c["column"], c["entity"], c["foundBy"]): [r["column"] for r in c["reaches"]]
        for c in report["columns"]
    }
    assert found == {
        ("customer_name", "PERSON_NAME", "catalog tags"): ["clean.csv.customer_name"],
        ("email", "EMAIL", "catalog tags"): ["clean.csv.email", "clean.csv.email_valid"],
    }
    assert report["unmasked"] == 3


def _chains(steps: list[dict[str, Any]], schema: dict[str, Any], columns: list[str], **kw: Any) -> Any:
    from workbench.lineage.steps import steps_facet
    from workbench.recipe.model import Recipe

    recipe = Recipe.from_data({"name": "t", "steps": steps})
    facet = steps_facet(recipe, schema, kw.get("datasets", {}), columns, kw.get("names", {}))
    return {
        c: [(s["step"], s["operation"], s["column"], s["inputs"]) for s in chain]
        for c, chain in facet.columns.items()
    }


def _step(operation: str, disabled: bool = False, **parameters: Any) -> dict[str, Any]:
    return {
        "Action": {"Operation": operation, "Parameters": parameters},
        **({"disabled": True} if disabled else {}),
    }


def _in(
    column: str, source: int, subtype: str = "TRANSFORMATION", kind: str = "DIRECT", **more: Any
) -> dict[str, Any]:
    return {"column": column, "type": kind, "subtype": subtype, "from": source, **more}


def test_steps_facet_follows_renames_and_skips_pass_through_and_disabled_steps() -> None:
    from workbench.core.types import LType

    chains = _chains(
        [
            _step("RENAME", sourceColumn="email", targetColumn="mail"),
            _step("UPPER_CASE", sourceColumn="city"),
            _step("UPPER_CASE", disabled=True, sourceColumn="mail"),
            _step("CRYPTOGRAPHIC_HASH", sourceColumns=["mail"], algorithm="SHA256"),
        ],
        {"email": LType.STRING, "city": LType.STRING},
        ["mail", "city"],
    )
    assert chains == {
        "mail": [
            (1, "RENAME", "mail", [_in("email", 0, "IDENTITY")]),
            (4, "CRYPTOGRAPHIC_HASH", "mail", [_in("mail", 1, masking=True)]),
        ],
        "city": [(2, "UPPER_CASE", "city", [_in("city", 0)])],
    }


def test_steps_facet_names_data_named_columns_and_secondary_datasets() -> None:
    from workbench.core.types import LType

    pivot = _chains(
        [
            _step("UPPER_CASE", sourceColumn="state"),
            _step("PIVOT", aggregateFunction="SUM", sourceColumn="state", valueColumn="votes"),
            _step("FILL_WITH_CUSTOM", sourceColumn="OHIO", columnDataType="number", value="0"),
        ],
        {"state": LType.STRING, "votes": LType.INTEGER},
        ["OHIO", "TEXAS"],
    )
    made = (2, "PIVOT", "OHIO", [_in("state", 1), _in("votes", 0)])
    assert pivot["OHIO"] == [
        (1, "UPPER_CASE", "state", [_in("state", 0)]),
        made,
        (3, "FILL_WITH_CUSTOM", "OHIO", [_in("OHIO", 2)]),
    ]
    assert pivot["TEXAS"] == [(1, "UPPER_CASE", "state", [_in("state", 0)]), (2, "PIVOT", "TEXAS", made[3])]
    join = _chains(
        [
            _step(
                "JOIN",
                joinType="INNER_JOIN",
                joinKeys=[{"key": "code", "value": "code"}],
                leftColumns=["code"],
                rightColumns=["region"],
                secondaryDatasetName="regions",
            ),
            _step("LOWER_CASE", sourceColumn="region"),
        ],
        {"code": LType.STRING},
        ["code", "region"],
        datasets={"regions": {"code": LType.STRING, "region": LType.STRING}},
        names={"regions": ("file", "/data/regions.csv")},
    )
    regions = {"namespace": "file", "name": "/data/regions.csv"}
    assert join == {
        "code": [],
        "region": [
            (1, "JOIN", "region", [_in("region", 0, "IDENTITY", dataset=regions)]),
            (2, "LOWER_CASE", "region", [_in("region", 1)]),
        ],
    }


def test_run_on_full_data_on_spark_records_the_same_column_lineage_as_on_pandas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spark_session: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKBENCH_LINEAGE_FILE", raising=False)
    pd.read_csv(ROOT / "data" / "sales.csv").to_csv(tmp_path / "raw.csv", index=False)
    session = wb.open("raw.csv", sample=100, recipe=wb.Recipe.load(ROOT / "recipes" / "sales-clean.json"))
    assert session.run("pandas.parquet")["rowsOut"] == 3860
    assert session.run("spark.parquet", engine="spark")["rowsOut"] == 3860
    events = _events(tmp_path)
    assert [e["eventType"] for e in events] == ["START", "COMPLETE", "START", "COMPLETE"]
    on_pandas, on_spark = events[1]["outputs"][0]["facets"], events[3]["outputs"][0]["facets"]
    assert on_spark["columnLineage"] == on_pandas["columnLineage"]
    assert on_spark["workbench_steps"] == on_pandas["workbench_steps"]
    assert events[1]["job"]["name"] == events[3]["job"]["name"] == "sales-clean"


def test_a_chain_of_thousands_of_runs_reads_without_hitting_limits(tmp_path: Path) -> None:
    """The tree is walked without recursion, and each dataset's runs are looked up in an index."""
    from workbench.lineage.graph import graph_of
    from workbench.lineage.view import Lineage

    def event(i: int) -> dict[str, Any]:
        field = {"namespace": "file", "name": f"/d/{i}.csv", "field": "x"}
        lineage = {
            "fields": {
                "x": {
                    "inputFields": [{**field, "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}]}]
                }
            }
        }
        return {
            "eventType": "COMPLETE",
            "eventTime": f"2026-01-01T00:00:{i % 60:02d}",
            "run": {"runId": f"{i:08x}"},
            "job": {"name": f"step-{i}"},
            "inputs": [{"namespace": "file", "name": f"/d/{i}.csv"}],
            "outputs": [
                {"namespace": "file", "name": f"/d/{i + 1}.csv", "facets": {"columnLineage": lineage}}
            ],
        }

    graph = graph_of(event(i) for i in range(3000))
    first = Lineage(graph, ("file", "/d/0.csv"))
    assert len(first.downstream) == 3000
    assert first.text().count("└── job step-") == 3000
    last = Lineage(graph, ("file", "/d/3000.csv"), "x")
    assert last.upstream[-1] == "/d/0.csv.x"
    assert len(last.column_upstream) == 3000
