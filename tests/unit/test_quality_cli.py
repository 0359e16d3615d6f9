"""``workbench quality``: exit codes, the JSON results and the row-level output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from workbench.cli.main import _csv_options, _guard, _stderr
from workbench.cli.quality_cmd import register

DATA = "id,qty,region\n1,4,EU\n2,7,EU\n3,,US\n4,12,\n"
REF = "key\n1\n2\n3\n"


@pytest.fixture
def cli() -> click.Group:
    @click.group()
    @click.option("--debug", is_flag=True)
    def group(debug: bool) -> None:
        pass

    register(group, _guard, _csv_options, _stderr)
    return group


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    data = tmp_path / "orders.csv"
    data.write_text(DATA)
    ref = tmp_path / "ref.csv"
    ref.write_text(REF)
    return {"data": data, "ref": ref, "dir": tmp_path}


def _rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.dqdl"
    path.write_text(text)
    return path


def _run(cli: click.Group, *args: Any) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_all_rules_pass_exit_0_and_json(cli: click.Group, files: dict[str, Path]) -> None:
    rules = _rules(
        files["dir"], 'Rules = [ RowCount = 4, IsUnique "id", ReferentialIntegrity "id" "ref.{key}" >= 0.75 ]'
    )
    out = files["dir"] / "result.json"
    result = _run(
        cli, "quality", files["data"], "--ruleset", rules, "--dataset", f"ref={files['ref']}", "--json", out
    )
    assert result.exit_code == 0, result.output
    assert "RowCount = 4" in result.output
    assert "Passed" in result.output
    d = json.loads(out.read_text())
    assert d["score"] == 1.0
    assert [r["outcome"] for r in d["rules"]] == ["Passed"] * 3
    assert d["rules"][0] == {
        "rule": "RowCount = 4",
        "outcome": "Passed",
        "reason": None,
        "metrics": {"Dataset.*.RowCount": 4},
    }


def test_a_failing_rule_exits_1(cli: click.Group, files: dict[str, Path]) -> None:
    rules = _rules(files["dir"], 'Rules = [ RowCount = 4, IsComplete "qty" ]')
    result = _run(cli, "quality", files["data"], "--ruleset", rules)
    assert result.exit_code == 1
    assert "Failed" in result.output
    assert "50.0%" in result.output


def test_an_error_rule_exits_1(cli: click.Group, files: dict[str, Path]) -> None:
    rules = _rules(files["dir"], 'Rules = [ FileSize "s3://b/" > 5 MB ]')
    result = _run(cli, "quality", files["data"], "--ruleset", rules)
    assert result.exit_code == 1
    assert "not supported yet" in result.output


def test_an_invalid_ruleset_exits_2_with_line_and_column(cli: click.Group, files: dict[str, Path]) -> None:
    rules = _rules(files["dir"], 'Rules = [\n    RowCount = 4\n    IsComplete "qty"\n]')
    result = CliRunner().invoke(cli, ["quality", str(files["data"]), "--ruleset", str(rules)])
    assert result.exit_code == 2
    assert "line 3, column 5" in result.output
    assert "Traceback" not in result.output


def test_unsafe_sql_exits_2(cli: click.Group, files: dict[str, Path]) -> None:
    rules = _rules(files["dir"], "Rules = [ CustomSql \"select count(*) from read_csv('/etc/passwd')\" = 0 ]")
    result = CliRunner().invoke(cli, ["quality", str(files["data"]), "--ruleset", str(rules)])
    assert result.exit_code == 2
    assert "read-only" in result.output or "file reader" in result.output


def test_an_unbound_dataset_exits_2(cli: click.Group, files: dict[str, Path]) -> None:
    rules = _rules(files["dir"], 'Rules = [ RowCountMatch "ref" = 1 ]')
    result = CliRunner().invoke(cli, ["quality", str(files["data"]), "--ruleset", str(rules)])
    assert result.exit_code == 2
    assert "'ref'" in result.output
    assert "not bound" in result.output


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_rows_output(cli: click.Group, files: dict[str, Path], suffix: str) -> None:
    rules = _rules(files["dir"], 'Rules = [ ColumnValues "qty" > 5, RowCount = 4 ]')
    out = files["dir"] / f"rows{suffix}"
    result = _run(cli, "quality", files["data"], "--ruleset", rules, "--rows", out)
    assert result.exit_code == 1
    if suffix == ".csv":
        frame = pd.read_csv(out)
        assert [json.loads(v) for v in frame["DataQualityRulesFail"]] == [
            ['ColumnValues "qty" > 5'],
            [],
            ['ColumnValues "qty" > 5'],
            [],
        ]
        assert [json.loads(v) for v in frame["DataQualityRulesSkip"]] == [["RowCount = 4"]] * 4
    elif suffix == ".parquet":
        frame = pd.read_parquet(out)
        assert [list(v) for v in frame["DataQualityRulesPass"]] == [
            [],
            ['ColumnValues "qty" > 5'],
            [],
            ['ColumnValues "qty" > 5'],
        ]
    else:
        frame = pd.read_json(out, lines=True)
    assert list(frame["DataQualityEvaluationResult"]) == ["Failed", "Passed", "Failed", "Passed"]
    assert list(frame["id"]) == [1, 2, 3, 4]


def test_existing_outputs_need_overwrite(cli: click.Group, files: dict[str, Path]) -> None:
    rules = _rules(files["dir"], "Rules = [ RowCount = 4 ]")
    out = files["dir"] / "result.json"
    out.write_text("{}")
    result = CliRunner().invoke(
        cli, ["quality", str(files["data"]), "--ruleset", str(rules), "--json", str(out)]
    )
    assert result.exit_code == 2
    assert out.read_text() == "{}"
    result = _run(cli, "quality", files["data"], "--ruleset", rules, "--json", out, "--overwrite")
    assert result.exit_code == 0
    assert json.loads(out.read_text())["score"] == 1.0


@pytest.mark.usefixtures("spark_session")
def test_spark_engine(cli: click.Group, files: dict[str, Path]) -> None:
    rules = _rules(
        files["dir"], 'Rules = [ RowCount = 4, Completeness "qty" = 0.75, ColumnValues "qty" > 5 ]'
    )
    out = files["dir"] / "result.json"
    rows = files["dir"] / "rows.csv"
    result = _run(
        cli, "quality", files["data"], "--ruleset", rules, "--engine", "spark", "--json", out, "--rows", rows
    )
    assert result.exit_code == 1, result.output
    assert [r["outcome"] for r in json.loads(out.read_text())["rules"]] == ["Passed", "Passed", "Failed"]
    assert rows.is_dir()


def test_outputs_that_overlap_an_input_are_refused_before_evaluating(
    cli: click.Group, files: dict[str, Path]
) -> None:
    folder = files["dir"] / "orders"
    folder.mkdir()
    (folder / "part-1.csv").write_text(DATA)
    rules = _rules(files["dir"], "Rules = [ RowCount = 4 ]")
    rows = folder / "rows.parquet"
    result = _run(cli, "quality", folder, "--ruleset", rules, "--rows", rows)
    assert result.exit_code == 2, result.output
    assert "inside the input folder" in result.output
    assert not rows.exists()
    result = _run(cli, "quality", files["data"], "--ruleset", rules, "--json", rules, "--overwrite")
    assert result.exit_code == 2, result.output
    assert "is the input" in result.output
    assert rules.read_text() == "Rules = [ RowCount = 4 ]"
