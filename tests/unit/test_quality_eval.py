"""DQDL evaluation on every engine, against outcomes and metrics computed by hand."""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from typing import Any

import pytest

from tests.conftest import FIXED_NOW, make_engine
from workbench.core.errors import DatasetNotBoundError
from workbench.core.types import LType
from workbench.quality import DqdlSyntaxError, evaluate

L = LType

# qty: 4, 7, NULL, 12 -- the spec's worked example.
COLUMNS: dict[str, list[Any]] = {
    "qty": [4, 7, None, 12],
    "name": ["a", "", None, "  "],
    "price": [1.5, float("nan"), None, 2.5],
    "score": [8.0, 14.0, 1.0, 24.0],
    "day": [dt.date(2024, 1, 1), dt.date(2024, 5, 16), None, dt.date(2023, 1, 1)],
    "region": ["EU", "EU", "US", None],
    "code": ["12", "x", "3.5", None],
}
SCHEMA = {
    "qty": L.INTEGER,
    "name": L.STRING,
    "price": L.DOUBLE,
    "score": L.DOUBLE,
    "day": L.DATE,
    "region": L.STRING,
    "code": L.STRING,
}
REF = {"key": [4, 12, 99], "amount": [20, 3, 0]}
REF_SCHEMA = {"key": L.INTEGER, "amount": L.INTEGER}

# (rule, outcome, metrics that must be present with these values)
CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("RowCount = 4", "Passed", {"Dataset.*.RowCount": 4}),
    ("RowCount between 4 and 10", "Failed", {"Dataset.*.RowCount": 4}),
    ("RowCount = 2 where \"region = 'EU'\"", "Passed", {"Dataset.*.RowCount": 2}),
    ("ColumnCount = 7", "Passed", {"Dataset.*.ColumnCount": 7}),
    ('ColumnExists "qty"', "Passed", {}),
    ('ColumnExists "nope"', "Failed", {}),
    ('ColumnNamesMatchPattern "[a-z]+"', "Passed", {"Dataset.*.ColumnNamesPatternMatchRatio": 1.0}),
    ('ColumnNamesMatchPattern "q.*|n.*"', "Failed", {"Dataset.*.ColumnNamesPatternMatchRatio": 2 / 7}),
    ('IsComplete "qty"', "Failed", {"Column.qty.Completeness": 0.75}),
    ('IsComplete "qty" where "region = \'EU\'"', "Passed", {"Column.qty.Completeness": 1.0}),
    ('Completeness "qty" = 0.75', "Passed", {"Column.qty.Completeness": 0.75}),
    ('Completeness "name" >= 0.8', "Failed", {"Column.name.Completeness": 0.75}),
    ('Completeness "price" = 0.75', "Passed", {"Column.price.Completeness": 0.75}),  # NaN is a value
    ('IsUnique "score"', "Passed", {"Column.score.Uniqueness": 1.0}),
    ('IsUnique "qty"', "Failed", {"Column.qty.Uniqueness": 0.75}),  # a NULL is not unique
    ('Uniqueness "region" = 0.25', "Passed", {"Column.region.Uniqueness": 0.25}),
    ('Uniqueness "region" "qty" = 1.0', "Passed", {"Multicolumn.region,qty.Uniqueness": 1.0}),
    ('IsPrimaryKey "qty"', "Failed", {"Column.qty.Uniqueness": 0.75, "Column.qty.Completeness": 0.75}),
    ('IsPrimaryKey "qty" where "qty is not null"', "Passed", {"Column.qty.Uniqueness": 1.0}),
    ('UniqueValueRatio "region" = 0.5', "Passed", {"Column.region.UniqueValueRatio": 0.5}),
    ('DistinctValuesCount "region" = 2', "Passed", {"Column.region.DistinctValuesCount": 2}),
    ('DistinctValuesCount "name" = 3', "Passed", {"Column.name.DistinctValuesCount": 3}),
    ('Entropy "region" between 0.69 and 0.7', "Passed", {"Column.region.Entropy": math.log(2)}),
    ('Mean "qty" = 23 / 3', "Passed", {"Column.qty.Mean": 23 / 3}),
    ('Sum "qty" = 23', "Passed", {"Column.qty.Sum": 23}),
    ('Sum "qty" > 5 where "qty < 5"', "Failed", {"Column.qty.Sum": 4}),
    (
        'StandardDeviation "qty" between 3.29 and 3.31',
        "Passed",
        {"Column.qty.StandardDeviation": 3.299831645537222},
    ),
    ('Variance "qty" between 10.88 and 10.89', "Passed", {"Column.qty.Variance": 98 / 9}),
    ('Mean "price" > 0', "Failed", {}),  # NaN mean
    ('Mean "price" = 1.5 where "price < 2"', "Passed", {"Column.price.Mean": 1.5}),
    ('ColumnCorrelation "qty" "score" > 0.99', "Passed", {"Multicolumn.qty,score.ColumnCorrelation": 1.0}),
    ('ColumnLength "name" <= 2', "Passed", {"Column.name.MinimumLength": 0, "Column.name.MaximumLength": 2}),
    ('ColumnLength "name" > 0', "Failed", {"Column.name.ColumnLength.Compliance": 0.5}),  # "" and NULL
    ('ColumnValues "qty" > 3', "Failed", {"Column.qty.ColumnValues.Compliance": 0.75}),
    ('ColumnValues "qty" != 5', "Passed", {"Column.qty.ColumnValues.Compliance": 1.0}),
    ('ColumnValues "qty" between 4 and 12', "Failed", {"Column.qty.ColumnValues.Compliance": 0.25}),
    ('ColumnValues "qty" > 5 with threshold >= 0.5', "Passed", {"Column.qty.ColumnValues.Compliance": 0.5}),
    ('ColumnValues "qty" > 5 with threshold > 0.5', "Failed", {"Column.qty.ColumnValues.Compliance": 0.5}),
    ('ColumnValues "qty" in [4, 7, 12, NULL]', "Passed", {}),
    ('ColumnValues "qty" not in [4, NULL]', "Failed", {"Column.qty.ColumnValues.Compliance": 0.5}),
    ('ColumnValues "qty" = NULL', "Failed", {"Column.qty.ColumnValues.Compliance": 0.25}),
    ('ColumnValues "qty" > 5 where "qty > 5"', "Passed", {"Column.qty.ColumnValues.Compliance": 1.0}),
    ('ColumnValues "qty" > 100 where "qty > 1000"', "Passed", {}),  # nothing left: vacuous pass
    ('ColumnValues "name" in ["a", EMPTY, WHITESPACES_ONLY, NULL]', "Passed", {}),
    ('ColumnValues "name" = EMPTY', "Failed", {"Column.name.ColumnValues.Compliance": 0.25}),
    ('ColumnValues "name" != EMPTY', "Failed", {"Column.name.ColumnValues.Compliance": 0.75}),
    ('ColumnValues "name" in [WHITESPACES_ONLY]', "Failed", {"Column.name.ColumnValues.Compliance": 0.25}),
    ('ColumnValues "code" matches "[0-9]+"', "Failed", {"Column.code.ColumnValues.Compliance": 0.25}),
    ('ColumnValues "code" not matches "[0-9]+"', "Failed", {"Column.code.ColumnValues.Compliance": 0.5}),
    ('ColumnValues "code" > 3 with threshold >= 0.5', "Passed", {"Column.code.ColumnValues.Compliance": 0.5}),
    ('ColumnValues "price" > 2', "Failed", {"Column.price.ColumnValues.Compliance": 0.25}),
    (
        'ColumnValues "price" != 1.5',
        "Failed",
        {"Column.price.ColumnValues.Compliance": 0.75},
    ),  # NaN, NULL pass
    ('ColumnValues "price" != 7 where "price < 2"', "Passed", {"Column.price.ColumnValues.Compliance": 1.0}),
    ('ColumnValues "day" > "2023-06-01"', "Failed", {"Column.day.ColumnValues.Compliance": 0.5}),
    ('ColumnValues "day" <= now()', "Failed", {"Column.day.ColumnValues.Compliance": 0.75}),
    ('ColumnValues "day" > (now() - 2 days)', "Failed", {"Column.day.ColumnValues.Compliance": 0.25}),
    ('ColumnValues "day" <= now() where "day is not null"', "Passed", {}),
    ('DataFreshness "day" <= 30 days', "Failed", {"Column.day.DataFreshness.Compliance": 0.25}),
    ('DataFreshness "day" <= 1000 days where "day is not null"', "Passed", {}),
    ('ColumnDataType "code" = "Integer"', "Failed", {"Column.code.ColumnDataType.Compliance": 0.25}),
    (
        'ColumnDataType "code" in ["Integer", "Double"] with threshold >= 0.5',
        "Passed",
        {"Column.code.ColumnDataType.Compliance": 0.5},
    ),
    ('ColumnDataType "code" = "Decimal(3,1)" with threshold = 0.5', "Passed", {}),
    ('CustomSql "select count(*) from primary where qty > 5" = 2', "Passed", {"Dataset.*.CustomSQL": 2}),
    (
        'CustomSql "select qty from primary where qty > 5" with threshold >= 0.5',
        "Passed",
        {"Dataset.*.CustomSQL.Compliance": 0.5},
    ),
    ('CustomSql "select qty from primary where qty > 5"', "Failed", {"Dataset.*.CustomSQL.Compliance": 0.5}),
    ('CustomSql "select count(*) from primary p join ref r on p.qty = r.key" = 2', "Passed", {}),
    ('AggregateMatch "sum(qty)" "sum(ref.amount)" = 1.0', "Passed", {"Dataset.*.AggregateMatch": 1.0}),
    ('AggregateMatch "avg(qty)" "avg(ref.amount)" = 1', "Passed", {"Dataset.*.AggregateMatch": 1.0}),
    (
        'AggregateMatch "sum(qty)" "sum(score)" between 0.48 and 0.49',
        "Passed",
        {"Dataset.*.AggregateMatch": 23 / 47},
    ),
    ('ReferentialIntegrity "qty" "ref.{key}" = 0.5', "Passed", {"Column.qty.ReferentialIntegrity": 0.5}),
    ('RowCountMatch "ref" between 1.3 and 1.4', "Passed", {"Dataset.ref.RowCountMatch": 4 / 3}),
    ('SchemaMatch "same" = 1.0', "Passed", {"Dataset.same.SchemaMatch": 1.0}),
    ('SchemaMatch "ref" = 0', "Passed", {"Dataset.ref.SchemaMatch": 0.0}),
    ('DatasetMatch "same" "qty" = 0.75', "Passed", {"Dataset.same.DatasetMatch": 0.75}),
    ('DatasetMatch "ref" "qty->key" "qty->key" = 0.5', "Passed", {"Dataset.ref.DatasetMatch": 0.5}),
    ('(ColumnValues "qty" > 3) or (ColumnValues "name" = "a")', "Failed", {}),
    ('(IsComplete "region") or (RowCount = 4)', "Passed", {"Dataset.*.RowCount": 4}),
    ('(IsComplete "qty" where "region = \'EU\'") and (RowCount = 4)', "Passed", {}),
    ('(RowCount = 4) and (ColumnExists "nope")', "Failed", {}),
]

ERRORS: list[tuple[str, str]] = [
    ("RowCount > avg(last(3))", "not enough history: last(3) needs 3 earlier values"),
    ('DetectAnomalies "RowCount"', "not enough history: DetectAnomalies needs 3 earlier values"),
    ('FileSize "s3://b/" > 5 MB', "not supported yet"),
    ('Mean "name" > 1', "numeric"),
    ('ColumnValues "nope" > 1', "does not exist"),
    ('RowCount > 0 where "nope > 1"', "where"),
    ('CustomSql "select qty, qty from primary" = 1', "one row with one number"),
]


def _frame(engine_name: str, session: Any, columns: dict[str, list[Any]], schema: dict[str, LType]) -> Any:
    return make_engine(engine_name, session).from_records(columns, schema)


def _evaluate(engine_name: str, session: Any, rules: list[str]) -> Any:
    frame = _frame(engine_name, session, COLUMNS, SCHEMA)
    ref = _frame(engine_name, session, REF, REF_SCHEMA)
    same = _frame(engine_name, session, COLUMNS, SCHEMA)
    text = "Rules = [\n" + ",\n".join(rules) + "\n]"
    return evaluate(frame, text, {"ref": ref, "same": same}, now=FIXED_NOW)


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def test_every_rule_type_matches_the_hand_computed_outcome(engine_name: str, session_for: Any) -> None:
    result = _evaluate(engine_name, session_for, [rule for rule, _, _ in CASES])
    assert [r.rule for r in result.rules] == [rule for rule, _, _ in CASES]
    wrong = []
    for (rule, outcome, metrics), got in zip(CASES, result.rules, strict=True):
        if got.outcome != outcome:
            wrong.append(f"{rule}: {got.outcome} ({got.reason}), expected {outcome}")
        for name, value in metrics.items():
            if name not in got.metrics or not _close(got.metrics[name], value):
                wrong.append(f"{rule}: metric {name} = {got.metrics.get(name)!r}, expected {value!r}")
        if got.outcome == "Passed":
            assert got.reason is None
        else:
            assert got.reason
    assert not wrong, "\n".join(wrong)
    passed = sum(1 for _, outcome, _ in CASES if outcome == "Passed")
    assert result.score == pytest.approx(passed / len(CASES))


def test_rules_that_cannot_run_are_errors_and_never_pass(engine_name: str, session_for: Any) -> None:
    result = _evaluate(engine_name, session_for, [rule for rule, _ in ERRORS] + ["RowCount = 4"])
    for (rule, words), got in zip(ERRORS, result.rules, strict=False):
        assert got.outcome == "Error", (rule, got)
        assert got.reason is not None, (rule, got.reason)
        assert words in got.reason, (rule, got.reason)
    assert result.rules[-1].outcome == "Passed"  # an error never aborts the other rules
    assert result.score == pytest.approx(1 / (len(ERRORS) + 1))


def test_reasons_say_what_was_measured_and_expected(engine_name: str, session_for: Any) -> None:
    result = _evaluate(
        engine_name, session_for, ['Completeness "name" >= 0.8', 'ColumnValues "qty" > 3', 'Mean "price" > 0']
    )
    assert result.rules[0].reason == "Completeness of name is 0.75, expected >= 0.8"
    assert "1 NULL row failed" in (result.rules[1].reason or "")
    assert "NaN" in (result.rules[2].reason or "")


def test_to_dict_has_the_fixed_shape(engine_name: str, session_for: Any) -> None:
    result = _evaluate(engine_name, session_for, ["RowCount = 4", 'IsComplete "qty"'])
    d = result.to_dict()
    assert d["score"] == 0.5
    assert d["rules"] == [
        {"rule": "RowCount = 4", "outcome": "Passed", "reason": None, "metrics": {"Dataset.*.RowCount": 4}},
        {
            "rule": 'IsComplete "qty"',
            "outcome": "Failed",
            "reason": "1 of 4 values of qty are NULL (Completeness 0.75)",
            "metrics": {"Column.qty.Completeness": 0.75},
        },
    ]


ROW_RULES = [
    'ColumnValues "qty" > 5',
    'IsComplete "qty"',
    "RowCount = 4",
    'IsUnique "region"',
    'ColumnValues "qty" > 5 where "region = \'EU\'"',
    '(ColumnValues "qty" > 5) or (IsComplete "name")',
    'CustomSql "select qty from primary where qty > 5"',
    'ReferentialIntegrity "qty" "ref.{key}" = 1.0',
    'ColumnLength "name" > 0',
]


def _row_records(engine_name: str, session: Any, frame: Any) -> dict[str, list[Any]]:
    records = make_engine(engine_name, session).to_records(frame)
    return {k: [list(v) if isinstance(v, (list, tuple)) else v for v in vs] for k, vs in records.items()}


def test_row_level_outcomes(engine_name: str, session_for: Any) -> None:
    result = _evaluate(engine_name, session_for, ROW_RULES)
    rows = result.rows()
    if engine_name == "pandas":
        import pandas as pd

        assert isinstance(rows, pd.DataFrame)
    got = _row_records(engine_name, session_for, rows)
    assert got["qty"] == COLUMNS["qty"]  # the input, in its order
    r = ROW_RULES
    # qty 4, 7, NULL, 12; region EU, EU, US, NULL; name "a", "", NULL, "  "
    assert got["DataQualityRulesPass"] == [
        [r[1], r[5], r[7], r[8]],
        [r[0], r[1], r[4], r[5], r[6]],
        [r[3]],
        [r[0], r[1], r[5], r[6], r[7], r[8]],
    ]
    assert got["DataQualityRulesFail"] == [
        [r[0], r[3], r[4], r[6]],
        [r[3], r[7], r[8]],
        [r[0], r[1], r[5], r[6], r[7], r[8]],
        [r[3]],
    ]
    assert got["DataQualityRulesSkip"] == [[r[2]], [r[2]], [r[2], r[4]], [r[2], r[4]]]
    assert got["DataQualityEvaluationResult"] == ["Failed", "Failed", "Failed", "Failed"]


def test_rows_pass_when_nothing_fails(engine_name: str, session_for: Any) -> None:
    result = _evaluate(engine_name, session_for, ['ColumnValues "score" > 0', "RowCount = 4"])
    got = _row_records(engine_name, session_for, result.rows())
    assert got["DataQualityEvaluationResult"] == ["Passed"] * 4
    assert got["DataQualityRulesSkip"] == [["RowCount = 4"]] * 4


def test_unbound_dataset_names_the_rule_and_the_bound_ones(engine_name: str, session_for: Any) -> None:
    frame = _frame(engine_name, session_for, COLUMNS, SCHEMA)
    ref = _frame(engine_name, session_for, REF, REF_SCHEMA)
    with pytest.raises(DatasetNotBoundError) as info:
        evaluate(frame, 'Rules = [ RowCountMatch "orders" = 1 ]', {"ref": ref})
    text = str(info.value)
    assert "RowCountMatch" in text
    assert "'orders'" in text
    assert "bound: ref" in text


def test_an_invalid_ruleset_raises_with_a_location(engine_name: str, session_for: Any) -> None:
    frame = _frame(engine_name, session_for, COLUMNS, SCHEMA)
    with pytest.raises(DqdlSyntaxError) as info:
        evaluate(frame, 'Rules = [ Completness "qty" > 0.5 ]')
    assert info.value.line == 1
    assert info.value.exit_code == 2


def test_now_pins_the_clock(engine_name: str, session_for: Any) -> None:
    frame = _frame(engine_name, session_for, COLUMNS, SCHEMA)
    rules = 'Rules = [ DataFreshness "day" <= 2 days where "day is not null" ]'
    assert evaluate(frame, rules, now=dt.datetime(2024, 1, 2)).rules[0].outcome == "Failed"
    late = evaluate(
        frame, 'Rules = [ DataFreshness "day" <= 2 days where "day > \'2024-05-01\'" ]', now=FIXED_NOW
    )
    assert late.rules[0].outcome == "Passed"


def test_a_parsed_ruleset_and_variables(engine_name: str, session_for: Any) -> None:
    from workbench.quality import parse_ruleset

    frame = _frame(engine_name, session_for, COLUMNS, SCHEMA)
    parsed = parse_ruleset('regions = ["EU", "US", NULL]\nRules = [ ColumnValues "region" in $regions ]')
    assert evaluate(frame, parsed).rules[0].outcome == "Passed"


# ---- pandas and Spark agree ----------


def _generated(n: int, seed: int) -> tuple[dict[str, list[Any]], dict[str, LType]]:
    rnd = random.Random(seed)
    start = dt.date(2023, 1, 1)

    def maybe(value: Any, p: float = 0.1) -> Any:
        return None if rnd.random() < p else value

    columns: dict[str, list[Any]] = {
        "id": list(range(n)),
        "amount": [maybe(round(rnd.uniform(-50, 500), 2)) for _ in range(n)],
        "qty": [maybe(rnd.randint(0, 20)) for _ in range(n)],
        "cat": [maybe(rnd.choice(["a", "b", "c", "d", "", " "])) for _ in range(n)],
        "email": [maybe(f"user{rnd.randint(0, n)}@example.com", 0.2) for _ in range(n)],
        "day": [maybe(start + dt.timedelta(days=rnd.randint(0, 600))) for _ in range(n)],
        "code": [maybe(rnd.choice(["12", "7", "x1", "3.25", "2024-02-30", "2024-02-03"])) for _ in range(n)],
    }
    schema = {
        "id": L.INTEGER,
        "amount": L.DOUBLE,
        "qty": L.INTEGER,
        "cat": L.STRING,
        "email": L.STRING,
        "day": L.DATE,
        "code": L.STRING,
    }
    return columns, schema


AGREE_RULES = [
    "RowCount > 100",
    'IsComplete "amount"',
    'Completeness "email" >= 0.85',
    'IsUnique "id"',
    'Uniqueness "email" > 0.5',
    'IsPrimaryKey "id" "cat"',
    'UniqueValueRatio "qty" > 0.1',
    'DistinctValuesCount "cat" = 6',
    'Entropy "cat" > 1',
    'Mean "amount" between 100 and 400',
    'Sum "qty" > 100',
    'StandardDeviation "amount" > 10',
    'Variance "qty" < 100',
    'ColumnCorrelation "amount" "qty" < 0.5',
    'ColumnLength "email" <= 30',
    'ColumnValues "qty" between 0 and 20 with threshold > 0.7',
    'ColumnValues "cat" in ["a", "b", EMPTY] with threshold > 0.4',
    'ColumnValues "email" matches "user[0-9]+@example[.]com" with threshold > 0.5',
    'ColumnValues "day" > (now() - 200 days) with threshold > 0.2',
    'DataFreshness "day" <= 300 days where "qty > 5"',
    'ColumnDataType "code" = "Date" with threshold > 0.1',
    'CustomSql "select count(*) from primary where amount > 250" > 10',
    'CustomSql "select id from primary where qty >= 10 or qty is null" with threshold > 0.4',
    "Mean \"amount\" > 0 where \"cat in ('a', 'b') and qty > 3\"",
    '(Completeness "qty" > 0.8) and (ColumnValues "amount" > -100)',
]


def test_engines_agree_on_a_generated_frame(spark_engine_name: str, spark_session_for: Any) -> None:
    columns, schema = _generated(300, seed=7)
    text = "Rules = [\n" + ",\n".join(AGREE_RULES) + "\n]"
    assert len(AGREE_RULES) == 25
    expected = evaluate(make_engine("pandas", None).from_records(columns, schema), text, now=FIXED_NOW)
    spark_frame = make_engine(spark_engine_name, spark_session_for).from_records(columns, schema)
    got = evaluate(spark_frame, text, now=FIXED_NOW)
    assert [r.outcome for r in got.rules] == [r.outcome for r in expected.rules]
    assert len({r.outcome for r in expected.rules}) >= 2  # the ruleset exercises both outcomes
    for mine, theirs in zip(expected.rules, got.rules, strict=True):
        assert mine.metrics.keys() == theirs.metrics.keys(), mine.rule
        for name, value in mine.metrics.items():
            assert _close(value, theirs.metrics[name]), (mine.rule, name, value, theirs.metrics[name])
        assert mine.reason == theirs.reason
    pandas_rows = make_engine("pandas", None).to_records(expected.rows())
    spark_rows = make_engine(spark_engine_name, spark_session_for).to_records(got.rows())
    for column in ("DataQualityRulesPass", "DataQualityRulesFail", "DataQualityRulesSkip"):
        assert [list(v) for v in spark_rows[column]] == [list(v) for v in pandas_rows[column]]
    assert spark_rows["DataQualityEvaluationResult"] == pandas_rows["DataQualityEvaluationResult"]


# ---- Spark runs a constant number of jobs ----------


def _jobs_while(spark_session: Any, action: Any) -> int:
    """Spark jobs started by ``action`` (a fresh job group each time, so counts never add up)."""
    sc = spark_session.sparkContext
    group = f"wb-quality-{uuid.uuid4().hex}"
    sc.setJobGroup(group, "quality job count")
    try:
        action()
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
    return len(sc.statusTracker().getJobIdsForGroup(group))


def test_spark_aggregate_rules_cost_a_constant_number_of_jobs(spark_session: Any) -> None:
    columns, schema = _generated(200, seed=3)
    frame = make_engine("spark", spark_session).from_records(columns, schema)
    families = [
        'Completeness "{c}" > 0.5',
        'Mean "{n}" > -1000',
        'Sum "{n}" > -100000',
        'StandardDeviation "{n}" >= 0',
        'DistinctValuesCount "{c}" > 0',
        'Uniqueness "{c}" >= 0',
        'RowCount > 0 where "{n} > 3"',
        'ColumnValues "{n}" > -1000 with threshold > 0.1',
        'Entropy "{c}" >= 0',
        'IsComplete "{c}"',
        'Variance "{n}" >= 0',
        'ColumnLength "{c}" < 100',
        'UniqueValueRatio "{c}" >= 0',
        'ColumnCorrelation "{n}" "id" < 2',
        'Completeness "{n}" >= 0',
    ]
    numeric, text = ["amount", "qty", "id"], ["cat", "email", "code"]
    rules = [f.format(c=text[i % 3], n=numeric[i % 3]) for i, f in enumerate(families)]

    def jobs_for(count: int) -> int:
        ruleset = "Rules = [" + ", ".join(rules[:count]) + "]"
        holder: dict[str, Any] = {}
        jobs = _jobs_while(spark_session, lambda: holder.setdefault("r", evaluate(frame, ruleset)))
        assert all(r.outcome != "Error" for r in holder["r"].rules), holder["r"].to_dict()
        return jobs

    few, ten, many = jobs_for(5), jobs_for(10), jobs_for(15)
    # one batched aggregation + one grouping-sets aggregation (AQE runs each shuffle stage as a job)
    assert few == ten == many
    assert many <= 6


def test_composites_of_row_rules_combine_per_row(engine_name: str, session_for: Any) -> None:
    columns = {"a": [2, 0], "b": [0, 3]}
    frame = _frame(engine_name, session_for, columns, {"a": L.INTEGER, "b": L.INTEGER})
    result = evaluate(frame, 'Rules = [ (ColumnValues "a" > 0) or (ColumnValues "b" > 0) ]')
    assert result.rules[0].outcome == "Failed"  # COLUMN method: each inner rule fails somewhere
    got = _row_records(engine_name, session_for, result.rows())
    assert got["DataQualityEvaluationResult"] == ["Passed", "Passed"]  # per row, each row has a positive


def test_numpy_backed_pandas_frames_read_nan_as_missing() -> None:
    import pandas as pd

    frame = pd.DataFrame({"x": [1.0, float("nan"), 3.0], "s": ["a", None, "c"]})
    result = evaluate(frame, 'Rules = [ Completeness "x" = 2 / 3, IsComplete "s", Mean "x" = 2 ]')
    assert [r.outcome for r in result.rules] == ["Passed", "Failed", "Passed"]
