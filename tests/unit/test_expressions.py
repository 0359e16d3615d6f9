"""The expression language of BOOLEAN_OPERATION and CASE_OPERATION: parsing, errors, typing, renaming."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from workbench.core.errors import ColumnNotFoundError, ParameterError
from workbench.core.expressions import (
    AggRef,
    Call,
    Case,
    Compare,
    ExpressionError,
    Lit,
    Logic,
    Not,
    Ref,
    columns_of,
    parse,
    parse_aggregate,
    parse_value,
    rename_in,
    walk,
)
from workbench.core.types import LType
from workbench.recipe.model import Recipe

ROOT = Path(__file__).resolve().parents[2]


# --- good expressions -------------------------------------------------------------------------


def test_precedence_not_binds_tighter_than_and_than_or() -> None:
    node = parse("not `a` = 1 or `b` > 2 and `c` < 3")
    assert isinstance(node, Logic)
    assert node.op == "or"
    assert isinstance(node.left, Not)
    assert isinstance(node.left.operand, Compare)
    assert isinstance(node.right, Logic)
    assert node.right.op == "and"


@pytest.mark.parametrize(
    ("text", "value", "ltype"),
    [
        ("10", 10, LType.INTEGER),
        ("-2.5", -2.5, LType.DOUBLE),
        ("1e3", 1000.0, LType.DOUBLE),
        ("99999999999999999999", 1e20, LType.DOUBLE),
        ("'it''s'", "it's", LType.STRING),
        (r"'a\'b'", "a'b", LType.STRING),
        ('"ünï ✓"', "ünï ✓", LType.STRING),
        ("''", "", LType.STRING),
        ("TRUE", True, LType.BOOLEAN),
        ("false", False, LType.BOOLEAN),
        ("Null", None, None),
    ],
)
def test_literals(text: str, value: object, ltype: LType | None) -> None:
    node = parse(text)
    assert isinstance(node, Lit)
    assert (node.value, node.ltype) == (value, ltype)


def test_columns_and_aggregates() -> None:
    node = parse("`a b` = `x``y` and `:mean` < :total")
    assert columns_of(node) == ["a b", "x`y"]
    assert isinstance(node, Logic)
    assert isinstance(node.right, Compare)
    assert node.right.left == AggRef(1, 20, "mean")
    assert isinstance(node.right.right, AggRef)


def test_operators_and_functions_in_any_case() -> None:
    node = parse("!STARTSWITH(`a`, 'x') AND `b` <> 2 Or isMissing(`c`) OR `d` == 'e'")
    nodes = list(walk(node))
    assert [n.name for n in nodes if isinstance(n, Call)] == ["startswith", "ismissing"]
    assert [n.op for n in nodes if isinstance(n, Compare)] == ["!=", "="]


def test_is_between_is_inclusive_bounds() -> None:
    node = parse("isBetween(`a`, 1, 5)")
    assert isinstance(node, Logic)
    assert node.op == "and"
    assert [node.left.op, node.right.op] == [">=", "<="]  # type: ignore[attr-defined]


def test_case() -> None:
    node = parse("case when `a` > 1 then 'big' when `a` = 1 then `b` end")
    assert isinstance(node, Case)
    assert len(node.branches) == 2
    assert node.default is None
    node = parse("CASE WHEN `a` THEN 1 ELSE 2 END")
    assert isinstance(node, Case)
    assert node.default == Lit(1, 27, 2, LType.INTEGER)


def test_multi_line_positions() -> None:
    node = parse("case\n  when `a` > 1\n  then 'x'\nend")
    assert isinstance(node, Case)
    assert (node.branches[0][0].line, node.branches[0][0].column) == (2, 8)


def test_values_read_bare_words_as_text() -> None:
    assert parse_value("Yes") == Lit(1, 1, "Yes", LType.STRING)
    assert parse_value("high value") == Lit(1, 1, "high value", LType.STRING)
    assert parse_value("TRUE") == Lit(1, 1, True, LType.BOOLEAN)
    assert parse_value("12") == Lit(1, 1, 12, LType.INTEGER)
    assert parse_value("`col`") == Ref(1, 1, "col")
    assert parse_value(":avg1") == AggRef(1, 1, "avg1")


def test_aggregates() -> None:
    agg = parse_aggregate("count(distinct `a`)")
    assert (agg.name, agg.distinct, columns_of(agg)) == ("count", True, ["a"])
    assert parse_aggregate("AVG(`x`)").name == "avg"
    with pytest.raises(ExpressionError, match="expected an aggregate"):
        parse_aggregate("`x` > 1")
    with pytest.raises(ExpressionError, match="only count takes distinct"):
        parse_aggregate("sum(distinct `x`)")
    with pytest.raises(ExpressionError, match=r"avg takes one column"):
        parse_aggregate("avg(1)")


# --- bad expressions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("`a` >", 1, 6, "expected a value"),
        ("`price` > and `qty` < 10", 1, 11, "found 'and'"),
        ("(`a` > 1", 1, 9, "expected ')'"),
        ("`a` > 1 `b`", 1, 9, "expected and, or or the end of the expression"),
        ("`a` = 'x", 1, 7, "unterminated text"),
        ("`a = 1", 1, 1, "unterminated column reference"),
        ("`a` + 1", 1, 5, "arithmetic is not part of the language"),
        ("case when `a` = 1 then 2", 1, 25, "expected when, else or end"),
        ("case\n when `a` = 1\n then 2 els 3 end", 3, 9, "found 'els'"),
        ("price > 1", 1, 1, "write a column as `price`"),
        ("contain(`a`, 'x')", 1, 1, "did you mean contains?"),
        ("endsWith(`a`)", 1, 1, "endsWith takes 2 arguments, not 1"),
        ("contains(`a`, `b`)", 1, 15, "must be text in quotes"),
        ("isValid(`a`, 'money')", 1, 14, "unknown data type 'money'"),
        ("matches(`a`, '(?<=x)y')", 1, 14, "look-behind"),
        ("avg(`a`) > 1", 1, 1, ""),
        ("   ", 1, 1, "empty"),
    ],
)
def test_malformed_expressions_name_line_column_and_what_was_expected(
    text: str, line: int, column: int, words: str
) -> None:
    if text.startswith("avg"):
        node = parse(text)  # parses; refused when typed (aggregates go in withExpressions)
        assert isinstance(node, Compare)
        return
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert (caught.value.line, caught.value.column) == (line, column), str(caught.value)
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"line {line}, column {column}: ")


def test_rename_keeps_the_text_as_written() -> None:
    text = "`a` > 1 AND contains(`b``c`, 'a') or `:m` = `a`"
    assert rename_in(text, {"a": "r·a", "b`c": "z"}) == "`r·a` > 1 AND contains(`z`, 'a') or `:m` = `r·a`"
    assert rename_in("Yes", {"Yes": "No"}) == "Yes"


# --- steps: validation against a schema ---------------------------------------------------------


def _boolean(expression: str, **extra: object) -> dict:
    return {
        "Action": {
            "Operation": "BOOLEAN_OPERATION",
            "Parameters": {
                "valueExpression": expression,
                "trueValueExpression": "TRUE",
                "falseValueExpression": "FALSE",
                "targetColumn": "out",
                **extra,
            },
        }
    }


SCHEMA = {"price": LType.DOUBLE, "name": LType.STRING, "flag": LType.BOOLEAN, "day": LType.DATE}


def _validate(steps: list[dict]) -> None:
    Recipe.from_data(steps).validate(SCHEMA)


def test_a_malformed_expression_is_refused_when_the_recipe_loads() -> None:
    expected = r"parameter 'valueExpression': line 1, column 11: expected a value"
    with pytest.raises(ParameterError, match=expected):
        _validate([_boolean("`price` > and `name` = 'x'")])


def test_an_unknown_column_names_the_nearest() -> None:
    with pytest.raises(ColumnNotFoundError) as caught:
        _validate([_boolean("`prise` > 10")])
    assert caught.value.parameter == "valueExpression"
    assert caught.value.suggestion == "price"
    assert "step 1" in str(caught.value)


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("`flag` > 1", "cannot compare boolean with integer"),
        ("`day` = 3", "cannot compare date with integer"),
        ("`price`", "needs a condition (true or false), not double"),
        ("`name` and `flag`", "and needs a condition (true or false), not string"),
        ("contains(`price`, '1')", "contains needs text or whole numbers; double given"),
        ("`price` > :avg", "aggregate :avg is not declared in withExpressions"),
        ("avg(`price`) > 1", "declare avg(…) in withExpressions"),
    ],
)
def test_type_errors_name_the_parameter_and_position(expression: str, words: str) -> None:
    with pytest.raises(ParameterError) as caught:
        _validate([_boolean(expression)])
    assert words in str(caught.value)
    assert caught.value.parameter == "valueExpression"
    assert "line 1, column" in str(caught.value)


def test_aggregates_are_checked() -> None:
    declared = [{"name": "mean", "value": "avg(`name`)", "type": "aggregate"}]
    with pytest.raises(ParameterError, match="avg needs a numeric column; 'name' is string"):
        _validate([_boolean("`price` > :mean", withExpressions=declared)])
    declared = [{"name": "mean", "value": "avg(`price`)", "type": "aggregate"}]
    with pytest.raises(ParameterError, match="aggregate :mean is declared but not used"):
        _validate([_boolean("`price` > 1", withExpressions=declared)])
    with pytest.raises(ParameterError, match="did you mean :mean"):
        _validate([_boolean("`price` > :meen", withExpressions=declared)])
    with pytest.raises(ParameterError, match="withExpressions hold aggregates"):
        _validate([_boolean("`price` > :mean", withExpressions=[{**declared[0], "type": "window"}])])
    _validate([_boolean("`price` > :mean", withExpressions=json.dumps(declared))])


def test_string_encoded_with_expressions_round_trip_to_databrew() -> None:
    declared = json.dumps([{"name": "m", "value": "median(`price`)", "type": "aggregate"}])
    recipe = Recipe.from_data([_boolean("`price` >= :m", withExpressions=declared)])
    exported = json.loads(recipe.dumps(databrew=True))
    assert json.loads(exported[0]["Action"]["Parameters"]["withExpressions"]) == json.loads(declared)


def test_replay_on_pandas() -> None:
    frame = pd.DataFrame({"price": [1.0, 5.0, None], "name": ["a", "", None]})
    recipe = Recipe.from_data(
        [
            {
                "Action": {
                    "Operation": "CASE_OPERATION",
                    "Parameters": {
                        "valueExpression": (
                            "case when `price` > 2 then `name` when isMissing(`name`) then 'none' end"
                        ),
                        "targetColumn": "out",
                    },
                }
            }
        ]
    )
    out = recipe.apply(frame)
    assert [None if pd.isna(v) else v for v in out["out"].tolist()] == [None, "", "none"]


# --- the command line -----------------------------------------------------------------------------


def _validate_cli(recipe: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "workbench", "validate", str(recipe)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_workbench_validate_refuses_a_malformed_expression(tmp_path: Path) -> None:
    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps([_boolean("case when `price` > 1 then 'x' end")]))
    result = _validate_cli(recipe)
    assert result.returncode == 0, result.stderr  # a case is a value, but the parse is fine
    recipe.write_text(json.dumps([_boolean("`price` >= 10 and (`name` = 'x' or")]))
    result = _validate_cli(recipe)
    assert result.returncode == 2
    expected = "BOOLEAN_OPERATION, parameter 'valueExpression': line 1, column 35: expected a value"
    assert expected in result.stderr


# --- the widget's live check ------------------------------------------------------------------------


def test_the_widget_checks_expressions_live() -> None:
    from workbench.widget.protocol import HANDLERS, check_expression

    assert "check_expression" in HANDLERS
    assert check_expression("`price` > 1", "condition") == {"problem": None, "line": None, "column": None}
    verdict = check_expression("`price` >\n and", "condition")
    assert (verdict["line"], verdict["column"]) == (2, 2)
    assert "expected a value" in verdict["problem"]
    assert check_expression("Yes", "value")["problem"] is None
    assert "expected an aggregate" in check_expression("`x` > 1", "aggregate")["problem"]
    verdict = check_expression("`prise` > 1", "condition", ["price", "name"])
    assert verdict["problem"] == "column 'prise' does not exist at this step (did you mean 'price'?)"
