"""DataBrew's session requests GET_STEP_DATAFRAME and GET_ACTION_RESULT: they load, never run."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from workbench.catalogue import catalogue
from workbench.cli.main import cli
from workbench.core.errors import EngineNotSupportedError, RecipeError, StepRuntimeError
from workbench.recipe.model import Recipe, Step
from workbench.recipe.replay import check_engine_support, replay
from workbench.widget import Session

_EXPORT = [
    {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "x"}}},
    {"Action": {"Operation": "GET_STEP_DATAFRAME", "Parameters": {"stepIndex": "0"}}},
    {"Action": {"Operation": "GET_ACTION_RESULT", "Parameters": {"actionId": "3"}}},
]


def _files(tmp_path: Path) -> tuple[Path, Path]:
    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps(_EXPORT))
    data = tmp_path / "in.csv"
    data.write_text("x\na\nb\n")
    return recipe, data


def test_an_export_with_session_requests_loads_and_round_trips(tmp_path: Path) -> None:
    recipe, _ = _files(tmp_path)
    loaded = Recipe.load(recipe)
    assert [s.operation for s in loaded.steps] == ["UPPER_CASE", "GET_STEP_DATAFRAME", "GET_ACTION_RESULT"]
    assert loaded.steps[1].transform().to_parameters() == {"stepIndex": 0}


def test_validate_and_run_refuse_them_naming_the_step(tmp_path: Path) -> None:
    recipe, data = _files(tmp_path)
    runner = CliRunner()
    for args in (
        ["validate", str(recipe)],
        ["validate", str(recipe), "--input", str(data)],
        ["run", str(recipe), "--input", str(data), "--output", str(tmp_path / "out.csv")],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code != 0
        assert "step 2, GET_STEP_DATAFRAME cannot run on" in result.output
        assert "session.step_frame" in result.output
    assert not (tmp_path / "out.csv").exists()


def test_disabled_session_requests_are_skipped() -> None:
    recipe = Recipe(steps=[Step("GET_ACTION_RESULT", {"actionId": "1"}, disabled=True)])
    check_engine_support(recipe)
    frame = pd.DataFrame({"x": ["a"]})
    assert replay(recipe, frame)["x"].tolist() == ["a"]


def test_replay_refuses_them() -> None:
    recipe = Recipe(steps=[Step("GET_ACTION_RESULT", {"actionId": "1"})])
    with pytest.raises(EngineNotSupportedError, match="step 1, GET_ACTION_RESULT cannot run on pandas"):
        replay(recipe, pd.DataFrame({"x": ["a"]}))


def test_the_catalogue_shows_them_unsupported_everywhere() -> None:
    entries = {e["operation"]: e for e in catalogue()}
    for operation in ("GET_ACTION_RESULT", "GET_STEP_DATAFRAME"):
        engines = entries[operation]["engines"]
        assert not engines["pandas"]["supported"]
        assert not engines["spark"]["supported"]
        assert "interactive session" in engines["pandas"]["reason"]


def test_session_step_frame_is_the_frame_after_a_step(tmp_path: Path) -> None:
    session = Session(pd.DataFrame({"x": ["a", None, "é"]}), autosave=tmp_path / "s.json")
    with pytest.raises(RecipeError, match="no steps"):
        session.step_frame(0)
    session.apply({"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "x"}}})
    session.apply(
        {"Action": {"Operation": "RENAME", "Parameters": {"sourceColumn": "x", "targetColumn": "y"}}}
    )
    assert session.step_frame(0)["x"].fillna("-").tolist() == ["A", "-", "É"]
    assert list(session.step_frame(1).columns) == ["y"]
    with pytest.raises(RecipeError, match="from 0 to 1"):
        session.step_frame(2)


def test_session_step_frame_after_a_failed_step_raises_its_error(tmp_path: Path) -> None:
    recipe = Recipe(
        steps=[
            Step("GET_STEP_DATAFRAME", {"stepIndex": 0}),
            Step("UPPER_CASE", {"sourceColumn": "x"}),
        ]
    )
    session = Session(pd.DataFrame({"x": ["a"]}), recipe=recipe, autosave=tmp_path / "s.json")
    with pytest.raises((EngineNotSupportedError, StepRuntimeError), match="GET_STEP_DATAFRAME"):
        session.step_frame(1)


def test_get_advanced_datatype_is_a_question_answered_by_the_session(tmp_path: Path) -> None:
    recipe = Recipe(steps=[Step("GET_ADVANCED_DATATYPE", {"sourceColumn": "x"})])
    with pytest.raises(EngineNotSupportedError, match=r"session\.advanced_datatype"):
        check_engine_support(recipe)
    frame = pd.DataFrame(
        {
            "contact": ["ann@example.com", "bob@example.org", None, "cy@mail.example.net"],
            "card": ["4111 1111 1111 1111", "5555 5555 5555 4444", "378282246310005", None],
            "note": ["hello", "", None, "ü"],
        }
    )
    session = Session(frame, autosave=tmp_path / "s.json")
    assert session.advanced_datatype("contact") == "Email"
    assert session.advanced_datatype("card") == "Credit Card"
    assert session.advanced_datatype("note") is None
    with pytest.raises(RecipeError, match="'contct' does not exist"):
        session.advanced_datatype("contct")
