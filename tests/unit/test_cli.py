"""The command line contract: exit codes, clear errors without tracebacks, nothing half-written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]


def workbench(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=300,
    )


@pytest.fixture
def people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text("name,city,age\nada,london,36\ngrace,new york,\nalan,,41\n")
    return path


def write_recipe(tmp_path: Path, steps: list) -> Path:
    path = tmp_path / "recipe.json"
    path.write_text(json.dumps(steps))
    return path


def test_run_writes_output_and_summary(tmp_path: Path, people: Path) -> None:
    recipe = write_recipe(
        tmp_path,
        [
            {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}},
            {
                "Action": {"Operation": "REMOVE_VALUES", "Parameters": {"sourceColumn": "city"}},
                "ConditionExpressions": [{"Condition": "IS_MISSING", "TargetColumn": "city"}],
            },
        ],
    )
    out = tmp_path / "out.parquet"
    result = workbench("run", str(recipe), "--input", str(people), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "3 rows in, 2 rows out" in result.stderr
    assert "step 1/2: UPPER_CASE" in result.stderr
    table = pq.read_table(out)
    assert table.column("city").to_pylist() == ["LONDON", "NEW YORK"]
    assert table.column("age").to_pylist() == [36, None]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            [{"Action": {"Operation": "UPPER_CAS", "Parameters": {"sourceColumn": "city"}}}],
            "did you mean 'UPPER_CASE'",
        ),
        (
            [{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "cty"}}}],
            "column 'cty' does not exist at this step (did you mean 'city'?)",
        ),
        (
            [{"Action": {"Operation": "RENAME", "Parameters": {"sourceColumn": "city"}}}],
            "parameter 'targetColumn': required parameter is missing",
        ),
        (
            [
                {
                    "Action": {
                        "Operation": "RENAME",
                        "Parameters": {"sourceColumn": "city", "targetColumn": "t", "x": "1"},
                    }
                }
            ],
            "unknown parameter 'x'",
        ),
        (
            [
                {
                    "Action": {
                        "Operation": "MOVE_TO_INDEX",
                        "Parameters": {"sourceColumn": "city", "targetIndex": "x"},
                    }
                }
            ],
            "parameter 'targetIndex'",
        ),
        (
            [{"Action": {"Operation": "SORT", "Parameters": {"expressions": '[{"sourceColumn": "nme"}]'}}}],
            "did you mean 'name'",
        ),
    ],
)
def test_bad_recipe_exits_2_with_clear_error_and_no_output(
    tmp_path: Path, people: Path, steps: list, message: str
) -> None:
    recipe = write_recipe(tmp_path, steps)
    out = tmp_path / "out.csv"
    result = workbench("run", str(recipe), "--input", str(people), "--output", str(out))
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "step 1" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")], "no staging left behind"


def test_existing_output_is_kept_without_overwrite(tmp_path: Path, people: Path) -> None:
    recipe = write_recipe(
        tmp_path, [{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}}]
    )
    out = tmp_path / "out.csv"
    out.write_text("precious\n")
    result = workbench("run", str(recipe), "--input", str(people), "--output", str(out))
    assert result.returncode == 2
    assert "--overwrite" in result.stderr
    assert out.read_text() == "precious\n"
    result = workbench("run", str(recipe), "--input", str(people), "--output", str(out), "--overwrite")
    assert result.returncode == 0, result.stderr
    assert "LONDON" in out.read_text()


def test_missing_input_is_a_runtime_error(tmp_path: Path) -> None:
    recipe = write_recipe(
        tmp_path, [{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "c"}}}]
    )
    result = workbench(
        "run", str(recipe), "--input", str(tmp_path / "nope.csv"), "--output", str(tmp_path / "o.csv")
    )
    assert result.returncode == 1
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = workbench("run", "r.json")
    assert result.returncode == 2
    assert "--input" in result.stderr


def test_validate_against_input(tmp_path: Path, people: Path) -> None:
    recipe = write_recipe(
        tmp_path,
        [
            {
                "Action": {
                    "Operation": "RENAME",
                    "Parameters": {"sourceColumn": "city", "targetColumn": "town"},
                }
            },
            {"Action": {"Operation": "LOWER_CASE", "Parameters": {"sourceColumn": "city"}}},
        ],
    )
    assert workbench("validate", str(recipe)).returncode == 0
    result = workbench("validate", str(recipe), "--input", str(people))
    assert result.returncode == 2
    assert "renamed to 'town' by step 1" in result.stderr


def test_transforms_json_lists_the_catalogue() -> None:
    result = workbench("transforms", "--json")
    assert result.returncode == 0
    entries = json.loads(result.stdout)
    names = {e["operation"] for e in entries}
    assert {"UPPER_CASE", "REMOVE_VALUES", "SORT"} <= names
    entry = next(e for e in entries if e["operation"] == "RENAME")
    assert entry["parameters"]["properties"]["targetColumn"]["x-wb-kind"] == "new_column"
    assert entry["engines"] == {
        "pandas": {"supported": True, "reason": None},
        "spark": {"supported": True, "reason": None},
    }


def test_import_export_databrew(tmp_path: Path) -> None:
    source = write_recipe(
        tmp_path,
        [
            {"Action": {"Operation": "DELETE", "Parameters": {"sourceColumns": '["a"]'}}},
            {
                "Action": {
                    "Operation": "MOVE_TO_INDEX",
                    "Parameters": {"sourceColumn": "b", "targetIndex": "2"},
                }
            },
        ],
    )
    native = tmp_path / "native.json"
    assert workbench("recipe", "import-databrew", str(source), "-o", str(native)).returncode == 0
    data = json.loads(native.read_text())
    assert data["steps"][1]["Action"]["Parameters"]["targetIndex"] == 2
    back = tmp_path / "back.json"
    assert workbench("recipe", "export-databrew", str(native), "-o", str(back)).returncode == 0
    assert json.loads(back.read_text()) == json.loads(source.read_text())


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    recipe = write_recipe(tmp_path, [{"Action": {"Operation": "NOPE"}}])
    result = workbench("--debug", "validate", str(recipe))
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_clean_needs_a_path_and_reports_nothing_to_do(tmp_path: Path) -> None:
    missing = workbench("clean")
    assert missing.returncode == 2
    (tmp_path / "out.csv").write_text("a\n1\n")
    (tmp_path / ".out.csv.notes").write_text("not staging")
    result = workbench("clean", str(tmp_path / "out.csv"), str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "0 stale staging entries, freed 0 bytes" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.csv.notes", "out.csv"]
