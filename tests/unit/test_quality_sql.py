"""The SQL of DQDL rules: refused before anything runs unless it is one read-only query."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import make_engine
from workbench.core.types import LType
from workbench.quality import UnsafeSqlError, evaluate
from workbench.quality import sql as qsql

ATTACKS = [
    "drop table primary",
    "delete from primary",
    "insert into primary select * from primary",
    "select count(*) from primary; drop table primary",
    "select count(*) from read_csv('/etc/passwd')",
    "select count(*) from read_parquet('s3://bucket/x.parquet')",
    "select count(*) from 'data/secret.csv'",
    "select count(*) from csv.`/etc/passwd`",
    "select count(*) from range(10)",
    "pragma database_list",
    "set enable_external_access = true",
    "install httpfs",
    "load 'httpfs'",
    "copy primary to '/tmp/out.csv'",
    "create table t as select * from primary",
    "select count(*) from secret_table",
    "select count(*) from other_db.primary",
    "select getenv('HOME')",
    "select count(*) from primary where current_setting('threads') is not null",
    "update primary set qty = 0",
    "cache table primary",
]

PREDICATE_ATTACKS = [
    "qty in (select qty from secret_table)",
    "qty > 0; drop table primary",
    "read_csv('/etc/passwd') is not null",
    "exists (select 1 from primary)",
    "getenv('HOME') = 'x'",
]


def _frame(engine_name: str, session: Any) -> Any:
    columns = {"qty": [1, 5, None], "region": ["EU", "US", "EU"]}
    return make_engine(engine_name, session).from_records(
        columns, {"qty": LType.INTEGER, "region": LType.STRING}
    )


@pytest.mark.parametrize("sql", ATTACKS)
def test_unsafe_custom_sql_is_refused_before_anything_runs(
    engine_name: str, session_for: Any, sql: str
) -> None:
    frame = _frame(engine_name, session_for)
    text = sql.replace('"', '\\"')
    with pytest.raises(UnsafeSqlError) as info:
        evaluate(frame, f'Rules = [ RowCount = 3, CustomSql "{text}" = 0 ]')
    assert info.value.exit_code == 2
    assert "CustomSql" in str(info.value)
    assert "line 1" in str(info.value)


@pytest.mark.parametrize("predicate", PREDICATE_ATTACKS)
def test_unsafe_where_predicates_are_refused(engine_name: str, session_for: Any, predicate: str) -> None:
    frame = _frame(engine_name, session_for)
    with pytest.raises(UnsafeSqlError):
        evaluate(frame, f'Rules = [ RowCount > 0 where "{predicate}" ]')


UNREADABLE = [
    "attach 'x.db' as y",
    "ATTACH DATABASE '/tmp/x.db' AS x",
    "select count(*) from glob('/etc/*')",
    "export database '/tmp/x'",
]


@pytest.mark.parametrize("sql", UNREADABLE)
def test_sql_that_does_not_parse_is_refused_as_a_bad_ruleset(
    engine_name: str, session_for: Any, sql: str
) -> None:
    frame = _frame(engine_name, session_for)
    with pytest.raises(UnsafeSqlError, match=r"cannot read the SQL .* refused unchecked") as info:
        evaluate(frame, f'Rules = [ RowCount = 3, CustomSql "{sql}" = 0 ]')
    assert info.value.exit_code == 2
    assert "line 1" in str(info.value)


def test_a_where_predicate_that_does_not_parse_is_refused(engine_name: str, session_for: Any) -> None:
    frame = _frame(engine_name, session_for)
    with pytest.raises(UnsafeSqlError, match=r"line 1\): cannot read the where predicate 'qty \+'") as info:
        evaluate(frame, 'Rules = [ Completeness "qty" > 0.5 where "qty +" ]')
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    "sql",
    [
        "select count(*) from primary tablesample (50 percent)",
        "select count(*) from primary tablesample (2 rows)",
        "select count(*) from (select * from primary tablesample (bucket 1 out of 2))",
    ],
)
def test_tablesample_is_refused_because_samples_differ_between_engines(
    engine_name: str, session_for: Any, sql: str
) -> None:
    frame = _frame(engine_name, session_for)
    with pytest.raises(UnsafeSqlError, match="TABLESAMPLE"):
        evaluate(frame, f'Rules = [ CustomSql "{sql}" = 1 ]')


def test_values_lists_are_data_and_run_alike(engine_name: str, session_for: Any) -> None:
    frame = _frame(engine_name, session_for)
    rules = """Rules = [
        CustomSql "select count(*) from primary where region in (select r from (values ('EU')) v(r))" = 2,
        CustomSql "select count(*) from (values (1), (2), (3)) as t(a)" = 3
    ]"""
    result = evaluate(frame, rules)
    assert [r.outcome for r in result.rules] == ["Passed", "Passed"], result.to_dict()


def test_safe_sql_runs_with_spark_syntax(engine_name: str, session_for: Any) -> None:
    frame = _frame(engine_name, session_for)
    ref = make_engine(engine_name, session_for).from_records({"r": ["EU"]}, {"r": LType.STRING})
    rules = """Rules = [
        CustomSql "select count(*) from primary where region rlike '^E' and nvl(qty, 0) < 3" = 2,
        CustomSql "with t as (select qty from primary where qty is not null) select sum(qty) from t" = 6,
        CustomSql "select count(*) from primary p where p.region in (select r from ref)" = 2,
        CustomSql "select avg(qty) from primary where `region` = 'EU'" = 1,
        RowCount = 1 where "region = 'US' and length(region) = 2",
        RowCount = 2 where "qty is null or qty < 2 + 1"
    ]"""
    result = evaluate(frame, rules, {"ref": ref})
    assert [r.outcome for r in result.rules] == ["Passed"] * 6, result.to_dict()


def test_a_user_view_named_primary_is_not_read(engine_name: str, session_for: Any) -> None:
    frame = _frame(engine_name, session_for)
    if session_for is not None:
        session_for.createDataFrame([(1,)], "qty long").createOrReplaceTempView("primary")
    result = evaluate(frame, 'Rules = [ CustomSql "select count(*) from primary" = 3 ]')
    assert result.rules[0].outcome == "Passed"


def test_the_allow_list_is_checked_on_the_parsed_tree() -> None:
    tree = qsql.check_query("select count(*) from primary where upper(region) = 'EU'", ["primary"])
    assert qsql.query_sql(tree, {"primary": "v"}, "duckdb").startswith(
        'SELECT COUNT(*) FROM "v" AS "primary"'
    )
    with pytest.raises(UnsafeSqlError, match="allowed"):
        qsql.check_query("select count(*) from other", ["primary", "ref"])
    with pytest.raises(UnsafeSqlError, match="function"):
        qsql.check_query("select sha2(region, 256) from primary", ["primary"])


def test_duckdb_connection_cannot_reach_files_even_if_a_check_were_missed(tmp_path: Any) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    con = qsql.duckdb_connection()
    with pytest.raises(Exception, match=r"(?i)permission|disabled|external"):
        con.sql(f"select * from read_csv('{secret}')").fetchall()
    with pytest.raises(Exception, match=r"(?i)configuration|lock"):
        con.sql("SET enable_external_access = true")


def test_row_form_rewrites_only_plain_selections() -> None:
    plain = qsql.check_query("select qty from primary p where qty > 1", ["primary"])
    ids = qsql.row_ids_query(plain, "__wb_row")  # type: ignore[arg-type]
    assert ids is not None
    assert "__wb_row" in ids.sql("spark")
    grouped = qsql.check_query("select region from primary group by region", ["primary"])
    assert qsql.row_ids_query(grouped, "__wb_row") is None  # type: ignore[arg-type]
