"""Every file format on every engine: what one engine writes, both engines read back the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_engine
from tests.helpers import assert_same_records, example_schema
from workbench.core.errors import DataIOError
from workbench.io.formats import CsvOptions
from workbench.io.pandas_io import read_pandas
from workbench.io.writers import write_pandas

COLUMNS = {
    "id": [1, 2, 3],
    "name": ["ada", None, 'zoë, "q"'],
    "score": [1.5, None, -2.25],
    "ok": [True, False, None],
    "day": [dt.date(2024, 2, 29), None, dt.date(1999, 12, 31)],
    "at": [dt.datetime(2024, 1, 5, 13, 7, 9), None, dt.datetime(1970, 1, 1)],
}


def read_with(engine_name: str, session: Any, path: Path) -> dict[str, list]:
    engine = make_engine(engine_name, session)
    if engine_name == "pandas":
        return engine.to_records(read_pandas(path))
    from workbench.io.spark_io import read_spark

    return engine.to_records(read_spark(session, path))


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_written_by_pandas_read_by_every_engine(
    engine_name: str, session_for: Any, tmp_path: Path, suffix: str
) -> None:
    pandas_engine = make_engine("pandas", None)
    frame = pandas_engine.from_records(COLUMNS, example_schema(COLUMNS, None))
    path = tmp_path / f"data{suffix}"
    write_pandas(frame, path)
    got = read_with(engine_name, session_for, path)
    want = read_with("pandas", None, path)
    assert_same_records(got, want, ordered=True)
    assert got["id"] == [1, 2, 3]
    assert got["name"][2] == 'zoë, "q"'
    if suffix != ".jsonl":  # JSON has no date type: dates come back as text there
        assert got["day"][0] == dt.date(2024, 2, 29)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_written_by_spark_read_by_pandas(spark_session: Any, tmp_path: Path, suffix: str) -> None:
    from workbench.io.writers import write_spark

    engine = make_engine("spark", spark_session)
    frame = engine.from_records(COLUMNS, example_schema(COLUMNS, None))
    path = tmp_path / f"out{suffix}"
    write_spark(frame, path)
    assert path.is_dir()
    got = read_with("pandas", None, path)
    assert sorted(got["id"]) == [1, 2, 3]
    assert sorted(v for v in got["score"] if v is not None) == [-2.25, 1.5]
    assert 'zoë, "q"' in got["name"]


def test_repeated_header_names_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("a,b,a\n1,2,3\n")
    with pytest.raises(DataIOError, match="repeats the column names"):
        read_pandas(path, CsvOptions())


def test_read_options_on_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from workbench.cli.main import cli

    data = tmp_path / "late.csv"
    data.write_text("id\n" + "1\n" * 12_000 + "twelve\n")
    recipe = tmp_path / "r.json"
    recipe.write_text("[]")
    runner = CliRunner()
    widened = runner.invoke(cli, ["validate", str(recipe), "--input", str(data)])
    assert widened.exit_code == 0, widened.output
    failed = runner.invoke(cli, ["validate", str(recipe), "--input", str(data), "--on-type-mismatch", "fail"])
    assert failed.exit_code == 1
    assert "row 12001, column 'id': value 'twelve' is not integer" in failed.output
    assert "Traceback" not in failed.output
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name\ncafé\n".encode("latin-1"))
    refused = runner.invoke(cli, ["profile", str(latin)])
    assert refused.exit_code == 1
    assert "not valid utf-8 at line 2, column 'name'" in refused.output
    assert runner.invoke(cli, ["profile", str(latin), "--encoding", "latin-1"]).exit_code == 0


def test_read_options_are_checked() -> None:
    from workbench.core.errors import RecipeError

    with pytest.raises(RecipeError, match="on_type_mismatch must be one of"):
        CsvOptions(on_type_mismatch="guess")
    with pytest.raises(RecipeError, match="one character"):
        CsvOptions(delimiter=";;")
