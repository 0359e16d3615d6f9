"""The Spark back end of the DQDL evaluator (classic and Spark Connect).

All simple metrics of a ruleset (row counts, completeness, sums, means, variances, correlations, pass
counts of per-row checks, length extremes) are answered by ONE ``agg`` over the primary frame; ``where``
clauses become ``when(predicate, ...)`` inside the aggregates instead of separate filtered passes. All
distinct-value metrics (distinct counts, uniqueness, entropy...) are answered by one grouping-sets
aggregation per 30 column tuples. Reference datasets cost one aggregation each; CustomSql, referential
integrity and dataset matches one job per rule. Row-level outcomes are a lazy plan.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from typing import Any

from workbench.core.casting import cast_spark
from workbench.core.lazy import F, W, scol
from workbench.core.regex import java_regex
from workbench.core.types import LType, Schema
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

_BLANK = r"^[ \t\n\x0b\x0c\r]+$"
PASS, FAIL, SKIP = 1, 0, 2
GROUP_CHUNK = 30
"""Column tuples per grouping-sets job (Spark's grouping id allows at most 64 keys)."""


def _schema(frame: Any) -> Schema:
    from workbench.engines.spark import ROW_POSITION
    from workbench.engines.spark.types import ltype_of_spark

    return {f.name: ltype_of_spark(f.dataType) for f in frame.schema.fields if f.name != ROW_POSITION}


class SparkBackend:
    """Answers a plan's requests over a Spark DataFrame (and reference Spark DataFrames)."""

    name = "spark"

    def __init__(self, frame: Any, datasets: Mapping[str, Any]) -> None:
        from workbench.engines.spark.session import SESSION_CONF

        conf = frame.sparkSession.conf
        for key in ("spark.sql.session.timeZone", "spark.sql.ansi.enabled"):
            if conf.get(key) != SESSION_CONF[key]:
                conf.set(key, SESSION_CONF[key])
        self.frame = frame
        self.session = frame.sparkSession
        self.schema = _schema(frame)
        self.datasets = dict(datasets)
        self._scopes: dict[str, Any] = {}
        self._trees: dict[str, Any] = {}
        self._rows: int | None = None
        self._position: Any = None

    def ref_schema(self, name: str) -> Schema:
        return _schema(self.datasets[name])

    # --- where ---------------------------------------------------------------------------

    def check_predicates(self, trees: Mapping[str, Any]) -> dict[str, str]:
        """Analyse every ``where`` predicate (no job runs); return the problem of each that fails."""
        from pyspark.sql import types as T

        problems = {}
        for text, tree in trees.items():
            try:
                expr = F.expr(qsql.predicate_sql(tree, "spark"))
                kind = self.frame.select(expr.alias("m")).schema.fields[0].dataType
                if not isinstance(kind, (T.BooleanType, T.NullType)):
                    raise TypeError(f"it gives {kind.simpleString()} values, not true/false")
                self._scopes[text] = F.coalesce(expr.cast("boolean"), F.lit(False))
            except Exception as exc:  # noqa: PERF203 - one message per predicate
                problems[text] = f"the where predicate {text!r} cannot run: {_first_line(exc)}"
        return problems

    def scope(self, where: str | None) -> Any:
        return F.lit(True) if where is None else self._scopes[where]

    # --- row tests -----------------------------------------------------------------------

    def converted(self, name: str, ltype: LType, kind: str) -> Any:
        c = scol(name)
        if kind == "number":
            return cast_spark(c, LType.STRING, LType.DOUBLE) if ltype is LType.STRING else c.cast("double")
        if kind == "string":
            return c if ltype is LType.STRING else cast_spark(c, ltype, LType.STRING)
        if ltype is LType.TIMESTAMP:
            return F.unix_micros(c)
        if ltype is LType.DATE:
            return F.unix_micros(c.cast("timestamp"))
        return F.unix_micros(cast_spark(c, ltype, LType.TIMESTAMP))

    def passes(self, test: RowTest) -> Any:
        """A non-null boolean column: the row passes ``test``."""
        if isinstance(test, NotNull):
            return scol(test.column).isNotNull()
        if isinstance(test, Values):
            values = self.converted(test.column, test.ltype, test.test.kind)
            return self._value_test(values, test.test, nan=test.ltype is LType.DOUBLE)
        if isinstance(test, Length):
            return self._value_test(self._length(test), test.test, nan=False)
        if isinstance(test, DataType):
            text = self.converted(test.column, test.ltype, "string")
            hit = F.lit(False)
            for pattern, temporal in test.types:
                ok = text.rlike(java_regex(pattern))
                if temporal is not None:
                    ok = ok & cast_spark(text, LType.STRING, temporal).isNotNull()
                hit = hit | ok
            return F.coalesce(text.isNotNull() & (~hit if test.negated else hit), F.lit(False))
        if isinstance(test, Fresh):
            micros = self.converted(test.column, test.ltype, "date")
            age = (F.lit(test.now_micros) - micros).cast("double")
            return self._value_test(age, test.test, nan=False)
        raise TypeError(f"no per-row test for {type(test).__name__}")

    def _length(self, test: Length) -> Any:
        return F.coalesce(F.length(self.converted(test.column, test.ltype, "string")), F.lit(0))

    def _value_test(self, values: Any, test: ValueTest, nan: bool) -> Any:
        positive = self._positive(values, test)
        if nan:
            positive = F.when(F.isnan(values), F.lit(False)).otherwise(positive)
        result = ~positive if test.negated else positive
        return F.when(values.isNull(), F.lit(test.null_passes)).otherwise(F.coalesce(result, F.lit(False)))

    def _positive(self, values: Any, test: ValueTest) -> Any:
        op, v = test.op, test.values
        if test.kind == "date":
            days = F.floor(values / F.lit(DAY_MICROS)).cast("long")

            def compare(fn: Any, i: int) -> Any:
                return fn(days if v[i].day else values, F.lit(v[i].value))

            if op == "in":
                return _any([compare(_EQ, i) for i in range(len(v))])
            if op == "between":
                return compare(_GT, 0) & compare(_LT, 1)
            return compare(_ORDER[op], 0)
        if op == "in":
            hits = []
            if v:
                hits.append(values.isin([float(x) if test.kind == "number" else x for x in v]))
            if test.empty_listed:
                hits.append(values == F.lit(""))
            if test.blank_listed:
                hits.append(values.rlike(java_regex(_BLANK)))
            return _any(hits)
        if op == "between":
            return (values > F.lit(v[0])) & (values < F.lit(v[1]))
        if op == "matches":
            return values.rlike(java_regex(f"^(?:{v[0]})$"))
        return _ORDER[op](values, F.lit(v[0]))

    # --- requests ------------------------------------------------------------------------

    def answer(self, requests: list[Request]) -> dict[Request, Any]:
        unique = list(dict.fromkeys(requests))
        aggs = [r for r in unique if isinstance(r, Agg)]
        groups = [r for r in unique if isinstance(r, Groups)]
        # entropy and uniqueness need the row count of each group's scope
        aggs.extend(Agg("rows", (), g.where) for g in groups)
        aggs.append(Agg("rows"))
        out: dict[Request, Any] = {}
        out.update(self._batched(list(dict.fromkeys(aggs))))
        self._rows = out[Agg("rows")] if not isinstance(out[Agg("rows")], Exception) else None
        for start in range(0, len(groups), GROUP_CHUNK):
            chunk = groups[start : start + GROUP_CHUNK]
            out.update(self._group_stats(chunk, {g: out[Agg("rows", (), g.where)] for g in chunk}))
        by_dataset: dict[str, list[RefAgg]] = {}
        for r in unique:
            if isinstance(r, RefAgg):
                by_dataset.setdefault(r.dataset, []).append(r)
        for dataset, reqs in by_dataset.items():
            out.update(self._ref_aggregates(dataset, reqs))
        for r in unique:
            if isinstance(r, (SqlQuery, RefMatch, DatasetMatchReq)):
                try:
                    out[r] = self._single(r)
                except Exception as exc:
                    out[r] = RuntimeError(_first_line(exc))
        return out

    def _agg_expr(self, req: Agg) -> Any:
        s = self.scope(req.where)
        kind = req.kind
        if kind == "rows":
            return F.count(F.lit(1)) if req.where is None else F.count_if(s)
        if kind == "pass":
            assert req.test is not None
            return F.count_if(s & self.passes(req.test))
        if kind == "nullfail":
            assert req.test is not None
            column = getattr(req.test, "column", None)
            if column is None:
                return F.lit(0)
            return F.count_if(s & scol(column).isNull() & ~self.passes(req.test))
        if kind in ("minlen", "maxlen"):
            assert isinstance(req.test, Length)
            fn = F.min if kind == "minlen" else F.max
            return fn(F.when(s, self._length(req.test)))
        if kind == "nonnull":
            return F.count_if(s & scol(req.columns[0]).isNotNull())
        if kind == "corr":
            a, b = (scol(c).cast("double") for c in req.columns)
            both = s & a.isNotNull() & b.isNotNull()
            x, y = F.when(both, a), F.when(both, b)
            flat = (F.stddev_pop(x) == F.lit(0.0)) | (F.stddev_pop(y) == F.lit(0.0))
            return F.when(flat, F.lit(None)).otherwise(F.corr(x, y))
        name = req.columns[0]
        integral = self.schema[name] is LType.INTEGER
        value = F.when(s, scol(name).cast("long" if integral and kind == "sum" else "double"))
        fns = {"sum": F.sum, "mean": F.avg, "var": F.var_pop, "std": F.stddev_pop}
        return fns[kind](value)

    def _batched(self, aggs: list[Agg]) -> dict[Request, Any]:
        """Every simple aggregate in one job."""
        exprs = [self._agg_expr(req).alias(f"a{i}") for i, req in enumerate(aggs)]
        try:
            row = self.frame.agg(*exprs).collect()[0]
        except Exception as exc:
            error = RuntimeError(_first_line(exc))
            return dict.fromkeys(aggs, error)
        return {req: _plain(row[i]) for i, req in enumerate(aggs)}

    def _group_stats(self, chunk: list[Groups], rows: Mapping[Groups, Any]) -> dict[Request, Any]:
        """Distinct-value statistics of several column tuples in one grouping-sets job."""
        keys = [f"k{i}" for i in range(len(chunk))]
        projected = []
        for key, g in zip(keys, chunk, strict=True):
            fields = [scol(c).alias(f"c{j}") for j, c in enumerate(g.columns)]
            projected.append(F.when(self.scope(g.where), F.struct(*fields)).alias(key))
        gids = {key: _gid(key, keys) for key in keys}
        valid = F.lit(False)
        for key, g in zip(keys, chunk, strict=True):
            some = _any([F.col(key).getField(f"c{j}").isNotNull() for j in range(len(g.columns))])
            valid = valid | ((F.col("gid") == F.lit(gids[key])) & F.col(key).isNotNull() & some)
        totals = F.create_map(
            *[
                x
                for key, g in zip(keys, chunk, strict=True)
                for x in (F.lit(gids[key]), F.lit(float(rows[g]) if isinstance(rows[g], int) else 0.0))
            ]
        )
        try:
            grouped = (
                self.frame.select(*projected)
                .groupingSets([[k] for k in keys], *keys)
                .agg(F.count(F.lit(1)).alias("n"), F.grouping_id().alias("gid"))
            )
            share = F.col("n") / totals[F.col("gid")]
            stats = (
                grouped.where(valid)
                .groupBy("gid")
                .agg(
                    F.count(F.lit(1)).alias("distinct"),
                    F.count_if(F.col("n") == F.lit(1)).alias("unique"),
                    F.sum(-share * F.log(share)).alias("entropy"),
                )
                .collect()
            )
        except Exception as exc:
            error = RuntimeError(_first_line(exc))
            return dict.fromkeys(chunk, error)
        by_gid = {int(r["gid"]): r for r in stats}
        out: dict[Request, Any] = {}
        for key, g in zip(keys, chunk, strict=True):
            n = rows[g]
            if isinstance(n, Exception):
                out[g] = n
                continue
            r = by_gid.get(gids[key])
            if r is None:
                out[g] = GroupStats(int(n), 0, 0, 0.0)
            else:
                out[g] = GroupStats(int(n), int(r["distinct"]), int(r["unique"]), float(r["entropy"] or 0.0))
        return out

    def _ref_aggregates(self, dataset: str, reqs: list[RefAgg]) -> dict[Request, Any]:
        frame = self.datasets[dataset]
        schema = _schema(frame)
        exprs = []
        for i, r in enumerate(reqs):
            if r.kind == "rows":
                e = F.count(F.lit(1))
            else:
                assert r.column is not None
                c = scol(r.column)
                if r.kind in ("sum", "avg"):
                    c = c.cast("long" if schema[r.column] is LType.INTEGER and r.kind == "sum" else "double")
                fns = {"sum": F.sum, "avg": F.avg, "count": F.count, "min": F.min, "max": F.max}
                e = fns[r.kind](c)
            exprs.append(e.alias(f"a{i}"))
        try:
            row = frame.agg(*exprs).collect()[0]
        except Exception as exc:
            error = RuntimeError(_first_line(exc))
            return dict.fromkeys(reqs, error)
        return {r: _plain(row[i]) for i, r in enumerate(reqs)}

    def _single(self, req: Request) -> Any:
        if isinstance(req, SqlQuery):
            result = self._run_sql(self._tree(req.sql))
            if req.row_form:
                return result.count(), self._row_count()
            rows = result.limit(2).collect()
            if len(rows) != 1 or len(rows[0]) != 1:
                width = len(rows[0]) if rows else len(result.columns)
                raise ValueError(
                    f"the aggregate CustomSql must return one row with one number, got {len(rows)} rows "
                    f"x {width} columns"
                )
            value = _plain(rows[0][0])
            if value is not None and not isinstance(value, (int, float)):
                try:
                    value = float(value)
                except (TypeError, ValueError):
                    raise ValueError(f"the CustomSql result {value!r} is not a number") from None
            return value
        if isinstance(req, RefMatch):
            matched = self.frame.join(self._ref_keys(req), on=self._ref_condition(req), how="left_semi")
            return matched.count(), self._row_count()
        assert isinstance(req, DatasetMatchReq)
        theirs = self.ref_schema(req.dataset)
        pairs = [*req.keys, *req.columns]
        ref = self.datasets[req.dataset].select(
            *[scol(b).alias(f"__wb_r{j}") for j, (_, b) in enumerate(pairs)]
        )
        for j in range(len(req.keys)):
            ref = ref.where(F.col(f"__wb_r{j}").isNotNull())
        ref = ref.distinct()
        condition = None
        for j, (a, b) in enumerate(pairs):
            left, right = _aligned(scol(a), F.col(f"__wb_r{j}"), self.schema[a], theirs[b])
            part = left == right if j < len(req.keys) else left.eqNullSafe(right)
            condition = part if condition is None else condition & part
        matched = self.frame.join(ref, on=condition, how="left_semi")
        return matched.count(), self._row_count()

    def _row_count(self) -> int:
        if self._rows is None:
            self._rows = int(self.frame.count())
        return self._rows

    def _ref_keys(self, req: RefMatch | RefRows) -> Any:
        ref = self.datasets[req.dataset].select(
            *[scol(b).alias(f"__wb_r{j}") for j, b in enumerate(req.ref_columns)]
        )
        for j in range(len(req.ref_columns)):
            ref = ref.where(F.col(f"__wb_r{j}").isNotNull())
        return ref.distinct()

    def _ref_condition(self, req: RefMatch | RefRows) -> Any:
        theirs = self.ref_schema(req.dataset)
        condition = None
        for j, (a, b) in enumerate(zip(req.columns, req.ref_columns, strict=True)):
            left, right = _aligned(scol(a), F.col(f"__wb_r{j}"), self.schema[a], theirs[b])
            condition = (left == right) if condition is None else condition & (left == right)
        return condition

    def _tree(self, sql: str) -> Any:
        if sql not in self._trees:
            self._trees[sql] = qsql.check_query(sql, ["primary", *self.datasets])
        return self._trees[sql]

    def _run_sql(self, tree: Any, primary: Any = None) -> Any:
        """Run a checked query; datasets are passed to ``spark.sql`` as DataFrame arguments."""
        token = qsql.view_name()
        frames = {"primary": self.frame if primary is None else primary}
        for table in tree.find_all(qsql.exp.Table):
            name = str(table.name)
            if name in self.datasets:
                frames[name] = self.datasets[name]
        names = {name: f"{token}_{i}" for i, name in enumerate(frames)}
        text = qsql.query_sql(tree, names, "spark").replace("{", "{{").replace("}", "}}")
        args = {}
        for i, (name, frame) in enumerate(frames.items()):
            text = text.replace(f"`{names[name]}`", "{" + f"t{i}" + "}")
            args[f"t{i}"] = frame
        return self.session.sql(text, **args)

    # --- row-level outcomes ----------------------------------------------------------------

    def rows(self, entries: list[tuple[str, Scoped | Combined | None]]) -> Any:
        from workbench.engines.spark import ROW_POSITION

        keep_position = ROW_POSITION in self.frame.columns
        base = (
            self.frame
            if keep_position
            else self.frame.withColumn(ROW_POSITION, F.monotonically_increasing_id())
        )
        state = {"frame": base, "n": 0, "reordered": False}
        statuses = []
        for _text, test in entries:
            if test is None:
                statuses.append(F.lit(SKIP))
                continue
            try:
                statuses.append(self._status(test, state))
            except Exception:
                statuses.append(F.lit(SKIP))
        out = state["frame"]
        names = [f"__wb_s{j}" for j in range(len(entries))]
        out = out.withColumns(dict(zip(names, statuses, strict=True))) if names else out

        def texts(code: int) -> Any:
            items = [
                F.when(F.col(n) == F.lit(code), F.lit(t)) for n, (t, _) in zip(names, entries, strict=True)
            ]
            if not items:
                return F.array().cast("array<string>")
            return F.filter(F.array(*items), lambda x: x.isNotNull())

        out = out.withColumns(
            {
                "DataQualityRulesPass": texts(PASS),
                "DataQualityRulesFail": texts(FAIL),
                "DataQualityRulesSkip": texts(SKIP),
            }
        )
        failed = F.size(F.col("DataQualityRulesFail")) > F.lit(0)
        out = out.withColumn(
            "DataQualityEvaluationResult", F.when(failed, F.lit("Failed")).otherwise(F.lit("Passed"))
        )
        helpers = [c for c in out.columns if c.startswith("__wb_")]
        if state["reordered"]:
            out = out.orderBy(ROW_POSITION)
        if not keep_position:
            helpers.append(ROW_POSITION)
        return out.drop(*helpers)

    def _status(self, test: Scoped | Combined, state: dict[str, Any]) -> Any:
        from workbench.engines.spark import ROW_POSITION

        if isinstance(test, Combined):
            parts = [self._status(p, state) for p in test.parts]
            any_pass = _any([p == F.lit(PASS) for p in parts])
            any_fail = _any([p == F.lit(FAIL) for p in parts])
            first, second = (any_fail, FAIL), (any_pass, PASS)
            if test.op == "or":
                first, second = second, first
            return F.when(first[0], F.lit(first[1])).when(second[0], F.lit(second[1])).otherwise(F.lit(SKIP))
        s = self.scope(test.where)
        inner = test.test
        state["n"] += 1
        n = state["n"]
        if isinstance(inner, Unique):
            window = W.Window.partitionBy(s, *[scol(c) for c in inner.columns])
            state["frame"] = state["frame"].withColumn(f"__wb_u{n}", F.count(F.lit(1)).over(window))
            state["reordered"] = True
            some = _any([scol(c).isNotNull() for c in inner.columns])
            passed = (F.col(f"__wb_u{n}") == F.lit(1)) & some
            if inner.key:
                passed = passed & _all([scol(c).isNotNull() for c in inner.columns])
        elif isinstance(inner, SqlRows):
            ids_query = qsql.row_ids_query(self._tree(inner.sql), ROW_POSITION)
            if ids_query is None:
                raise ValueError(
                    "row-level results need a CustomSql of the form SELECT ... FROM primary WHERE ..."
                )
            ids = self._run_sql(ids_query, primary=state["frame"]).distinct()
            hits = ids.select(F.col(ROW_POSITION), F.lit(True).alias(f"__wb_h{n}"))
            state["frame"] = state["frame"].join(hits, on=ROW_POSITION, how="left")
            state["reordered"] = True
            passed = F.col(f"__wb_h{n}").isNotNull()
        elif isinstance(inner, RefRows):
            keys = self._ref_keys(inner).withColumn(f"__wb_h{n}", F.lit(True))
            renamed = keys.select(
                *[F.col(f"__wb_r{j}").alias(f"__wb_r{n}_{j}") for j in range(len(inner.columns))],
                F.col(f"__wb_h{n}"),
            )
            theirs = self.ref_schema(inner.dataset)
            condition = None
            for j, (a, b) in enumerate(zip(inner.columns, inner.ref_columns, strict=True)):
                left, right = _aligned(scol(a), F.col(f"__wb_r{n}_{j}"), self.schema[a], theirs[b])
                condition = (left == right) if condition is None else condition & (left == right)
            state["frame"] = state["frame"].join(renamed, on=condition, how="left")
            state["reordered"] = True
            passed = F.col(f"__wb_h{n}").isNotNull()
        else:
            passed = self.passes(inner)
        return F.when(~s, F.lit(SKIP)).when(passed, F.lit(PASS)).otherwise(F.lit(FAIL))


def _aligned(left: Any, right: Any, mine: LType, theirs: LType) -> tuple[Any, Any]:
    if mine is theirs:
        return left, right
    target = "double" if mine.is_numeric and theirs.is_numeric else "string"
    return left.cast(target), right.cast(target)


def _gid(key: str, keys: list[str]) -> int:
    """Spark's grouping id of the grouping set ``[key]``: one bit per key, set when not grouped."""
    bits = 0
    for k in keys:
        bits = (bits << 1) | (0 if k == key else 1)
    return bits


def _EQ(a: Any, b: Any) -> Any:
    return a == b


def _GT(a: Any, b: Any) -> Any:
    return a > b


def _LT(a: Any, b: Any) -> Any:
    return a < b


_ORDER = {
    ">": _GT,
    ">=": lambda a, b: a >= b,
    "<": _LT,
    "<=": lambda a, b: a <= b,
}


def _any(parts: list[Any]) -> Any:
    if not parts:
        return F.lit(False)
    out = parts[0]
    for p in parts[1:]:
        out = out | p
    return out


def _all(parts: list[Any]) -> Any:
    out = parts[0]
    for p in parts[1:]:
        out = out & p
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
