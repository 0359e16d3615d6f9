"""Streaming: files arriving in a folder are processed once each, in micro-batches, on Spark
Structured Streaming (a real file source and checkpoint) and on pandas (polling with a bookmark).
A stream killed before, while and after publishing a batch and restarted from its checkpoint
publishes every input row exactly once; late files are picked up by the next batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from workbench.core.errors import DataIOError, RecipeError
from workbench.jobs.manifest import Manifest
from workbench.recipe.model import Recipe
from workbench.streaming import StreamJob, run_polling_stream, run_spark_stream

RECIPE = {
    "name": "orders-stream",
    "steps": [
        {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "country"}}},
        {
            "Action": {"Operation": "REMOVE_VALUES", "Parameters": {"sourceColumn": "amount"}},
            "ConditionExpressions": [{"Condition": "LESS_THAN", "Value": "0", "TargetColumn": "amount"}],
        },
    ],
}


def drop(folder: Path, name: str, first_id: int, rows: int = 3) -> None:
    """A CSV file of ``rows`` orders placed atomically (written aside, then renamed in)."""
    lines = ["order_id,country,amount"]
    lines += [f"{i},pt,{-1 if i % 10 == 9 else i * 1.5}" for i in range(first_id, first_id + rows)]
    staged = folder.parent / f".{name}.tmp"
    staged.write_text("\n".join(lines) + "\n")
    staged.rename(folder / name)


def published_ids(output: Path) -> list[int]:
    """Every order id in the files the output's manifest lists (duplicates kept)."""
    ids: list[int] = []
    for path in Manifest.read(output).files():
        ids.extend(pq.read_table(path).column("order_id").to_pylist())
    return sorted(ids)


def expected(*ranges: tuple[int, int]) -> list[int]:
    return sorted(i for first, rows in ranges for i in range(first, first + rows) if i % 10 != 9)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    (tmp_path / "in").mkdir()
    return tmp_path / "in", tmp_path / "out", tmp_path / "checkpoint"


def job(folders: tuple[Path, Path, Path], **options: Any) -> StreamJob:
    source, output, checkpoint = folders
    return StreamJob(Recipe.from_data(RECIPE), source, output, checkpoint, **options)


def test_spark_streams_each_file_once_and_picks_up_late_files(
    folders: tuple[Path, Path, Path], spark_session: Any
) -> None:
    source, output, _ = folders
    drop(source, "a.csv", 1, 5)
    drop(source, "b.csv", 6, 5)
    first = run_spark_stream(job(folders, once=True, max_files=1), spark_session, print)
    assert [b.rows_in for b in first] == [5, 5]
    assert [b.rows_out for b in first] == [5, 4]
    assert published_ids(output) == expected((1, 10))
    table = pq.read_table(Manifest.read(output).files()[0])
    assert table.column("country").to_pylist()[0] == "PT"
    assert str(table.schema.field("amount").type) == "double"

    drop(source, "c.csv", 11, 4)  # late: after the first run
    (source / "d.csv").write_text((source / "a.csv").read_text())  # the same rows under a new name
    second = run_spark_stream(job(folders, once=True), spark_session, print)
    assert len(second) == 1
    assert published_ids(output) == sorted(expected((1, 10), (11, 4)) + expected((1, 5)))
    assert run_spark_stream(job(folders, once=True), spark_session, print) == []


def test_a_replayed_batch_is_not_published_twice(
    folders: tuple[Path, Path, Path], spark_session: Any
) -> None:
    from workbench.streaming.spark_stream import publish_batch

    _, output, _ = folders
    frame = spark_session.createDataFrame([(1, "PT", 1.5)], "order_id long, country string, amount double")
    assert publish_batch(frame, output, 0) == "published"
    assert publish_batch(frame, output, 0) == "replayed: already published"
    assert published_ids(output) == [1]


def test_bad_folders_are_refused_before_the_stream_starts(
    folders: tuple[Path, Path, Path], spark_session: Any
) -> None:
    source, _, checkpoint = folders
    with pytest.raises(DataIOError, match=r"holds no \.csv, \.parquet or \.jsonl files yet"):
        run_spark_stream(job(folders, once=True), spark_session, print)
    drop(source, "a.csv", 1)
    inside = StreamJob(Recipe.from_data(RECIPE), source, source / "out", checkpoint, once=True)
    with pytest.raises(RecipeError, match="overlaps --input"):
        run_spark_stream(inside, spark_session, print)
    (source / "b.parquet").write_bytes(b"")
    with pytest.raises(DataIOError, match="mixes formats"):
        run_spark_stream(job(folders, once=True), spark_session, print)


def test_pandas_polls_with_a_bookmark(folders: tuple[Path, Path, Path]) -> None:
    source, output, checkpoint = folders
    drop(source, "a.csv", 1, 5)
    first = run_polling_stream(job(folders, once=True), print)
    assert [(b.rows_in, b.rows_out) for b in first] == [(5, 5)]
    drop(source, "b.csv", 6, 5)
    run_polling_stream(job(folders, once=True), print)
    assert run_polling_stream(job(folders, once=True), print) == []
    assert published_ids(output) == expected((1, 10))
    assert (checkpoint / "bookmarks.db").is_file()


# --- killed and restarted -------------------------------------------------------------------


def stream_cli(folders: tuple[Path, Path, Path], recipe: Path, engine: str, fault: str | None) -> Any:
    source, output, checkpoint = folders
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("WORKBENCH_FAULT_POINT", None)
    if fault:
        env["WORKBENCH_FAULT_POINT"] = fault
    args = ["stream", str(recipe), "--input", str(source), "--output", str(output), "--checkpoint",
            str(checkpoint), "--engine", engine, "--once", "--max-files-per-trigger", "1"]  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True, text=True, cwd=source.parent, env=env, timeout=600,
    )  # fmt: skip


@pytest.mark.parametrize("engine", ["spark", "pandas"])
def test_a_stream_killed_at_any_point_and_restarted_publishes_each_row_once(
    tmp_path: Path, engine: str
) -> None:
    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps(RECIPE))
    points = ["stream-before-publish", "stream-after-publish", "stream-after-manifest"]
    if engine == "pandas":
        points = ["before-publish", "after-publish", "after-manifest"]
    folders = (tmp_path / "in", tmp_path / "out", tmp_path / "checkpoint")
    folders[0].mkdir()
    drop(folders[0], "a.csv", 1, 5)
    drop(folders[0], "b.csv", 6, 5)
    # One chain of restarts: each start is killed at the next point, while it runs again the
    # batch the start before it left unfinished; the last start runs to the end.
    for point in points:
        killed = stream_cli(folders, recipe, engine, point)
        assert killed.returncode == -9, (point, killed.stderr[-2000:])
    again = stream_cli(folders, recipe, engine, None)
    assert again.returncode == 0, again.stderr[-2000:]
    assert published_ids(folders[1]) == expected((1, 10))


def test_every_engine_streams_the_same_rows_and_types(
    folders: tuple[Path, Path, Path], engine_name: str, session_for: Any
) -> None:
    source, output, _ = folders
    drop(source, "a.csv", 1, 5)
    drop(source, "b.csv", 6, 5)
    if engine_name == "pandas":
        run_polling_stream(job(folders, once=True), print)
    else:
        # Under Spark Connect each batch runs in the server's Python, after the start-up check.
        run_spark_stream(job(folders, once=True), session_for, print)
    assert published_ids(output) == expected((1, 10))
    tables = [pq.read_table(p) for p in Manifest.read(output).files()]
    assert {str(t.schema.field("amount").type) for t in tables} == {"double"}
    assert {c for t in tables for c in t.column("country").to_pylist()} == {"PT"}


def test_a_batch_below_the_gate_is_quarantined_and_the_stream_goes_on(
    folders: tuple[Path, Path, Path], spark_session: Any
) -> None:
    from workbench.cli.gate import QualityGate
    from workbench.quality import parse_ruleset

    source, output, _ = folders
    drop(source, "a.csv", 1, 5)  # 5 rows out
    drop(source, "b.csv", 6, 5)  # one negative amount removed: 4 rows out
    drop(source, "c.csv", 11, 5)
    quarantine = output.parent / "held"
    gate = QualityGate(parse_ruleset("Rules = [ RowCount > 4 ]"), quarantine, 1.0)
    batches = run_spark_stream(job(folders, once=True, max_files=1, gate=gate), spark_session, print)
    assert [b.batch for b in batches] == [0, 2]
    assert published_ids(output) == expected((1, 5), (11, 5))
    held = pq.read_table(quarantine / "run-batch-00000001.parquet").column("order_id").to_pylist()
    assert sorted(held) == expected((6, 5))
    assert json.loads((quarantine / "run-batch-00000001.quality.json").read_text())["score"] == 0.0


# --- files that do not match the stream's start-up schema -----------------------------------


def test_a_csv_file_with_its_columns_in_another_order_stops_the_stream_naming_it(
    folders: tuple[Path, Path, Path], spark_session: Any
) -> None:
    source, output, _ = folders
    drop(source, "a.csv", 1, 5)
    (source / "b.csv").write_text("order_id,amount,country\n6,7.5,es\n")
    with pytest.raises(DataIOError, match=r"header of \S*b\.csv does not match") as refused:
        run_spark_stream(job(folders, once=True, max_files=1), spark_session, print)
    assert "same order" in str(refused.value)
    assert published_ids(output) == expected((1, 5))  # b.csv's batch published nothing

    (source / "b.csv").write_text("order_id,country,amount\n6,es,7.5\n")  # put right in place
    run_spark_stream(job(folders, once=True), spark_session, print)
    assert published_ids(output) == expected((1, 6))


def test_a_value_that_does_not_fit_the_stream_type_stops_it_or_becomes_a_dead_letter(
    folders: tuple[Path, Path, Path], spark_session_for: Any, spark_engine_name: str
) -> None:
    # Spark and Spark Connect only: a pandas stream types each batch by its own files.
    session_for = spark_session_for
    source, output, _ = folders
    drop(source, "a.csv", 1, 5)  # amount: double, from the files there when the stream first starts
    run_spark_stream(job(folders, once=True), session_for, print)
    # The restart keeps the checkpoint's types: the late file does not turn amount into text.
    (source / "b.csv").write_text("order_id,country,amount\n6,es,7.5\n7,fr,n/a\n8,de, \n")
    with pytest.raises(DataIOError, match=r"column 'amount' holds 'n/a', which is not a double value"):
        run_spark_stream(job(folders, once=True), session_for, print)
    assert published_ids(output) == expected((1, 5))

    dead = output.parent / "dead"
    batches = run_spark_stream(job(folders, once=True, dead_letter=dead), session_for, print)
    # Spark Connect does not count the rows of a batch held in memory as read: "?" rows in.
    rows_in = 3 if spark_engine_name == "spark" else None
    assert [(b.rows_in, b.rows_out, b.dead_letters) for b in batches] == [(rows_in, 2, 1)]
    assert published_ids(output) == [1, 2, 3, 4, 5, 6, 8]  # the blank amount is missing, not a misfit
    letters = pq.read_table(dead / "batch-00000001.parquet").to_pylist()
    assert [(json.loads(d["row"])["order_id"], d["operation"], d["column"]) for d in letters] == [
        ("7", "READ", "amount")
    ]
    assert letters[0]["reason"] == "amount: 'n/a' is not a double value"
