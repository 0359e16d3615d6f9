"""Quality gates in ``workbench run``: publish, hold back, split by row; nothing is lost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pytest

from tests.unit.test_cli import workbench

PEOPLE = "name,age\nada,36\nbob,\ncy,200\ndee,41\n"
RECIPE = [{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "name"}}}]
ROW_RULES = 'Rules = [ IsComplete "age", ColumnValues "age" <= 150 ]'


@pytest.fixture
def job(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "in.csv").write_text(PEOPLE)
    (tmp_path / "recipe.json").write_text(json.dumps(RECIPE))
    return {"dir": tmp_path, "in": tmp_path / "in.csv", "recipe": tmp_path / "recipe.json"}


def run(job: dict[str, Path], rules: str, *extra: str, output: str = "out.csv") -> Any:
    ruleset = job["dir"] / "rules.dqdl"
    ruleset.write_text(rules)
    args = ["run", str(job["recipe"]), "--input", str(job["in"]), "--output", str(job["dir"] / output)]
    return workbench(*args, "--ruleset", str(ruleset), *extra)


def names(path: Path) -> list[str]:
    """The name column of a CSV output (a file on pandas, a folder of parts on Spark)."""
    from workbench.io.pandas_io import read_pandas

    return [str(v) for v in read_pandas(path)["name"].tolist()]


def test_a_passing_output_is_published(job: dict[str, Path]) -> None:
    done = run(job, 'Rules = [ RowCount = 4, ColumnExists "age" ]')
    assert done.returncode == 0, done.stderr
    assert names(job["dir"] / "out.csv") == ["ADA", "BOB", "CY", "DEE"]
    assert not (job["dir"] / "out.csv.quarantine").exists()


def test_a_failing_output_is_held_back_whole(job: dict[str, Path]) -> None:
    done = run(job, ROW_RULES)
    assert done.returncode == 3
    assert "quality gate failed (score 0.000, minimum 1.000" in done.stderr
    assert not (job["dir"] / "out.csv").exists()
    held = job["dir"] / "out.csv.quarantine"
    assert names(held / "out.csv") == ["ADA", "BOB", "CY", "DEE"]
    report = json.loads((held / "out.quality.json").read_text())
    assert report["score"] == 0.0
    assert [r["outcome"] for r in report["rules"]] == ["Failed", "Failed"]


def test_min_score_lets_some_rules_fail(job: dict[str, Path]) -> None:
    done = run(job, 'Rules = [ RowCount = 4, IsComplete "age" ]', "--min-score", "0.5")
    assert done.returncode == 0, done.stderr
    assert names(job["dir"] / "out.csv") == ["ADA", "BOB", "CY", "DEE"]


def test_row_level_splits_rows_and_keeps_every_row(job: dict[str, Path]) -> None:
    held = job["dir"] / "held"
    done = run(job, ROW_RULES, "--row-level", "--quarantine", str(held))
    assert done.returncode == 3
    assert "2 rows failed row-level rules" in done.stderr
    assert names(job["dir"] / "out.csv") == ["ADA", "DEE"]
    assert pacsv.read_csv(job["dir"] / "out.csv").column_names == ["name", "age"]
    failed = pacsv.read_csv(held / "out.csv").to_pylist()
    assert [r["name"] for r in failed] == ["BOB", "CY"]
    assert json.loads(failed[0]["DataQualityRulesFail"]) == ['IsComplete "age"', 'ColumnValues "age" <= 150']
    assert json.loads(failed[1]["DataQualityRulesFail"]) == ['ColumnValues "age" <= 150']
    assert (held / "out.quality.json").exists()


def test_row_level_with_nothing_failing_publishes_everything(job: dict[str, Path]) -> None:
    done = run(job, 'Rules = [ ColumnLength "name" <= 10 ]', "--row-level")
    assert done.returncode == 0, done.stderr
    assert names(job["dir"] / "out.csv") == ["ADA", "BOB", "CY", "DEE"]


def test_a_failing_dataset_rule_holds_back_everything_even_row_level(job: dict[str, Path]) -> None:
    done = run(job, 'Rules = [ RowCount > 100, ColumnValues "age" <= 150 ]', "--row-level")
    assert done.returncode == 3
    assert "failed: RowCount > 100" in done.stderr
    assert not (job["dir"] / "out.csv").exists()
    assert names(job["dir"] / "out.csv.quarantine" / "out.csv") == ["ADA", "BOB", "CY", "DEE"]


def test_an_invalid_ruleset_stops_the_run_before_anything_is_written(job: dict[str, Path]) -> None:
    done = run(job, "Rules = [ RowCount >> 3 ]")
    assert done.returncode == 2
    assert "line 1, column" in done.stderr
    assert sorted(p.name for p in job["dir"].iterdir()) == ["in.csv", "recipe.json", "rules.dqdl"]


def test_an_existing_quarantine_file_is_never_overwritten(job: dict[str, Path]) -> None:
    held = job["dir"] / "out.csv.quarantine"
    held.mkdir()
    (held / "out.csv").write_text("kept")
    done = run(job, ROW_RULES)
    assert done.returncode == 2
    assert (held / "out.csv").read_text() == "kept"
    assert not (job["dir"] / "out.csv").exists()


def test_row_level_gate_on_spark(job: dict[str, Path], spark_session: Any) -> None:
    from rich.console import Console

    from workbench.cli.gate import QualityGate, QualityGateError
    from workbench.cli.jobs import run_job
    from workbench.quality import parse_ruleset
    from workbench.recipe.model import Recipe

    out, held = job["dir"] / "spark-out.csv", job["dir"] / "spark-held"
    gate = QualityGate(parse_ruleset(ROW_RULES), held, row_level=True)
    with pytest.raises(QualityGateError, match="2 rows failed"):
        run_job(Recipe.from_data(RECIPE), job["in"], out, engine="spark", console=Console(), gate=gate)
    assert sorted(names(out)) == ["ADA", "DEE"]
    assert sorted(names(held / "spark-out.csv")) == ["BOB", "CY"]
