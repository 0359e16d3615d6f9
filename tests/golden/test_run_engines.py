"""`workbench run` end to end on every engine: the bundled recipe over the bundled data.

The pandas output is the reference; local Spark and Spark Connect (through --spark-remote)
must write the same rows in the same order.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tests.helpers import assert_same_records

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "recipes" / "sales-clean.json"
DATA = ROOT / "data" / "sales.csv"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args], capture_output=True, text=True, timeout=600
    )


def records(path: Path) -> dict[str, list]:
    from workbench.engines.pandas import PandasEngine

    return PandasEngine().to_records(
        pq.read_table(path).to_pandas(types_mapper=__import__("pandas").ArrowDtype)
    )


@pytest.fixture(scope="module")
def pandas_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pandas") / "sales.parquet"
    result = run_cli("run", str(RECIPE), "--input", str(DATA), "--output", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_run_matches_pandas(
    engine_name: str, request: pytest.FixtureRequest, pandas_output: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sales.parquet"
    engine_args: list[str] = []
    if engine_name == "spark":
        engine_args = ["--engine", "spark"]
    elif engine_name == "connect":
        server: Any = request.getfixturevalue("connect_server")
        engine_args = ["--spark-remote", server.url]
    result = run_cli("run", str(RECIPE), "--input", str(DATA), "--output", str(out), *engine_args)
    assert result.returncode == 0, result.stderr
    assert "19 steps" in result.stderr
    assert "5,000 rows in" in result.stderr
    got, want = records(out), records(pandas_output)
    assert len(want["order_id"]) > 3500
    assert_same_records(got, want, ordered=True)


def test_failed_run_leaves_existing_output_untouched(
    engine_name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """A run that fails mid-way (here: ONE_HOT_ENCODING over too many values) writes nothing."""
    recipe = tmp_path / "bad.json"
    recipe.write_text(
        '[{"Action": {"Operation": "ONE_HOT_ENCODING", "Parameters": {"sourceColumn": "order_id"}}}]'
    )
    out = tmp_path / "out.parquet"
    out.mkdir()
    (out / "keep.txt").write_text("previous output")
    engine_args = {"pandas": [], "spark": ["--engine", "spark"]}.get(engine_name)
    if engine_args is None:
        engine_args = ["--spark-remote", request.getfixturevalue("connect_server").url]
    result = run_cli(
        "run", str(recipe), "--input", str(DATA), "--output", str(out), "--overwrite", *engine_args
    )
    assert result.returncode == 1, result.stderr
    assert "ONE_HOT_ENCODING" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


REAL = ROOT.parent / "shared" / "reference" / "databrew-real"


@pytest.mark.parametrize(
    ("recipe", "data", "extra"),
    [
        ("clean-customer-recipe.json", "customers.csv", []),
        ("heart-disease-recipe.json", "heart-disease.csv", ["--no-header"]),
    ],
)
def test_databrew_console_export_runs_from_the_cli(
    engine_name: str, request: pytest.FixtureRequest, tmp_path: Path, recipe: str, data: str, extra: list[str]
) -> None:
    """A DataBrew console export (bare array, every value a string) replays as it is."""
    reference = tmp_path / "pandas.parquet"
    args = ["run", str(REAL / recipe), "--input", str(REAL / data), *extra]
    first = run_cli(*args, "--output", str(reference))
    assert first.returncode == 0, first.stderr
    if engine_name == "pandas":
        assert len(records(reference)) > 5
        return
    out = tmp_path / "engine.parquet"
    engine_args = (
        ["--engine", "spark"]
        if engine_name == "spark"
        else ["--spark-remote", request.getfixturevalue("connect_server").url]
    )
    result = run_cli(*args, "--output", str(out), *engine_args)
    assert result.returncode == 0, result.stderr
    assert_same_records(records(out), records(reference), ordered=True)
