"""The widget glue: requests from the frontend answered by the session, traits kept in step.

The frontend's messages are fed to the widget's message handler exactly as the comm delivers
them, and what the widget sends back is read from its outgoing messages.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet
import pytest

import workbench as wb
from workbench.recipe.replay import replay
from workbench.widget import protocol
from workbench.widget.widget import Workbench

UPPER = {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}}
REMOVE_MISSING = {"Action": {"Operation": "REMOVE_MISSING", "Parameters": {"sourceColumn": "amount"}}}


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "city": ["oslo", "rome", None, "lima", "oslo", "kyiv"],
            "amount": [1.5, None, 3.0, 4.25, None, 6.0],
            "units": [1, 2, 3, 4, 5, 6],
        }
    )


class Frontend:
    """Speaks the wire protocol to a Workbench the way the browser does."""

    def __init__(self, workbench: Workbench) -> None:
        self.workbench = workbench
        self.sent: list[tuple[dict[str, Any], list[bytes]]] = []
        self.next_id = 0
        workbench.widget.send = self._capture  # type: ignore[method-assign]

    def _capture(self, content: dict[str, Any], buffers: Any = None) -> None:
        self.sent.append((content, list(buffers or [])))

    def call(self, method: str, **params: Any) -> tuple[dict[str, Any], list[bytes]]:
        self.next_id += 1
        message = {"kind": "request", "id": self.next_id, "method": method, "params": params}
        self.workbench._on_message(self.workbench.widget, message, [])
        content, buffers = self.sent[-1]
        assert content["kind"] == "response"
        assert content["id"] == self.next_id
        return content, buffers

    def ok(self, method: str, **params: Any) -> tuple[dict[str, Any], list[bytes]]:
        content, buffers = self.call(method, **params)
        assert content["ok"], content.get("error")
        return content["result"], buffers


def assert_live_frame_is_replay(workbench: Workbench) -> None:
    session = workbench.session
    expected = replay(session.recipe, session.source_sample)
    pd.testing.assert_frame_equal(
        expected.reset_index(drop=True), session.sample_frame.reset_index(drop=True)
    )


@pytest.fixture
def ui(tmp_path: Path) -> Frontend:
    workbench = wb.open(frame(), recipe=tmp_path / "recipe.json")
    return Frontend(workbench)


def decode(buffers: list[bytes]) -> pa.Table:
    assert len(buffers) == 1
    return pa.ipc.open_stream(buffers[0]).read_all()


def test_open_fills_every_trait(ui: Frontend) -> None:
    widget = ui.workbench.widget
    operations = {entry["operation"] for entry in widget.catalogue["transforms"]}
    assert {"UPPER_CASE", "SORT", "GROUP_BY", "JOIN"} <= operations
    assert widget.catalogue["categories"][0] == "Column"
    assert {c["name"] for c in widget.catalogue["conditions"]} >= {"IS", "IS_MISSING", "IS_BETWEEN"}
    assert [c["name"] for c in widget.view["columns"]] == ["city", "amount", "units"]
    assert widget.view["rows"] == 6
    assert widget.view["sample"]["label"] == "all 6 rows"
    assert widget.view["preview"] is None
    assert widget.recipe["steps"] == []
    assert widget.job["state"] == "idle"


def test_window_is_arrow_ipc_of_the_live_frame(ui: Frontend) -> None:
    result, buffers = ui.ok("window", start=1, stop=4)
    assert (result["start"], result["stop"]) == (1, 4)
    table = decode(buffers)
    assert table.column("city").to_pylist() == ["rome", None, "lima"]
    result, buffers = ui.ok("window", start=4, stop=100)
    assert result["stop"] == 6
    assert decode(buffers).num_rows == 2


def test_preview_then_apply_updates_view_and_recipe(ui: Frontend) -> None:
    widget = ui.workbench.widget
    info, _ = ui.ok("preview", step=UPPER)
    assert info["mode"] == "cells"
    assert widget.view["preview"] == info
    extras, buffers = ui.ok("window", start=0, stop=6, preview=True)
    assert extras["changed"]["city"] == [0, 1, 3, 4, 5]
    assert decode(buffers).column("city").to_pylist()[0] == "OSLO"
    state, _ = ui.ok("apply", step=UPPER)
    assert [s["step"]["Action"]["Operation"] for s in state["steps"]] == ["UPPER_CASE"]
    assert widget.recipe == state
    assert widget.view["preview"] is None
    assert_live_frame_is_replay(ui.workbench)
    _, buffers = ui.ok("window", start=0, stop=2)
    assert decode(buffers).column("city").to_pylist() == ["OSLO", "ROME"]


def test_row_preview_marks_removed_rows(ui: Frontend) -> None:
    info, _ = ui.ok("preview", step=REMOVE_MISSING)
    assert info["mode"] == "rows"
    assert info["rowsAfter"] == 4
    extras, _ = ui.ok("window", start=0, stop=6, preview=True)
    assert extras["removed"] == [1, 4]
    ui.ok("clear_preview")
    assert ui.workbench.widget.view["preview"] is None


def test_edits_undo_redo_through_messages(ui: Frontend) -> None:
    ui.ok("apply", step=UPPER)
    assert_live_frame_is_replay(ui.workbench)
    ui.ok("apply", step=REMOVE_MISSING)
    assert_live_frame_is_replay(ui.workbench)
    ui.ok("move", index=1, to=0)
    assert_live_frame_is_replay(ui.workbench)
    state, _ = ui.ok("toggle", index=0)
    assert state["steps"][0]["status"] == "skipped"
    assert_live_frame_is_replay(ui.workbench)
    assert ui.workbench.widget.view["rows"] == 6
    state, _ = ui.ok("undo")
    assert state["steps"][0]["status"] == "ok"
    assert ui.workbench.widget.view["rows"] == 4
    state, _ = ui.ok("redo")
    assert state["canRedo"] is False
    state, _ = ui.ok("delete", index=0)
    assert len(state["steps"]) == 1
    assert_live_frame_is_replay(ui.workbench)
    assert ui.workbench.recipe_path.exists()
    saved = wb.Recipe.load(ui.workbench.recipe_path)
    assert saved.to_dict() == ui.workbench.recipe.to_dict()


def test_python_calls_and_ui_share_one_session(ui: Frontend) -> None:
    ui.workbench.apply(UPPER)
    assert ui.workbench.widget.recipe["steps"][0]["description"]
    assert ui.workbench.widget.view["revision"] == ui.workbench.session.revision
    state, _ = ui.ok("undo")
    assert state["steps"] == []
    assert ui.workbench.recipe.steps == []
    ui.workbench.redo()
    assert len(ui.workbench.widget.recipe["steps"]) == 1
    assert_live_frame_is_replay(ui.workbench)


def test_errors_name_the_parameter_and_suggest_a_column(ui: Frontend) -> None:
    bad = {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "citty"}}}
    content, _ = ui.call("apply", step=bad)
    assert content["ok"] is False
    assert content["error"]["parameter"] == "sourceColumn"
    assert content["error"]["suggestion"] == "city"
    assert "citty" in content["error"]["message"]
    errors, _ = ui.ok("validate", step=bad)
    assert errors["errors"][0]["column"] == "citty"
    content, _ = ui.call("preview", step=bad)
    assert content["ok"] is False
    assert ui.workbench.widget.view["preview"] is None
    content, _ = ui.call("no_such_method")
    assert content["ok"] is False
    assert "no_such_method" in content["error"]["message"]


def test_regex_check_and_schema_requests(ui: Frontend) -> None:
    assert ui.ok("check_regex", pattern="^[a-z]+$")[0] == {"problem": None}
    assert ui.ok("check_regex", pattern="(?<=a)b")[0]["problem"]
    ui.ok("apply", step={"Action": {"Operation": "DELETE", "Parameters": {"sourceColumns": '["units"]'}}})
    before = ui.ok("schema_at", at=0)[0]["columns"]
    after = ui.ok("schema_at", at=1)[0]["columns"]
    assert [c["name"] for c in before] == ["city", "amount", "units"]
    assert [c["name"] for c in after] == ["city", "amount"]


def test_profile_request_gives_the_full_column_profile(ui: Frontend) -> None:
    result, _ = ui.ok("profile", column="amount")
    assert result["count"] == 4
    assert result["missing"] == 2
    assert result["max"] == 6.0


def test_sample_request_resamples(tmp_path: Path) -> None:
    big = pd.DataFrame({"n": range(1000)})
    ui = Frontend(wb.open(big, sample=100, recipe=tmp_path / "r.json"))
    assert ui.workbench.widget.view["sample"]["label"] == "first 100 of 1,000 rows"
    info, _ = ui.ok("sample", mode="RANDOM", size=10, seed=7)
    assert info["mode"] == "RANDOM"
    assert ui.workbench.widget.view["rows"] == 10
    _, buffers = ui.ok("window", start=0, stop=10)
    again = wb.open(big, sample=wb.widget.SampleSpec("RANDOM", 10, 7), recipe=tmp_path / "s.json")
    assert decode(buffers).column("n").to_pylist() == again.sample_frame["n"].tolist()


def test_import_and_export_recipes(ui: Frontend) -> None:
    ui.ok("apply", step=UPPER)
    text = ui.ok("export_recipe", databrew=True)[0]["text"]
    assert '"Operation": "UPPER_CASE"' in text
    ui.ok("delete", index=0)
    state, _ = ui.ok("import_recipe", text=text)
    assert [s["step"]["Action"]["Operation"] for s in state["steps"]] == ["UPPER_CASE"]
    assert_live_frame_is_replay(ui.workbench)


def wait_for_job(workbench: Workbench, seconds: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while workbench.widget.job["state"] == "running":
        assert time.monotonic() < deadline, workbench.widget.job
        time.sleep(0.05)
    return workbench.widget.job


def test_run_on_full_data_writes_and_reports(tmp_path: Path) -> None:
    big = pd.DataFrame({"city": ["oslo", "rome", None] * 400, "n": range(1200)})
    ui = Frontend(wb.open(big, sample=50, recipe=tmp_path / "r.json"))
    ui.ok("apply", step=UPPER)
    output = tmp_path / "out.parquet"
    state, _ = ui.ok("run", engine="pandas", output=str(output))
    assert state["state"] == "running"
    job = wait_for_job(ui.workbench)
    assert job["state"] == "done", job
    assert job["summary"]["rowsOut"] == 1200
    written = pa.parquet.read_table(output)
    assert written.column("city").to_pylist()[:3] == ["OSLO", "ROME", None]
    ui.ok("run", engine="pandas", output=str(output))
    job = wait_for_job(ui.workbench)
    assert job["state"] == "failed"
    assert "already exists" in job["message"]
    assert pd.read_parquet(output).shape == (1200, 2)


def test_run_on_spark(tmp_path: Path, spark_engine_name: str, request: pytest.FixtureRequest) -> None:
    remote = request.getfixturevalue("connect_server").url if spark_engine_name == "connect" else None
    if remote is None:
        request.getfixturevalue("spark_session")
    ui = Frontend(wb.open(frame(), recipe=tmp_path / "r.json"))
    ui.ok("apply", step=UPPER)
    ui.ok("apply", step=REMOVE_MISSING)
    ui.ok("toggle", index=1)
    output = tmp_path / "out.parquet"
    summary = ui.workbench.run(output, engine="spark", remote=remote)
    assert summary["engine"] == ("spark" if remote is None else f"spark at {remote}")
    assert summary["steps"] == 1
    assert summary["rowsOut"] == 6
    written = pd.read_parquet(output)
    assert sorted(written["city"].dropna()) == ["KYIV", "LIMA", "OSLO", "OSLO", "ROME"]


def test_catalogue_payload_is_json_and_complete() -> None:
    import json

    payload = protocol.catalogue_payload()
    json.dumps(payload)
    assert len(payload["transforms"]) == len(wb.transforms())
    assert "IS_MISSING" in [c["name"] for c in payload["conditions"] if not c["takesValue"]]
