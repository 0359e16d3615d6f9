"""The SQL of DQDL rules (``where`` predicates and CustomSql): safety checks and translation.

Rules carry Spark SQL. Before anything runs, on either engine, the text is parsed with sqlglot and
checked: a CustomSql statement must be one read-only SELECT (a UNION of SELECTs and WITH are fine) over
``primary`` and the bound reference datasets; a ``where`` predicate must be a plain expression without
subqueries. Statements (DDL, DML, SET, PRAGMA, ATTACH, COPY, INSTALL, LOAD...), several statements,
table functions and file readers, qualified or unknown tables, functions outside :data:`FUNCTIONS`,
TABLESAMPLE and text that does not parse are refused with :class:`UnsafeSqlError`; inline ``VALUES``
lists are data and allowed. What runs is then generated from the checked tree (never the
original text): Spark SQL for Spark, DuckDB SQL for pandas (on a locked, in-memory DuckDB connection
without file or network access).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection, Mapping
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from workbench.core.errors import WorkbenchError
from workbench.core.regex import regex_problem

__all__ = [
    "FUNCTIONS",
    "InvalidSqlError",
    "UnsafeSqlError",
    "check_predicate",
    "check_query",
    "duckdb_connection",
    "predicate_sql",
    "query_sql",
    "row_ids_query",
]


class UnsafeSqlError(WorkbenchError):
    """A rule's SQL is not a single read-only query over the allowed datasets; nothing ran."""

    exit_code = 2


class InvalidSqlError(Exception):
    """A rule's SQL does not parse (the rule gets outcome Error; nothing ran)."""


_FUNCTION_CLASSES = [
    "Count",
    "CountIf",
    "Sum",
    "Avg",
    "Min",
    "Max",
    "Stddev",
    "StddevPop",
    "StddevSamp",
    "Variance",
    "VariancePop",
    "ApproxDistinct",
    "Corr",
    "Median",
    "Quantile",
    "PercentileCont",
    "PercentileDisc",
    "ApproxQuantile",
    "First",
    "Last",
    "AnyValue",
    "LogicalAnd",
    "LogicalOr",
    "Abs",
    "Ceil",
    "Floor",
    "Round",
    "Sqrt",
    "Ln",
    "Log",
    "Exp",
    "Pow",
    "Sign",
    "Greatest",
    "Least",
    "Coalesce",
    "Nullif",
    "If",
    "Case",
    "Cast",
    "TryCast",
    "Lower",
    "Upper",
    "Length",
    "Trim",
    "Substring",
    "Concat",
    "ConcatWs",
    "Left",
    "Right",
    "StrPosition",
    "StartsWith",
    "EndsWith",
    "RegexpLike",
    "RegexpILike",
    "RegexpExtract",
    "RegexpReplace",
    "Replace",
    "Pad",
    "Initcap",
    "Reverse",
    "Repeat",
    "Levenshtein",
    "CurrentDate",
    "CurrentTimestamp",
    "DateDiff",
    "DateAdd",
    "DateSub",
    "TsOrDsAdd",
    "TsOrDsToDate",
    "StrToDate",
    "StrToTime",
    "UnixToTime",
    "TimeToStr",
    "TimeStrToTime",
    "DateTrunc",
    "TimestampTrunc",
    "Year",
    "Month",
    "Day",
    "DayOfWeek",
    "DayOfYear",
    "Quarter",
    "Hour",
    "Minute",
    "Second",
    "UnixDate",
    "Extract",
    "IsNan",
    "Nvl2",
    "ArraySize",
    "RowNumber",
    "Rank",
    "DenseRank",
    "Lag",
    "Lead",
    "Date",
    "SafeDivide",
]

FUNCTIONS: frozenset[str] = frozenset(
    {"nvl", "ifnull", "isnull", "isnotnull", "nanvl", "char_length", "character_length", "lcase", "ucase"}
)
"""Functions sqlglot does not model as their own class, allowed by name (lower case)."""

_ALLOWED = tuple(getattr(exp, n) for n in _FUNCTION_CLASSES if hasattr(exp, n))
_OPERATORS = (exp.Binary, exp.Unary, exp.Connector, exp.Predicate, exp.Paren, exp.Distinct)
_STATEMENTS = tuple(
    getattr(exp, n)
    for n in [
        "Create",
        "Drop",
        "Insert",
        "Update",
        "Delete",
        "Merge",
        "Alter",
        "AlterColumn",
        "Command",
        "Set",
        "SetItem",
        "Pragma",
        "Copy",
        "Use",
        "Describe",
        "Cache",
        "Uncache",
        "Refresh",
        "LoadData",
        "Into",
        "Transaction",
        "Commit",
        "Rollback",
        "Attach",
        "Detach",
        "Install",
        "Export",
        "Lateral",
        "Placeholder",
        "Parameter",
        "SessionParameter",
        "Grant",
        "Analyze",
        "Summarize",
        "Declare",
    ]
    if hasattr(exp, n)
)


def _quiet_parse(text: str) -> list[Any]:
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        return sqlglot.parse(text, read="spark")
    finally:
        logger.setLevel(level)


def _one_statement(text: str, what: str) -> exp.Expression:
    if not text.strip():
        raise InvalidSqlError(f"the {what} is empty")
    try:
        statements = [s for s in _quiet_parse(text) if s is not None]
    except SqlglotError as exc:
        # What cannot be parsed cannot be checked: refused like unsafe SQL, not left to the engine.
        first = str(exc).splitlines()[0]
        raise UnsafeSqlError(
            f"cannot read the {what} {text!r} as Spark SQL ({first}); it is refused unchecked"
        ) from None
    if len(statements) != 1:
        raise UnsafeSqlError(
            f"the {what} {text!r} holds {len(statements)} statements; exactly one is allowed"
        )
    return statements[0]


def _function_problem(node: Any) -> str | None:
    if isinstance(node, exp.Anonymous):
        name = str(node.name).lower()
        return None if name in FUNCTIONS else f"the function {node.name}()"
    if isinstance(node, exp.Func) and not isinstance(node, (*_ALLOWED, *_OPERATORS)):
        return f"the function {node.sql_name()}()"
    return None


_REGEX_FUNCTIONS = (exp.RegexpLike, exp.RegexpILike, exp.RegexpExtract, exp.RegexpReplace)


def _sql_regex_problem(node: Any) -> str | None:
    """Why a regex function's pattern cannot run on both engines, or can backtrack for ever."""
    if not isinstance(node, _REGEX_FUNCTIONS):
        return None
    pattern = node.expression
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        name = node.sql_name()
        return f"{name}() with a pattern that is not quoted text (only a quoted pattern can be checked)"
    problem = regex_problem(pattern.this)
    return f"the pattern {pattern.this!r}: {problem}" if problem else None


def _walk_problems(tree: exp.Expression, tables: Collection[str], *, predicate: bool) -> str | None:
    allowed = {t.lower() for t in tables}
    ctes = {str(c.alias_or_name).lower() for c in tree.find_all(exp.CTE)}
    for node in tree.walk():
        if isinstance(node, _STATEMENTS):
            return f"{type(node).__name__.upper()} (only a read-only SELECT is allowed)"
        problem = _function_problem(node)
        if problem:
            return f"{problem} (not in the allowed functions)"
        problem = _sql_regex_problem(node)
        if problem:
            return problem
        if isinstance(node, exp.Table):
            if predicate:
                return "a table reference inside a where predicate"
            if not isinstance(node.this, exp.Identifier):
                return f"the table function or file reader {node.this.sql('spark')}"
            if node.args.get("db") or node.args.get("catalog"):
                return f"the qualified table {node.sql('spark')} (only primary and bound datasets)"
            name = str(node.name).lower()
            if name not in allowed and name not in ctes:
                known = ", ".join(sorted(allowed))
                return f"the table {node.name!r} (allowed: {known})"
        if isinstance(node, exp.TableSample):
            return "TABLESAMPLE (a random sample differs between runs and engines; use a where filter)"
        if predicate and isinstance(node, (exp.Query, exp.Subquery)):
            return "a subquery inside a where predicate"
    return None


def check_query(text: str, tables: Collection[str]) -> exp.Query:
    """The parsed CustomSql statement, or :class:`UnsafeSqlError` / :class:`InvalidSqlError`."""
    tree = _one_statement(text, "SQL")
    if not isinstance(tree, (exp.Select, exp.SetOperation)):
        kind = type(tree).__name__.upper()
        raise UnsafeSqlError(
            f"the SQL {text!r} is not a SELECT query (found {kind}); only a read-only SELECT is allowed"
        )
    problem = _walk_problems(tree, tables, predicate=False)
    if problem:
        raise UnsafeSqlError(f"the SQL {text!r} uses {problem}")
    return tree


def check_predicate(text: str) -> exp.Expression:
    """The parsed ``where`` predicate, or :class:`UnsafeSqlError` / :class:`InvalidSqlError`."""
    tree = _one_statement(text, "where predicate")
    if isinstance(tree, (exp.Query, *_STATEMENTS, exp.Alias)):
        raise UnsafeSqlError(f"the where predicate {text!r} is a statement, not a condition")
    problem = _walk_problems(tree, (), predicate=True)
    if problem:
        raise UnsafeSqlError(f"the where predicate {text!r} uses {problem}")
    return tree


def _renamed(tree: exp.Expression, names: Mapping[str, str]) -> exp.Expression:
    """A copy whose dataset tables read the given views (keeping the old name as the alias)."""
    lowered = {k.lower(): v for k, v in names.items()}
    ctes = {str(c.alias_or_name).lower() for c in tree.find_all(exp.CTE)}

    def rename(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier):
            name = str(node.name).lower()
            if name in lowered and name not in ctes:
                alias = node.alias or str(node.name)
                return exp.Table(
                    this=exp.to_identifier(lowered[name]),
                    alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)),
                )
        return node

    return tree.copy().transform(rename)


def query_sql(tree: exp.Expression, names: Mapping[str, str], dialect: str) -> str:
    """The checked query in ``dialect`` with each dataset name replaced by its view name."""
    return _renamed(tree, names).sql(dialect=dialect, identify=True)


def predicate_sql(tree: exp.Expression, dialect: str) -> str:
    return tree.sql(dialect=dialect, identify=True)


def row_ids_query(tree: exp.Query, id_column: str) -> exp.Query | None:
    """For a row-form CustomSql that selects rows of ``primary`` directly, the same query selecting
    ``id_column`` instead: the ids of the rows it selects. None for other shapes (joins, grouping...)."""
    if not isinstance(tree, exp.Select):
        return None
    blocked = ("joins", "group", "having", "distinct", "limit", "with", "qualify", "laterals", "offset")
    if any(tree.args.get(k) for k in blocked):
        return None
    source = tree.args.get("from") or tree.args.get("from_")
    if source is None or not isinstance(source.this, exp.Table) or str(source.this.name).lower() != "primary":
        return None
    if any(isinstance(e, exp.AggFunc) or e.find(exp.AggFunc, exp.Window) for e in tree.expressions):
        return None
    alias = source.this.alias_or_name
    ids = tree.copy()
    ids.set("expressions", [exp.column(id_column, table=alias, quoted=True)])
    ids.set("order", None)
    return ids


def view_name() -> str:
    return "wb_quality_" + uuid.uuid4().hex[:12]


def duckdb_connection() -> Any:
    """An in-memory DuckDB connection with no file or network access and a locked configuration."""
    import duckdb

    config: dict[str, Any] = {
        "enable_external_access": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "lock_configuration": True,
    }
    return duckdb.connect(":memory:", config=config)
