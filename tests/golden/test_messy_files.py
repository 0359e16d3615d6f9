"""Messy input files read on pandas and on Spark: the same rows and columns, or the same clear error.

Every file is generated here. Each case reads the file on pandas and on a Spark engine (classic,
or Spark Connect with ``--engines=connect``) and compares the two outcomes; a value is never
turned into null by either reader.
"""

from __future__ import annotations

import codecs
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import make_engine
from tests.helpers import assert_same_records
from workbench.core.errors import DataIOError
from workbench.io.formats import CsvOptions
from workbench.io.pandas_io import read_pandas

Outcome = tuple[str, Any]


def read_on(engine_name: str, session: Any, path: Path, options: CsvOptions | None) -> Outcome:
    """("rows", records) or ("error", message) for one engine."""
    try:
        if engine_name == "pandas":
            frame = read_pandas(path, options)
        else:
            from workbench.io.spark_io import read_spark

            frame = read_spark(session, path, options)
        return "rows", make_engine(engine_name, session).to_records(frame)
    except DataIOError as exc:
        return "error", str(exc)


def both(spark_engine_name: str, session: Any, path: Path, options: CsvOptions | None = None) -> Outcome:
    """The outcome on pandas, after checking that Spark gives the same one."""
    on_pandas = read_on("pandas", None, path, options)
    on_spark = read_on(spark_engine_name, session, path, options)
    assert on_spark[0] == on_pandas[0], f"pandas: {on_pandas[1]!r}\nspark: {on_spark[1]!r}"
    if on_pandas[0] == "error":
        assert on_spark[1] == on_pandas[1]
    else:
        assert_same_records(on_spark[1], on_pandas[1], ordered=False)
    return on_pandas


def rows_of(outcome: Outcome) -> dict[str, list]:
    kind, value = outcome
    assert kind == "rows", value
    return value


def error_of(outcome: Outcome) -> str:
    kind, value = outcome
    assert kind == "error", f"read without an error: {value}"
    return str(value)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The large files, written once: a ragged row at row 500,001, bad UTF-8 after 40,000 rows."""
    folder = tmp_path_factory.mktemp("big")
    ragged = folder / "ragged.csv"
    body = b"".join(b"%d,v%d\n" % (i, i) for i in range(500_000))
    ragged.write_bytes(b"id,name\n" + body + b"500000,x,extra\n")
    utf8 = folder / "late-utf8.csv"
    utf8.write_bytes(b"id,name\n" + body[:600_000] + b"1,caf\xe9\n")
    return {"ragged": ragged, "utf8": utf8}


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


# --- types decided by all rows -------------------------------------------------------------

LATE = {
    "text in an integer column": ("1\n" * 12_000 + "twelve\n", "twelve"),
    "an impossible date": ("2024-01-01\n" * 12_000 + "2024-02-30\n", "2024-02-30"),
    "a 23-digit integer": ("7\n" * 12_000 + "12345678901234567890123\n", "12345678901234567890123"),
}


@pytest.mark.parametrize("case", list(LATE))
def test_a_late_value_widens_the_column_on_both_engines(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path, case: str
) -> None:
    body, late = LATE[case]
    path = write(tmp_path, "late.csv", "v\n" + body)
    values = rows_of(both(spark_engine_name, spark_session_for, path))["v"]
    assert len(values) == 12_001
    assert None not in values
    assert values[-1] == late or late in values


def test_a_late_value_fails_with_file_row_column_and_value(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, "late.csv", "id,v\n" + "1,a\n" * 12_000 + "twelve,b\n")
    message = error_of(both(spark_engine_name, spark_session_for, path, CsvOptions(on_type_mismatch="fail")))
    assert "late.csv" in message
    assert "row 12001" in message
    assert "column 'id'" in message
    assert "'twelve'" in message


def test_values_with_a_decimal_point_are_doubles(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, "d.csv", "chol\n130.0\n86.0\n250.0\n")
    frame = read_pandas(path)
    assert str(frame["chol"].dtype) == "double[pyarrow]"
    assert rows_of(both(spark_engine_name, spark_session_for, path))["chol"] == [130.0, 86.0, 250.0]


def test_nan_and_infinity_keep_a_column_numeric(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, "n.csv", "x,name\n1.5,a\nNaN,b\ninf,c\n-Infinity,d\n+INF,e\n2,f\n")
    values = rows_of(both(spark_engine_name, spark_session_for, path))["x"]
    assert str(read_pandas(path)["x"].dtype) == "double[pyarrow]"
    assert values[0] == 1.5
    assert math.isnan(values[1])
    assert values[2:5] == [math.inf, -math.inf, math.inf]


def test_a_column_of_only_nan_words_stays_text(tmp_path: Path) -> None:
    path = write(tmp_path, "n.csv", "name\nNan\nInf\n")
    assert read_pandas(path)["name"].tolist() == ["Nan", "Inf"]


# --- structure ------------------------------------------------------------------------------


def test_a_quoted_line_break_stays_in_its_value(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, "q.csv", 'id,note\n1,"first line\nsecond line"\n2,"a\r\nb"\n3,plain\n')
    rows = rows_of(both(spark_engine_name, spark_session_for, path))
    assert sorted(rows["id"]) == [1, 2, 3]
    assert "first line\nsecond line" in rows["note"]


def test_a_ragged_row_is_refused_naming_file_and_line(
    spark_engine_name: str, spark_session_for: Any, big: dict[str, Path]
) -> None:
    message = error_of(both(spark_engine_name, spark_session_for, big["ragged"]))
    assert "ragged.csv" in message
    assert "line 500002" in message
    assert "3 fields" in message
    assert "--delimiter" in message


def test_a_short_row_is_refused(spark_engine_name: str, spark_session_for: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", "a,b,c\n1,2,3\n4,5\n")
    assert "line 3" in error_of(both(spark_engine_name, spark_session_for, path))


def test_an_unterminated_quote_is_refused_naming_the_line_it_opens(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, "u.csv", 'id,note\n1,ok\n2,"never closed\n3,x\n4,y\n')
    message = error_of(both(spark_engine_name, spark_session_for, path))
    assert "u.csv" in message
    assert "line 3" in message
    assert "never closed" in message


def test_a_10_mb_field_reads(spark_engine_name: str, spark_session_for: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "long.csv", "id,blob\n1," + "x" * (10 << 20) + "\n2,short\n")
    rows = rows_of(both(spark_engine_name, spark_session_for, path))
    assert sorted(len(v) for v in rows["blob"]) == [5, 10 << 20]


def test_a_header_only_file_is_an_empty_table(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, "h.csv", "a,b,c")
    assert rows_of(both(spark_engine_name, spark_session_for, path)) == {"a": [], "b": [], "c": []}


def test_an_empty_file_is_refused(spark_engine_name: str, spark_session_for: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", b"")
    assert "is empty (0 bytes)" in error_of(both(spark_engine_name, spark_session_for, path))


def test_mixed_line_endings(spark_engine_name: str, spark_session_for: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", b"a,b\r\n1,x\r2,y\n3,z\r\n")
    assert rows_of(both(spark_engine_name, spark_session_for, path)) == {"a": [1, 2, 3], "b": ["x", "y", "z"]}


def test_a_very_wide_file(spark_engine_name: str, spark_session_for: Any, tmp_path: Path) -> None:
    # Text columns: the width is the point here, and 2,000 typed columns cost Spark's planner minutes.
    names = [f"c{i}" for i in range(2_000)]
    lines = [",".join(names)] + [",".join(f"r{r}v{i}" for i in range(2_000)) for r in range(3)]
    path = write(tmp_path, "wide.csv", "\n".join(lines) + "\n")
    rows = rows_of(both(spark_engine_name, spark_session_for, path))
    assert len(rows) == 2_000
    assert sorted(rows["c1999"]) == ["r0v1999", "r1v1999", "r2v1999"]


# --- names and encodings ---------------------------------------------------------------------


def test_odd_column_names(spark_engine_name: str, spark_session_for: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "odd.csv", "first name,a.b,`tick`,zoë 名前,x-y\n1,2,3,4,5\n")
    rows = rows_of(both(spark_engine_name, spark_session_for, path))
    assert list(rows) == ["first name", "a.b", "`tick`", "zoë 名前", "x-y"]


def test_duplicate_column_names_are_refused(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, "dup.csv", "a,b,a\n1,2,3\n")
    assert "repeats the column names ['a']" in error_of(both(spark_engine_name, spark_session_for, path))


BOMS: dict[str, Callable[[str], bytes]] = {
    "utf-8 bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "utf-16 le": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16 be": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
}


@pytest.mark.parametrize("bom", list(BOMS))
def test_a_byte_order_mark_decides_the_encoding(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path, bom: str
) -> None:
    path = write(tmp_path, "bom.csv", BOMS[bom]("name,n\nzoë,1\n名前,2\n"))
    assert rows_of(both(spark_engine_name, spark_session_for, path)) == {"name": ["zoë", "名前"], "n": [1, 2]}


def test_latin_1_with_the_encoding_option(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, "l.csv", "name\ncafé\nniño\n".encode("latin-1"))
    assert "not valid utf-8 at line 2" in error_of(both(spark_engine_name, spark_session_for, path))
    rows = rows_of(both(spark_engine_name, spark_session_for, path, CsvOptions(encoding="latin-1")))
    assert rows == {"name": ["café", "niño"]}


def test_invalid_utf8_after_40000_rows_fails_on_both_engines(
    spark_engine_name: str, spark_session_for: Any, big: dict[str, Path]
) -> None:
    message = error_of(both(spark_engine_name, spark_session_for, big["utf8"]))
    assert "late-utf8.csv" in message
    assert "not valid utf-8" in message
    assert "--encoding" in message


# --- directories ------------------------------------------------------------------------------


def test_directory_files_are_matched_by_column_name(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path
) -> None:
    write(tmp_path, "in/1.csv", "id,name\n1,ada\n")
    write(tmp_path, "in/2.csv", "name,id\nbob,2\n")
    rows = rows_of(both(spark_engine_name, spark_session_for, tmp_path / "in"))
    assert sorted(zip(rows["id"], rows["name"], strict=True)) == [(1, "ada"), (2, "bob")]


def test_a_later_file_with_text_ids_widens_the_column(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path
) -> None:
    write(tmp_path, "in/1.csv", "id\n1\n2\n")
    write(tmp_path, "in/2.csv", "id\nX-2\n")
    rows = rows_of(both(spark_engine_name, spark_session_for, tmp_path / "in"))
    assert sorted(rows["id"]) == ["1", "2", "X-2"]


def test_directory_files_with_different_headers(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path
) -> None:
    write(tmp_path, "in/1.csv", "id,name\n1,ada\n")
    write(tmp_path, "in/2.csv", "id,city\n2,oslo\n")
    write(tmp_path, "in/3.csv", b"")
    message = error_of(both(spark_engine_name, spark_session_for, tmp_path / "in"))
    assert "2.csv" in message
    assert "lacks ['name']" in message
    assert "has ['city']" in message
    assert "--union-by-name" in message
    rows = rows_of(
        both(spark_engine_name, spark_session_for, tmp_path / "in", CsvOptions(union_by_name=True))
    )
    assert list(rows) == ["id", "name", "city"]
    assert sorted(zip(rows["id"], rows["name"], rows["city"], strict=True), key=str) == sorted(
        [(1, "ada", None), (2, None, "oslo")], key=str
    )


def test_parquet_files_with_different_schemas(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "pq"
    folder.mkdir()
    pq.write_table(pa.table({"id": pa.array([1], pa.int32()), "v": ["a"]}), folder / "1.parquet")
    pq.write_table(pa.table({"v": ["b"], "id": pa.array([2**40], pa.int64())}), folder / "2.parquet")
    rows = rows_of(both(spark_engine_name, spark_session_for, folder))
    assert sorted(rows["id"]) == [1, 2**40]
    pq.write_table(pa.table({"id": ["X-3"], "v": ["c"]}), folder / "3.parquet")
    message = error_of(both(spark_engine_name, spark_session_for, folder))
    assert "column 'id'" in message
    assert "3.parquet" in message
    (folder / "3.parquet").unlink()
    pq.write_table(pa.table({"id": [4], "w": ["d"]}), folder / "3.parquet")
    assert "lacks ['v']" in error_of(both(spark_engine_name, spark_session_for, folder))


def test_a_late_json_lines_type_change_is_refused(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, "j.jsonl", '{"id": 1}\n' * 20_000 + '{"id": "x"}\n')
    message = error_of(both(spark_engine_name, spark_session_for, path))
    assert "line 20001" in message
    assert "field 'id'" in message


def test_json_lines_files_with_ints_and_doubles_read_as_doubles(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path
) -> None:
    write(tmp_path, "in/1.jsonl", '{"x": 1}\n')
    write(tmp_path, "in/2.jsonl", '{"x": 2.5}\n')
    assert sorted(rows_of(both(spark_engine_name, spark_session_for, tmp_path / "in"))["x"]) == [1.0, 2.5]


# --- a kill while reading a directory -----------------------------------------------------


def _big_directory(folder: Path) -> Path:
    folder.mkdir()
    body = b"".join(b"%d,name %d,%d.5\n" % (i, i, i) for i in range(400_000))
    for n in range(6):
        (folder / f"part-{n}.csv").write_bytes(b"id,name,score\n" + body)
    return folder


def _run_and_kill(recipe: Path, source: Path, output: Path, *extra: str) -> None:
    cmd = [sys.executable, "-m", "workbench", "run", str(recipe), "--input", str(source)]
    process = subprocess.Popen(
        [*cmd, "--output", str(output), *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(2.5)
    assert process.poll() is None, "the run ended before it could be killed: make the input bigger"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def _visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_a_kill_while_reading_a_directory_leaves_no_output(tmp_path: Path) -> None:
    source = _big_directory(tmp_path / "in")
    recipe = write(
        tmp_path,
        "r.json",
        '[{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "name"}}}]',
    )
    out = tmp_path / "out"
    out.mkdir()
    _run_and_kill(recipe, source, out / "clean.parquet")
    assert _visible(out) == []
    pq.write_table(pa.table({"kept": [1]}), out / "clean.parquet")
    before = (out / "clean.parquet").read_bytes()
    _run_and_kill(recipe, source, out / "clean.parquet", "--overwrite")
    assert _visible(out) == ["clean.parquet"]
    assert (out / "clean.parquet").read_bytes() == before


@pytest.mark.parametrize("bom", ["utf-8 bom", "utf-16 le"])
def test_a_byte_order_mark_without_a_header_is_not_part_of_the_first_value(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path, bom: str
) -> None:
    path = write(tmp_path, "bom.csv", BOMS[bom]("zoë,1\n名前,2\n"))
    rows = rows_of(both(spark_engine_name, spark_session_for, path, CsvOptions(header=False)))
    assert rows == {"Column_1": ["zoë", "名前"], "Column_2": [1, 2]}
