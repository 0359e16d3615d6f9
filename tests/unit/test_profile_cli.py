"""``workbench profile``: the table, the JSON file, errors with exit codes, both engines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import workbench as wb
from tests.unit.test_cli import workbench
from workbench.io.pandas_io import read_pandas


@pytest.fixture
def orders(tmp_path: Path) -> Path:
    path = tmp_path / "orders.csv"
    lines = ["id,city,amount,contact"]
    lines += [f"{i},{['oslo', 'rome', ''][i % 3]},{i * 1.5},buyer{i}@mail.example.org" for i in range(30)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_profile_prints_a_table_and_writes_the_profile_json(orders: Path, tmp_path: Path) -> None:
    out = tmp_path / "orders.profile.json"
    done = workbench("profile", str(orders), "--json", str(out))
    assert done.returncode == 0, done.stderr
    assert "30 rows x 4 columns on pandas" in done.stdout
    assert "PII: EMAIL" in done.stdout
    written = json.loads(out.read_text())
    assert written == wb.profile(read_pandas(orders)).to_dict()
    assert "buyer1@mail.example.org" not in out.read_text()


def test_profile_of_chosen_columns_and_a_sample(orders: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    done = workbench("profile", str(orders), "--columns", "city,amount", "--sample", "10", "--json", str(out))
    assert done.returncode == 0, done.stderr
    written = json.loads(out.read_text())
    assert list(written["columns"]) == ["city", "amount"]
    assert (written["dataset"]["rows"], written["dataset"]["sample"]) == (10, 10)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--columns", "amont"], "did you mean 'amount'"),
        (["--json", "{existing}"], "exists"),
    ],
)
def test_profile_errors_are_one_clear_line(
    orders: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    existing = tmp_path / "old.json"
    existing.write_text("{}")
    done = workbench("profile", str(orders), *[a.format(existing=existing) for a in args])
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert existing.read_text() == "{}"


def test_profile_of_a_missing_file(tmp_path: Path) -> None:
    done = workbench("profile", str(tmp_path / "nope.csv"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr


def test_profile_on_spark_matches_pandas(orders: Path, tmp_path: Path, spark_session: Any) -> None:
    from rich.console import Console

    from workbench.cli.profile_cmd import profile_command
    from workbench.io.formats import CsvOptions

    out = tmp_path / "spark.json"
    options = dict(spark_remote=None, html_path=None, columns=None, sample=None, show_pii=False, exact=True)
    profile_command(
        orders, engine="spark", json_path=out, csv=CsvOptions(), overwrite=False, console=Console(), **options
    )
    on_spark = json.loads(out.read_text())
    on_pandas = wb.profile(read_pandas(orders)).to_dict()
    on_spark["dataset"]["engine"] = "pandas"
    assert on_spark == on_pandas


def test_profile_output_over_its_input_is_refused(orders: Path) -> None:
    before = orders.read_text()
    done = workbench("profile", str(orders), "--json", str(orders), "--overwrite")
    assert done.returncode == 2, done.stderr
    assert "is the input" in done.stderr
    assert orders.read_text() == before
