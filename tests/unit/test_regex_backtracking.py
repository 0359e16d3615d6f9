"""Patterns whose matching can blow up in a backtracking engine are refused before any engine runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import make_engine
from workbench import Recipe
from workbench.core.errors import ParameterError
from workbench.core.regex import regex_problem
from workbench.core.types import LType
from workbench.quality.parser import DqdlSyntaxError, parse_ruleset

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "databrew-real"

FAMILIES = {
    "nested unbounded": [r"(a+)+", r"(.*)*", r"^(\w+\s?)*$", r"((ab)*)+", r"(\p{L}+)+", r"(x.*y)*"],
    "counted repetition of an unbounded part": [r"(.*a){12}$", r"(.*,){3}", r"^([a-z]+a){20}"],
    "large counted repetition of a bounded ambiguous part": [r"(a{1,2}){30}", r"(a|aa){40}"],
    "adjacent unbounded": [r".*.*", r"\d+\d+", r"^(.*)(.*)$", r"(\d)+\d+", r"a\s*\s+b"],
    "overlapping alternatives": [r"(a|a)*", r"(a|ab)*", r"(\w|\d)+", r"(?i)(A|a)+$", r"(a|)*b"],
}

ORDINARY = [
    r"^[0-9]{5}$",
    r"\s+",
    r"^(\w+)@(\w+)\.com$",
    r".*foo.*",
    r"^.+@.+\..+$",
    r"(a|b)+c?",
    r"^\d+\.?\d*$",
    r"^[\w.+-]+@([\w-]+\.)+\w{2,}$",
    r"(\d{1,3}\.){3}\d{1,3}",
    r"(\d+,)*\d+",
    r"(\d{1,3}){3}",
    r"^(?:[^,]*,){3}",
    r"(Mr|Ms|Dr)\.?\s\w+",
    r"\p{Lu}\p{Ll}+",
    r"[[:digit:]]+",
    r"a(?i)b",
    r"(\s*,\s*\w+)*",
    r"^\s*\S+\s*$",
]


@pytest.mark.parametrize(
    ("family", "pattern"), [(family, p) for family, patterns in FAMILIES.items() for p in patterns]
)
def test_each_family_is_refused_with_its_reason(family: str, pattern: str) -> None:
    problem = regex_problem(pattern)
    assert problem is not None, (family, pattern)
    assert "time" in problem


@pytest.mark.parametrize("pattern", ORDINARY)
def test_ordinary_patterns_are_accepted(pattern: str) -> None:
    assert regex_problem(pattern) is None


def _real_patterns() -> list[str]:
    found: list[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and "pattern" in key.lower():
            found.append(value)

    for path in sorted(REAL.glob("*")):
        if path.suffix == ".json":
            walk(json.loads(path.read_text(encoding="utf-8")))
        elif path.suffix in (".yml", ".yaml"):
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def test_every_pattern_of_the_real_databrew_exports_is_accepted() -> None:
    patterns = _real_patterns()
    assert patterns
    assert [p for p in patterns if regex_problem(p)] == []


STEPS = [
    (
        "FLAG_COLUMN_FROM_PATTERN",
        {"sourceColumn": "s", "pattern": "(.*a){12}$", "targetColumn": "f", "flagType": "Pattern"},
    ),
    ("REPLACE_TEXT", {"sourceColumn": "s", "pattern": "(a+)+$", "value": "x"}),
    ("EXTRACT_PATTERN", {"sourceColumn": "s", "pattern": "(\\w|\\d)+!", "targetColumn": "e"}),
    ("SPLIT_COLUMN_SINGLE_DELIMITER", {"sourceColumn": "s", "pattern": "(,+)+", "limit": 1}),
]


def _recipe(operation: str, params: dict[str, Any]) -> Recipe:
    return Recipe.from_data(
        [
            {"Action": {"Operation": "LOWER_CASE", "Parameters": {"sourceColumn": "s"}}},
            {"id": "hostile", "Action": {"Operation": operation, "Parameters": params}},
        ]
    )


@pytest.mark.parametrize(("operation", "params"), STEPS, ids=[s[0] for s in STEPS])
def test_a_recipe_step_is_refused_naming_step_and_parameter(operation: str, params: dict[str, Any]) -> None:
    with pytest.raises(ParameterError) as err:
        _recipe(operation, params).validate({"s": LType.STRING})
    assert err.value.parameter == "pattern"
    assert err.value.step_index == 1
    message = str(err.value)
    assert "step 2" in message
    assert operation in message
    assert "time" in message


@pytest.mark.parametrize(("operation", "params"), STEPS[:2], ids=[s[0] for s in STEPS[:2]])
def test_refused_on_every_engine_before_any_job(
    engine_name: str, session_for: Any, operation: str, params: dict[str, Any]
) -> None:
    engine = make_engine(engine_name, session_for)
    frame = engine.from_records({"s": ["a" * 30 + "!"] * 9}, {"s": LType.STRING})
    tracker = _job_tracker(session_for) if engine_name == "spark" else None
    before = tracker.getJobIdsForGroup(None) if tracker else []
    with pytest.raises(ParameterError) as err:
        _recipe(operation, params).apply(frame)
    assert err.value.parameter == "pattern"
    if tracker is not None:
        assert tracker.getJobIdsForGroup(None) == before


def _job_tracker(session: Any) -> Any:
    return session.sparkContext.statusTracker()


@pytest.mark.parametrize("pattern", ["(a+)+$", "(.*a){12}$", ".*.*x", "(a|ab)*c"])
@pytest.mark.parametrize("negated", [False, True])
def test_a_dqdl_matches_rule_is_refused_when_the_ruleset_is_read(pattern: str, negated: bool) -> None:
    op = "not matches" if negated else "matches"
    with pytest.raises(DqdlSyntaxError) as err:
        parse_ruleset(f'Rules = [ ColumnValues "name" {op} "{pattern}" ]')
    assert pattern in str(err.value)
    assert "time" in str(err.value)


def test_a_dqdl_matches_rule_with_an_ordinary_pattern_is_read() -> None:
    ruleset = parse_ruleset('Rules = [ ColumnValues "zip" matches "^[0-9]{5}$" ]')
    assert len(ruleset.rules) == 1


def test_a_pattern_nested_too_deeply_to_check_is_refused() -> None:
    problem = regex_problem("(" * 300 + "a" + ")*" * 300)
    assert problem is not None
    assert "nested too deeply" in problem or "time" in problem


def test_a_long_ordinary_pattern_is_checked_quickly() -> None:
    import time

    started = time.perf_counter()
    assert regex_problem("[a-z]{1,5}-" * 500) is None
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(
    "predicate",
    ["name rlike '(a+)+$'", "regexp_like(name, '(.*a){12}')", "regexp_extract(name, '.*.*x', 0) = 'x'"],
)
def test_a_dqdl_sql_regex_that_can_backtrack_is_refused_before_running(predicate: str) -> None:
    from workbench.quality.sql import UnsafeSqlError, check_predicate, check_query

    with pytest.raises(UnsafeSqlError, match="time"):
        check_predicate(predicate)
    with pytest.raises(UnsafeSqlError, match="time"):
        check_query(f"select count(*) from primary where {predicate}", ["primary"])


def test_a_dqdl_sql_regex_must_be_quoted_text_to_be_checked() -> None:
    from workbench.quality.sql import UnsafeSqlError, check_predicate

    with pytest.raises(UnsafeSqlError, match="not quoted text"):
        check_predicate("name rlike pattern_column")
    check_predicate("name rlike '^[A-Z][a-z]+$'")
