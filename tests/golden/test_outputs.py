"""Outputs: created exclusively, replaced atomically, never overlapping an input, never leaking data.

Real processes, real files, real kills: a second run cannot replace an output another run
created, a reader never sees a replaced output missing, a killed writer's staging is removed by
the next run or ``workbench clean``, and a Spark write onto a full disk is one clear line.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from workbench.core.errors import DataIOError
from workbench.io import publish
from workbench.io.publish import check_output, publishing, stale_staging
from workbench.io.writers import write_pandas, write_spark

ROOT = Path(__file__).resolve().parents[2]
RECIPE = [{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "name"}}}]


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def cli_process(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "workbench", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def engine_args(engine_name: str, request: pytest.FixtureRequest) -> list[str]:
    if engine_name == "pandas":
        return []
    if engine_name == "spark":
        return ["--engine", "spark"]
    return ["--spark-remote", request.getfixturevalue("connect_server").url]


def staging_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if publish.STAGING_MARK in p.name)


@pytest.fixture
def recipe(tmp_path: Path) -> Path:
    path = tmp_path / "recipe.json"
    path.write_text(json.dumps(RECIPE))
    return path


def big_csv(path: Path, rows: int) -> Path:
    """A CSV whose text values are easy to spot in an error message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = "".join(f"{i},secret-value-{i},{i * 1.5}\n" for i in range(rows))
    path.write_text("id,name,amount\n" + lines)
    return path


FRAME = pd.DataFrame({"name": ["ada", "bob"], "age": [36, 41]})


# --- exclusive creation -------------------------------------------------------------------------


@pytest.fixture(params=["renameat2", "portable"])
def publish_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Publishing through Linux renameat2, and through the portable fallback without it."""
    if request.param == "portable":
        monkeypatch.setattr(publish, "_RENAMEAT2", None)
    elif publish._RENAMEAT2 is None:
        pytest.skip("renameat2 is not available here")
    return str(request.param)


def test_output_created_by_another_run_meanwhile_is_not_replaced(tmp_path: Path, publish_mode: str) -> None:
    out = tmp_path / "out.csv"
    check_output(out, overwrite=False)  # passes: nothing there yet
    out.write_text("the other run's output\n")
    with pytest.raises(DataIOError, match="created by another run while this one was running; nothing was"):
        write_pandas(FRAME, out, overwrite=False)
    assert out.read_text() == "the other run's output\n"
    assert staging_in(tmp_path) == []


def test_an_empty_folder_created_meanwhile_is_not_replaced(tmp_path: Path, publish_mode: str) -> None:
    """A rename onto an empty directory succeeds on Linux; publishing must refuse it all the same."""
    out = tmp_path / "out.parquet"

    def race() -> None:
        with publishing(out, overwrite=False) as target:
            target.mkdir()
            (target / "part-0.parquet").write_bytes(b"new")
            out.mkdir()

    with pytest.raises(DataIOError, match="created by another run"):
        race()
    assert list(out.iterdir()) == []
    assert staging_in(tmp_path) == []


def test_with_overwrite_an_output_created_meanwhile_is_replaced(tmp_path: Path, publish_mode: str) -> None:
    out = tmp_path / "out.csv"
    with publishing(out, overwrite=True) as target:
        target.write_text("new\n")
        out.write_text("other\n")
    assert out.read_text() == "new\n"
    assert staging_in(tmp_path) == []


def test_two_concurrent_runs_never_both_write_the_output(tmp_path: Path, recipe: Path) -> None:
    data = big_csv(tmp_path / "in" / "data.csv", 150_000)
    out = tmp_path / "out.csv"
    runs = [cli_process("run", str(recipe), "--input", str(data), "--output", str(out)) for _ in range(2)]
    results = [(run.wait(timeout=600), run.stderr.read() if run.stderr else "") for run in runs]
    codes = sorted(code for code, _ in results)
    assert codes[0] == 0, results
    assert codes[1] in (1, 2), results
    loser = next(err for code, err in results if code != 0)
    assert "created by another run" in loser or "already exists" in loser
    assert "Traceback" not in loser
    assert staging_in(tmp_path) == []


# --- outputs that overlap an input --------------------------------------------------------------


def _overlapping_cases(tmp: Path) -> dict[str, tuple[list[str], str]]:
    data = tmp / "in" / "people.csv"
    nested = tmp / "folder.csv" / "part.csv"
    return {
        "inside the input folder": (
            ["--input", str(tmp / "in"), "--output", str(tmp / "in" / "out.csv")],
            "is inside the input folder",
        ),
        "the input itself": (["--input", str(data), "--output", str(data), "--overwrite"], "is the input"),
        "containing the input": (
            ["--input", str(nested), "--output", str(tmp / "folder.csv"), "--overwrite"],
            "contains the input",
        ),
        "through a symlink": (
            ["--input", str(tmp / "link"), "--output", str(tmp / "in" / "out.csv")],
            "is inside the input folder",
        ),
        "inside a dataset folder": (
            ["--input", str(data), "--dataset", f"other={tmp / 'in'}", "--output", str(tmp / "in" / "o.csv")],
            "is inside the input folder",
        ),
        "quarantine inside the input": (
            [
                *["--input", str(tmp / "in"), "--output", str(tmp / "o.csv")],
                "--ruleset",
                str(tmp / "rules.dqdl"),
                "--quarantine",
                str(tmp / "in" / "held"),
            ],
            "quarantine folder",
        ),
        "quarantine holding the output": (
            [
                *["--input", str(data), "--output", str(tmp / "q" / "o.csv")],
                *["--ruleset", str(tmp / "rules.dqdl"), "--quarantine", str(tmp / "q")],
            ],
            "contains the output",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "inside the input folder",
        "the input itself",
        "containing the input",
        "through a symlink",
        "inside a dataset folder",
        "quarantine inside the input",
        "quarantine holding the output",
    ],
)
def test_an_output_overlapping_an_input_is_refused_before_running(
    tmp_path: Path, recipe: Path, case: str
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "people.csv").write_text("name,age\nada,36\n")
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "folder.csv" / "part.csv").write_text("name,age\nbob,41\n")
    (tmp_path / "link").symlink_to(tmp_path / "in")
    (tmp_path / "rules.dqdl").write_text('Rules = [ IsComplete "name" ]')
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    args, message = _overlapping_cases(tmp_path)[case]
    result = run_cli("run", str(recipe), *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


# --- staging left by killed writers -------------------------------------------------------------


def _killed_writer(out: Path, script: str) -> int:
    """Run ``script`` (which writes ``out`` and prints "staged"), SIGKILL it mid-write; its PID."""
    code = textwrap.dedent(
        f"""
        import os, sys, time
        from pathlib import Path
        from workbench.io import publish
        out = Path({str(out)!r})
        """
    ) + textwrap.dedent(script)
    writer = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "staged"
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=60)
    return writer.pid


WRITE_AND_HANG = """
with publish.publishing(out) as target:
    target.mkdir()
    (target / "part-0.parquet").write_bytes(os.urandom(1 << 20))
    print("staged", flush=True)
    time.sleep(120)
"""


def test_a_killed_writers_staging_is_removed_by_the_next_run(tmp_path: Path, recipe: Path) -> None:
    out = tmp_path / "out.parquet"
    pid = _killed_writer(out, WRITE_AND_HANG)
    (left,) = staging_in(tmp_path)
    assert left.startswith(f".out.parquet.wb-staging-{pid}-")
    data = tmp_path / "people.csv"
    data.write_text("name,age\nada,36\n")
    result = run_cli("run", str(recipe), "--input", str(data), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert staging_in(tmp_path) == []


def test_workbench_clean_lists_then_removes_a_killed_writers_staging(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    _killed_writer(out, WRITE_AND_HANG)
    (left,) = staging_in(tmp_path)
    dry = run_cli("clean", "--dry-run", str(tmp_path))
    assert dry.returncode == 0, dry.stderr
    assert f"would remove {tmp_path / left}" in dry.stdout
    assert "1,048,576 bytes" in dry.stdout
    assert staging_in(tmp_path) == [left]
    cleaned = run_cli("clean", str(out))
    assert cleaned.returncode == 0, cleaned.stderr
    assert f"removed {tmp_path / left}" in cleaned.stdout
    assert staging_in(tmp_path) == []


def test_clean_puts_back_an_output_a_killed_replacement_had_moved_aside(tmp_path: Path) -> None:
    """Without an atomic exchange the old output is moved aside first; a kill then must not lose it."""
    out = tmp_path / "out.csv"
    out.write_text("the previous output\n")
    script = """
    publish._RENAMEAT2 = None
    real_replace = os.replace
    def replace(source, target):
        real_replace(source, target)
        if str(target).endswith(".previous"):
            print("staged", flush=True)
            time.sleep(120)
    os.replace = replace
    with publish.publishing(out) as target:
        target.write_text("the new output\\n")
    """
    _killed_writer(out, script)
    assert not out.exists()
    cleaned = run_cli("clean", str(out))
    assert cleaned.returncode == 0, cleaned.stderr
    assert "goes back into place" in cleaned.stdout
    assert out.read_text() == "the previous output\n"
    assert staging_in(tmp_path) == []


def test_a_live_writers_staging_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    with publishing(out) as target:
        target.write_text("being written\n")
        assert stale_staging(tmp_path) == []
        result = run_cli("clean", str(out))
        assert result.returncode == 0, result.stderr
        assert len(staging_in(tmp_path)) == 1
    assert out.read_text() == "being written\n"


def test_a_killed_quality_rows_write_leaves_the_previous_rows_file(tmp_path: Path) -> None:
    data = big_csv(tmp_path / "data.csv", 400_000)
    rules = tmp_path / "rules.dqdl"
    rules.write_text('Rules = [ IsComplete "name", ColumnValues "amount" > 10 ]')
    rows = tmp_path / "rows.csv"
    rows.write_text("the previous rows\n")
    args = ["quality", str(data), "--ruleset", str(rules), "--rows", str(rows), "--overwrite"]
    process = cli_process(*args)
    deadline = time.monotonic() + 300
    while not staging_in(tmp_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert process.poll() is None, "the quality run ended before its rows were being written"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert rows.read_text() == "the previous rows\n"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "data.csv",
        "rows.csv",
        "rules.dqdl",
    ]
    assert run_cli("clean", str(rows)).returncode == 0
    assert staging_in(tmp_path) == []


# --- atomic replacement -------------------------------------------------------------------------

READER = """
import os, sys
path, stop = sys.argv[1], sys.argv[2]
seen = missing = 0
print("ready", flush=True)
while not os.path.exists(stop):
    seen += 1
    if not os.path.exists(path):
        missing += 1
print(seen, missing)
"""


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_reader_never_sees_a_replaced_output_missing(tmp_path: Path, kind: str) -> None:
    out = tmp_path / ("out.csv" if kind == "file" else "out.parquet")
    stop = tmp_path / "stop"
    out.write_text("0\n") if kind == "file" else out.mkdir()
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(out), str(stop)], stdout=subprocess.PIPE, text=True
    )
    assert reader.stdout is not None
    assert reader.stdout.readline().strip() == "ready"
    try:
        for i in range(300):
            with publishing(out, overwrite=True) as target:
                if kind == "file":
                    target.write_text(f"{i}\n")
                else:
                    target.mkdir()
                    (target / "part-0").write_text(f"{i}\n")
    finally:
        stop.touch()
    seen, missing = map(int, reader.communicate(timeout=60)[0].split())
    assert seen > 1000
    assert missing == 0
    assert staging_in(tmp_path) == []


# --- Spark writes that fail ---------------------------------------------------------------------


@contextlib.contextmanager
def small_tmpfs(options: str) -> Iterator[Path]:
    """A real tmpfs mounted for one test, outside pytest's folders (which other runs may rotate away)."""
    mount = Path(tempfile.mkdtemp(prefix="wb-tmpfs-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        mount.rmdir()
        reason = f"cannot mount a tmpfs here: {done.stderr.decode().strip()}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield mount
    finally:
        unmount(mount)
        mount.rmdir()


def unmount(mount: Path) -> None:
    """Unmount, waiting for a Spark Connect server to let go of the files its failed task had open."""
    for _ in range(20):
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode == 0:
            return
        time.sleep(0.25)
    # Still busy: detach it now; the kernel frees it once the last file on it is closed.
    subprocess.run(["umount", "--lazy", str(mount)], check=True)


@pytest.fixture
def full_disk() -> Iterator[Path]:
    """A real 2 MB file system that a bigger output cannot fit on."""
    with small_tmpfs("size=2m") as mount:
        yield mount


def test_a_spark_write_onto_a_full_disk_is_one_clear_line(
    spark_engine_name: str, request: pytest.FixtureRequest, tmp_path: Path, recipe: Path, full_disk: Path
) -> None:
    data = big_csv(tmp_path / "data.csv", 200_000)
    out = full_disk / "out.csv"
    args = ["run", str(recipe), "--input", str(data), "--output", str(out)]
    result = run_cli(*args, *engine_args(spark_engine_name, request))
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) < 5, result.stderr
    assert "no space left on device" in result.stderr.lower()
    assert str(out) in result.stderr
    assert "secret-value" not in result.stderr + result.stdout
    assert "Py4JJavaError" not in result.stderr
    assert list(full_disk.iterdir()) == []


def test_a_pandas_write_onto_a_full_disk_is_one_clear_line(
    tmp_path: Path, recipe: Path, full_disk: Path
) -> None:
    data = big_csv(tmp_path / "data.csv", 100_000)
    out = full_disk / "out.csv"
    result = run_cli("run", str(recipe), "--input", str(data), "--output", str(out))
    assert result.returncode == 1, result.stderr
    assert "no space left on device" in result.stderr.lower()
    assert "secret-value" not in result.stderr
    assert list(full_disk.iterdir()) == []


# --- the CSV formula guard ----------------------------------------------------------------------

RISKY = ["=1+2", "+x", "-y", "@z", "\tt", "\rr", "ok", None, "a=b", "'quoted"]
GUARDED = ["'=1+2", "'+x", "'-y", "'@z", "'\tt", "'\rr", "ok", None, "a=b", "'quoted"]


def _guard_frame() -> pd.DataFrame:
    import pyarrow as pa

    return pd.DataFrame(
        {
            "text": pd.Series(RISKY, dtype=pd.ArrowDtype(pa.large_string())),
            "number": pd.Series([-5, 3, -1, 0, 1, 2, 6, 4, 5, -6], dtype=pd.ArrowDtype(pa.int64())),
            "ratio": pd.Series([-0.5] * 10, dtype=pd.ArrowDtype(pa.float64())),
        }
    )


def _csv_rows(path: Path) -> list[tuple[str | None, str, str]]:
    """The rows of a CSV output (one file, or a folder of part files) as read back by pyarrow."""
    import pyarrow.csv as pacsv

    files = sorted(path.glob("part-*.csv")) if path.is_dir() else [path]
    options = pacsv.ConvertOptions(column_types={"text": "string", "number": "string", "ratio": "string"})
    parse = pacsv.ParseOptions(newlines_in_values=True)
    rows = []
    for file in files:
        table = pacsv.read_csv(file, parse_options=parse, convert_options=options)
        rows += list(zip(*(table.column(c).to_pylist() for c in ("text", "number", "ratio")), strict=True))
    return sorted(rows, key=lambda row: int(row[1]))


@pytest.mark.parametrize("guard", [True, False])
def test_the_csv_formula_guard_is_the_same_on_every_engine(
    engine_name: str, session_for: Any, tmp_path: Path, guard: bool
) -> None:
    out = tmp_path / "out.csv"
    frame = _guard_frame()
    if engine_name == "pandas":
        write_pandas(frame, out, csv_formula_guard=guard)
    else:
        write_spark(session_for.createDataFrame(frame).coalesce(1), out, csv_formula_guard=guard)
    rows = _csv_rows(out)
    want = GUARDED if guard else RISKY
    by_number = sorted(zip(frame["number"].tolist(), want, strict=True))
    assert [(int(number), text) for text, number, _ in rows] == [(n, t or "") for n, t in by_number]
    assert {row[2] for row in rows} == {"-0.5"}


def test_run_csv_formula_guard_from_the_cli(tmp_path: Path, recipe: Path) -> None:
    data = tmp_path / "people.csv"
    data.write_text('name,balance\n"=HYPERLINK(""x"")",-5\n@sum,3\nada,-1\n')
    out = tmp_path / "out.csv"
    result = run_cli("run", str(recipe), "--input", str(data), "--output", str(out), "--csv-formula-guard")
    assert result.returncode == 0, result.stderr
    assert out.read_text().splitlines() == [
        '"name","balance"',
        '"\'=HYPERLINK(""X"")",-5',
        '"\'@SUM",3',
        '"ADA",-1',
    ]
    refused = run_cli(
        "run",
        str(recipe),
        "--input",
        str(data),
        "--output",
        str(tmp_path / "o.parquet"),
        "--csv-formula-guard",
    )
    assert refused.returncode == 2
    assert "--csv-formula-guard applies to CSV outputs" in refused.stderr


def test_run_on_full_data_refuses_an_output_inside_the_source_folder(tmp_path: Path) -> None:
    import workbench as wb
    from workbench.core.errors import RecipeError

    source = tmp_path / "in"
    source.mkdir()
    (source / "people.csv").write_text("name,age\nada,36\n")
    workbench = wb.open(source, recipe=tmp_path / "r.json")
    with pytest.raises(RecipeError, match="is inside the input folder"):
        workbench.run(source / "out.csv")
    assert sorted(p.name for p in source.iterdir()) == ["people.csv"]


def test_a_read_only_output_folder_is_one_clear_line(tmp_path: Path, recipe: Path) -> None:
    """As root no permission is denied, so a read-only file system stands in for a locked folder."""
    data = tmp_path / "people.csv"
    data.write_text("name,age\nada,36\n")
    with small_tmpfs("ro,size=1m") as locked:
        result = run_cli("run", str(recipe), "--input", str(data), "--output", str(locked / "out.csv"))
    assert result.returncode == 1, result.stderr
    assert "read-only file system; nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
