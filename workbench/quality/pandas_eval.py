"""The pandas back end of the DQDL evaluator: Arrow compute for metrics, DuckDB for SQL.

Columns are read once as Arrow arrays (NumPy-backed columns converted the way docs/semantics.md
describes: NaN in a NumPy float column is missing). ``where`` predicates and CustomSql run on DuckDB over
the same Arrow data (zero-copy), on a locked in-memory connection without file or network access.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.casting import cast_pandas
from workbench.core.types import LType, Schema
from workbench.engines.pandas import canonical_series, ltype_of_dtype
from workbench.engines.pandas.arrow import arr, wrap
from workbench.quality import sql as qsql
from workbench.quality.metrics import (
    DAY_MICROS,
    Agg,
    Combined,
    DatasetMatchReq,
    DataType,
    Fresh,
    Groups,
    GroupStats,
    Length,
    NotNull,
    RefAgg,
    RefMatch,
    RefRows,
    Request,
    RowTest,
    Scoped,
    SqlQuery,
    SqlRows,
    Unique,
    Values,
    ValueTest,
)

ROW_ID = "__wb_row"
_BLANK = r"^[ \t\n\x0b\x0c\r]+$"
PASS, FAIL, SKIP = 1, 0, 2


def schema_of(frame: pd.DataFrame) -> Schema:
    return {str(name): ltype_of_dtype(dtype) for name, dtype in frame.dtypes.items()}


class PandasBackend:
    """Answers a plan's requests over a pandas frame (and reference pandas frames)."""

    name = "pandas"

    def __init__(self, frame: pd.DataFrame, datasets: Mapping[str, Any]) -> None:
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
        self.frame = frame
        self.rows_count = len(frame)
        self.schema = schema_of(frame)
        self.datasets = dict(datasets)
        self._arrays: dict[str, pa.Array] = {}
        self._masks: dict[str, np.ndarray] = {}
        self._trees: dict[str, Any] = {}
        self._con: Any = None
        self._views: dict[str, str] = {}

    # --- inputs -------------------------------------------------------------------------

    def ref_schema(self, name: str) -> Schema:
        frame = self.datasets[name]
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(
                f"dataset {name!r} is a {type(frame).__name__}; the pandas engine needs pandas frames"
            )
        return schema_of(frame)

    def column(self, name: str, frame: pd.DataFrame | None = None) -> pa.Array:
        if frame is not None:
            return _combined(arr(canonical_series(frame[name])))
        if name not in self._arrays:
            self._arrays[name] = _combined(arr(canonical_series(self.frame[name])))
        return self._arrays[name]

    def _series(self, name: str) -> pd.Series:
        array = self.column(name)
        return pd.Series(array, dtype=pd.ArrowDtype(array.type))

    def converted(self, name: str, ltype: LType, kind: str) -> pa.Array:
        """The column as numbers (float64), text, or UTC microseconds, by the text rules."""
        if kind == "number":
            if ltype is LType.STRING:
                return _combined(arr(cast_pandas(self._series(name), LType.STRING, LType.DOUBLE)))
            return pc.cast(self.column(name), pa.float64())
        if kind == "string":
            if ltype is LType.STRING:
                return self.column(name)
            return _combined(arr(cast_pandas(self._series(name), ltype, LType.STRING)))
        if ltype is LType.TIMESTAMP:
            stamps = self.column(name)
        else:
            stamps = _combined(arr(cast_pandas(self._series(name), ltype, LType.TIMESTAMP)))
        return pc.cast(pc.cast(stamps, pa.timestamp("us", tz="UTC")), pa.int64())

    # --- SQL ---------------------------------------------------------------------------

    def _duck(self) -> Any:
        if self._con is None:
            self._con = qsql.duckdb_connection()
            table = self._table(self.frame).append_column(ROW_ID, pa.array(np.arange(self.rows_count)))
            self._views["primary"] = self._register(table)
        return self._con

    def _table(self, frame: pd.DataFrame) -> pa.Table:
        names = [str(c) for c in frame.columns]
        return pa.table(
            [self.column(n, frame) if frame is not self.frame else self.column(n) for n in names], names=names
        )

    def _register(self, table: pa.Table) -> str:
        name = qsql.view_name()
        self._con.register(name, table)
        return name

    def _view(self, dataset: str) -> str:
        self._duck()
        if dataset not in self._views:
            self._views[dataset] = self._register(self._table(self.datasets[dataset]))
        return self._views[dataset]

    def _query(self, tree: Any, row_ids: bool = False) -> pa.Table:
        con = self._duck()
        names = {"primary": self._views["primary"]}
        for table in tree.find_all(qsql.exp.Table):
            name = str(table.name)
            if name in self.datasets:
                names[name] = self._view(name)
        text = qsql.query_sql(tree, names, "duckdb")
        return con.sql(text).to_arrow_table()

    def check_predicates(self, trees: Mapping[str, Any]) -> dict[str, str]:
        """Compute every ``where`` mask once; return the problem of each predicate that fails."""
        problems = {}
        for text, tree in trees.items():
            try:
                self._masks[text] = self._mask(tree)
            except Exception as exc:  # noqa: PERF203 - one message per predicate
                problems[text] = f"the where predicate {text!r} cannot run: {_first_line(exc)}"
        return problems

    def _mask(self, tree: Any) -> np.ndarray:
        con = self._duck()
        view = qsql.exp.to_identifier(self._views["primary"], quoted=True).sql("duckdb")
        predicate = qsql.predicate_sql(tree, "duckdb")
        got = con.sql(f'SELECT "{ROW_ID}", ({predicate}) AS m FROM {view}').to_arrow_table()
        values = got.column(1)
        if not pa.types.is_boolean(values.type) and not pa.types.is_null(values.type):
            raise TypeError(f"it gives {values.type} values, not true/false")
        mask = np.zeros(self.rows_count, dtype=bool)
        ids = got.column(0).to_numpy()
        mask[ids] = pc.fill_null(pc.cast(values, pa.bool_()), False).to_numpy(zero_copy_only=False)
        return mask

    def scope(self, where: str | None) -> np.ndarray:
        if where is None:
            return np.ones(self.rows_count, dtype=bool)
        return self._masks[where]

    # --- row tests ------------------------------------------------------------------------

    def passes(self, test: RowTest) -> np.ndarray:
        """True where the row passes ``test`` (over all rows; callers apply the scope)."""
        if isinstance(test, NotNull):
            return _np(pc.is_valid(self.column(test.column)))
        if isinstance(test, Values):
            return self._value_test(self.converted(test.column, test.ltype, test.test.kind), test.test)
        if isinstance(test, Length):
            return self._value_test(self._lengths(test), test.test)
        if isinstance(test, DataType):
            text = self.converted(test.column, test.ltype, "string")
            hit = np.zeros(self.rows_count, dtype=bool)
            for pattern, temporal in test.types:
                ok = pc.match_substring_regex(text, pattern)
                if temporal is not None:
                    series = pd.Series(text, dtype=pd.ArrowDtype(text.type))
                    parsed = arr(cast_pandas(series, LType.STRING, temporal))
                    ok = pc.and_kleene(ok, pc.is_valid(parsed))
                hit |= _np(ok)
            valid = _np(pc.is_valid(text))
            return valid & (~hit if test.negated else hit)
        if isinstance(test, Fresh):
            micros = self.converted(test.column, test.ltype, "date")
            age = pc.subtract(pa.scalar(test.now_micros, pa.int64()), micros)
            return self._value_test(pc.cast(age, pa.float64()), test.test)
        raise TypeError(f"no per-row test for {type(test).__name__}")

    def _lengths(self, test: Length) -> pa.Array:
        text = self.converted(test.column, test.ltype, "string")
        return pc.fill_null(pc.utf8_length(text), 0)

    def _value_test(self, values: pa.Array, test: ValueTest) -> np.ndarray:
        positive = _np(self._positive(values, test))
        valid = _np(pc.is_valid(values))
        out = np.where(valid, positive != test.negated, test.null_passes)
        return np.asarray(out, dtype=bool)

    def _positive(self, values: pa.Array, test: ValueTest) -> Any:
        op, v = test.op, test.values
        if test.kind == "date":
            days_np = np.floor_divide(_np_int(values), DAY_MICROS)
            days = pa.array(days_np, pa.int64(), mask=~_np(pc.is_valid(values)))

            def side(i: int) -> pa.Array:
                return days if v[i].day else values

            def compare(fn: Any, i: int) -> Any:
                return fn(side(i), pa.scalar(v[i].value, pa.int64()))

            if op == "in":
                hits = [compare(pc.equal, i) for i in range(len(v))]
                return _any(hits, len(values))
            if op == "between":
                return pc.and_(compare(pc.greater, 0), compare(pc.less, 1))
            return compare(_COMPARE[op], 0)
        if op == "in":
            hits = []
            if v:
                value_set = pa.array(v, pa.float64() if test.kind == "number" else pa.large_string())
                hits.append(pc.is_in(values, value_set=value_set))
            if test.empty_listed:
                hits.append(pc.equal(values, ""))
            if test.blank_listed:
                hits.append(pc.match_substring_regex(values, _BLANK))
            return _any(hits, len(values))
        if op == "between":
            return pc.and_(pc.greater(values, _scalar(v[0])), pc.less(values, _scalar(v[1])))
        if op == "matches":
            return pc.match_substring_regex(values, f"^(?:{v[0]})$")
        return _COMPARE[op](values, _scalar(v[0]))

    def _unique_rows(self, test: Unique, scope: np.ndarray) -> np.ndarray:
        codes, all_null, any_null = self._codes(test.columns)
        sizes = np.bincount(codes[scope], minlength=int(codes.max()) + 1) if len(codes) else codes
        ok = (sizes[codes] == 1) & ~all_null if len(codes) else np.zeros(0, dtype=bool)
        if test.key:
            ok &= ~any_null
        return ok

    def _codes(self, columns: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row: a code shared by equal tuples (NULL equals NULL here); all / any value NULL."""
        codes = np.zeros(self.rows_count, dtype=np.int64)
        all_null = np.ones(self.rows_count, dtype=bool)
        any_null = np.zeros(self.rows_count, dtype=bool)
        for name in columns:
            array = self.column(name)
            if pa.types.is_floating(array.type):
                array = pc.add(array, pa.scalar(0.0, array.type))  # -0.0 and 0.0 are one value
            encoded = pc.dictionary_encode(array, null_encoding="encode")
            index = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
            codes = codes * max(len(encoded.dictionary), 1) + index
            if len(columns) > 1:
                _, codes = np.unique(codes, return_inverse=True)
                codes = codes.astype(np.int64).reshape(-1)
            null = ~_np(pc.is_valid(array))
            all_null &= null
            any_null |= null
        return codes, all_null, any_null

    # --- requests -----------------------------------------------------------------------

    def answer(self, requests: list[Request]) -> dict[Request, Any]:
        out: dict[Request, Any] = {}
        for req in dict.fromkeys(requests):
            try:
                out[req] = self._answer(req)
            except Exception as exc:  # noqa: PERF203 - a failed request errors only its rules
                out[req] = RuntimeError(_first_line(exc))
        return out

    def _answer(self, req: Request) -> Any:
        if isinstance(req, Agg):
            return self._aggregate(req)
        if isinstance(req, Groups):
            return self._groups(req)
        if isinstance(req, RefAgg):
            return self._ref_aggregate(req)
        if isinstance(req, SqlQuery):
            return self._sql(req)
        if isinstance(req, RefMatch):
            return self._ref_match(req)
        if isinstance(req, DatasetMatchReq):
            return self._dataset_match(req)
        raise TypeError(type(req).__name__)

    def _aggregate(self, req: Agg) -> Any:
        scope = self.scope(req.where)
        kind = req.kind
        if kind == "rows":
            return int(scope.sum())
        if kind in ("pass", "nullfail"):
            assert req.test is not None
            passed = self.passes(req.test) & scope
            if kind == "pass":
                return int(passed.sum())
            column = getattr(req.test, "column", None)
            if column is None:
                return 0
            null = ~_np(pc.is_valid(self.column(column)))
            return int((scope & null & ~passed).sum())
        if kind in ("minlen", "maxlen"):
            assert isinstance(req.test, Length)
            lengths = pc.filter(self._lengths(req.test), pa.array(scope))
            got = (pc.min if kind == "minlen" else pc.max)(lengths).as_py()
            return None if got is None else int(got)
        if kind == "nonnull":
            return int((_np(pc.is_valid(self.column(req.columns[0]))) & scope).sum())
        if kind == "corr":
            return self._correlation(req, scope)
        values = pc.filter(self._number(req.columns[0]), pa.array(scope))
        if pc.count(values).as_py() == 0:
            return None
        if kind == "sum":
            return pc.sum(values).as_py()
        if kind == "mean":
            return pc.mean(values).as_py()
        if kind == "var":
            return pc.variance(pc.cast(values, pa.float64()), ddof=0).as_py()
        if kind == "std":
            return pc.stddev(pc.cast(values, pa.float64()), ddof=0).as_py()
        raise TypeError(kind)

    def _number(self, name: str, frame: pd.DataFrame | None = None) -> pa.Array:
        array = self.column(name, frame)
        if pa.types.is_integer(array.type):
            return pc.cast(array, pa.int64())
        return pc.cast(array, pa.float64())

    def _correlation(self, req: Agg, scope: np.ndarray) -> float | None:
        a = pc.cast(self.column(req.columns[0]), pa.float64())
        b = pc.cast(self.column(req.columns[1]), pa.float64())
        both = scope & _np(pc.is_valid(a)) & _np(pc.is_valid(b))
        x = a.to_numpy(zero_copy_only=False)[both]
        y = b.to_numpy(zero_copy_only=False)[both]
        if len(x) < 2:
            return None
        dx, dy = x - x.mean(), y - y.mean()
        sx, sy = float(np.sqrt((dx * dx).sum())), float(np.sqrt((dy * dy).sum()))
        if sx == 0 or sy == 0:
            return None if not (math.isnan(sx) or math.isnan(sy)) else float("nan")
        return float((dx * dy).sum() / (sx * sy))

    def _groups(self, req: Groups) -> GroupStats:
        scope = self.scope(req.where)
        codes, all_null, _ = self._codes(req.columns)
        rows = int(scope.sum())
        counted = np.bincount(codes[scope & ~all_null]) if len(codes) else codes
        sizes = counted[counted > 0].astype(np.float64)
        distinct = len(sizes)
        unique = int((sizes == 1).sum())
        entropy = float(-(sizes / rows * np.log(sizes / rows)).sum()) if rows and distinct else 0.0
        return GroupStats(rows, distinct, unique, entropy)

    def _ref_aggregate(self, req: RefAgg) -> Any:
        frame = self.datasets[req.dataset]
        if req.kind == "rows":
            return len(frame)
        assert req.column is not None
        values = (
            self._number(req.column, frame) if req.kind in ("sum", "avg") else self.column(req.column, frame)
        )
        if req.kind == "count":
            return pc.count(values).as_py()
        if pc.count(values).as_py() == 0:
            return None
        fn = {"sum": pc.sum, "avg": pc.mean, "min": pc.min, "max": pc.max}[req.kind]
        got = fn(values).as_py()
        return got if isinstance(got, (int, float)) or got is None else float(got)

    def _tree(self, sql: str) -> Any:
        if sql not in self._trees:
            self._trees[sql] = qsql.check_query(sql, ["primary", *self.datasets])
        return self._trees[sql]

    def _sql(self, req: SqlQuery) -> Any:
        tree = self._tree(req.sql)
        result = self._query(tree)
        if req.row_form:
            return result.num_rows, self.rows_count
        if result.num_rows != 1 or result.num_columns != 1:
            raise ValueError(
                f"the aggregate CustomSql must return one row with one number, got {result.num_rows} rows "
                f"x {result.num_columns} columns"
            )
        value = result.column(0)[0].as_py()
        if value is not None and not isinstance(value, (int, float)):
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"the CustomSql result {value!r} is not a number") from None
        return value

    def _join_sql(
        self, pairs: list[tuple[str, str, LType, LType]], nullsafe: list[bool], dataset: str
    ) -> str:
        view_p = qsql.exp.to_identifier(self._views["primary"], quoted=True).sql("duckdb")
        view_r = qsql.exp.to_identifier(self._view(dataset), quoted=True).sql("duckdb")
        conditions = []
        for (mine, theirs, lt_mine, lt_theirs), safe in zip(pairs, nullsafe, strict=True):
            left, right = _duck_col("p", mine), _duck_col("r", theirs)
            if lt_mine is not lt_theirs:
                target = "DOUBLE" if lt_mine.is_numeric and lt_theirs.is_numeric else "VARCHAR"
                left, right = f"CAST({left} AS {target})", f"CAST({right} AS {target})"
            conditions.append(f"{left} IS NOT DISTINCT FROM {right}" if safe else f"{left} = {right}")
        where = " AND ".join(conditions)
        return (
            f'SELECT p."{ROW_ID}" FROM {view_p} AS p WHERE EXISTS (SELECT 1 FROM {view_r} AS r WHERE {where})'
        )

    def _ref_ids(self, columns: tuple[str, ...], dataset: str, ref_columns: tuple[str, ...]) -> np.ndarray:
        self._duck()
        theirs = self.ref_schema(dataset)
        pairs = [(a, b, self.schema[a], theirs[b]) for a, b in zip(columns, ref_columns, strict=True)]
        got = self._con.sql(self._join_sql(pairs, [False] * len(pairs), dataset)).to_arrow_table()
        return got.column(0).to_numpy()

    def _ref_match(self, req: RefMatch) -> tuple[int, int]:
        return len(self._ref_ids(req.columns, req.dataset, req.ref_columns)), self.rows_count

    def _dataset_match(self, req: DatasetMatchReq) -> tuple[int, int]:
        self._duck()
        theirs = self.ref_schema(req.dataset)
        pairs = [(a, b, self.schema[a], theirs[b]) for a, b in (*req.keys, *req.columns)]
        safe = [False] * len(req.keys) + [True] * len(req.columns)
        got = self._con.sql(self._join_sql(pairs, safe, req.dataset)).to_arrow_table()
        return got.num_rows, self.rows_count

    # --- row-level outcomes ---------------------------------------------------------------

    def status(self, test: Scoped | Combined) -> np.ndarray:
        """PASS / FAIL / SKIP for every row."""
        if isinstance(test, Combined):
            parts = [self.status(p) for p in test.parts]
            passed = np.logical_or.reduce([p == PASS for p in parts])
            failed = np.logical_or.reduce([p == FAIL for p in parts])
            out = np.full(self.rows_count, SKIP, dtype=np.int8)
            if test.op == "and":
                out[passed] = PASS
                out[failed] = FAIL
            else:
                out[failed] = FAIL
                out[passed] = PASS
            return out
        scope = self.scope(test.where)
        inner = test.test
        if isinstance(inner, Unique):
            passed = self._unique_rows(inner, scope)
        elif isinstance(inner, SqlRows):
            passed = self._sql_rows(inner)
        elif isinstance(inner, RefRows):
            passed = np.zeros(self.rows_count, dtype=bool)
            passed[self._ref_ids(inner.columns, inner.dataset, inner.ref_columns)] = True
        else:
            passed = self.passes(inner)
        out = np.where(passed, PASS, FAIL).astype(np.int8)
        out[~scope] = SKIP
        return out

    def _sql_rows(self, test: SqlRows) -> np.ndarray:
        ids_query = qsql.row_ids_query(self._tree(test.sql), ROW_ID)
        if ids_query is None:
            raise ValueError(
                "row-level results need a CustomSql of the form SELECT ... FROM primary WHERE ..."
            )
        got = self._query(ids_query)
        passed = np.zeros(self.rows_count, dtype=bool)
        passed[got.column(0).to_numpy()] = True
        return passed

    def rows(self, entries: list[tuple[str, Scoped | Combined | None]]) -> pd.DataFrame:
        n, r = self.rows_count, len(entries)
        statuses = np.full((n, max(r, 1)), SKIP, dtype=np.int8)
        for j, (_, test) in enumerate(entries):
            if test is not None:
                try:
                    statuses[:, j] = self.status(test)
                except Exception:
                    statuses[:, j] = SKIP
        texts = pa.array([t for t, _ in entries] or [""], pa.large_string())
        columns = {
            "DataQualityRulesPass": _lists(statuses == PASS, texts, r),
            "DataQualityRulesFail": _lists(statuses == FAIL, texts, r),
            "DataQualityRulesSkip": _lists(statuses == SKIP, texts, r),
        }
        failed = (statuses == FAIL).any(axis=1) if r else np.zeros(n, dtype=bool)
        verdict = pa.array(np.where(failed, "Failed", "Passed"), pa.large_string())
        out = self.frame.copy(deep=False)
        for name, values in columns.items():
            out[name] = pd.Series(values, index=self.frame.index, dtype=pd.ArrowDtype(values.type))
        out["DataQualityEvaluationResult"] = wrap(verdict, self.frame.index)
        return out


def _lists(mask: np.ndarray, texts: pa.Array, r: int) -> pa.Array:
    if r == 0:
        mask = np.zeros((mask.shape[0], 0), dtype=bool)
    flat = np.flatnonzero(mask.ravel())
    values = texts.take(pa.array(flat % max(r, 1), pa.int64())) if r else pa.array([], pa.large_string())
    offsets = np.concatenate([[0], np.cumsum(mask.sum(axis=1))]).astype(np.int64)
    return pa.LargeListArray.from_arrays(pa.array(offsets, pa.int64()), values)


_COMPARE = {">": pc.greater, ">=": pc.greater_equal, "<": pc.less, "<=": pc.less_equal}


def _scalar(value: Any) -> pa.Scalar:
    if isinstance(value, str):
        return pa.scalar(value, pa.large_string())
    return pa.scalar(float(value), pa.float64())


def _any(hits: list[Any], n: int) -> Any:
    if not hits:
        return pa.array(np.zeros(n, dtype=bool))
    out = hits[0]
    for h in hits[1:]:
        out = pc.or_(out, h)
    return out


def _np(values: Any) -> np.ndarray:
    """A boolean Arrow array as NumPy, NULL read as false."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _np_int(values: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(values, 0).to_numpy(zero_copy_only=False), dtype=np.int64)


def _combined(values: Any) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _duck_col(table: str, name: str) -> str:
    return f'{table}."' + name.replace('"', '""') + '"'


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
