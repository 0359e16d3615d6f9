"""Pipelines: a three-stage job (raw -> refined -> curated) with gates between stages holds a bad
batch back at the right stage, skips what depends on it, and resumes from there; on pandas, Spark
and Spark Connect. Job files are checked before any data is read, with errors naming the stage."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import pytest
from rich.console import Console

from workbench.pipeline import PipelineError, RunSettings, job_schema, load_job, plan, run_pipeline

ROOT = Path(__file__).resolve().parents[2]

GOOD = "order_id,country,status,amount\n1,pt, Paid,10.5\n2,br,paid,3\n3,pt,OPEN,7\n"
BAD = GOOD + "4,br,paid,-2\n"

STRICT = (
    'Rules = [ ColumnValues "amount" >= 0, IsComplete "status", ColumnValues "status" in ["paid", "open"] ]'
)
"""Three rules: one negative amount makes the score 2/3."""

JOB = """
name: orders-nightly
stages:
  - name: curated
    input: refined/orders.parquet
    recipe: recipes/curate.json
    output: curated/orders.parquet
    needs: [refined]
  - name: raw
    input: landing/orders.csv
    recipe: recipes/raw.json
    output: raw/orders.parquet
    ruleset: rules/raw.dqdl
  - name: refined
    input: raw/orders.parquet
    recipe: recipes/refine.json
    output: refined/orders.parquet
    ruleset: rules/refined.dqdl
    promote: 1.0
    warn: 0.75
"""


def step(operation: str, conditions: list[dict[str, Any]] | None = None, **parameters: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"Action": {"Operation": operation, "Parameters": parameters}}
    if conditions:
        found["ConditionExpressions"] = conditions
    return found


def write_recipe(path: Path, *steps: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"name": path.stem, "steps": list(steps)}))


def make_job(root: Path, data: str) -> Path:
    """The job above, its recipes and rulesets, and the landing data, under ``root``."""
    (root / "landing").mkdir(parents=True)
    (root / "landing" / "orders.csv").write_text(data)
    write_recipe(root / "recipes" / "raw.json", step("UPPER_CASE", sourceColumn="country"))
    write_recipe(
        root / "recipes" / "refine.json",
        step("REMOVE_COMBINED", sourceColumn="status", removeLeadingAndTrailingWhitespace=True),
        step("LOWER_CASE", sourceColumn="status"),
    )
    write_recipe(
        root / "recipes" / "curate.json",
        step("SORT", expressions=[{"sourceColumn": "order_id", "ordering": "DESCENDING"}]),
    )
    (root / "rules").mkdir()
    (root / "rules" / "raw.dqdl").write_text('Rules = [ RowCount > 0, IsComplete "order_id" ]\n')
    # Four rules: one negative amount makes the score 0.5, below warn 0.75.
    (root / "rules" / "refined.dqdl").write_text(
        'Rules = [ ColumnValues "amount" >= 0, Sum "amount" > 100, IsComplete "status", '
        'ColumnValues "status" in ["paid", "open"] ]\n'
    )
    job = root / "job.yml"
    job.write_text(JOB)
    return job


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs keep their lineage events and history in the working directory: the test's own."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def settings(engine_name: str, session_for: Any, request: pytest.FixtureRequest) -> RunSettings:
    if engine_name == "connect":
        return RunSettings(spark_remote=request.getfixturevalue("connect_server").url)
    return RunSettings(engine=engine_name)


def run(job_file: Path, settings: RunSettings, *, resume: bool = False) -> Any:
    import dataclasses

    job = load_job(job_file)
    console = Console(file=open(os.devnull, "w"), force_terminal=False)  # noqa: SIM115
    state = job_file.parent / ".workbench" / "pipelines" / f"{job.name}.json"
    return run_pipeline(job, job_file.parent, state, dataclasses.replace(settings, resume=resume), console)


def outcomes(result: Any) -> dict[str, str]:
    return {s.name: s.outcome for s in result.stages}


def test_stages_run_in_dependency_order_and_are_promoted(tmp_path: Path, settings: RunSettings) -> None:
    job = make_job(tmp_path, GOOD)
    (tmp_path / "rules" / "refined.dqdl").write_text(STRICT)
    result = run(job, settings)
    assert [s.name for s in result.stages] == ["raw", "refined", "curated"]
    assert outcomes(result) == {"raw": "promoted", "refined": "promoted", "curated": "promoted"}
    assert result.exit_code == 0
    raw = result.stages[0]
    assert (raw.rows_in, raw.rows_out, raw.score) == (3, 3, 1.0)
    curated = pd.read_parquet(tmp_path / "curated" / "orders.parquet")
    assert curated["order_id"].tolist() == [3, 2, 1]
    assert curated["country"].tolist() == ["PT", "BR", "PT"]
    assert curated["status"].tolist() == ["open", "paid", "paid"]


def test_a_bad_batch_is_held_at_its_stage_and_the_job_resumes_from_there(
    tmp_path: Path, settings: RunSettings
) -> None:
    job = make_job(tmp_path, BAD)
    (tmp_path / "rules" / "refined.dqdl").write_text(STRICT)
    first = run(job, settings)
    assert outcomes(first) == {"raw": "promoted", "refined": "held", "curated": "skipped"}
    assert first.exit_code == 3
    refined = first.stages[1]
    assert refined.score == pytest.approx(2 / 3)
    assert "upstream stage 'refined' was held" in first.stages[2].message
    assert not (tmp_path / "refined" / "orders.parquet").exists()
    held = pd.read_parquet(tmp_path / "refined" / "orders.parquet.quarantine" / "orders.parquet")
    assert sorted(held["order_id"].tolist()) == [1, 2, 3, 4]
    assert not (tmp_path / "curated").exists()
    raw_written = (tmp_path / "raw" / "orders.parquet").stat().st_mtime_ns

    # The fix: the refining recipe drops negative amounts. Resuming keeps the promoted stage.
    write_recipe(
        tmp_path / "recipes" / "refine.json",
        step("REMOVE_VALUES", [{"Condition": "LESS_THAN", "Value": "0", "TargetColumn": "amount"}],
             sourceColumn="amount"),
        step("REMOVE_COMBINED", sourceColumn="status", removeLeadingAndTrailingWhitespace=True),
        step("LOWER_CASE", sourceColumn="status"),
    )  # fmt: skip
    second = run(job, settings, resume=True)
    assert outcomes(second) == {"raw": "kept", "refined": "promoted", "curated": "promoted"}
    assert second.resumed_from == first.run_id
    assert second.exit_code == 0
    assert (tmp_path / "raw" / "orders.parquet").stat().st_mtime_ns == raw_written
    curated = pd.read_parquet(tmp_path / "curated" / "orders.parquet")
    assert curated["order_id"].tolist() == [3, 2, 1]

    third = run(job, settings, resume=True)
    assert set(outcomes(third).values()) == {"kept"}


def test_promote_with_a_warning_between_the_thresholds(tmp_path: Path, settings: RunSettings) -> None:
    job = make_job(tmp_path, GOOD)
    # Sum "amount" > 100 fails: 3 of 4 rules pass, 0.75 is at warn and below promote.
    result = run(job, settings)
    assert outcomes(result) == {"raw": "promoted", "refined": "warned", "curated": "promoted"}
    assert result.stages[1].score == pytest.approx(0.75)
    assert "below promote 1.000" in result.stages[1].message
    assert result.exit_code == 0
    assert (tmp_path / "curated" / "orders.parquet").exists()


def test_row_level_quarantines_rows_and_promotes_the_rest(tmp_path: Path, settings: RunSettings) -> None:
    job = make_job(tmp_path, BAD)
    (tmp_path / "rules" / "refined.dqdl").write_text('Rules = [ ColumnValues "amount" >= 0 ]\n')
    text = job.read_text().replace("    warn: 0.75\n", "    row_level: true\n")
    job.write_text(text)
    result = run(job, settings)
    assert outcomes(result) == {"raw": "promoted", "refined": "warned", "curated": "promoted"}
    assert result.stages[1].rejected == 1
    curated = pd.read_parquet(tmp_path / "curated" / "orders.parquet")
    assert curated["order_id"].tolist() == [3, 2, 1]


def test_a_failed_stage_skips_its_downstream_and_says_why(tmp_path: Path, settings: RunSettings) -> None:
    job = make_job(tmp_path, GOOD)
    (tmp_path / "landing" / "orders.csv").write_text("order_id,countri,status,amount\n1,pt,paid,1\n")
    result = run(job, settings)
    assert outcomes(result) == {"raw": "failed", "refined": "skipped", "curated": "skipped"}
    assert "column 'country' does not exist" in result.stages[0].message
    assert "did you mean 'countri'" in result.stages[0].message
    assert result.exit_code == 2


# --- job files ------------------------------------------------------------------------------


def test_job_files_are_checked_with_the_stage_and_field_named(tmp_path: Path) -> None:
    job = make_job(tmp_path, GOOD)
    cases = {
        "    warn: 0.75\n": ("    warn: 1.5\n", "stage 3 ('refined'), field 'warn'"),
        "    needs: [refined]\n": ("    needs: [refind]\n", "did you mean 'refined'?"),
        "    promote: 1.0\n": ("    promot: 1.0\n", "did you mean 'promote'?"),
    }
    for old, (new, message) in cases.items():
        job.write_text(JOB.replace(old, new))
        with pytest.raises(PipelineError, match=re.escape(message)):
            load_job(job)


def test_cycles_shared_outputs_and_missing_recipes_fail_before_any_data_is_read(tmp_path: Path) -> None:
    job = make_job(tmp_path, GOOD)
    job.write_text(JOB.replace("    input: landing/orders.csv\n", "    input: curated/orders.parquet\n"))
    with pytest.raises(PipelineError, match="wait for each other"):
        plan(load_job(job), tmp_path)
    job.write_text(JOB.replace("output: curated/orders.parquet", "output: raw/orders.parquet"))
    with pytest.raises(PipelineError, match="both write"):
        plan(load_job(job), tmp_path)
    job.write_text(JOB)
    (tmp_path / "recipes" / "curate.json").unlink()
    with pytest.raises(PipelineError, match="stage 'curated'"):
        run(job, RunSettings())
    assert not (tmp_path / "raw").exists()


def test_the_json_schema_is_current_and_accepts_the_example() -> None:
    import yaml

    written = json.loads((ROOT / "docs" / "pipeline.schema.json").read_text())
    assert written == job_schema()
    jsonschema.validate(yaml.safe_load(JOB), written)


def test_the_cli_prints_a_summary_and_json_and_exits_3_when_held(tmp_path: Path) -> None:
    job = make_job(tmp_path, BAD)
    (tmp_path / "rules" / "refined.dqdl").write_text('Rules = [ ColumnValues "amount" >= 0 ]\n')
    env = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "pipeline", "run", str(job), "--json", "-"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    report = json.loads(done.stdout)
    assert [(s["name"], s["outcome"]) for s in report["stages"]] == [
        ("raw", "promoted"), ("refined", "held"), ("curated", "skipped"),
    ]  # fmt: skip
    assert report["outcome"] == "held"
    assert "held back: 3 stages" in done.stderr
    assert "workbench pipeline run JOB --resume" in done.stderr
    status = subprocess.run(
        [sys.executable, "-m", "workbench", "pipeline", "status", str(job), "--json"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300,
    )  # fmt: skip
    assert status.returncode == 0, status.stderr
    rows = json.loads(status.stdout)["stages"]
    assert [(r["name"], r["after"], r["outcome"]) for r in rows] == [
        ("raw", [], "promoted"), ("refined", ["raw"], "held"), ("curated", ["refined"], "skipped"),
    ]  # fmt: skip
    bad = subprocess.run(
        [sys.executable, "-m", "workbench", "pipeline", "run", str(tmp_path / "nope.yml")],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "does not exist" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_stage_takes_its_recipe_from_the_library_by_reference(tmp_path: Path) -> None:
    import workbench as wb
    from workbench.recipe.model import Recipe

    job = make_job(tmp_path, GOOD)
    library = wb.library(tmp_path / "lib")
    refine = Recipe.load(tmp_path / "recipes" / "refine.json")
    assert library.publish(refine, name="orders-refine", message="first").version == "1.0"
    text = JOB.replace("recipe: recipes/refine.json", "recipe: orders-refine@1.0")
    job.write_text(f"library: {tmp_path / 'lib'}\n" + text)
    result = run(job, RunSettings())
    assert outcomes(result) == {"raw": "promoted", "refined": "warned", "curated": "promoted"}
    events = (tmp_path / ".workbench" / "lineage" / "events.jsonl").read_text()
    assert '"orders-refine"' in events
    job.write_text(text)
    refused = re.escape("stage 'refined': 'orders-refine@1.0' is a library ref")
    with pytest.raises(PipelineError, match=refused):
        run(job, RunSettings())


def test_every_stage_is_in_the_run_history(tmp_path: Path) -> None:
    import workbench as wb

    job = make_job(tmp_path, GOOD)
    run(job, RunSettings())
    runs = wb.history()
    outputs = " ".join(str(v) for v in runs.to_dict("records"))
    for name in ("raw/orders.parquet", "refined/orders.parquet", "curated/orders.parquet"):
        assert name in outputs
