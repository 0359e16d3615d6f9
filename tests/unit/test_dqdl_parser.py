"""The DQDL parser: every rule type, condition form and section, exact trees, and readable errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from workbench.quality import (
    RULE_TYPES,
    Analyzer,
    Argument,
    BinaryOp,
    Composite,
    Condition,
    DataSources,
    DqdlSyntaxError,
    Duration,
    FunctionCall,
    Metadata,
    Negation,
    Now,
    Number,
    Rule,
    Ruleset,
    Size,
    Special,
    String,
    Tag,
    ValueList,
    Variable,
    VariableRef,
    parse_ruleset,
)


def rules_of(body: str) -> tuple[Rule | Composite, ...]:
    return parse_ruleset(f"Rules = [\n{body}\n]\n").rules


def one(text: str) -> Rule:
    (rule,) = rules_of(text)
    assert isinstance(rule, Rule)
    return rule


def args(*values: str) -> tuple[Argument, ...]:
    return tuple(Argument(v) for v in values)


def cmp(op: str, *operands: object) -> Condition:
    return Condition(op, tuple(operands))  # type: ignore[arg-type]


N = Number
S = String
NULL = Special("NULL")


# ---- every rule type ----------

RULE_EXAMPLES = [
    ("RowCount between 1000 and 50000", "RowCount", (), cmp("between", N(1000), N(50000))),
    ("ColumnCount = 12", "ColumnCount", (), cmp("=", N(12))),
    ('ColumnExists "order_id"', "ColumnExists", ("order_id",), None),
    ('ColumnNamesMatchPattern "^[a-z_]+$"', "ColumnNamesMatchPattern", ("^[a-z_]+$",), None),
    ('ColumnDataType "qty" = "Integer"', "ColumnDataType", ("qty",), cmp("=", S("Integer"))),
    ('ColumnDataType "p" != "Decimal(10,2)"', "ColumnDataType", ("p",), cmp("!=", S("Decimal(10,2)"))),
    ('IsComplete "email"', "IsComplete", ("email",), None),
    ('Completeness "email" >= 0.95', "Completeness", ("email",), cmp(">=", N(0.95))),
    ('IsUnique "id"', "IsUnique", ("id",), None),
    ('IsUnique "a" "b"', "IsUnique", ("a", "b"), None),
    ('Uniqueness "a" "b" > 0.9', "Uniqueness", ("a", "b"), cmp(">", N(0.9))),
    ('IsPrimaryKey "invoice_id"', "IsPrimaryKey", ("invoice_id",), None),
    ('IsPrimaryKey "a" "b" "c"', "IsPrimaryKey", ("a", "b", "c"), None),
    ('UniqueValueRatio "colA" < 0.5', "UniqueValueRatio", ("colA",), cmp("<", N(0.5))),
    ('DistinctValuesCount "state" > 3', "DistinctValuesCount", ("state",), cmp(">", N(3))),
    ('Mean "qty" = 23 / 3', "Mean", ("qty",), cmp("=", BinaryOp("/", N(23), N(3)))),
    ('Sum "amount" between 100 and 200', "Sum", ("amount",), cmp("between", N(100), N(200))),
    ('StandardDeviation "x" <= 2.5', "StandardDeviation", ("x",), cmp("<=", N(2.5))),
    ('Variance "x" < 10', "Variance", ("x",), cmp("<", N(10))),
    ('Entropy "region" > 1', "Entropy", ("region",), cmp(">", N(1))),
    ('ColumnCorrelation "a" "b" > 0.8', "ColumnCorrelation", ("a", "b"), cmp(">", N(0.8))),
    ('ColumnLength "country" = 2', "ColumnLength", ("country",), cmp("=", N(2))),
    (
        'ColumnValues "status" in ["open","closed",NULL]',
        "ColumnValues",
        ("status",),
        cmp("in", S("open"), S("closed"), NULL),
    ),
    ('DataFreshness "updated" <= 24 hours', "DataFreshness", ("updated",), cmp("<=", Duration(24, "hours"))),
    (
        'CustomSql "select count(*) from primary" between 10 and 20',
        "CustomSql",
        ("select count(*) from primary",),
        cmp("between", N(10), N(20)),
    ),
    (
        'CustomSql "select id from primary where qty > 0"',
        "CustomSql",
        ("select id from primary where qty > 0",),
        None,
    ),
    (
        'AggregateMatch "sum(amount)" "sum(ref.total)" >= 0.9',
        "AggregateMatch",
        ("sum(amount)", "sum(ref.total)"),
        cmp(">=", N(0.9)),
    ),
    (
        'ReferentialIntegrity "customer_id" "ref.{id}" = 1.0',
        "ReferentialIntegrity",
        ("customer_id", "ref.{id}"),
        cmp("=", N(1.0)),
    ),
    ('DatasetMatch "ref" "id->ref_id" >= 0.9', "DatasetMatch", ("ref", "id->ref_id"), cmp(">=", N(0.9))),
    (
        'DatasetMatch "ref" "id->ref_id" "a->b" = 1',
        "DatasetMatch",
        ("ref", "id->ref_id", "a->b"),
        cmp("=", N(1)),
    ),
    ('RowCountMatch "ref" >= 0.95', "RowCountMatch", ("ref",), cmp(">=", N(0.95))),
    ('SchemaMatch "ref" = 1.0', "SchemaMatch", ("ref",), cmp("=", N(1.0))),
    ('DetectAnomalies "RowCount"', "DetectAnomalies", ("RowCount",), None),
    ('DetectAnomalies "Completeness" "colA"', "DetectAnomalies", ("Completeness", "colA"), None),
    ('FileMatch "s3://a/f.csv" in ["3ee0d86"]', "FileMatch", ("s3://a/f.csv",), cmp("in", S("3ee0d86"))),
    ('FileMatch "s3://a/" "s3://b/"', "FileMatch", ("s3://a/", "s3://b/"), None),
    ('FileUniqueness "s3://a/" > 0.5', "FileUniqueness", ("s3://a/",), cmp(">", N(0.5))),
    (
        'FileFreshness "s3://a/" > (now() - 24 hours)',
        "FileFreshness",
        ("s3://a/",),
        cmp(">", BinaryOp("-", Now(), Duration(24, "hours"))),
    ),
    (
        'FileFreshness "s3://a/" between "2023-02-07" and "2024-07-15"',
        "FileFreshness",
        ("s3://a/",),
        cmp("between", S("2023-02-07"), S("2024-07-15")),
    ),
    ('FileFreshness "s3://a/" > "21:45"', "FileFreshness", ("s3://a/",), cmp(">", S("21:45"))),
    ('FileSize "s3://a/" > 5 MB', "FileSize", ("s3://a/",), cmp(">", Size(5, "MB"))),
    ("FileSize <= 1024", "FileSize", (), cmp("<=", N(1024))),
    ('ZerosCount "qty" < 3', "ZerosCount", ("qty",), cmp("<", N(3))),
]


@pytest.mark.parametrize(("text", "rule_type", "columns", "condition"), RULE_EXAMPLES)
def test_every_rule_type_parses(
    text: str, rule_type: str, columns: tuple[str, ...], condition: Condition | None
) -> None:
    rule = one(text)
    assert rule.rule_type == rule_type
    assert rule.columns == columns
    assert rule.condition == condition
    assert rule.threshold is None
    assert rule.where is None
    assert rule.text == text
    assert str(rule) == text


def test_the_examples_cover_every_rule_type() -> None:
    covered = {example[1] for example in RULE_EXAMPLES}
    rules_only = {name for name, spec in RULE_TYPES.items() if spec.rule and not spec.extension}
    assert rules_only - covered == set()
    assert "AllStatistics" not in rules_only


@pytest.mark.parametrize("name", ["Range", "InterquartileRange", "Skewness", "Kurtosis"])
def test_deequ_extension_metrics_parse(name: str) -> None:
    rule = one(f'{name} "x" > 0')
    assert (rule.rule_type, rule.columns, rule.condition) == (name, ("x",), cmp(">", N(0)))
    assert RULE_TYPES[name].extension


def test_duplicate_row_count_takes_any_number_of_columns() -> None:
    assert one("DuplicateRowCount = 0").columns == ()
    assert one('DuplicateRowCount "a" "b" < 2').columns == ("a", "b")


# ---- parameters ----------


def test_parameters_may_be_unquoted_and_take_connector_words() -> None:
    rule = one('ColumnCorrelation of col_1 and "b c" > 0.8')
    assert rule.arguments == (Argument("col_1", quoted=False), Argument("b c"))
    assert one("Completeness of order.id > 0.5").arguments == (Argument("order.id", quoted=False),)
    assert one('ColumnCorrelation OF a AND "b" > 0.5').columns == ("a", "b")
    assert one("IsComplete order_id").arguments == (Argument("order_id", quoted=False),)


def test_quoted_column_names_keep_spaces_and_escapes() -> None:
    rule = one(r'IsComplete "unit price \"net\" \\ gross"')
    assert rule.arguments == (Argument('unit price "net" \\ gross'),)
    assert str(rule.arguments[0]) == r'"unit price \"net\" \\ gross"'


def test_a_backslash_before_other_characters_stays() -> None:
    rule = one(r'ColumnValues "zip" matches "\d{5}"')
    assert rule.condition == cmp("matches", S(r"\d{5}"))


# ---- conditions ----------


@pytest.mark.parametrize(
    ("condition_text", "expected"),
    [
        ("= 5", cmp("=", N(5))),
        ("!= 5", cmp("!=", N(5))),
        ("> 5", cmp(">", N(5))),
        (">= 5", cmp(">=", N(5))),
        ("< 5", cmp("<", N(5))),
        ("<= 5", cmp("<=", N(5))),
        ("between 1 and 5", cmp("between", N(1), N(5))),
        ("between 1 AND 5", cmp("between", N(1), N(5))),
        ("not between -1 and 5.5", cmp("not between", N(-1), N(5.5))),
        ("in [1, 2, NULL]", cmp("in", N(1), N(2), NULL)),
        ('not in ["a", "b"]', cmp("not in", S("a"), S("b"))),
        ('matches "[A-Z]+"', cmp("matches", S("[A-Z]+"))),
        ('not matches "[A-Z]+"', cmp("not matches", S("[A-Z]+"))),
        ('= "open"', cmp("=", S("open"))),
        ("= NULL", cmp("=", NULL)),
        ("!= EMPTY", cmp("!=", Special("EMPTY"))),
        ("= WHITESPACES_ONLY", cmp("=", Special("WHITESPACES_ONLY"))),
        (
            "in [null, empty, whitespaces_only]",
            cmp("in", NULL, Special("EMPTY"), Special("WHITESPACES_ONLY")),
        ),
        (
            'in ["a", EMPTY, WHITESPACES_ONLY, NULL]',
            cmp("in", S("a"), Special("EMPTY"), Special("WHITESPACES_ONLY"), NULL),
        ),
        ('> "2024-01-31"', cmp(">", S("2024-01-31"))),
        ("<= now()", cmp("<=", Now())),
        ("<= (now() + 1 days)", cmp("<=", BinaryOp("+", Now(), Duration(1, "days")))),
        ("> now() - 3 days", cmp(">", BinaryOp("-", Now(), Duration(3, "days")))),
        (
            "between (now() - 90 minutes) and now()",
            cmp("between", BinaryOp("-", Now(), Duration(90, "minutes")), Now()),
        ),
    ],
)
def test_condition_forms(condition_text: str, expected: Condition) -> None:
    assert one(f'ColumnValues "x" {condition_text}').condition == expected


def test_whitespace_is_free() -> None:
    assert parse_ruleset("Rules=[RowCount<10]").rules == (
        Rule("RowCount", (), cmp("<", N(10)), None, None, (), (), "RowCount<10", 1, 8),
    )


def test_numbers_ints_decimals_negatives() -> None:
    rule = one('Mean "x" between -100.5 and -3')
    assert rule.condition == cmp("between", N(-100.5), N(-3))
    operands = rule.condition.operands if rule.condition else ()
    assert [type(o.value) for o in operands if isinstance(o, Number)] == [float, int]


def test_arithmetic_has_one_precedence_level_grouped_from_the_left() -> None:
    assert one("RowCount = 1 + 2 * 3").condition == cmp("=", BinaryOp("*", BinaryOp("+", N(1), N(2)), N(3)))
    assert one("RowCount = 1 + (2 * 3)").condition == cmp("=", BinaryOp("+", N(1), BinaryOp("*", N(2), N(3))))
    assert one("RowCount = 10 - -2").condition == cmp("=", BinaryOp("-", N(10), N(-2)))


def test_dynamic_expressions_stay_in_the_tree() -> None:
    last10 = FunctionCall("last", (N(10),))
    avg10 = FunctionCall("avg", (last10,))
    assert one("RowCount > avg(last(10))").condition == cmp(">", avg10)
    assert one("RowCount between (0.9 * avg(last(10))) and (1.1 * avg(last(10)))").condition == cmp(
        "between", BinaryOp("*", N(0.9), avg10), BinaryOp("*", N(1.1), avg10)
    )
    assert one('Completeness "colA" >= min(last(5)) - 0.01').condition == cmp(
        ">=", BinaryOp("-", FunctionCall("min", (FunctionCall("last", (N(5),)),)), N(0.01))
    )
    assert one('UniqueValueRatio "colA" <= index(last(10),2) + std(last(5))').condition == cmp(
        "<=",
        BinaryOp(
            "+",
            FunctionCall("index", (last10, N(2))),
            FunctionCall("std", (FunctionCall("last", (N(5),)),)),
        ),
    )
    assert one("RowCount > -abs(max(last(3)))").condition == cmp(
        ">", Negation(FunctionCall("abs", (FunctionCall("max", (FunctionCall("last", (N(3),)),)),)))
    )


def test_durations_and_sizes() -> None:
    assert one('DataFreshness "d" between 2 days and 5 days').condition == cmp(
        "between", Duration(2, "days"), Duration(5, "days")
    )
    assert one('DataFreshness "d" > 30 minutes').condition == cmp(">", Duration(30, "minutes"))
    size = one("FileSize < 2 GB")
    assert size.condition == cmp("<", Size(2, "GB"))
    assert Size(2, "KB").bytes == 2048


def test_string_literal_kinds() -> None:
    assert S("2024-01-31").is_date
    assert not S("2024-1-31").is_date
    assert S("9:30 AM").is_time_of_day
    assert S("21:45").is_time_of_day
    assert not S("open").is_time_of_day


# ---- thresholds, where, tags, labels ----------


def test_threshold() -> None:
    rule = one('ColumnValues "discount" < 0.5 with threshold > 0.99')
    assert rule.condition == cmp("<", N(0.5))
    assert rule.threshold == cmp(">", N(0.99))
    assert one('ColumnDataType "x" = "Date" with threshold between 0.5 and 1').threshold == cmp(
        "between", N(0.5), N(1)
    )
    row_sql = one('CustomSql "select id from primary where qty > 0" with threshold >= 0.9')
    assert (row_sql.condition, row_sql.threshold) == (None, cmp(">=", N(0.9)))
    assert one('FileSize "s3://a/" > 5 MB with threshold > 0.50').threshold == cmp(">", N(0.5))


def test_where_clause() -> None:
    rule = one('Completeness "email" >= 0.95 where "signup_channel = \'web\'"')
    assert rule.where == "signup_channel = 'web'"
    assert rule.condition == cmp(">=", N(0.95))
    both = one('ColumnValues "x" in ["a"] where "y > 1" with threshold > 0.5')
    assert (both.where, both.threshold) == ("y > 1", cmp(">", N(0.5)))
    assert one('IsComplete "x" where "`odd col` is not null"').where == "`odd col` is not null"
    assert one('RowCount > 0 where "a = \\"b\\""').where == 'a = "b"'


def test_other_with_options_are_tags() -> None:
    rule = one('FileMatch "s3://a/f.csv" in ["3ee0"] with hashAlgorithm = "MD5"')
    assert rule.tags == (Tag("hashAlgorithm", S("MD5")),)
    rule = one('ColumnValues "s" = "a" with ignoreCase = "true" with threshold > 0.5')
    assert rule.tags == (Tag("ignoreCase", S("true")),)
    assert rule.threshold == cmp(">", N(0.5))


def test_labels_and_default_labels() -> None:
    ruleset = parse_ruleset(
        'DefaultLabels = ["team"="finance", "tier"="gold"]\n'
        'Rules = [ IsComplete "a" labels=["owner"="ana", "severity"="high"],'
        ' (IsComplete "a") or (IsComplete "b") labels=["k"="v"] ]'
    )
    assert ruleset.default_labels == (("team", "finance"), ("tier", "gold"))
    rule, composite = ruleset.rules
    assert rule.labels == (("owner", "ana"), ("severity", "high"))
    assert rule.text == 'IsComplete "a" labels=["owner"="ana", "severity"="high"]'
    assert isinstance(composite, Composite)
    assert composite.labels == (("k", "v"),)
    assert composite.text == '(IsComplete "a") or (IsComplete "b") labels=["k"="v"]'
    threshold_then_labels = one('ColumnValues "x" > 0 with threshold > 0.5 labels=["a"="b"]')
    assert (threshold_then_labels.threshold, threshold_then_labels.labels) == (
        cmp(">", N(0.5)),
        (("a", "b"),),
    )


# ---- composites ----------


def test_composite_and_or() -> None:
    (entry,) = rules_of('(ColumnValues "unit_price" > 0) or (ColumnValues "free_item" = "Y")')
    assert isinstance(entry, Composite)
    assert entry.operator == "or"
    assert [str(o) for o in entry.operands] == [
        'ColumnValues "unit_price" > 0',
        'ColumnValues "free_item" = "Y"',
    ]
    assert entry.text == '(ColumnValues "unit_price" > 0) or (ColumnValues "free_item" = "Y")'
    (upper,) = rules_of('(IsComplete "a") AND (IsComplete "b")')
    assert isinstance(upper, Composite)
    assert upper.operator == "and"


def test_a_chain_of_one_operator_is_one_composite() -> None:
    (entry,) = rules_of('(IsComplete "a") and (IsComplete "b") and (IsComplete "c")')
    assert isinstance(entry, Composite)
    assert entry.operator == "and"
    assert [o.columns for o in entry.operands if isinstance(o, Rule)] == [("a",), ("b",), ("c",)]


def test_mixed_chains_group_from_the_left_with_no_precedence() -> None:
    (entry,) = rules_of('(IsComplete "a") or (IsComplete "b") and (IsComplete "c")')
    assert isinstance(entry, Composite)
    assert entry.operator == "and"
    inner, last = entry.operands
    assert isinstance(inner, Composite)
    assert inner.operator == "or"
    assert inner.text == '(IsComplete "a") or (IsComplete "b")'
    assert str(last) == 'IsComplete "c"'
    (other,) = rules_of('(IsComplete "a") and (IsComplete "b") or (IsComplete "c")')
    assert isinstance(other, Composite)
    assert other.operator == "or"
    assert isinstance(other.operands[0], Composite)
    assert other.operands[0].operator == "and"


def test_nested_composites_keep_their_parentheses_as_structure() -> None:
    (entry,) = rules_of('((IsComplete "a") or (IsComplete "b")) and (RowCount > 0)')
    assert isinstance(entry, Composite)
    assert entry.operator == "and"
    inner, last = entry.operands
    assert isinstance(inner, Composite)
    assert (inner.operator, inner.text) == ("or", '(IsComplete "a") or (IsComplete "b")')
    assert isinstance(last, Rule)
    assert last.condition == cmp(">", N(0))
    (same_op,) = rules_of('((IsComplete "a") and (IsComplete "b")) and (IsComplete "c")')
    assert isinstance(same_op, Composite)
    assert len(same_op.operands) == 2


def test_composite_operands_keep_where_and_thresholds() -> None:
    (entry,) = rules_of(
        '(ColumnValues "a" > 0 where "b = 1" with threshold > 0.5) or (RowCount between 1 and 5)'
    )
    assert isinstance(entry, Composite)
    first, second = entry.operands
    assert isinstance(first, Rule)
    assert (first.where, first.threshold) == ("b = 1", cmp(">", N(0.5)))
    assert isinstance(second, Rule)
    assert second.condition == cmp("between", N(1), N(5))


def test_a_lone_parenthesised_rule_is_the_rule() -> None:
    (entry,) = rules_of("(RowCount > 0)")
    assert isinstance(entry, Rule)
    assert entry.text == "RowCount > 0"


# ---- the document ----------

FULL = """# Orders checks
Metadata = { "Version": "1.0" }
DataSources = { "Primary": "orders", "AdditionalDataSources": ["ref", "other"] }
codes = ["A", "B", NULL]
col = "order id"
limit = -5
DefaultLabels = ["team"="finance"]
Rules = [
    RowCount between 1000 and 50000,                         # 1000 and 50000 themselves fail
    IsPrimaryKey "invoice_id",
    Completeness "email" >= 0.95 where "signup_channel = 'web'",
    ColumnValues "status" in ["open","closed",NULL],        # NULL allowed explicitly
    ColumnValues "discount" < 0.5 with threshold > 0.99,    # at most 1% of rows may break it
    ColumnValues "shipped_on" <= (now() + 1 days),
    ColumnLength "country" = 2,
    (ColumnValues "unit_price" > 0) or (ColumnValues "free_item" = "Y"),
    ColumnValues "code" in $codes,
    IsComplete $col,
    Mean "delta" > $limit
]
Analyzers = [ RowCount, Completeness "amount", AllStatistics "unit_price", ColumnCorrelation "a" "b" ]
"""


def test_the_whole_document() -> None:
    ruleset = parse_ruleset(FULL)
    assert ruleset.metadata == Metadata(version="1.0")
    assert ruleset.data_sources == DataSources(primary="orders", additional=("ref", "other"))
    codes = ValueList((S("A"), S("B"), NULL))
    assert ruleset.variables == (
        Variable("codes", codes, 4),
        Variable("col", S("order id"), 5),
        Variable("limit", N(-5), 6),
    )
    assert ruleset.variable("col").value == S("order id")
    assert ruleset.default_labels == (("team", "finance"),)
    assert [r.line for r in ruleset.rules] == list(range(9, 20))
    assert [r.text for r in ruleset.rules][:3] == [
        "RowCount between 1000 and 50000",
        'IsPrimaryKey "invoice_id"',
        'Completeness "email" >= 0.95 where "signup_channel = \'web\'"',
    ]
    by_code = ruleset.rules[8]
    assert isinstance(by_code, Rule)
    assert by_code.condition == cmp("in", VariableRef("codes", codes))
    assert by_code.condition.expanded_operands() == (S("A"), S("B"), NULL)
    column_var = ruleset.rules[9]
    assert isinstance(column_var, Rule)
    assert column_var.arguments == (Argument("order id", quoted=True, variable="col"),)
    assert str(column_var.arguments[0]) == "$col"
    limit = ruleset.rules[10]
    assert isinstance(limit, Rule)
    assert limit.condition == cmp(">", VariableRef("limit", N(-5)))
    assert ruleset.analyzers == (
        Analyzer("RowCount", (), "RowCount", 21, 15),
        Analyzer("Completeness", args("amount"), 'Completeness "amount"', 21, 25),
        Analyzer("AllStatistics", args("unit_price"), 'AllStatistics "unit_price"', 21, 48),
        Analyzer("ColumnCorrelation", args("a", "b"), 'ColumnCorrelation "a" "b"', 21, 76),
    )


def test_to_dict_is_json_ready() -> None:
    data = parse_ruleset(FULL).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["metadata"] == {"version": "1.0"}
    assert data["rules"][3]["condition"] == {
        "op": "in",
        "operands": [
            {"node": "String", "value": "open"},
            {"node": "String", "value": "closed"},
            {"node": "Special", "name": "NULL"},
        ],
    }
    assert data["rules"][7]["kind"] == "composite"
    assert data["rules"][7]["operands"][0]["text"] == 'ColumnValues "unit_price" > 0'
    assert data["analyzers"][2] == {
        "kind": "analyzer",
        "analyzer_type": "AllStatistics",
        "arguments": [{"value": "unit_price", "quoted": True, "variable": None}],
        "text": 'AllStatistics "unit_price"',
        "line": 21,
        "column": 48,
    }


def test_comments_anywhere_and_on_the_last_line_without_newline() -> None:
    ruleset = parse_ruleset(
        '# header\nRules = [ # open\n  RowCount > 0, # first\n  # alone\n  IsComplete "a"\n] # end'
    )
    assert [str(r) for r in ruleset.rules] == ["RowCount > 0", 'IsComplete "a"']
    assert [r.line for r in ruleset.rules] == [3, 5]


def test_a_rule_over_several_lines_keeps_its_text() -> None:
    rule = one('ColumnValues "s" in [\n  "a", # first\n  "b"\n]')
    assert rule.text == 'ColumnValues "s" in [\n  "a", # first\n  "b"\n]'
    assert rule.condition == cmp("in", S("a"), S("b"))


def test_empty_rules_with_analyzers_and_analyzers_alone() -> None:
    ruleset = parse_ruleset('Rules = [ ]\nAnalyzers = [ Completeness "a" ]')
    assert ruleset.rules == ()
    assert [a.analyzer_type for a in ruleset.analyzers] == ["Completeness"]
    assert parse_ruleset("Analyzers = [ RowCount ]").analyzers[0].text == "RowCount"


def test_ruleset_defaults() -> None:
    ruleset = parse_ruleset("Rules = [ RowCount > 0 ]")
    assert ruleset == Ruleset(rules=ruleset.rules)
    assert (ruleset.metadata, ruleset.data_sources, ruleset.variables) == (None, None, ())


def test_nodes_are_frozen() -> None:
    rule = one("RowCount > 0")
    with pytest.raises(AttributeError):
        rule.text = "x"  # type: ignore[misc]


def test_500_rules_parse_in_order() -> None:
    lines = [
        f'ColumnValues "c{i}" in ["a", "b", NULL] with threshold > 0.9'
        if i % 3 == 0
        else '(IsComplete "a") and (Completeness "b" > 0.5 where "x > 1")'
        if i % 3 == 1
        else "RowCount between (0.9 * avg(last(10))) and (1.1 * avg(last(10)))"
        for i in range(500)
    ]
    text = "Rules = [\n" + ",\n".join(lines) + "\n]\n"
    ruleset = parse_ruleset(text)
    assert len(ruleset.rules) == 500
    assert [rule.text for rule in ruleset.rules] == lines


# ---- invalid documents ----------

_AFTER_VALUE = (
    "',', ']', where \"<SQL predicate>\", with threshold <condition>, labels=[...], an arithmetic operator "
    "(+ - * /) or a unit (days, hours, minutes, B, KB, MB, GB, TB)"
)
_VALUE = 'a value such as 0.9, "text", NULL, now() or avg(last(10))'
_RULE = "a rule such as RowCount > 0, or '(' to start a composite rule"

INVALID = [
    # (document, line, column, expected, words in the message)
    (
        'Rules = [\n  RowCount > 1\n  IsComplete "a"\n]',
        3,
        3,
        _AFTER_VALUE,
        "is a ',' missing before IsComplete?",
    ),
    (
        'Rules = [ Completeness "x" ]',
        1,
        27,
        "a comparison such as > 0.9 or between 1 and 5",
        "Completeness needs a condition",
    ),
    (
        'Rules = [ Completeness "x" 0.9 ]',
        1,
        28,
        "a comparison such as > 0.9 or between 1 and 5",
        "found '0.9'",
    ),
    (
        'Rules = [ Completness "x" > 0.9 ]',
        1,
        11,
        "a rule type such as RowCount or IsComplete",
        "unknown rule type 'Completness' (did you mean Completeness?)",
    ),
    (
        "Rules = [ rowcount > 5 ]",
        1,
        11,
        "a rule type such as RowCount or IsComplete",
        "did you mean RowCount?",
    ),
    (
        'Rules = [ ColumnCorrelation "a" > 0.9 ]',
        1,
        32,
        'two column names such as "a" "b"',
        'ColumnCorrelation takes two column names such as "a" "b", found 1',
    ),
    (
        'Rules = [ IsComplete "a" "b" ]',
        1,
        26,
        "one column name, then ',' or ']' after the rule",
        "IsComplete takes one column name, found 2 parameters",
    ),
    (
        'Rules = [ IsComplete "x" with threshold > 0.5 ]',
        1,
        26,
        "',' or ']' after the rule",
        "IsComplete does not accept with threshold",
    ),
    (
        'Rules = [ Completeness "x" > 0.5 with threshold > 0.5 ]',
        1,
        34,
        "',' or ']' after the rule",
        "Completeness does not accept with threshold",
    ),
    (
        'Rules = [ CustomSql "select count(*) from primary" > 3 with threshold > 0.5 ]',
        1,
        56,
        "',' or ']' after the rule",
        "only its row form",
    ),
    (
        'Rules = [ ColumnValues "x" in $nope ]',
        1,
        31,
        'a variable declared before Rules, such as codes = ["A", "B"]',
        "unknown variable $nope (declared: none)",
    ),
    (
        'codes = ["A"]\nRules = [ ColumnValues "x" in $code ]',
        2,
        31,
        'a variable declared before Rules, such as codes = ["A", "B"]',
        "did you mean $codes?",
    ),
    ("Rules = [ RowCount > ]", 1, 22, _VALUE, "found ']'"),
    (
        "Rules = [ RowCount between 1 5 ]",
        1,
        30,
        "'and', an arithmetic operator (+ - * /) or a unit (days, hours, minutes, B, KB, MB, GB, TB)",
        "found '5'",
    ),
    (
        "Rules = [ RowCount Between 1 and 5 ]",
        1,
        20,
        "no parameters, then a comparison such as > 0.9 or between 1 and 5",
        "keywords are written in lower case",
    ),
    (
        "Rules = [ IsComplete \"x\" where 'a = 1' ]",
        1,
        32,
        "a quoted string",
        "DQDL strings use double quotes",
    ),
    ('Rules = [ IsComplete "x ]', 1, 22, "a closing '\"'", "unterminated string"),
    ("Rules = [ RowCount > 0,\n", 1, 24, _RULE, "found the end of the document"),
    ("Rules = [ RowCount > 0, ]", 1, 25, _RULE, "found ']'"),
    (
        "",
        1,
        1,
        'Rules = [ ... ] or Analyzers = [ ... ] or a variable declaration such as codes = ["A", "B"]',
        "found the end of the document",
    ),
    (
        'Metadata = { "Version": "1.0" }\n',
        1,
        32,
        'Rules = [ ... ] or Analyzers = [ ... ] or a variable declaration such as codes = ["A", "B"]',
        "found the end of the document",
    ),
    ("rules = [ RowCount > 0 ]", 1, 11, _VALUE + " or ']'", "section names are case-sensitive: write Rules"),
    (
        "Rules = [ (RowCount > 0) and RowCount > 1 ]",
        1,
        30,
        "'('",
        "each operand of and / or goes in parentheses",
    ),
    (
        'Rules = [ DataFreshness "d" > 5 ]',
        1,
        29,
        "a comparison with a duration such as <= 24 hours",
        "but 5 is a number",
    ),
    (
        'Rules = [ ColumnValues "x" > NULL ]',
        1,
        28,
        'a condition such as > 0, in ["a", "b"] or matches "[A-Z]+"',
        "NULL is not allowed here",
    ),
    ('Rules = [ IsComplete "x" > 0.5 ]', 1, 26, "',' or ']' after the rule", "IsComplete takes no condition"),
    ("Rules = [ ]", 1, 1, "at least one rule, such as RowCount > 0", "no rules and no analyzers"),
    (
        'Rules = [ RowCount > 0 ] Analyzers = [ IsComplete "x" ]',
        1,
        40,
        "an analyzer type such as RowCount or Completeness",
        "IsComplete cannot be an analyzer",
    ),
    ('Analyzers = [ Completeness "x" > 0.5 ]', 1, 32, "',' or ']' after the analyzer", "takes no condition"),
    (
        'Rules = [ AllStatistics "x" ]',
        1,
        11,
        "a rule type such as RowCount or IsComplete",
        "AllStatistics is only allowed in Analyzers",
    ),
    (
        'Rules = [ RowCountMatch "ref" > 0.9 where "a = 1" ]',
        1,
        37,
        "',' or ']' after the rule",
        "RowCountMatch does not accept a where clause",
    ),
    (
        'Rules = [ IsComplete "x" where "  " ]',
        1,
        32,
        "a quoted SQL predicate such as \"region = 'EU'\"",
        "the where clause is empty",
    ),
    (
        'Metadata = { "Versoin": "1.0" }\nRules = [ RowCount > 0 ]',
        1,
        14,
        '"Version"',
        "unknown Metadata key 'Versoin' (did you mean 'Version'?)",
    ),
    (
        'DataSources = { "Primary": ["a"] }\nRules = [ RowCount > 0 ]',
        1,
        28,
        "a quoted string",
        "DataSources 'Primary' takes one quoted string",
    ),
    (
        '_x = "a"\nRules = [ RowCount > 0 ]',
        1,
        1,
        "a variable name starting with a letter or a digit",
        "may not start with '_'",
    ),
    ('x = "a"\nx = "b"\nRules = [ RowCount > 0 ]', 2, 1, "a new variable name", "already defined on line 1"),
    (
        'x = "a"\ny = $x\nRules = [ RowCount > 0 ]',
        2,
        5,
        'a quoted string, a number or NULL, such as "A"',
        "may not refer to another variable",
    ),
    ('x = ["a"]\nRules = [ IsComplete $x ]', 2, 22, "a variable holding one quoted string", "holds a list"),
    ('Rules = [ ColumnValues "x" in [1, "a"] ]', 1, 28, "values of one kind", "mixes numbers with strings"),
    (
        "Rules = [ RowCount = now() - 3 ]",
        1,
        22,
        "arithmetic between numbers, or now() plus or minus a duration such as 3 days",
        "cannot compute now() - 3",
    ),
    ('Rules = [ DataFreshness "d" < 1.5 days ]', 1, 31, "a whole number such as 3 days", "whole number"),
    (
        "Rules = [ RowCount > avg(last(0)) ]",
        1,
        26,
        "a call such as last(10)",
        "last(k) takes one whole number",
    ),
    (
        'Rules = [ ColumnValues "x" > 1 with threshold > 0.5 with threshold > 0.6 ]',
        1,
        53,
        "',' or ']' after the rule",
        "only one threshold",
    ),
    (
        'Rules = [ ColumnValues "x" > 1 with threshold matches "a" ]',
        1,
        47,
        "a number comparison such as > 0.9",
        "a threshold does not take 'matches'",
    ),
    (
        'Rules = [ IsComplete "a" labels=["k"="v"] labels=["k"="w"] ]',
        1,
        43,
        "',' or ']' after the rule",
        "labels are given twice",
    ),
    ('Rules = [ ColumnValues "x" in [] ]', 1, 31, "at least one value in the list", "the list is empty"),
    (
        'Rules = [ ColumnValues "x" > 1 with timeZone > "UTC" ]',
        1,
        46,
        '= followed by a value, such as with timeZone = "value"',
        "takes '= value'",
    ),
    ("Rules = [ RowCount > 0 ] @", 1, 26, "Analyzers = [ ... ]", "found '@'"),
]


@pytest.mark.parametrize(("source", "line", "column", "expected", "words"), INVALID)
def test_invalid_documents_are_rejected_with_position_and_words(
    source: str, line: int, column: int, expected: str, words: str
) -> None:
    with pytest.raises(DqdlSyntaxError) as info:
        parse_ruleset(source)
    error = info.value
    assert (error.line, error.column) == (line, column)
    assert error.expected == expected
    message = str(error)
    assert message.startswith(f"line {line}, column {column}: ")
    assert words in message


def test_the_message_shows_the_line_with_a_caret() -> None:
    with pytest.raises(DqdlSyntaxError) as info:
        parse_ruleset('Rules = [\n    Completeness "x" 0.9\n]')
    assert str(info.value) == (
        "line 2, column 22: expected a comparison such as > 0.9 or between 1 and 5, found '0.9'\n"
        '   2 |     Completeness "x" 0.9\n'
        "     |                      ^"
    )


def test_the_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="line 1, column 11"):
        parse_ruleset("Rules = [ Nope ]")


def test_one_bad_rule_rejects_the_whole_document() -> None:
    with pytest.raises(DqdlSyntaxError) as info:
        parse_ruleset('Rules = [\n  RowCount > 0,\n  IsComplete "a",\n  Mean "a" "b" > 1\n]')
    assert (info.value.line, info.value.column) == (4, 12)


def test_parse_ruleset_needs_text() -> None:
    with pytest.raises(TypeError, match="str"):
        parse_ruleset(b"Rules = []")  # type: ignore[arg-type]


def test_the_examples_in_the_docs_parse() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "quality.md").read_text(encoding="utf-8")
    blocks = [body for lang, body in re.findall(r"^```(\w*)\n(.*?)^```", doc, re.S | re.M) if not lang]
    whole, *others = (b for b in blocks if "Rules" in b or "(" in b or '"' in b)
    assert len(parse_ruleset(whole).rules) == 7
    documents = [b for b in others if b.startswith("Rules = [")]
    for document in documents:  # whole rulesets (with history rules and Analyzers) parse as written
        parse_ruleset(document)
    singles = [b for b in others if b not in documents]
    lines = [line for block in singles for line in block.splitlines() if line and not line.startswith("line")]
    checked = 0
    for line in lines:
        if line.startswith(("RuleType", "   ", "Rules", "#", "]", "Analyzers")):
            continue
        parse_ruleset(f"Rules = [ {line} ]")
        checked += 1
    assert checked >= 25
    assert documents
