"""Incremental runs with bookmarks on pandas: exactly-once across SIGKILLs, late, changed and
duplicate files, rewind, reset, pause, refused and per-batch steps, dead letters.

The runs are real ``workbench run`` processes; a run is killed by SIGKILL at a named point of
its publishing (``WORKBENCH_FAULT_POINT``), then run again.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from workbench.jobs.bookmarks import BookmarkStore
from workbench.jobs.faults import POINTS
from workbench.jobs.manifest import MANIFEST, Manifest

RECIPE = {
    "format": {"name": "workbench-recipe", "version": 1},
    "name": "clean",
    "steps": [
        {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "name"}}},
        {
            "Action": {
                "Operation": "CHANGE_DATA_TYPE",
                "Parameters": {"sourceColumn": "amount", "columnDataType": "integer"},
            }
        },
    ],
}


def write_csv(path: Path, ids: range, bad: set[int] = frozenset()) -> None:  # type: ignore[assignment]
    lines = ["id,name,amount"] + [f"{i},n{i},{'x' + str(i) if i in bad else i * 10}" for i in ids]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def workspace(tmp_path: Path, steps: list[dict[str, Any]] | None = None) -> Path:
    recipe = dict(RECIPE, steps=steps if steps is not None else RECIPE["steps"])
    (tmp_path / "recipe.json").write_text(json.dumps(recipe), encoding="utf-8")
    return tmp_path


def run(
    root: Path, *extra: str, fault: str | None = None, engine: str = "pandas", bookmark: str = "daily"
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, WORKBENCH_BOOKMARKS=str(root / "bookmarks.db"))
    env.pop("WORKBENCH_FAULT_POINT", None)
    if fault:
        env["WORKBENCH_FAULT_POINT"] = fault
    args = ["run", "recipe.json", "--input", "raw", "--output", "out", "--bookmark", bookmark]
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args, "--engine", engine, *extra],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def published_ids(folder: Path) -> list[int]:
    """The ids in the output, read the way every reader reads it: through the manifest."""
    from workbench.io.pandas_io import read_pandas

    return sorted(int(v) for v in read_pandas(folder)["id"])


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    return done.stderr


@pytest.mark.parametrize("point", POINTS)
def test_a_run_killed_at_any_point_and_run_again_publishes_every_row_once(tmp_path: Path, point: str) -> None:
    root = workspace(tmp_path)
    write_csv(root / "raw" / "a.csv", range(0, 50))
    ok(run(root))
    write_csv(root / "raw" / "b.csv", range(50, 120))
    write_csv(root / "raw" / "c.csv", range(120, 130))
    killed = run(root, fault=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    again = ok(run(root))
    assert published_ids(root / "out") == list(range(130))
    if point in {"after-publish", "during-publish", "before-publish", "before-read"}:
        assert "2 new files" in again
    if point == "after-manifest":
        assert "was published but its bookmark not committed; committed it now" in again
        assert "0 new files" in again
    # What the killed run left outside the manifest is gone: only listed files remain.
    listed = {e.file for e in Manifest.read(root / "out").entries}
    present = {p.name for p in (root / "out").iterdir() if p.name not in {MANIFEST, "_manifest.lock"}}
    assert present == listed
    runs = BookmarkStore(root / "bookmarks.db").get("daily").runs
    assert sum(r.files for r in runs) == 3


def test_late_files_are_picked_up_and_the_summary_counts_files_rows_and_attempts(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    write_csv(root / "raw" / "2024-01-01.csv", range(0, 10))
    first = ok(run(root))
    assert "1 new files, 0 skipped; 10 rows in, 10 rows out, 0 dead letters; 1 attempt" in first
    nothing = ok(run(root))
    assert "0 new files, 1 skipped" in nothing
    assert "nothing new to process" in nothing
    late = root / "raw" / "2023-12-31.csv"  # late, and older than the file already processed
    write_csv(late, range(10, 15))
    os.utime(late, (1_000_000_000, 1_000_000_000))
    third = ok(run(root))
    assert "1 new files, 1 skipped; 5 rows in, 5 rows out" in third
    assert published_ids(root / "out") == list(range(15))
    frame = pd.read_parquet(next((root / "out").glob("run-*.parquet")))
    assert frame["name"].iloc[0].startswith("N")


def test_bookmarked_runs_are_recorded_in_the_run_history(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    write_csv(root / "raw" / "a.csv", range(0, 4))
    ok(run(root))
    steps = [{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "nmae"}}}]
    (root / "recipe.json").write_text(json.dumps(dict(RECIPE, steps=steps)), encoding="utf-8")
    write_csv(root / "raw" / "b.csv", range(4, 6))
    assert run(root).returncode == 2
    shown = subprocess.run(
        [sys.executable, "-m", "workbench", "history", "--json"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    ok(shown)
    runs = {r["outcome"]: r for r in json.loads(shown.stdout)}
    assert sorted(runs) == ["COMPLETE", "FAIL"]
    assert (runs["COMPLETE"]["rows_in"], runs["COMPLETE"]["rows_out"]) == (4, 4)
    assert "did you mean 'name'?" in runs["FAIL"]["message"]
    events = [json.loads(line) for line in (root / ".workbench" / "lineage" / "events.jsonl").open()]
    assert [e["eventType"] for e in events] == ["START", "COMPLETE", "START", "FAIL"]
    assert {e["run"]["runId"] for e in events[:2]} == {runs["COMPLETE"]["run_id"]}
    output = events[1]["outputs"][0]
    assert output["name"] == str((root / "out").resolve())
    assert "columnLineage" in output["facets"]


def test_duplicate_content_under_another_name_is_another_file_and_is_processed(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    write_csv(root / "raw" / "a.csv", range(0, 5))
    ok(run(root))
    (root / "raw" / "copy-of-a.csv").write_bytes((root / "raw" / "a.csv").read_bytes())
    assert "1 new files, 1 skipped" in ok(run(root))
    assert published_ids(root / "out") == sorted([*range(5), *range(5)])


def test_a_file_changed_after_it_was_processed_is_processed_again_with_a_warning(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    write_csv(root / "raw" / "a.csv", range(0, 5))
    ok(run(root))
    write_csv(root / "raw" / "a.csv", range(0, 7))
    again = ok(run(root))
    assert "a.csv changed (size or modification time) since a run processed it" in again
    assert "1 new files (1 changed since processed), 0 skipped" in again
    assert published_ids(root / "out") == sorted([*range(5), *range(7)])


def test_a_glob_input_selects_files_by_pattern(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    write_csv(root / "raw" / "keep-1.csv", range(0, 3))
    write_csv(root / "raw" / "skip-1.csv", range(100, 103))
    env = dict(os.environ, WORKBENCH_BOOKMARKS=str(root / "bookmarks.db"))
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "run", "recipe.json", "--input", "raw/keep-*.csv",
         "--output", "out", "--bookmark", "g"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    ok(done)
    assert published_ids(root / "out") == [0, 1, 2]


def test_rewind_withdraws_later_runs_and_the_next_run_processes_their_files_once(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    for n in range(3):
        write_csv(root / "raw" / f"f{n}.csv", range(n * 10, n * 10 + 10))
        ok(run(root))
    store = BookmarkStore(root / "bookmarks.db")
    first = store.get("daily").runs[0].run_id
    env = dict(os.environ, WORKBENCH_BOOKMARKS=str(root / "bookmarks.db"))
    rewind = subprocess.run(
        [sys.executable, "-m", "workbench", "bookmark", "rewind", "daily", "--to", first],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert "2 runs withdrawn" in ok(rewind)
    assert published_ids(root / "out") == list(range(10))
    assert len(list((root / "out").glob("run-*"))) == 1
    assert "2 new files, 1 skipped" in ok(run(root))
    assert published_ids(root / "out") == list(range(30))
    show = subprocess.run(
        [sys.executable, "-m", "workbench", "bookmark", "show", "daily", "--json"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    shown = json.loads(show.stdout)
    assert [r["files"] for r in shown["runs"]] == [1, 2]
    assert shown["runs"][0]["run_id"] == first
    assert shown["output"] == str((root / "out").resolve())
    wrong = subprocess.run(
        [sys.executable, "-m", "workbench", "bookmark", "rewind", "dialy", "--to", first],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert wrong.returncode == 2
    assert "no bookmark 'dialy'; did you mean 'daily'?" in wrong.stderr


def test_a_rewind_killed_midway_is_finished_by_the_next_run(tmp_path: Path) -> None:
    from workbench.jobs.faults import WITHDRAW_POINT

    root = workspace(tmp_path)
    for n in range(3):
        write_csv(root / "raw" / f"f{n}.csv", range(n * 10, n * 10 + 10))
        ok(run(root))
    first = BookmarkStore(root / "bookmarks.db").get("daily").runs[0].run_id
    env = dict(
        os.environ, WORKBENCH_BOOKMARKS=str(root / "bookmarks.db"), WORKBENCH_FAULT_POINT=WITHDRAW_POINT
    )
    killed = subprocess.run(
        [sys.executable, "-m", "workbench", "bookmark", "rewind", "daily", "--to", first],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # Out of the manifest already, not yet forgotten: readers see run 1 only; the store still has 3.
    assert published_ids(root / "out") == list(range(10))
    assert len(BookmarkStore(root / "bookmarks.db").withdrawing("daily")) == 2
    assert "2 new files, 1 skipped" in ok(run(root))
    assert published_ids(root / "out") == list(range(30))
    assert len(list((root / "out").glob("run-*"))) == 2


def test_reset_mode_processes_everything_again_without_duplicating_the_output(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    write_csv(root / "raw" / "a.csv", range(0, 4))
    ok(run(root))
    write_csv(root / "raw" / "b.csv", range(4, 8))
    ok(run(root))
    reset = ok(run(root, "--bookmark-mode", "reset"))
    assert "withdrawing 2 earlier runs" in reset
    assert "2 new files, 0 skipped" in reset
    assert published_ids(root / "out") == list(range(8))


def test_pause_processes_new_files_into_another_output_and_leaves_the_bookmark(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    write_csv(root / "raw" / "a.csv", range(0, 4))
    ok(run(root))
    write_csv(root / "raw" / "b.csv", range(4, 6))
    env = dict(os.environ, WORKBENCH_BOOKMARKS=str(root / "bookmarks.db"))
    base = [sys.executable, "-m", "workbench", "run", "recipe.json", "--input", "raw", "--bookmark", "daily"]
    paused = subprocess.run(
        [*base, "--bookmark-mode", "pause", "--output", "preview.parquet"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert "bookmark paused, not advanced" in ok(paused)
    assert sorted(pd.read_parquet(root / "preview.parquet")["id"]) == [4, 5]
    refused = subprocess.run(
        [*base, "--bookmark-mode", "pause", "--output", "out"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "cannot go to the bookmark's folder" in refused.stderr
    assert "1 new files, 1 skipped" in ok(run(root))
    assert published_ids(root / "out") == list(range(6))


def test_a_step_that_needs_all_rows_is_refused_naming_the_step(tmp_path: Path) -> None:
    steps = [
        {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "name"}}},
        {
            "Action": {
                "Operation": "GROUP_BY",
                "Parameters": {
                    "sourceColumns": ["name"],
                    "groupByAggFunctionOptions": [
                        {"sourceColumnName": "amount", "targetColumnName": "total", "functionName": "SUM"}
                    ],
                    "useNewDataFrame": True,
                },
            }
        },
    ]
    root = workspace(tmp_path, steps)
    write_csv(root / "raw" / "a.csv", range(3))
    done = run(root)
    assert done.returncode == 2
    assert (
        "step 2 (id 's2'), GROUP_BY, cannot run incrementally: its totals would cover only the new files"
        in done.stderr
    )
    assert not (root / "out").exists() or not list((root / "out").glob("run-*"))


def test_a_per_batch_step_runs_with_a_warning(tmp_path: Path) -> None:
    steps = [{"Action": {"Operation": "DELETE_DUPLICATE_ROWS", "Parameters": {}}}]
    root = workspace(tmp_path, steps)
    write_csv(root / "raw" / "a.csv", range(3))
    done = ok(run(root))
    assert "warning: step 1 (id 's1'), DELETE_DUPLICATE_ROWS, runs per batch: duplicates are removed" in done


def test_conversion_failures_go_to_dead_letters_with_step_column_and_reason(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    write_csv(root / "raw" / "a.csv", range(0, 6), bad={2, 4})
    done = ok(run(root, "--dead-letter", "dead"))
    assert "6 rows in, 4 rows out, 2 dead letters" in done
    assert published_ids(root / "out") == [0, 1, 3, 5]
    [file] = (root / "dead").glob("daily-run-*.jsonl")
    dead = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()]
    assert [json.loads(d["row"])["id"] for d in dead] == [2, 4]
    assert dead[0] == {
        "row": json.dumps({"id": 2, "name": "N2", "amount": "x2"}, separators=(",", ":")),
        "step": 2,
        "operation": "CHANGE_DATA_TYPE",
        "column": "amount",
        "reason": "'x2' is not a valid integer",
    }
    entry = Manifest.read(root / "out").entries[0]
    assert entry.dead_letter_rows == 2
    assert entry.dead_letters == str(file)


def test_rows_failing_a_row_level_rule_go_to_dead_letters(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "rules.dqdl").write_text('Rules = [ ColumnValues "amount" < 300 ]\n', encoding="utf-8")
    write_csv(root / "raw" / "a.csv", range(0, 40), bad={1})
    done = ok(run(root, "--dead-letter", "dead", "--ruleset", "rules.dqdl", "--row-level"))
    assert "40 rows in, 29 rows out, 11 dead letters" in done  # 1 conversion, 10 rule failures
    dead = [json.loads(x) for f in (root / "dead").glob("*.jsonl") for x in f.read_text().splitlines()]
    rule = [d for d in dead if d["operation"] == "RULESET"]
    assert len(rule) == 10
    assert rule[0]["reason"] == 'failed ColumnValues "amount" < 300'
    assert sorted(published_ids(root / "out") + [json.loads(d["row"])["id"] for d in dead]) == list(range(40))


def test_a_reader_never_sees_a_file_the_manifest_does_not_list(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    write_csv(root / "raw" / "a.csv", range(0, 3))
    ok(run(root))
    # A half-written file from a run that died before its manifest entry (or any stray file).
    (root / "out" / "run-99999999T000000Z-dead00.parquet").write_bytes(b"PAR1 half written")
    steps = [{"Action": {"Operation": "LOWER_CASE", "Parameters": {"sourceColumn": "name"}}}]
    (root / "down.json").write_text(json.dumps(dict(RECIPE, steps=steps)), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "run", "down.json", "--input", "out", "--output", "down.csv"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    ok(done)
    assert sorted(pd.read_csv(root / "down.csv")["id"]) == [0, 1, 2]


def test_a_dead_letter_folder_inside_the_input_is_refused(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    write_csv(root / "raw" / "a.csv", range(0, 3))
    done = run(root, "--dead-letter", "raw/rejected")
    assert done.returncode == 2
    assert "dead-letter folder 'raw/rejected' overlaps" in done.stderr
    assert not (root / "raw" / "rejected").exists()


def test_a_bookmark_belongs_to_one_output_folder(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    write_csv(root / "raw" / "a.csv", range(0, 3))
    ok(run(root))
    env = dict(os.environ, WORKBENCH_BOOKMARKS=str(root / "bookmarks.db"))
    other = subprocess.run(
        [sys.executable, "-m", "workbench", "run", "recipe.json", "--input", "raw", "--output", "elsewhere",
         "--bookmark", "daily"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert other.returncode == 2
    assert "bookmark 'daily' writes to" in other.stderr


def test_the_fault_point_is_inert_unless_named() -> None:
    from workbench.jobs.faults import fault_point

    os.environ.pop("WORKBENCH_FAULT_POINT", None)
    for point in POINTS:
        fault_point(point)  # still alive


def test_docs_list_every_refused_and_per_batch_operation() -> None:
    import re

    from workbench.jobs.incremental import Verdict, verdicts

    text = (Path(__file__).parents[2] / "docs" / "jobs.md").read_text(encoding="utf-8")
    sections = {
        Verdict.REFUSED: text[text.index("**Refused**") : text.index("**Per batch")],
        Verdict.PER_BATCH: text[text.index("**Per batch") : text.index("## Retries")],
    }
    named = {v: set(re.findall(r"\b[A-Z][A-Z0-9_]{2,}\b", section)) for v, section in sections.items()}
    for operation, (verdict, _) in verdicts().items():
        for listed, names in named.items():
            assert (operation in names) == (verdict is listed), (operation, verdict)


def test_a_second_run_of_a_folder_being_written_is_refused(tmp_path: Path) -> None:
    from workbench.core.errors import DataIOError
    from workbench.jobs.manifest import folder_lock
    from workbench.jobs.run import IncrementalJob, run_incremental
    from workbench.recipe.model import Recipe

    write_csv(tmp_path / "raw" / "a.csv", range(3))
    job = IncrementalJob(Recipe.loads(json.dumps(RECIPE)), tmp_path / "raw", tmp_path / "out", "b")
    store = BookmarkStore(tmp_path / "bookmarks.db")
    with folder_lock(tmp_path / "out"), pytest.raises(DataIOError, match="another run is writing"):
        run_incremental(job, lambda _: None, store)
    assert run_incremental(job, lambda _: None, store).rows_out == 3


def test_a_run_without_a_bookmark_sends_conversion_failures_to_dead_letters(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    write_csv(root / "raw" / "a.csv", range(0, 5), bad={3})
    args = ["run", "recipe.json", "--input", "raw", "--output", "clean.parquet", "--dead-letter", "dead"]
    done = subprocess.run(
        [sys.executable, "-m", "workbench", *args], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert "5 rows in, 4 rows out, 1 dead letters (" in ok(done)
    assert sorted(pd.read_parquet(root / "clean.parquet")["id"]) == [0, 1, 2, 4]
    [file] = (root / "dead").glob("run-*.jsonl")
    assert json.loads(file.read_text(encoding="utf-8"))["reason"] == "'x3' is not a valid integer"
    again = subprocess.run(
        [sys.executable, "-m", "workbench", *args], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 2
    assert "already exists; pass --overwrite" in again.stderr
