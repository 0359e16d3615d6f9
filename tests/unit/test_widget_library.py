"""The recipe library in the widget: publish, search, versions, diff, open, base and newer-version
notice, through the widget's messages and ``session.publish``, on a folder and on an S3-compatible
server (moto on loopback, started once per test session); and the whole journey from a recipe built
in the widget to a batch job run by reference from another process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import workbench as wb
from tests.unit.conftest import new_bucket
from tests.unit.test_widget import Frontend, assert_live_frame_is_replay
from workbench.library import LIBRARY_ENV, Library
from workbench.widget.library_link import Base

UPPER = {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}}
FILL = {
    "Action": {
        "Operation": "FILL_WITH_CUSTOM",
        "Parameters": {"sourceColumn": "city", "columnDataType": "string", "value": "none"},
    }
}
DELETE_UNITS = {"Action": {"Operation": "DELETE", "Parameters": {"sourceColumns": ["units"]}}}
CSV = "city,units\noslo,1\n,2\nzürich,3\n"


def frame() -> pd.DataFrame:
    return pd.DataFrame({"city": ["oslo", None, "zürich"], "units": [1, 2, 3]})


def open_ui(data: Any, tmp_path: Path, **options: Any) -> Frontend:
    return Frontend(wb.open(data, recipe=options.pop("recipe", None), **options))


def error_of(ui: Frontend, method: str, **params: Any) -> str:
    content, _ = ui.call(method, **params)
    assert not content["ok"], content
    return str(content["error"]["message"])


@pytest.fixture(autouse=True)
def _no_library_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(LIBRARY_ENV, raising=False)
    monkeypatch.chdir(tmp_path)  # autosaved session recipes land in the test's folder


@pytest.fixture
def folder(tmp_path: Path) -> Library:
    return Library(tmp_path / "library")


# ---------------------------------------------------------------------------- configuration


def test_without_a_library_the_buttons_say_how_to_configure_one(tmp_path: Path) -> None:
    ui = open_ui(frame(), tmp_path)
    state = ui.workbench.widget.library
    assert state["configured"] is False
    assert "wb.open(data, library=URL)" in state["hint"]
    assert LIBRARY_ENV in state["hint"]
    assert LIBRARY_ENV in error_of(ui, "library_publish", name="sales", message="")
    assert LIBRARY_ENV in error_of(ui, "library_search", query="")


def test_the_library_comes_from_the_environment_when_open_names_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LIBRARY_ENV, str(tmp_path / "env-library"))
    ui = open_ui(frame(), tmp_path)
    assert ui.workbench.widget.library["url"] == str(tmp_path / "env-library")
    ui.ok("apply", step=UPPER)
    assert ui.ok("library_publish", name="sales", message="from env")[0]["version"]["ref"] == "sales@1.0"
    assert Library(tmp_path / "env-library").published("sales") == ["1.0"]


def test_wb_open_from_a_ref_is_based_on_that_version(tmp_path: Path, folder: Library) -> None:
    published = folder.publish(wb.Recipe.from_data({"name": "sales", "steps": [UPPER]}), message="m")
    session = wb.open(frame(), recipe="sales@1.0", library=folder)
    assert session.base is not None
    assert session.base.ref == "sales@1.0"
    state = session.widget.library
    assert state["base"] == {
        "name": "sales",
        "version": "1.0",
        "digest": published.digest,
        "ref": "sales@1.0",
    }
    assert state["modified"] is False
    assert state["publishName"] == "sales"


# ---------------------------------------------------------------------------- publish


def test_publish_records_the_schema_and_the_file_and_becomes_the_base(
    tmp_path: Path, folder: Library
) -> None:
    data = tmp_path / "in.csv"
    data.write_text(CSV, encoding="utf-8")
    ui = open_ui(data, tmp_path, library=folder.url)
    ui.ok("apply", step=UPPER)
    result, _ = ui.ok("library_publish", name="sales", message="first cut")
    assert result["version"]["version"] == "1.0"
    assert result["version"]["message"] == "first cut"
    record = folder.resolve("sales@1.0").record
    assert record["inputSchema"] == [{"name": "city", "type": "string"}, {"name": "units", "type": "integer"}]
    assert record["dataset"] == {"path": str(data), "format": "csv"}
    assert record["message"] == "first cut"
    state = ui.workbench.widget.library
    assert state["base"]["ref"] == "sales@1.0"
    assert state["modified"] is False
    ui.ok("apply", step=FILL)
    assert ui.workbench.widget.library["modified"] is True


def test_session_publish_defaults_to_the_base_name(tmp_path: Path, folder: Library) -> None:
    session = wb.open(frame(), library=folder)
    session.apply(UPPER)
    with pytest.raises(wb.WorkbenchError, match="has no name"):
        session.publish()
    assert session.publish("sales", "one").version == "1.0"
    session.apply(FILL)
    second = session.publish(message="two")
    assert (second.ref, second.record["message"]) == ("sales@2.0", "two")
    assert session.base is not None
    assert session.base.version == "2.0"
    assert [s.operation for s in folder.recipe("sales@2.0").steps] == ["UPPER_CASE", "FILL_WITH_CUSTOM"]


def test_publish_errors_are_in_words(tmp_path: Path, folder: Library) -> None:
    ui = open_ui(frame(), tmp_path, library=folder)
    ui.ok("apply", step=UPPER)
    refused = error_of(ui, "library_publish", name="../escape", message="")
    assert "../escape" in refused
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    unreachable = open_ui(frame(), tmp_path, library=str(blocked / "library"))
    unreachable.ok("apply", step=UPPER)
    message = error_of(unreachable, "library_publish", name="sales", message="")
    assert "could not write" in message
    assert str(blocked / "library") in message


def test_a_version_published_since_the_base_is_not_skipped_silently(tmp_path: Path, folder: Library) -> None:
    mine = open_ui(frame(), tmp_path, library=folder)
    mine.ok("apply", step=UPPER)
    mine.ok("library_publish", name="sales", message="first")
    theirs = Frontend(wb.open(frame(), recipe="sales@1.0", library=folder))
    theirs.ok("apply", step=DELETE_UNITS)
    theirs.ok("library_publish", message="theirs")
    mine.ok("apply", step=FILL)
    refused = error_of(mine, "library_publish", message="mine")
    assert "sales@2.0 was published" in refused
    assert "after sales@1.0" in refused
    assert folder.published("sales") == ["1.0", "2.0"]
    forced, _ = mine.ok("library_publish", message="mine anyway", force=True)
    assert forced["version"]["ref"] == "sales@3.0"


# ---------------------------------------------------------------------------- find, diff, open


def published_twice(folder: Library) -> None:
    first = {"name": "sales", "description": "Clean the sales export", "tags": ["finance"], "steps": [UPPER]}
    folder.publish(wb.Recipe.from_data(first), message="first", author="ana")
    later = {**first, "steps": [UPPER, FILL]}
    folder.publish(wb.Recipe.from_data(later), message="fill the gaps", author="bo")
    folder.publish(wb.Recipe.from_data({"name": "other", "steps": [DELETE_UNITS]}), author="ana")


def test_search_finds_by_name_description_tag_operation_and_column(tmp_path: Path, folder: Library) -> None:
    published_twice(folder)
    ui = open_ui(frame(), tmp_path, library=folder)

    def names(query: str) -> list[str]:
        return [r["name"] for r in ui.ok("library_search", query=query)[0]["recipes"]]

    assert names("") == ["other", "sales"]
    assert names("sales") == ["sales"]
    assert names("export") == ["sales"]
    assert names("finance") == ["sales"]
    assert names("fill_with_custom") == ["sales"]
    assert names("units") == ["other"]
    assert names("nothing-like-this") == []


def test_versions_are_newest_first_with_author_time_and_message(tmp_path: Path, folder: Library) -> None:
    published_twice(folder)
    ui = open_ui(frame(), tmp_path, library=folder)
    shown, _ = ui.ok("library_versions", name="sales")
    assert [v["version"] for v in shown["versions"]] == ["2.0", "1.0"]
    assert [(v["author"], v["message"]) for v in shown["versions"]] == [
        ("bo", "fill the gaps"),
        ("ana", "first"),
    ]
    assert all(v["published"] for v in shown["versions"])
    assert shown["latest"] == "2.0"
    assert "did you mean 'sales'" in error_of(ui, "library_versions", name="sale")


def test_diff_against_the_current_recipe_in_words(tmp_path: Path, folder: Library) -> None:
    published_twice(folder)
    ui = open_ui(frame(), tmp_path, library=folder)
    ui.ok("apply", step={**UPPER, "id": "s1"})
    diff, _ = ui.ok("library_diff", ref="sales@2.0")
    assert diff["from"] == "the current recipe"
    assert diff["to"] == "sales@2.0"
    assert [c["kind"] for c in diff["changes"]] == ["added"]
    assert "FILL_WITH_CUSTOM" in diff["text"]
    assert diff["version"]["message"] == "fill the gaps"
    same, _ = ui.ok("library_diff", ref="sales@1.0")
    assert same["changes"] == []
    assert "no changes" in same["text"]


def test_open_a_version_is_one_undoable_edit_and_becomes_the_base(tmp_path: Path, folder: Library) -> None:
    published_twice(folder)
    ui = open_ui(frame(), tmp_path, library=folder)
    ui.ok("apply", step=DELETE_UNITS)
    state, _ = ui.ok("library_open", ref="sales@2.0")
    assert [s["step"]["Action"]["Operation"] for s in state["steps"]] == ["UPPER_CASE", "FILL_WITH_CUSTOM"]
    assert state["name"] == "sales"
    assert ui.workbench.widget.library["base"]["ref"] == "sales@2.0"
    assert ui.workbench.widget.recipe == state
    assert ui.workbench.session.sample_frame["city"].tolist() == ["OSLO", "none", "ZÜRICH"]
    assert_live_frame_is_replay(ui.workbench)
    undone, _ = ui.ok("undo")
    assert [s["step"]["Action"]["Operation"] for s in undone["steps"]] == ["DELETE"]
    assert ui.workbench.widget.library["base"] is None
    ui.ok("redo")
    assert ui.workbench.widget.library["base"]["ref"] == "sales@2.0"
    assert "no version 9.0" in error_of(ui, "library_open", ref="sales@9.0")


def test_a_newer_published_version_is_noticed_on_check(tmp_path: Path, folder: Library) -> None:
    published_twice(folder)
    ui = Frontend(wb.open(frame(), recipe="sales@1.0", library=folder))
    # Checked when the widget opened: 2.0 was already there.
    assert ui.workbench.widget.library["newer"]["ref"] == "sales@2.0"
    assert ui.workbench.widget.library["newer"]["author"] == "bo"
    ui.ok("library_open", ref="sales@2.0")
    assert ui.workbench.widget.library["newer"] is None
    folder.publish(wb.Recipe.from_data({"name": "sales", "steps": [FILL]}), message="third")
    assert ui.workbench.widget.library["newer"] is None  # nobody looked yet
    checked, _ = ui.ok("library_check")
    assert checked["newer"]["ref"] == "sales@3.0"
    assert checked["newer"]["message"] == "third"
    assert ui.workbench.widget.library == checked
    folder.deprecate("sales@3.0")
    assert ui.ok("library_check")[0]["newer"] is None


# ---------------------------------------------------------------------------- on S3


def s3_library(options: dict[str, Any]) -> Library:
    """A library under a fresh bucket of the session's S3 server (``s3_options``, tests/unit/conftest.py)."""
    return Library(f"s3://{new_bucket(options, 'widget')}/team", storage_options=options)


def test_publish_open_and_newer_notice_on_s3(tmp_path: Path, s3_options: dict[str, Any]) -> None:
    library = s3_library(s3_options)
    mine = open_ui(frame(), tmp_path, library=library)
    mine.ok("apply", step=UPPER)
    published, _ = mine.ok("library_publish", name="sales", message="on s3")
    assert published["version"]["ref"] == "sales@1.0"
    assert library.resolve("sales@1.0").record["inputSchema"][0] == {"name": "city", "type": "string"}
    theirs = Frontend(wb.open(frame(), recipe="sales@1.0", library=library))
    theirs.ok("apply", step=DELETE_UNITS)
    theirs.ok("library_publish", message="drop units")
    assert mine.ok("library_check")[0]["newer"]["ref"] == "sales@2.0"
    assert "sales@2.0 was published" in error_of(mine, "library_publish", message="stale")
    assert [r["name"] for r in mine.ok("library_search", query="units")[0]["recipes"]] == ["sales"]
    versions, _ = mine.ok("library_versions", name="sales")
    assert [(v["version"], v["message"]) for v in versions["versions"]] == [
        ("2.0", "drop units"),
        ("1.0", "on s3"),
    ]
    mine.ok("library_open", ref="sales@2.0")
    assert list(mine.workbench.session.sample_frame.columns) == ["city"]
    assert mine.workbench.widget.library["base"]["ref"] == "sales@2.0"
    assert mine.workbench.widget.library["newer"] is None


def test_an_unreachable_object_store_is_said_in_words(tmp_path: Path) -> None:
    pytest.importorskip("s3fs")
    closed = {
        "endpoint_url": "http://127.0.0.1:9",
        "key": "k",
        "secret": "s",
        "client_kwargs": {"region_name": "us-east-1"},
        "skip_instance_cache": True,
        "config_kwargs": {"retries": {"max_attempts": 1}, "connect_timeout": 1},
    }
    ui = open_ui(frame(), tmp_path, library=Library("s3://nowhere/team", storage_options=closed))
    ui.ok("apply", step=UPPER)
    for method, params in (
        ("library_publish", {"name": "sales", "message": ""}),
        ("library_search", {"query": ""}),
    ):
        message = error_of(ui, method, **params)
        assert message.startswith("library 's3://nowhere/team'"), message
        assert "Could not connect to the endpoint" in message
    ui.workbench.session.set_base(Base("sales", "1.0", "sha256:00", ()))
    checked = ui.workbench.check_library()
    assert "Could not connect to the endpoint" in checked["problem"]
    assert checked["base"]["ref"] == "sales@1.0"
    assert checked["newer"] is None


# ---------------------------------------------------------------------------- the whole journey


def workbench_command(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``workbench ARGS`` in another process (another kernel's view of the library)."""
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.fixture(params=["folder", "s3"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Library, dict[str, str]]:
    """A library, and the environment that points another process's ``workbench`` at it."""
    if request.param == "folder":
        library = Library(tmp_path / "team-library")
        return library, {LIBRARY_ENV: library.url}
    options = request.getfixturevalue("s3_options")
    library = s3_library(options)
    shell = {k: v for k, v in options.items() if k != "skip_instance_cache"}
    return library, {LIBRARY_ENV: library.url, "FSSPEC_S3": json.dumps(shell)}


def test_journey_built_in_the_widget_published_found_diffed_pinned_and_run_by_reference(
    tmp_path: Path, shared: tuple[Library, dict[str, str]]
) -> None:
    library, env = shared
    data = tmp_path / "in.csv"
    data.write_text(CSV, encoding="utf-8")

    # Built in the widget, through its messages, and published with a message.
    ui = open_ui(data, tmp_path, library=library)
    for step in (UPPER, FILL):
        ui.ok("preview", step=step)
        ui.ok("apply", step=step)
    first, _ = ui.ok("library_publish", name="orders-clean", message="first cut")
    assert first["version"]["ref"] == "orders-clean@1.0"

    # Found by search from another process.
    listed = workbench_command(
        ["library", "list", "--search", "fill_with_custom city", "--json"], tmp_path, env
    )
    assert listed.returncode == 0, listed.stderr
    assert [r["name"] for r in json.loads(listed.stdout)] == ["orders-clean"]

    # A colleague opens it in their widget, changes it and publishes a later version.
    colleague = open_ui(data, tmp_path, library=library)
    colleague.ok("library_open", ref="orders-clean@1.0")
    colleague.ok("apply", step=DELETE_UNITS)
    colleague.ok("library_publish", message="units are not needed")

    # The first widget notices it and shows the diff against its recipe, in words.
    assert ui.ok("library_check")[0]["newer"]["ref"] == "orders-clean@2.0"
    diff, _ = ui.ok("library_diff", ref="orders-clean@2.0")
    assert [(c["kind"], c["operation"]) for c in diff["changes"]] == [("added", "DELETE")]
    assert "step 3 (DELETE" in diff["text"]

    # A job pins 1.0 in its lock file and runs it by reference, frozen.
    job = tmp_path / "job"
    job.mkdir()
    (job / "in.csv").write_text(CSV, encoding="utf-8")
    locked = workbench_command(["lock", "orders-clean@1.0"], job, env)
    assert locked.returncode == 0, locked.stderr
    pins = json.loads((job / "workbench.lock").read_text(encoding="utf-8"))["pins"]
    assert pins["orders-clean@1.0"]["digest"] == first["version"]["digest"]
    ran = workbench_command(
        ["run", "orders-clean@1.0", "--input", "in.csv", "--output", "out.csv", "--frozen"], job, env
    )
    assert ran.returncode == 0, ran.stderr
    written = pd.read_csv(job / "out.csv")
    assert written["city"].tolist() == ["OSLO", "none", "ZÜRICH"]
    assert written["units"].tolist() == [1, 2, 3]  # 1.0 keeps the column 2.0 deletes
    expected = ui.workbench.session.result()
    assert written["city"].tolist() == expected["city"].tolist()
