"""The widget session: every UI action as a recipe edit, with undo, previews and autosave.

After every action of every test, replaying the session's recipe on its sample gives its live
frame (``assert_invariant``), up to the first failing step when one fails.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal

from workbench.core.errors import ColumnNotFoundError, RecipeError, StepRuntimeError
from workbench.engines.pandas import canonical_series
from workbench.io.pandas_io import read_pandas
from workbench.io.writers import write_pandas
from workbench.recipe.model import Recipe, Step
from workbench.recipe.replay import replay
from workbench.widget import SampleSpec, Session
from workbench.widget import headers as headers_module
from workbench.widget import sample as sample_module
from workbench.widget import session as session_module
from workbench.widget.describe import describe

# ---------------------------------------------------------------------------------- helpers


def assert_invariant(session: Session) -> None:
    """Replaying the recipe on the sample gives the live frame (up to the first failing step)."""
    states = session.step_states()
    recipe = session.recipe
    failing = [i for i, state in enumerate(states) if state["status"] == "error"]
    if failing:
        recipe.steps = recipe.steps[: failing[0]]
        for state, step in zip(states[failing[0] + 1 :], session.recipe.steps[failing[0] + 1 :], strict=True):
            assert state["status"] == ("skipped" if step.disabled else "blocked")
    for state, step in zip(states, session.recipe.steps, strict=True):
        if step.disabled:
            assert state["status"] == "skipped"
        assert (state["error"] is None) == (state["status"] != "error")
    expected = replay(recipe, session.source_sample, datasets=session.datasets)
    assert_frame_equal(expected, session.sample_frame)
    if session.recipe_path.exists():
        saved = Recipe.load(session.recipe_path)
        assert [s.to_json() for s in saved.steps] == [s.to_json() for s in session.recipe.steps]
        strays = [p.name for p in session.recipe_path.parent.iterdir() if p.name.startswith(".")]
        assert strays == [], "an atomic save leaves no temporary file"


def step(operation: str, conditions: list[dict[str, Any]] | None = None, **parameters: Any) -> dict[str, Any]:
    """A step in the native JSON form."""
    out: dict[str, Any] = {"Action": {"Operation": operation, "Parameters": parameters}}
    if conditions:
        out["ConditionExpressions"] = conditions
    return out


UPPER_CITY = step("UPPER_CASE", sourceColumn="city")
FILL_AGE = step("FILL_WITH_AVERAGE", sourceColumn="age")
RENAME_CITY = step("RENAME", sourceColumn="city", targetColumn="town")
SORT_CITY = step("SORT", expressions=[{"sourceColumn": "city", "ordering": "ASCENDING"}])


def people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "city": ["oslo", "rome", None, "oslo", "paris", "rome", "oslo", "lima"],
            "age": [31.0, None, 45.0, 31.0, 22.0, None, 31.0, 60.0],
            "amount": [10, 20, 30, 10, 50, 60, 10, 80],
            "notes": ["a", "b", "c", "a", "e", "f", "a", "h"],
            "tmp": [1, 2, 3, 1, 5, 6, 1, 8],
        }
    )


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test works in its own directory (default session files go under it)."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def session() -> Session:
    s = Session(people())
    assert_invariant(s)
    return s


def plain(values: pd.Series) -> list[Any]:
    """A column's values with None for every kind of missing value."""
    return [None if pd.isna(v) else v for v in values]


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column with the pandas engine's Arrow type for its logical type."""
    return pd.DataFrame({name: canonical_series(frame[name]) for name in frame.columns})


def statuses(session: Session) -> list[str]:
    return [state["status"] for state in session.step_states()]


# ---------------------------------------------------------------------------------- edits


def test_apply_undo_redo_chain_restores_recipe_and_frame(session: Session) -> None:
    frames = [session.sample_frame]
    for candidate in (UPPER_CITY, FILL_AGE, SORT_CITY):
        session.apply(candidate)
        assert_invariant(session)
        frames.append(session.sample_frame)
    assert session.can_undo
    assert not session.can_redo
    session.undo()
    assert_invariant(session)
    assert_frame_equal(session.sample_frame, frames[2])
    session.undo()
    assert_invariant(session)
    assert_frame_equal(session.sample_frame, frames[1])
    assert session.can_redo
    session.redo()
    assert_invariant(session)
    assert_frame_equal(session.sample_frame, frames[2])
    assert [s.operation for s in session.recipe.steps] == ["UPPER_CASE", "FILL_WITH_AVERAGE"]
    session.apply(step("LOWER_CASE", sourceColumn="notes"))
    assert_invariant(session)
    assert not session.can_redo, "a new edit clears the redo history"
    for _ in range(3):
        session.undo()
        assert_invariant(session)
    assert session.recipe.steps == []
    assert not session.can_undo
    with pytest.raises(RecipeError, match="nothing to undo"):
        session.undo()
    session.redo()
    assert_invariant(session)
    assert session.recipe_state()["canRedo"] is True


def test_apply_at_a_position_and_ids_stay_unique(session: Session) -> None:
    session.apply(UPPER_CITY)
    session.apply(FILL_AGE)
    session.delete(0)
    assert_invariant(session)
    session.apply(step("LOWER_CASE", sourceColumn="notes"), at=0)
    assert_invariant(session)
    ids = [s.id for s in session.recipe.steps]
    assert len(set(ids)) == len(ids)
    assert [s.operation for s in session.recipe.steps] == ["LOWER_CASE", "FILL_WITH_AVERAGE"]
    session.apply(Step("UPPER_CASE", {"sourceColumn": "notes"}, id="mine"))
    assert_invariant(session)
    assert session.recipe.steps[-1].id == "mine"
    with pytest.raises(RecipeError, match="at must be a step position"):
        session.apply(UPPER_CITY, at=9)


def test_replay_is_incremental(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = session_module.run_step

    def counting(engine: Any, frame: Any, s: Step, index: int) -> Any:
        calls.append(index)
        return real(engine, frame, s, index)

    monkeypatch.setattr(session_module, "run_step", counting)
    for candidate in (UPPER_CITY, FILL_AGE, SORT_CITY, step("LOWER_CASE", sourceColumn="notes")):
        calls.clear()
        session.apply(candidate)
        assert_invariant(session)
        assert len(calls) == 1, "adding a step at the end runs that step alone"
    calls.clear()
    session.edit(2, step("SORT", expressions=[{"sourceColumn": "amount", "ordering": "DESCENDING"}]))
    assert_invariant(session)
    assert calls == [2, 3], "editing step 2 reruns from step 2"
    calls.clear()
    session.undo()
    assert_invariant(session)
    assert calls == [2, 3]
    calls.clear()
    session.undo()
    assert_invariant(session)
    assert calls == [], "taking back the last step reruns nothing"


def test_an_invalid_new_step_is_refused_and_changes_nothing(session: Session) -> None:
    session.apply(UPPER_CITY)
    saved = session.recipe_path.read_text(encoding="utf-8")
    revision = session.revision
    with pytest.raises(ColumnNotFoundError) as caught:
        session.apply(step("LOWER_CASE", sourceColumn="cty"))
    assert caught.value.suggestion == "city"
    assert caught.value.step_index == 1
    with pytest.raises(RecipeError, match="parameter 'sourceColumn'"):
        session.edit(0, step("UPPER_CASE", sourceColumn="nope"))
    with pytest.raises(RecipeError, match="unknown operation"):
        session.apply(step("UPPER_CAS", sourceColumn="city"))
    assert [s.operation for s in session.recipe.steps] == ["UPPER_CASE"]
    assert session.recipe_path.read_text(encoding="utf-8") == saved
    assert session.revision == revision
    assert_invariant(session)


def test_a_new_step_that_fails_on_the_data_is_refused(session: Session) -> None:
    join = step(
        "JOIN",
        joinType="INNER_JOIN",
        joinKeys=[{"key": "city", "value": "name"}],
        leftColumns=["city"],
        rightColumns=["name"],
        secondaryDatasetName="nowhere",
    )
    with pytest.raises(StepRuntimeError, match="not bound"):
        session.apply(join)
    assert session.recipe.steps == []
    assert not session.can_undo
    assert_invariant(session)


def test_a_step_broken_by_an_upstream_edit_blocks_the_steps_after_it(session: Session) -> None:
    session.apply(UPPER_CITY)
    session.apply(FILL_AGE)
    session.apply(SORT_CITY)
    before_rename = session.sample_frame
    session.apply(RENAME_CITY, at=0)
    assert_invariant(session)
    assert statuses(session) == ["ok", "error", "blocked", "blocked"]
    error = session.step_states()[1]["error"]
    assert error["parameter"] == "sourceColumn"
    assert error["column"] == "city"
    assert error["suggestion"] == "town"
    assert "renamed to 'town' by step 1" in error["message"]
    assert "step 2" in error["message"]
    assert next(iter(session.sample_frame.columns)) == "town"
    assert session.schema_at(4)[0]["name"] == "town", "past a failing step, the frame before it stands in"
    with pytest.raises(RecipeError, match="step 2 fails"):
        session.preview(FILL_AGE, at=3)
    # A step added after the failure is checked on its own and waits, blocked.
    session.apply(step("LOWER_CASE", sourceColumn="notes"))
    assert_invariant(session)
    assert statuses(session)[-1] == "blocked"
    assert session.validate(step("LOWER_CASE", sourceColumn="anything")) == []
    session.undo()
    session.undo()
    assert_invariant(session)
    assert statuses(session) == ["ok", "ok", "ok"]
    assert_frame_equal(session.sample_frame, before_rename)
    session.redo()
    assert_invariant(session)
    session.edit(1, step("UPPER_CASE", sourceColumn="town"))
    assert_invariant(session)
    assert statuses(session) == ["ok", "ok", "ok", "error"], "the sort still names city"
    session.edit(3, step("SORT", expressions=[{"sourceColumn": "town"}]))
    assert_invariant(session)
    assert statuses(session) == ["ok", "ok", "ok", "ok"]


def test_disabled_steps_are_skipped(session: Session) -> None:
    session.apply(UPPER_CITY)
    session.apply(FILL_AGE)
    revision = session.revision
    session.toggle(0)
    assert_invariant(session)
    assert statuses(session) == ["skipped", "ok"]
    assert session.revision > revision
    assert session.sample_frame["city"].tolist()[0] == "oslo"
    assert session.recipe_state()["steps"][0]["step"]["disabled"] is True
    session.toggle(0)
    assert_invariant(session)
    assert statuses(session) == ["ok", "ok"]
    session.apply(RENAME_CITY, at=0)
    session.toggle(2)
    assert_invariant(session)
    assert statuses(session) == ["ok", "error", "skipped"]
    session.toggle(1)
    assert_invariant(session)
    assert statuses(session) == ["ok", "skipped", "skipped"]
    disabled = {**UPPER_CITY, "disabled": True}
    session.apply(disabled)
    assert_invariant(session)
    assert statuses(session)[-1] == "skipped"


def test_move_and_delete_reorder_the_recipe(session: Session) -> None:
    session.apply(UPPER_CITY)
    session.apply(RENAME_CITY)
    session.apply(step("LOWER_CASE", sourceColumn="town"))
    session.move(2, 0)
    assert_invariant(session)
    assert [s.operation for s in session.recipe.steps] == ["LOWER_CASE", "UPPER_CASE", "RENAME"]
    assert statuses(session) == ["error", "blocked", "blocked"]
    session.undo()
    assert_invariant(session)
    assert statuses(session) == ["ok", "ok", "ok"]
    session.move(0, 1)
    assert_invariant(session)
    assert [s.operation for s in session.recipe.steps] == ["RENAME", "UPPER_CASE", "LOWER_CASE"]
    assert statuses(session) == ["ok", "error", "blocked"]
    session.delete(1)
    assert_invariant(session)
    assert statuses(session) == ["ok", "ok"]
    with pytest.raises(RecipeError, match="index must be a step position from 0 to 1"):
        session.delete(2)
    with pytest.raises(RecipeError):
        session.move(0, 5)


# ---------------------------------------------------------------------------------- import, export, files


def test_export_and_import_databrew_form(session: Session) -> None:
    session.apply(UPPER_CITY)
    session.apply(
        step(
            "REMOVE_VALUES",
            [{"Condition": "IS", "Value": ["ROME"], "TargetColumn": "city"}],
            sourceColumn="city",
        )
    )
    session.apply(step("DELETE", sourceColumns=["notes", "tmp"]))
    session.toggle(2)
    text = session.export_recipe(databrew=True)
    exported = json.loads(text)
    assert isinstance(exported, list)
    assert len(exported) == 2, "disabled steps are left out of DataBrew's form"
    assert exported[1]["ConditionExpressions"][0]["Value"] == '["ROME"]'
    assert all(isinstance(v, str) for s in exported for v in s["Action"].get("Parameters", {}).values())
    native = json.loads(session.export_recipe(databrew=False))
    assert native["steps"][2]["disabled"] is True

    other = Session(people())
    other.apply(FILL_AGE)
    other.import_recipe(text)
    assert_invariant(other)
    assert [s.operation for s in other.recipe.steps] == ["UPPER_CASE", "REMOVE_VALUES"]
    assert len(other.sample_frame) == 6
    other.undo()
    assert_invariant(other)
    assert [s.operation for s in other.recipe.steps] == ["FILL_WITH_AVERAGE"]
    other.import_recipe(session.export_recipe())
    assert_invariant(other)
    assert statuses(other) == ["ok", "ok", "skipped"]


def test_import_yaml_and_bad_text(session: Session) -> None:
    yaml_text = "- Action:\n    Operation: UPPER_CASE\n    Parameters:\n      sourceColumn: city\n"
    session.import_recipe(yaml_text)
    assert_invariant(session)
    assert session.sample_frame["city"].tolist()[0] == "OSLO"
    with pytest.raises(RecipeError, match="not valid JSON"):
        session.import_recipe("[{")
    assert [s.operation for s in session.recipe.steps] == ["UPPER_CASE"]
    session.import_recipe(json.dumps([step("LOWER_CASE", sourceColumn="nowhere")]))
    assert_invariant(session)
    assert statuses(session) == ["error"], "an imported step that does not fit the data is shown, not refused"


def test_autosave_after_every_edit(tmp_path: Path) -> None:
    session = Session(people())
    path = session.recipe_path
    assert path.parent == tmp_path / ".workbench" / "sessions"
    assert path.name.startswith("session-")
    assert path.suffix == ".json"
    assert not path.exists(), "nothing is written before the first edit"
    actions = [
        lambda: session.apply(UPPER_CITY),
        lambda: session.apply(FILL_AGE),
        lambda: session.toggle(0),
        lambda: session.move(1, 0),
        lambda: session.edit(0, step("FILL_WITH_MEDIAN", sourceColumn="age")),
        lambda: session.delete(1),
        session.undo,
        session.redo,
        lambda: session.import_recipe(json.dumps([UPPER_CITY])),
    ]
    for action in actions:
        action()
        assert_invariant(session)
        assert json.loads(path.read_text(encoding="utf-8")) == session.recipe.to_dict()
        assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    assert Session(people()).recipe_path != path, "a second session gets a file of its own"


def test_a_recipe_file_is_loaded_saved_and_resumed(tmp_path: Path) -> None:
    path = tmp_path / "recipes" / "clean.json"
    first = Session(people(), recipe=path)
    assert first.recipe_path == path
    assert first.recipe_state()["name"] == "clean"
    first.apply(UPPER_CITY)
    first.apply(FILL_AGE)
    assert_invariant(first)
    assert Recipe.load(path).to_dict() == first.recipe.to_dict()

    resumed = Session(people(), recipe=str(path))
    assert_invariant(resumed)
    assert_frame_equal(resumed.sample_frame, first.sample_frame)
    assert not resumed.can_undo
    resumed.apply(SORT_CITY)
    assert len(Recipe.load(path).steps) == 3

    elsewhere = tmp_path / "copy.json"
    from_object = Session(people(), recipe=Recipe.load(path), autosave=elsewhere)
    from_object.delete(0)
    assert_invariant(from_object)
    assert len(Recipe.load(elsewhere).steps) == 2
    assert len(Recipe.load(path).steps) == 3


# ---------------------------------------------------------------------------------- samples


def numbered(n: int) -> pd.DataFrame:
    return pd.DataFrame({"i": np.arange(n), "label": [f"row {k}" for k in range(n)]})


def test_sample_modes_on_a_frame() -> None:
    frame = numbered(100)
    first = Session(frame, sample=SampleSpec("FIRST_N", 10))
    assert first.source_sample["i"].tolist() == list(range(10))
    assert first.sample_info == {
        "mode": "FIRST_N",
        "size": 10,
        "seed": None,
        "totalRows": 100,
        "label": "first 10 of 100 rows",
    }
    last = Session(frame, sample=SampleSpec("LAST_N", 10))
    assert last.source_sample["i"].tolist() == list(range(90, 100))
    assert list(last.source_sample.index) == list(range(10)), "samples are indexed by position"
    assert last.sample_info["label"] == "last 10 of 100 rows"
    rand = Session(frame, sample=SampleSpec("RANDOM", 10, seed=7))
    picked = rand.source_sample["i"].tolist()
    assert picked == sorted(picked)
    assert len(set(picked)) == 10
    assert Session(frame, sample=SampleSpec("RANDOM", 10, seed=7)).source_sample["i"].tolist() == picked
    assert Session(frame, sample=SampleSpec("RANDOM", 10, seed=8)).source_sample["i"].tolist() != picked
    assert rand.sample_info["label"] == "random 10 of 100 rows"
    assert rand.sample_info["seed"] == 7
    full = Session(frame, sample=SampleSpec("FULL"))
    assert len(full.source_sample) == 100
    assert full.sample_info["label"] == "all 100 rows"
    small = Session(frame)
    assert small.sample_info["mode"] == "FULL", "the default takes every row of a small source"
    assert Session(numbered(1)).sample_info["label"] == "all 1 row"
    big = SampleSpec()
    assert (big.mode, big.size, big.seed) == ("FIRST_N", 50_000, 0)
    with pytest.raises(RecipeError, match="unknown sample mode"):
        SampleSpec("SOME")
    with pytest.raises(RecipeError, match="sample size"):
        SampleSpec("FIRST_N", 0)


def test_resample_replays_the_recipe_on_the_new_sample() -> None:
    s = Session(people(), sample=SampleSpec("FIRST_N", 4))
    s.apply(UPPER_CITY)
    s.apply(FILL_AGE)
    revision = s.revision
    s.resample(SampleSpec("LAST_N", 3))
    assert_invariant(s)
    assert s.revision > revision
    assert s.sample_info["label"] == "last 3 of 8 rows"
    assert s.sample_frame["city"].tolist() == ["ROME", "OSLO", "LIMA"]
    assert len(s.recipe.steps) == 2
    s.resample(SampleSpec("RANDOM", 5, seed=1))
    assert_invariant(s)
    s.undo()
    assert_invariant(s)


def _write_sources(folder: Path, frame: pd.DataFrame) -> dict[str, Path]:
    paths = {ext: folder / f"data.{ext}" for ext in ("csv", "parquet", "jsonl", "xlsx")}
    for ext in ("csv", "parquet", "jsonl"):
        write_pandas(frame, paths[ext])
    frame.to_excel(paths["xlsx"], index=False)
    return paths


@pytest.mark.parametrize("ext", ["csv", "parquet", "jsonl", "xlsx"])
def test_sample_modes_on_files(tmp_path: Path, ext: str) -> None:
    frame = pd.DataFrame(
        {
            "i": np.arange(40),
            "city": [["oslo", "rome", None, "lima"][k % 4] for k in range(40)],
            "price": [k * 1.5 for k in range(40)],
        }
    )
    path = _write_sources(tmp_path, frame)[ext]
    whole = Session(path, sample=SampleSpec("FULL"))
    assert whole.sample_info["label"] == "all 40 rows"
    assert whole.source_sample["i"].tolist() == list(range(40))
    if ext != "xlsx":
        assert_frame_equal(whole.source_sample, read_pandas(path))
    assert Session(path).sample_info["label"] == "all 40 rows", "the default takes a small file whole"
    first = Session(path, sample=SampleSpec("FIRST_N", 5))
    assert_frame_equal(first.source_sample, whole.source_sample.iloc[:5])
    known = ext in ("parquet", "xlsx")
    assert first.sample_info["totalRows"] == (40 if known else None)
    assert first.sample_info["label"] == ("first 5 of 40 rows" if known else "first 5 rows")
    last = Session(path, sample=SampleSpec("LAST_N", 5))
    assert_frame_equal(last.source_sample, whole.source_sample.iloc[35:].reset_index(drop=True))
    assert last.sample_info["label"] == "last 5 of 40 rows"
    rand = Session(path, sample=SampleSpec("RANDOM", 6, seed=3))
    rows = sample_module.positions(SampleSpec("RANDOM", 6, seed=3), 40)
    assert_frame_equal(rand.source_sample, whole.source_sample.iloc[rows].reset_index(drop=True))
    assert rand.sample_info["label"] == "random 6 of 40 rows"
    for s in (first, last, rand):
        s.apply(UPPER_CITY)
        assert_invariant(s)
    assert_frame_equal(
        whole.result(), replay(whole.recipe, read_pandas(path) if ext != "xlsx" else whole.source_sample)
    )


def test_first_rows_of_a_file_stop_the_reader_early(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"i": np.arange(300_000)}), path, row_group_size=50_000)
    csv_path = tmp_path / "big.csv"
    # Wide enough rows that the file spans several of the CSV reader's blocks.
    pd.DataFrame({"i": np.arange(300_000), "pad": "x" * 40}).to_csv(csv_path, index=False)
    seen: list[int] = []
    real = sample_module.FileSource._file_batches

    def counting(self: Any, f: Path) -> Any:
        for batch in real(self, f):
            seen.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(sample_module.FileSource, "_file_batches", counting)
    for source in (path, csv_path):
        seen.clear()
        s = Session(source, sample=SampleSpec("FIRST_N", 1000))
        assert s.source_sample["i"].tolist() == list(range(1000))
        assert sum(seen) < 300_000, f"{source.suffix}: read {sum(seen)} rows for the first 1,000"


def test_an_excel_column_of_mixed_cells_reads_as_text(tmp_path: Path) -> None:
    path = tmp_path / "mixed.xlsx"
    pd.DataFrame({"code": [1, "A2", None], "n": [1, 2, 3]}).to_excel(path, index=False)
    s = Session(path)
    assert s.schema_at(0) == [{"name": "code", "type": "string"}, {"name": "n", "type": "integer"}]
    assert s.source_sample["code"].tolist()[:2] == ["1", "A2"]


# ---------------------------------------------------------------------------------- previews


def preview_of(session: Session, candidate: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    recipe, revision, frame = session.recipe.to_dict(), session.revision, session.sample_frame
    info = session.preview(candidate, at)
    assert session.recipe.to_dict() == recipe
    assert session.revision == revision
    assert session.sample_frame is frame, "a preview leaves the session as it was"
    assert_invariant(session)
    assert set(info) == {
        "mode",
        "summary",
        "rowsBefore",
        "rowsAfter",
        "addedColumns",
        "removedColumns",
        "changedColumns",
        "columns",
        "rows",
    }
    return info


def test_preview_cells_for_row_wise_steps(session: Session) -> None:
    info = preview_of(session, UPPER_CITY)
    assert info["mode"] == "cells"
    assert info["summary"] == "7 cells changed in city"
    assert info["changedColumns"] == ["city"]
    assert info["rows"] == 8
    assert info["rowsBefore"] == info["rowsAfter"] == 8
    table, extras = session.preview_window(0, 4)
    assert table.column("city").to_pylist() == ["OSLO", "ROME", None, "OSLO"]
    assert extras == {"changed": {"city": [0, 1, 3]}}
    table, extras = session.preview_window(2, 6)
    assert table.num_rows == 4
    assert extras == {"changed": {"city": [1, 2, 3]}}, "offsets count from the window's start"

    info = preview_of(session, FILL_AGE)
    assert info["summary"] == "2 cells changed in age"
    assert session.preview_window(0, 8)[1] == {"changed": {"age": [1, 5]}}

    info = preview_of(
        session,
        step("FLAG_COLUMN_FROM_NULL", sourceColumn="age", targetColumn="no_age", flagType="Null values"),
    )
    assert info["summary"] == "1 column added"
    assert info["addedColumns"] == ["no_age"]
    assert session.preview_window(0, 3)[1] == {"changed": {"no_age": [0, 1, 2]}}

    info = preview_of(session, step("UPPER_CASE", sourceColumn="notes"))
    assert info["summary"] == "8 cells changed in notes"

    info = preview_of(session, step("LOWER_CASE", sourceColumn="notes"))
    assert info["summary"] == "no changes"
    assert session.preview_window(0, 8)[1] == {"changed": {}}


def test_preview_with_conditions(session: Session) -> None:
    conditions = [{"Condition": "GREATER_THAN", "Value": "30", "TargetColumn": "age"}]
    info = preview_of(session, step("UPPER_CASE", conditions, sourceColumn="city"))
    assert info["mode"] == "cells"
    assert info["summary"] == "4 cells changed in city"
    assert session.preview_window(0, 8)[1] == {"changed": {"city": [0, 3, 6, 7]}}
    removing = step(
        "REMOVE_VALUES", [{"Condition": "IS", "Value": ["oslo"], "TargetColumn": "city"}], sourceColumn="city"
    )
    info = preview_of(session, removing)
    assert info["mode"] == "rows"
    assert info["summary"] == "3 rows removed"
    assert session.preview_window(0, 8)[1] == {"removed": [0, 3, 6]}


def test_preview_rows_for_filters(session: Session) -> None:
    info = preview_of(session, step("REMOVE_MISSING", sourceColumn="age"))
    assert info["mode"] == "rows"
    assert info["summary"] == "2 rows removed"
    assert (info["rowsBefore"], info["rowsAfter"], info["rows"]) == (8, 6, 8)
    table, extras = session.preview_window(0, 8)
    assert table.num_rows == 8, "rows mode shows the frame before the step"
    assert extras == {"removed": [1, 5]}
    assert session.preview_window(4, 8)[1] == {"removed": [1]}

    info = preview_of(session, step("DELETE_DUPLICATE_ROWS"))
    assert info["mode"] == "rows"
    assert info["summary"] == "2 rows removed"
    assert session.preview_window(0, 8)[1] == {"removed": [3, 6]}

    # Row identity survives a sort before the filter: the preview is against the frame at its position.
    session.apply(SORT_CITY)
    assert_invariant(session)
    info = preview_of(session, step("REMOVE_MISSING", sourceColumn="city"))
    assert info["mode"] == "rows"
    assert session.preview_window(0, 8)[1] == {"removed": [7]}


def test_preview_table_and_column_steps(session: Session) -> None:
    info = preview_of(session, RENAME_CITY)
    assert info["mode"] == "cells"
    assert info["summary"] == "city renamed to town"
    assert info["addedColumns"] == ["town"]
    assert info["removedColumns"] == ["city"]
    assert session.preview_window(0, 8)[1] == {"changed": {}}

    info = preview_of(session, step("DELETE", sourceColumns=["notes", "tmp"]))
    assert info["mode"] == "cells"
    assert info["summary"] == "2 columns removed"
    assert [c["name"] for c in info["columns"]] == ["city", "age", "amount"]

    info = preview_of(session, SORT_CITY)
    assert info["mode"] == "table"
    assert info["summary"] == "rows reordered"
    assert session.preview_window(0, 3)[0].column("city").to_pylist() == ["lima", "oslo", "oslo"]
    assert session.preview_window(0, 3)[1] == {}

    group = step(
        "GROUP_BY",
        sourceColumns=["city"],
        groupByAggFunctionOptions=[
            {"sourceColumnName": "amount", "targetColumnName": "total", "functionName": "SUM"}
        ],
        useNewDataFrame=True,
    )
    info = preview_of(session, group)
    assert info["mode"] == "table"
    assert info["summary"] == "5 rows (was 8), 1 column added, 4 columns removed"
    assert info["rows"] == 5
    assert [c["name"] for c in info["columns"]] == ["city", "total"]
    assert info["columns"][1]["profile"]["count"] == 5

    info = preview_of(session, UPPER_CITY, at=0)
    assert info["mode"] == "cells"


def test_a_preview_profiles_new_columns_within_a_budget(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_module, "PREVIEW_PROFILE_CELLS", 10)
    session.columns()
    info = preview_of(session, SORT_CITY)
    assert [c["profile"] for c in info["columns"]] == [None] * 5, "a sort of every column is over the budget"
    info = preview_of(session, UPPER_CITY)
    assert info["columns"][0]["profile"]["topValues"][0] == {"value": "OSLO", "count": 3}
    assert all(c["profile"] is not None for c in info["columns"]), "one changed column is within it"
    session.apply(SORT_CITY)
    assert_invariant(session)
    assert all(c["profile"] is not None for c in session.columns()), "the live frame is always profiled"


def test_preview_of_an_invalid_step_raises_and_clear_preview(session: Session) -> None:
    with pytest.raises(ColumnNotFoundError) as caught:
        session.preview(step("UPPER_CASE", sourceColumn="cities"))
    assert caught.value.suggestion == "city"
    session.preview(UPPER_CITY)
    assert session.current_preview is not None
    session.clear_preview()
    assert session.current_preview is None
    with pytest.raises(RecipeError, match="no preview"):
        session.preview_window(0, 5)
    session.preview(UPPER_CITY)
    session.apply(UPPER_CITY)
    assert session.current_preview is None, "an edit ends the preview"
    assert_invariant(session)


# ---------------------------------------------------------------------------------- grid, schema, checks


def test_window_returns_arrow_rows_of_the_live_frame(session: Session) -> None:
    session.apply(UPPER_CITY)
    table = session.window(2, 5)
    assert isinstance(table, pa.Table)
    assert table.column_names == ["city", "age", "amount", "notes", "tmp"]
    assert table.column("city").to_pylist() == [None, "OSLO", "PARIS"]
    assert session.window(6, 100).num_rows == 2
    assert session.window(50, 60).num_rows == 0
    assert session.window(-3, 1).num_rows == 1


def test_columns_and_profiles(session: Session) -> None:
    columns = session.columns()
    assert [c["name"] for c in columns] == ["city", "age", "amount", "notes", "tmp"]
    assert [c["type"] for c in columns] == ["string", "double", "integer", "string", "integer"]
    city = columns[0]["profile"]
    assert set(city) == {
        "count",
        "missing",
        "invalid",
        "distinct",
        "semanticType",
        "histogram",
        "topValues",
        "pii",
    }
    assert (city["count"], city["missing"], city["distinct"]) == (7, 1, 4)
    assert city["histogram"] is None
    assert city["topValues"][0] == {"value": "oslo", "count": 3}
    amount = columns[2]["profile"]
    assert amount["topValues"] is None
    assert len(amount["histogram"]["edges"]) == len(amount["histogram"]["counts"]) + 1
    full = session.column_profile("age")
    assert full["name"] == "age"
    assert full["missing"] == 2
    assert full["mean"] == pytest.approx(220 / 6)
    with pytest.raises(ColumnNotFoundError) as caught:
        session.column_profile("ages")
    assert caught.value.suggestion == "age"


def test_pii_columns_show_masked_values() -> None:
    emails = [f"person{k}@example.org" for k in range(30)]
    s = Session(pd.DataFrame({"email": emails, "n": range(30)}))
    profile = s.columns()[0]["profile"]
    assert profile["pii"] is True
    assert all(v["value"] not in emails for v in profile["topValues"])


def test_header_profiles_recompute_only_changed_columns(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    session.columns()
    asked: list[list[str]] = []
    real = headers_module._profile

    def recording(frame: pd.DataFrame, names: list[str]) -> Any:
        asked.append(list(names))
        return real(frame, names)

    monkeypatch.setattr(headers_module, "_profile", recording)
    session.columns()
    assert asked == []
    session.apply(UPPER_CITY)
    session.columns()
    assert asked == [["city"]]
    asked.clear()
    session.apply(
        step("FLAG_COLUMN_FROM_NULL", sourceColumn="age", targetColumn="no_age", flagType="Null values")
    )
    session.columns()
    assert asked == [["no_age"]]
    asked.clear()
    session.undo()
    session.undo()
    session.columns()
    assert asked == [], "profiles of earlier data are kept for undo"
    asked.clear()
    session.apply(step("REMOVE_MISSING", sourceColumn="age"))
    session.columns()
    assert asked == [["city", "age", "amount", "notes", "tmp"]], "removing rows changes every column"
    assert_invariant(session)


def test_schema_at_each_position(session: Session) -> None:
    session.apply(RENAME_CITY)
    session.apply(step("DELETE", sourceColumns=["tmp"]))
    assert [c["name"] for c in session.schema_at(0)] == ["city", "age", "amount", "notes", "tmp"]
    assert [c["name"] for c in session.schema_at(1)] == ["town", "age", "amount", "notes", "tmp"]
    assert session.schema_at(2) == [
        {"name": "town", "type": "string"},
        {"name": "age", "type": "double"},
        {"name": "amount", "type": "integer"},
        {"name": "notes", "type": "string"},
    ]
    with pytest.raises(RecipeError):
        session.schema_at(3)


def test_validate_gives_step_errors(session: Session) -> None:
    session.apply(RENAME_CITY)
    assert session.validate(UPPER_CITY, at=0) == []
    errors = session.validate(UPPER_CITY)
    assert errors == [
        {
            "message": "step 2 (id 's2'), UPPER_CASE, parameter 'sourceColumn': column 'city' does not exist "
            "at this step: it was renamed to 'town' by step 1 (did you mean 'town'?)",
            "parameter": "sourceColumn",
            "column": "city",
            "suggestion": "town",
        }
    ]
    [unknown] = session.validate(step("UPPERCASE", sourceColumn="town"))
    assert unknown["suggestion"] == "UPPER_CASE"
    assert "unknown operation" in unknown["message"]
    [missing] = session.validate(step("RENAME", sourceColumn="town"))
    assert missing["parameter"] == "targetColumn"
    assert "missing" in missing["message"]
    [shape] = session.validate({"Action": "UPPER_CASE"})
    assert shape["parameter"] is None
    assert "Operation" in shape["message"]
    [condition] = session.validate(
        step("UPPER_CASE", [{"Condition": "IS", "Value": "x", "TargetColumn": "zip"}], sourceColumn="town")
    )
    assert condition["column"] == "zip"
    assert_invariant(session)


def test_step_descriptions() -> None:
    cases = {
        "Upper-case city": UPPER_CITY,
        "Rename price to unit_price": step("RENAME", sourceColumn="price", targetColumn="unit_price"),
        "Sort by date (descending), amount (descending)": step(
            "SORT",
            expressions=[
                {"sourceColumn": "date", "ordering": "DESCENDING"},
                {"sourceColumn": "amount", "ordering": "DESCENDING"},
            ],
        ),
        "Sort by date, amount (descending)": step(
            "SORT",
            expressions=[{"sourceColumn": "date"}, {"sourceColumn": "amount", "ordering": "DESCENDING"}],
        ),
        "Fill missing age with the average": FILL_AGE,
        "Delete columns notes, tmp": step("DELETE", sourceColumns=["notes", "tmp"]),
        "Delete column notes": step("DELETE", sourceColumns=["notes"]),
        "Remove rows where email is missing": step(
            "REMOVE_VALUES", [{"Condition": "IS_MISSING", "TargetColumn": "email"}], sourceColumn="email"
        ),
        "Upper-case city where 2 conditions": step(
            "UPPER_CASE",
            [
                {"Condition": "IS_MISSING", "TargetColumn": "email"},
                {"Condition": "GREATER_THAN", "Value": "3", "TargetColumn": "n"},
            ],
            sourceColumn="city",
        ),
        "Remove duplicate rows": step("DELETE_DUPLICATE_ROWS"),
        "Flag outliers price into price_flag": step(
            "FLAG_OUTLIERS", sourceColumn="price", targetColumn="price_flag"
        ),
        "Merge first, last into name": step(
            "MERGE", sourceColumns=["first", "last"], delimiter=" ", targetColumn="name"
        ),
        "Square root n into root": step("SQUARE_ROOT", sourceColumn="n", targetColumn="root"),
        "Made up thing": step("MADE_UP_THING", anything=1),
        "Upper case": step("UPPER_CASE"),
    }
    for expected, data in cases.items():
        assert describe(Step.from_json(data, 0)) == expected


def test_unknown_operations_in_a_loaded_recipe_do_not_break_the_session(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps([UPPER_CITY, step("FROM_THE_FUTURE", sourceColumn="city"), FILL_AGE]))
    s = Session(people(), recipe=path)
    assert_invariant(s)
    assert statuses(s) == ["ok", "error", "blocked"]
    state = s.step_states()[1]
    assert state["description"] == "From the future"
    assert "unknown operation 'FROM_THE_FUTURE'" in state["error"]["message"]
    s.delete(1)
    assert_invariant(s)
    assert statuses(s) == ["ok", "ok"]


def test_recipe_state_shape(session: Session) -> None:
    session.apply(UPPER_CITY)
    state = session.recipe_state()
    assert set(state) == {"name", "steps", "canUndo", "canRedo", "path"}
    assert state["path"] == str(session.recipe_path)
    assert state["name"] == session.recipe_path.stem
    assert state["steps"][0] == {
        "step": {"id": "s1", "Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}},
        "description": "Upper-case city",
        "status": "ok",
        "error": None,
    }


def test_the_recipe_property_is_a_copy(session: Session) -> None:
    session.apply(UPPER_CITY)
    copy = session.recipe
    copy.steps.clear()
    assert len(session.recipe.steps) == 1
    assert_invariant(session)


# ---------------------------------------------------------------------------------- datasets and results


def test_secondary_datasets_are_whole_and_join_works(tmp_path: Path) -> None:
    lookup = pd.DataFrame({"name": ["oslo", "rome", "lima", "paris"], "country": ["NO", "IT", "PE", "FR"]})
    lookup_path = tmp_path / "lookup.parquet"
    write_pandas(lookup, lookup_path)
    for bound in (lookup, lookup_path):
        s = Session(people(), sample=SampleSpec("FIRST_N", 3), datasets={"countries": bound})
        assert s.dataset_names == ["countries"]
        assert s.dataset_columns("countries") == [
            {"name": "name", "type": "string"},
            {"name": "country", "type": "string"},
        ]
        s.apply(
            step(
                "JOIN",
                joinType="LEFT_JOIN",
                joinKeys=[{"key": "city", "value": "name"}],
                leftColumns=["city", "amount"],
                rightColumns=["country"],
                secondaryDatasetName="countries",
            )
        )
        assert_invariant(s)
        assert plain(s.sample_frame["country"]) == ["NO", "IT", None]
        assert len(s.datasets["countries"]) == 4, "secondary datasets are not sampled"
        assert plain(s.result()["country"]) == ["NO", "IT", None, "NO", "FR", "IT", "NO", "PE"]


def test_result_replays_on_all_the_rows() -> None:
    frame = people().set_index(pd.Index(list("abcdefgh")))
    s = Session(frame, sample=SampleSpec("FIRST_N", 3))
    s.apply(UPPER_CITY)
    s.apply(step("REMOVE_MISSING", sourceColumn="city"))
    out = s.result()
    assert len(out) == 7
    expected = replay(s.recipe, frame.reset_index(drop=True))
    assert_frame_equal(out, expected)
    full = Session(frame)
    full.import_recipe(s.export_recipe())
    assert_frame_equal(full.result(), full.sample_frame)
    with pytest.raises(RecipeError, match="unknown engine"):
        s.result(engine="duckdb")


def test_spark_source_samples_and_result(spark_session: Any, tmp_path: Path) -> None:
    local = people()
    frame = spark_session.createDataFrame(pa.Table.from_pandas(local, preserve_index=False))
    first = Session(frame, sample=SampleSpec("FIRST_N", 3))
    assert plain(first.source_sample["city"]) == ["oslo", "rome", None]
    assert first.sample_info["totalRows"] is None
    assert first.sample_info["label"] == "first 3 rows"
    last = Session(frame, sample=SampleSpec("LAST_N", 2))
    assert last.source_sample["amount"].tolist() == [10, 80]
    assert last.sample_info["label"] == "last 2 of 8 rows"
    rand = Session(frame, sample=SampleSpec("RANDOM", 4, seed=5))
    again = Session(frame, sample=SampleSpec("RANDOM", 4, seed=5))
    assert_frame_equal(rand.source_sample, again.source_sample)
    assert len(rand.source_sample) <= 4
    whole = Session(frame)
    assert whole.sample_info["label"] == "all 8 rows"
    assert_frame_equal(whole.source_sample, canonical(local))
    for s in (first, last, rand, whole):
        s.apply(UPPER_CITY)
        s.apply(FILL_AGE)
        assert_invariant(s)
    out = first.result()
    assert type(out).__name__ == "DataFrame"
    assert hasattr(out, "toArrow")
    assert_frame_equal(sample_module.read_frame(out), canonical(whole.sample_frame))

    pandas_session = Session(local, sample=SampleSpec("FIRST_N", 2))
    pandas_session.import_recipe(first.export_recipe())
    on_spark = pandas_session.result(engine="spark", spark=spark_session)
    assert_frame_equal(sample_module.read_frame(on_spark), canonical(pandas_session.result()))
    assert os.path.exists(first.recipe_path)
