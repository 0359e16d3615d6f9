"""Incremental runs with bookmarks on Spark: a ``workbench run --engine spark`` killed while
publishing and run again publishes every row once; late files; dead letters as on pandas."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_jobs_bookmarks import RECIPE, published_ids, write_csv
from workbench.jobs.bookmarks import BookmarkStore
from workbench.jobs.manifest import MANIFEST, Manifest
from workbench.jobs.run import IncrementalJob, run_incremental
from workbench.recipe.model import Recipe


def job(root: Path, **extra: Any) -> IncrementalJob:
    return IncrementalJob(
        recipe=Recipe.loads(json.dumps(RECIPE)),
        input_spec=root / "raw",
        output=root / "out",
        bookmark="nightly",
        engine="spark",
        **extra,
    )


def test_conversion_failures_go_to_dead_letters_on_spark_as_on_pandas(
    spark_engine_name: str, spark_session_for: Any, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # On Spark and on Spark Connect (the bookmark, manifest and dead letters are kept client-side).
    remote = request.getfixturevalue("connect_server").url if spark_engine_name == "connect" else None
    write_csv(tmp_path / "raw" / "a.csv", range(0, 6), bad={2, 4})
    store = BookmarkStore(tmp_path / "bookmarks.db")
    dead_job = job(tmp_path, dead_letter=tmp_path / "dead", spark_remote=remote)
    result = run_incremental(dead_job, lambda _: None, store)
    assert (result.rows_in, result.rows_out, result.dead_letters, result.attempts) == (6, 4, 2, 1)
    assert published_ids(tmp_path / "out") == [0, 1, 3, 5]
    [folder] = (tmp_path / "dead").glob("nightly-run-*.jsonl")
    dead = sorted(
        (json.loads(line) for part in folder.glob("part-*") for line in part.read_text().splitlines()),
        key=lambda d: d["step"] * 1000 + json.loads(d["row"])["id"],
    )
    assert [json.loads(d["row"]) for d in dead] == [
        {"id": 2, "name": "N2", "amount": "x2"},
        {"id": 4, "name": "N4", "amount": "x4"},
    ]
    assert {(d["step"], d["operation"], d["column"]) for d in dead} == {(2, "CHANGE_DATA_TYPE", "amount")}
    assert dead[0]["reason"] == "'x2' is not a valid integer"
    write_csv(tmp_path / "raw" / "b.csv", range(6, 9))
    late = run_incremental(dead_job, lambda _: None, store)
    assert (late.files_new, late.files_skipped, late.rows_out) == (1, 1, 3)
    assert published_ids(tmp_path / "out") == [0, 1, 3, 5, 6, 7, 8]


@pytest.mark.parametrize("point", ["during-publish", "after-publish"])
def test_a_spark_run_killed_while_publishing_and_run_again_publishes_every_row_once(
    spark_session: Any, tmp_path: Path, point: str
) -> None:
    write_csv(tmp_path / "raw" / "a.csv", range(0, 40))
    store = BookmarkStore(tmp_path / "bookmarks.db")
    run_incremental(job(tmp_path), lambda _: None, store)
    write_csv(tmp_path / "raw" / "b.csv", range(40, 100))
    (tmp_path / "recipe.json").write_text(json.dumps(RECIPE), encoding="utf-8")
    env = dict(os.environ, WORKBENCH_BOOKMARKS=str(tmp_path / "bookmarks.db"), WORKBENCH_FAULT_POINT=point)
    killed = subprocess.run(
        [sys.executable, "-m", "workbench", "run", "recipe.json", "--input", "raw", "--output", "out",
         "--bookmark", "nightly", "--engine", "spark"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if point == "after-publish":  # the run's folder of part files is in place, but not listed
        assert len(list((tmp_path / "out").glob("run-*.parquet"))) == 2
    logged: list[str] = []
    again = run_incremental(job(tmp_path), logged.append, store)
    assert (again.files_new, again.files_skipped, again.rows_out) == (1, 1, 60)
    assert published_ids(tmp_path / "out") == list(range(100))
    listed = {e.file for e in Manifest.read(tmp_path / "out").entries}
    present = {p.name for p in (tmp_path / "out").iterdir() if p.name not in {MANIFEST, "_manifest.lock"}}
    assert present == listed


def test_rows_failing_a_row_level_rule_go_to_dead_letters_on_spark(
    spark_session: Any, tmp_path: Path
) -> None:
    from workbench.quality import parse_ruleset

    write_csv(tmp_path / "raw" / "a.csv", range(0, 40), bad={1})
    rules = parse_ruleset('Rules = [ ColumnValues "amount" < 300 ]')
    store = BookmarkStore(tmp_path / "bookmarks.db")
    result = run_incremental(
        job(tmp_path, dead_letter=tmp_path / "dead", ruleset=rules), lambda _: None, store
    )
    assert (result.rows_in, result.rows_out, result.dead_letters) == (40, 29, 11)
    dead = [
        json.loads(x) for part in (tmp_path / "dead").glob("*/part-*") for x in part.read_text().splitlines()
    ]
    rule = sorted((d for d in dead if d["operation"] == "RULESET"), key=lambda d: json.loads(d["row"])["id"])
    assert [json.loads(d["row"])["id"] for d in rule] == list(range(30, 40))
    assert rule[0]["reason"] == 'failed ColumnValues "amount" < 300'
    assert sorted(published_ids(tmp_path / "out") + [json.loads(d["row"])["id"] for d in dead]) == list(
        range(40)
    )
